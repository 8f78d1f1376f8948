/**
 * Adversary benchmark: what an attacked step costs over a clean step, on the 2013 DQN Q-network
 * (conv16 8x8/4, conv32 4x4/2, dense 256, 6 actions; random seeded weights) at 84x84x4, batch 1,
 * on the wasm backend (cpu if wasm does not load).
 *
 * - clean step: one greedy forward (policy.act), what an unattacked agent pays per step.
 * - bare input gradient: d sum(logits) / d obs, read back, two ways: the fused chain gradient that
 *   LayersPolicy offers (agents/chainGradient.ts, what attacks use) and tf.grad through logits()
 *   (what attacks fall back to for other policies); FGSM over it is the attack code's own overhead.
 * - attacks through tf.grad: FGSM and PGD on the same net behind a Policy without the fused
 *   gradient, so the fast path's gain is measured under the same load as everything else.
 * - attack: the attack alone, result read back to JS (the observation stream needs it there).
 * - perceive: the whole AdversarialObservation step with every-step timing, white-box: the attack
 *   (whose forward pass at the clean view also gives the clean action; random noise needs a
 *   forward of its own), victim forward on the perturbed view, read-back and delta norms.
 * The machine is shared, so every case is timed in each of several interleaved rounds and the
 * median round is reported: ratios then compare cases measured under the same load.
 * Goal (issue): FGSM <= 3x a clean step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildQNetwork } from '../agents/networks.ts';
import { LayersPolicy } from '../agents/layersPolicy.ts';
import { initBackend } from '../src/core/tensor/backend.ts';
import { AdversarialObservation } from '../src/lab/adversary/adversarialObservation.ts';
import { makeAttack, makeTiming, type AttackConfig } from '../src/lab/adversary/fromConfig.ts';
import type { Policy } from '../agents/policy.ts';
import { Rng } from '../src/core/rng.ts';

const SHAPE = [84, 84, 4] as const;
const ROUNDS = 7;

interface Case {
  readonly name: string;
  readonly repeats: number;
  readonly run: () => void;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Median over interleaved rounds of each case's mean time per call, in ms. */
function timeInterleaved(cases: readonly Case[]): Map<string, number> {
  for (const { run } of cases) for (let i = 0; i < 3; i++) run();
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, repeats, run } of cases) {
      const start = performance.now();
      for (let i = 0; i < repeats; i++) run();
      samples.get(name)?.push((performance.now() - start) / repeats);
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

export async function runAdversaryBench(): Promise<void> {
  let backend: string;
  try {
    backend = await initBackend('wasm');
  } catch {
    backend = await initBackend('cpu');
  }
  const model = buildQNetwork(SHAPE, 6, 1);
  const policy = new LayersPolicy(model);
  const rng = Rng.fromSeed(1);
  const observation = Float32Array.from({ length: SHAPE[0] * SHAPE[1] * SHAPE[2] }, () => rng.float());
  const obs = tf.tensor4d(observation, [1, ...SHAPE]);
  const repeats = backend === 'cpu' ? 1 : 10;

  const attacks: [string, AttackConfig][] = [
    ['fgsm linf', { kind: 'fgsm', eps: 1 / 255, norm: 'linf' }],
    ['fgsm l2', { kind: 'fgsm', eps: 0.01, norm: 'l2' }],
    ['fgsm l1', { kind: 'fgsm', eps: 0.05, norm: 'l1' }],
    ['pgd-10 linf', { kind: 'pgd', eps: 1 / 255, norm: 'linf', steps: 10 }],
    ['pgd-10 l1', { kind: 'pgd', eps: 0.05, norm: 'l1', steps: 10 }],
    ['random linf', { kind: 'random', eps: 1 / 255, norm: 'linf' }],
  ];
  const tapeGradient = tf.grad((x: tf.Tensor) => tf.sum(policy.logits(x as tf.Tensor4D)));
  const fusedGradient = policy.inputGradient;
  if (fusedGradient === undefined) throw new Error('the DQN net should offer a fused input gradient');
  // The same network behind the bare Policy interface: attacks take tf.grad.
  const taped: Policy = { actionCount: policy.actionCount, inputShape: policy.inputShape, logits: (x) => policy.logits(x), act: (x) => policy.act(x) };
  const cases: Case[] = [
    { name: 'clean', repeats, run: () => void policy.act(obs) },
    {
      name: 'gradient',
      repeats,
      run: () => {
        const g = tapeGradient(obs);
        g.dataSync();
        g.dispose();
      },
    },
    {
      name: 'fused gradient',
      repeats,
      run: () => tf.tidy(() => void fusedGradient(obs, (logits) => tf.onesLike(logits)).gradient.dataSync()),
    },
  ];
  const tapedAttacks: [string, AttackConfig][] = [
    ['fgsm linf', { kind: 'fgsm', eps: 1 / 255, norm: 'linf' }],
    ['pgd-10 linf', { kind: 'pgd', eps: 1 / 255, norm: 'linf', steps: 10 }],
  ];
  for (const [name, config] of tapedAttacks) {
    const attack = makeAttack(config);
    cases.push({
      name: `${name}/tf.grad`,
      repeats: config.kind === 'pgd' ? Math.max(1, repeats / 5) : repeats,
      run: () => {
        const out = attack(taped, obs, rng);
        out.dataSync();
        out.dispose();
      },
    });
  }
  for (const [name, config] of attacks) {
    const attack = makeAttack(config);
    const attackRepeats = config.kind === 'pgd' ? Math.max(1, repeats / 5) : repeats;
    const adversary = new AdversarialObservation({ victim: policy, source: policy, attack, timing: makeTiming({ kind: 'every' }), rng });
    cases.push({
      name: `${name}/attack`,
      repeats: attackRepeats,
      run: () => {
        const out = attack(policy, obs, rng);
        out.dataSync();
        out.dispose();
      },
    });
    cases.push({ name: `${name}/perceive`, repeats: attackRepeats, run: () => void adversary.perceive(observation) });
  }
  const times = timeInterleaved(cases);
  obs.dispose();
  model.dispose();

  const cleanMs = times.get('clean') ?? NaN;
  console.log(`\n== adversary: attacked step vs clean step (2013 DQN net, 84x84x4, batch 1, backend ${backend}) ==`);
  const gradientMs = times.get('fused gradient') ?? NaN;
  const tapeMs = times.get('gradient') ?? NaN;
  console.log(`clean step (greedy forward): ${cleanMs.toFixed(2)} ms`);
  console.log(`bare input gradient (forward + backward, no attack code): fused ${gradientMs.toFixed(2)} ms = ${(gradientMs / cleanMs).toFixed(1)}x clean; tf.grad ${tapeMs.toFixed(2)} ms = ${(tapeMs / cleanMs).toFixed(1)}x clean`);
  console.log('attack          attack ms  x clean   perceive ms  x clean');
  for (const [name] of attacks) {
    const attackMs = times.get(`${name}/attack`) ?? NaN;
    const perceiveMs = times.get(`${name}/perceive`) ?? NaN;
    console.log(
      `${name.padEnd(14)} ${attackMs.toFixed(2).padStart(10)} ${(attackMs / cleanMs).toFixed(1).padStart(8)}x ${perceiveMs.toFixed(2).padStart(12)} ${(perceiveMs / cleanMs).toFixed(1).padStart(8)}x`,
    );
  }
  for (const [name] of tapedAttacks) {
    const tapedMs = times.get(`${name}/tf.grad`) ?? NaN;
    const fusedMs = times.get(`${name}/attack`) ?? NaN;
    console.log(`${name} through tf.grad (no fused gradient): ${tapedMs.toFixed(2)} ms = ${(tapedMs / cleanMs).toFixed(1)}x clean; fused path ${(tapedMs / fusedMs).toFixed(2)}x faster`);
  }
  const fgsmRatio = (times.get('fgsm linf/attack') ?? NaN) / cleanMs;
  console.log(`goal FGSM <= 3x clean step: ${fgsmRatio <= 3 ? 'met' : 'not met'} (${fgsmRatio.toFixed(2)}x)`);
  const overhead = (times.get('fgsm linf/attack') ?? NaN) / gradientMs;
  console.log(`FGSM linf over the bare input gradient: ${overhead.toFixed(2)}x (the rest of the gap is the backend's gradient)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await runAdversaryBench();
