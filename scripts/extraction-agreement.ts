// Agreement of model folders with a victim on held-out states of the victim's own greedy play, the
// measure `advgym extract` reports (agents/extract/agreement.ts), for putting an extracted
// substitute beside separately trained agents:
//   node --import tsx scripts/extraction-agreement.ts models/pong-dqn DIR...   (episodes 900000, 900001)
// It also prints how often the victim keeps its *own* action when every pixel of those states moves
// by a random ±k/255 (k = 1, 2, 4, 8; seed 1): a reference for how fine-grained its decisions are.
// A victim whose argmax flips under one grey level of noise on 14% of its states (models/pong-dqn) cannot be copied
// to 90% agreement without reproducing its decision boundaries to within that grey level.
import * as tf from '@tensorflow/tfjs-core';
import { agreement, victimPlayStates } from '../agents/extract/agreement.ts';
import type { LabelledStates } from '../agents/extract/labelledStates.ts';
import { loadPolicy } from '../agents/loadPolicy.ts';
import type { Policy } from '../agents/policy.ts';
import { makeEnv } from '../envs/index.ts';
import { Rng } from '../src/core/rng.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

const [victimDir, ...others] = process.argv.slice(2);
if (victimDir === undefined) throw new Error('usage: extraction-agreement.ts VICTIM DIR...');
await initBackend('wasm');
const victim = await loadPolicy(victimDir);
const heldOut = victimPlayStates(victim, makeEnv('Pong-v0'), 2, 900_000);
const counts = [0, 0, 0];
for (let i = 0; i < heldOut.size; i++) counts[heldOut.labels[i] as number] = (counts[heldOut.labels[i] as number] ?? 0) + 1;
process.stdout.write(`${heldOut.size} held-out states of ${victimDir}; actions ${counts.join('/')}; the most common action alone agrees ${((Math.max(...counts) / heldOut.size) * 100).toFixed(1)}%\n`);
for (const greyLevels of [1, 2, 4, 8]) {
  process.stdout.write(`${victimDir} under random ±${greyLevels}/255 on every pixel keeps its own action on ${(selfAgreementUnderNoise(victim, heldOut, greyLevels / 255, Rng.fromSeed(1)) * 100).toFixed(1)}%\n`);
}
for (const dir of others) process.stdout.write(`${dir}: ${(agreement(await loadPolicy(dir), heldOut) * 100).toFixed(1)}%\n`);

/**
 * The share of `states` on which `policy`'s action on the state plus a random ±eps per pixel
 * (clipped to [0, 1]) is its stored action: `agreement` with the policy behind that noise.
 */
function selfAgreementUnderNoise(policy: Policy, states: LabelledStates, eps: number, rng: Rng): number {
  const noisy = (obs: tf.Tensor4D): number[] => {
    const signs = new Float32Array(obs.size).map(() => (rng.chance(0.5) ? eps : -eps));
    return tf.tidy(() => policy.act(tf.clipByValue(tf.add(obs, tf.tensor(signs, obs.shape)), 0, 1) as tf.Tensor4D));
  };
  return agreement({ act: noisy }, states);
}
