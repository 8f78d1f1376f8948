// How far Jacobian augmentation (agents/extract/jacobian.ts) moves Pong observations at several λ,
// and how often the move changes the victim's action: the measurement behind extract's default λ.
//   node --import tsx scripts/jacobian-lambda.ts models/pong-dqn SUBSTITUTE_DIR
import * as tf from '@tensorflow/tfjs-core';
import { agreement, victimPlayStates } from '../agents/extract/agreement.ts';
import { jacobianAugment } from '../agents/extract/jacobian.ts';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { makeEnv } from '../envs/index.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

const [victimDir, substituteDir] = process.argv.slice(2);
if (victimDir === undefined || substituteDir === undefined) throw new Error('usage: jacobian-lambda.ts VICTIM SUBSTITUTE');
await initBackend('wasm');
const victim = await loadPolicy(victimDir);
const substitute = await loadPolicy(substituteDir);
const states = victimPlayStates(victim, makeEnv('Pong-v0'), 1, 900_000);
const indices = Array.from({ length: Math.floor(states.size / 4) }, (_, i) => i * 4);
process.stdout.write(`${indices.length} states of the victim's play (episode 900000); substitute agreement there ${(agreement(substitute, states) * 100).toFixed(1)}%\n`);
for (const lambda of [1 / 255, 2 / 255, 4 / 255, 8 / 255, 16 / 255, 0.1]) {
  let changed = 0;
  let movedPixels = 0;
  let total = 0;
  for (let start = 0; start < indices.length; start += 64) {
    const chunk = indices.slice(start, start + 64);
    const labels = chunk.map((index) => states.labels[index] as number);
    const obs = states.batch(chunk);
    // Stored as grey levels, as extraction stores them.
    const augmented = tf.tidy(() => tf.div(tf.round(tf.mul(jacobianAugment(substitute, obs, labels, lambda), 255)), 255) as tf.Tensor4D);
    const after = victim.act(augmented);
    after.forEach((action, i) => (changed += action === labels[i] ? 0 : 1));
    movedPixels += tf.tidy(() => tf.sum(tf.cast(tf.notEqual(augmented, obs), 'float32')).dataSync()[0] ?? 0);
    total += obs.size;
    obs.dispose();
    augmented.dispose();
  }
  process.stdout.write(`λ ${lambda.toFixed(4)} (${(lambda * 255).toFixed(1)}/255): pixels moved ${((movedPixels / total) * 100).toFixed(1)}%, victim's action changed on ${((changed / indices.length) * 100).toFixed(1)}% of points\n`);
}
