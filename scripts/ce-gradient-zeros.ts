// Why white-box FGSM fails on a distilled student: on 100 states of the teacher's greedy play
// (episode 900000, Pong-v0), the share of states where the FGSM cross-entropy gradient (Huang et
// al.'s loss at the model's own argmax, the attack's code path) is exactly zero in float32 over the
// whole observation, so sign() gives FGSM nothing to move; and the median gap between the model's
// two largest logits. A gap above ~17 already rounds the top softmax entry to 1, but FGSM takes
// sign(), so a tiny gradient still moves it: only past ~87-104 does exp() underflow to exactly 0
// (float32's normal and subnormal floors), and the gradient with it.
//   node --import tsx scripts/ce-gradient-zeros.ts models/pong-dqn DIR...
import * as tf from '@tensorflow/tfjs-core';
import { victimPlayStates } from '../agents/extract/agreement.ts';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { makeEnv } from '../envs/index.ts';
import { lossAndDirection } from '../src/lab/adversary/gradient.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

const [teacherDir, ...dirs] = process.argv.slice(2);
if (teacherDir === undefined || dirs.length === 0) throw new Error('usage: ce-gradient-zeros.ts TEACHER DIR...');
await initBackend('wasm');
const teacher = await loadPolicy(teacherDir);
const states = victimPlayStates(teacher, makeEnv('Pong-v0'), 1, 900_000);
const indices = Array.from({ length: 100 }, (_, i) => Math.floor((i * states.size) / 100));
for (const dir of dirs) {
  const policy = await loadPolicy(dir);
  let zeroStates = 0;
  const gaps: number[] = [];
  for (const k of indices) {
    const obs = states.batch([k]);
    tf.tidy(() => {
      const { direction } = lossAndDirection(policy, obs);
      if (tf.any(tf.notEqual(direction, 0)).dataSync()[0] === 0) zeroStates++;
      const logits = Array.from(policy.logits(obs).dataSync()).sort((a, b) => b - a);
      gaps.push((logits[0] as number) - (logits[1] as number));
    });
    obs.dispose();
  }
  gaps.sort((a, b) => a - b);
  process.stdout.write(`${dir}: FGSM-ce gradient exactly 0 on ${zeroStates} of 100 states; median top-2 logit gap ${(gaps[50] as number).toFixed(2)}\n`);
}
