/**
 * Cost and bite of each attack on one model, per attacked step: wall time (batch 1, as the runner
 * attacks) and the fraction of states whose action changes, on states of the model's own clean play;
 * and the same on the model with its logits multiplied by 1e4 (a saturated softmax: gradient
 * masking). Not part of `npm run bench`; docs/attacks.md quotes its output.
 *   node --import tsx bench/attackCost.ts [model=models/pong-dqn] [states=60] [eps=0.004]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/core/tensor/backend.ts';
import { loadPolicy } from '../agents/loadPolicy.ts';
import type { Policy } from '../agents/policy.ts';
import { makeEnv } from '../envs/index.ts';
import { Rng } from '../src/core/rng.ts';
import { makeAttack, type AttackConfig } from '../src/lab/adversary/fromConfig.ts';

const [model = 'models/pong-dqn', stateArg = '60', epsArg = '0.004'] = process.argv.slice(2);
const eps = Number(epsArg);
await initBackend('wasm');
const victim = await loadPolicy(model);
const saturated: Policy = {
  actionCount: victim.actionCount,
  inputShape: victim.inputShape,
  logits: (obs) => tf.tidy(() => tf.mul(victim.logits(obs), 1e4) as tf.Tensor2D),
  act: (obs) => victim.act(obs),
};

// States of the victim's own play: every 5th step of seeded Pong episodes (pointsToWin 5).
const env = makeEnv('Pong-v0', { game: { pointsToWin: 5 }, maxEpisodeSteps: 3000 });
const states: Float32Array[] = [];
let observation = env.reset({ seed: 0 }).observation;
for (let t = 0; states.length < Number(stateArg); t++) {
  if (t % 5 === 0) states.push(observation.slice());
  const action = tf.tidy(() => victim.act(tf.tensor4d(observation, [1, ...victim.inputShape])))[0] ?? 0;
  const result = env.step(action);
  observation = result.terminated || result.truncated ? env.reset({ seed: t }).observation : result.observation;
}

const plan: AttackConfig[] = [
  { kind: 'random', eps },
  { kind: 'fgsm', eps },
  { kind: 'fgsm', eps, loss: 'margin' },
  { kind: 'pgd', eps, steps: 10 },
  { kind: 'pgd', eps, steps: 10, loss: 'margin' },
  { kind: 'pgd', eps, steps: 10, restarts: 3 },
  { kind: 'pgd', eps, steps: 10, restarts: 3, loss: 'margin' },
  { kind: 'spsa', eps },
  { kind: 'decision', eps },
];

console.log(`model ${model}, ${states.length} states, eps ${eps} linf, newest frame; backend wasm`);
console.log('| attack | ms / attacked step | action change rate | ... on logits x 1e4 |');
console.log('|---|---:|---:|---:|');
for (const config of plan) {
  const attack = makeAttack(config);
  const row: string[] = [];
  let ms = 0;
  for (const source of [victim, saturated]) {
    const rng = Rng.fromSeed(1);
    let changed = 0;
    const started = performance.now();
    for (const state of states) {
      tf.tidy(() => {
        const x = tf.tensor4d(state, [1, ...victim.inputShape]);
        const perturbed = attack(source, x, rng);
        if ((victim.act(perturbed)[0] ?? -1) !== victim.act(x)[0]) changed++;
      });
    }
    if (source === victim) ms = (performance.now() - started) / states.length;
    row.push((changed / states.length).toFixed(2));
  }
  const { kind, eps: _eps, ...rest } = config;
  console.log(`| ${kind} ${Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(' ')} | ${ms.toFixed(1)} | ${row[0]} | ${row[1]} |`);
}
