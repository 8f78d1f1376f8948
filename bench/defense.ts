/**
 * Defenses' cost per DQN update on Pong-v0 (84x84x4, the committed models/pong-dqn recipe: patch6
 * net, QR-DQN 32 quantiles, batch 32, wasm, one core), timed alternately in blocks in one run so
 * every variant sees the same machine load, reported as ratios to the plain update:
 *   - adversarial training 'learn' with FGSM, and with PGD-10 (random start), the whole batch attacked
 *     (fraction 1: the most it can cost) and half of it (the default fraction 0.5);
 *   - SA-DQN's regularizer: PGD-5 (SA_DQN's training default) and PGD-10 margin solver + a second backward.
 * Goals (issue 28): FGSM adversarial training <= 1.6x the plain update, PGD-10 <= 6x.
 */
import { parseDqnConfig } from '../agents/dqn/config.ts';
import { DqnLearner } from '../agents/dqn/learner.ts';
import { headOutputs } from '../agents/dqn/quantiles.ts';
import { ReplayBuffer } from '../agents/dqn/replayBuffer.ts';
import { LayersPolicy } from '../agents/layersPolicy.ts';
import { buildQNetwork } from '../agents/networks.ts';
import { adversarialTrainingSchema } from '../agents/training/adversarialTraining.ts';
import { saRegularizerSchema } from '../agents/dqn/config.ts';
import { makeEnv } from '../envs/index.ts';
import { Rng } from '../src/core/rng.ts';
import { adam } from '../src/core/tensor/adam.ts';
import { initBackend } from '../src/core/tensor/backend.ts';
import { buildObservationHook } from '../src/lab/defense/observationHook.ts';

const time = (fn: () => void, times: number): number => {
  const start = performance.now();
  for (let i = 0; i < times; i++) fn();
  return (performance.now() - start) / times;
};

/** The bench's setup: a replay buffer of random Pong play and one learner per variant, the first plain. */
export interface DefenseBenchSetup {
  readonly shape: [number, number, number];
  readonly buffer: ReplayBuffer;
  readonly rng: Rng;
  readonly variants: { name: string; learner: DqnLearner }[];
  dispose(): void;
}

export function defenseBenchSetup(): DefenseBenchSetup {
  const env = makeEnv('Pong-v0');
  const shape = env.observationSpace.shape as unknown as [number, number, number];
  const actions = env.actionSpace.n;
  const config = parseDqnConfig({ env: 'Pong-v0', architecture: 'patch6', quantiles: 32 });
  const rng = Rng.fromSeed(0);
  const buffer = new ReplayBuffer(3_000, shape);
  let observation = env.reset({ seed: 0 }).observation;
  for (let i = 0; i < 2_000; i++) {
    const action = rng.int(0, actions - 1);
    const result = env.step(action);
    buffer.add(observation, action, result.reward, result.observation, result.terminated, result.terminated || result.truncated);
    observation = result.terminated || result.truncated ? env.reset().observation : result.observation;
  }
  const outputs = headOutputs(actions, 32);
  const learner = (): DqnLearner =>
    new DqnLearner(buildQNetwork(shape, outputs, 1, 'patch6'), buildQNetwork(shape, outputs, 2, 'patch6'), adam(1e-4), config, { foldedNetwork: buildQNetwork(shape, actions, 3, 'patch6') });
  const step = 1_000_000; // past every ramp: full eps
  const variants: { name: string; learner: DqnLearner }[] = [];
  variants.push({ name: 'plain update', learner: learner() });
  for (const [name, attack, pgdSteps, fraction] of [
    ['adversarial training, FGSM (learn, whole batch)', 'fgsm', 1, 1],
    ['adversarial training, FGSM (learn, half the batch: the default fraction)', 'fgsm', 1, 0.5],
    ['adversarial training, PGD-10 (learn, whole batch)', 'pgd', 10, 1],
    ['adversarial training, PGD-10 (learn, half the batch)', 'pgd', 10, 0.5],
  ] as const) {
    const l = learner();
    const learn = buildObservationHook({ adversarialTraining: adversarialTrainingSchema.parse({ attack, pgdSteps, where: 'learn', fraction, epsRampSteps: 0 }) })?.learn;
    if (learn === undefined) throw new Error('no learn hook');
    const hookRng = Rng.fromSeed(1);
    l.setObservationHook((obs) => learn(new LayersPolicy(l.policyNetwork()), obs, hookRng, step));
    variants.push({ name, learner: l });
  }
  for (const pgdSteps of [5, 10]) {
    const l = learner();
    const worstCase = buildObservationHook({ saRegularizer: saRegularizerSchema.parse({ pgdSteps, epsRampSteps: 0 }) })?.worstCase;
    if (worstCase === undefined) throw new Error('no worstCase hook');
    const hookRng = Rng.fromSeed(2);
    l.setSaRegularizer({ kappa: 0.005, margin: 1, worstState: (obs) => worstCase(new LayersPolicy(l.policyNetwork()), obs, hookRng, step) });
    variants.push({ name: `SA regularizer, PGD-${pgdSteps} margin solver`, learner: l });
  }
  return {
    shape,
    buffer,
    rng,
    variants,
    dispose: () => {
      for (const v of variants) v.learner.dispose();
      env.close();
    },
  };
}

export async function runDefenseBench(): Promise<void> {
  const backend = await initBackend('wasm');
  console.log(`\n## defense: one DQN update with adversarial training / SA regularizer (${backend}, patch6, QR 32, batch 32), one core\n`);
  const { shape, buffer, rng, variants, dispose } = defenseBenchSetup();
  const ms = variants.map(() => 0);
  for (const v of variants) v.learner.update(buffer.sample(32, rng), shape); // warm-up
  // Blocks of 3 updates per variant in turn, so load that comes and goes on shared cores reaches every variant alike.
  const blocks = 6;
  for (let block = 0; block < blocks; block++) {
    variants.forEach((v, i) => {
      ms[i] = (ms[i] as number) + time(() => v.learner.update(buffer.sample(32, rng), shape), 3) / blocks;
    });
  }
  const plain = ms[0] as number;
  console.log('| update | ms | ratio to plain |');
  console.log('|---|---:|---:|');
  variants.forEach((v, i) => console.log(`| ${v.name} | ${(ms[i] as number).toFixed(1)} | ${((ms[i] as number) / plain).toFixed(2)}x |`));
  console.log('\nGoals: FGSM adversarial training <= 1.6x, PGD-10 <= 6x the plain update.');
  dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) await runDefenseBench();
