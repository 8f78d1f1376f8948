/**
 * DQN training throughput on Pong-v0 (84x84x4, 2013 net, batch 32, wasm), one core, measured side
 * by side in one run: the full training loop (env + epsilon-greedy acting + replay + one update
 * every 4 steps), and its parts: env steps with a greedy forward pass each, replay sampling
 * (uniform, and prioritized with its priority update, timed alternately), and one gradient update
 * (Double DQN: 3 forward passes + 1 backward on the batch). The update takes the
 * fused chain gradient (agents/chainParameterGradient.ts), as the trainer does; the same update
 * through tf.variableGrads (the path for models that are not chains) is timed alternately with it,
 * as is QR-DQN's update (32 quantiles per action, agents/dqn/quantiles.ts), and the full loop with
 * the patch6 net (agents/networks.ts) alternately with the 2013 one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDqnConfig } from '../agents/dqn/config.ts';
import { DqnLearner } from '../agents/dqn/learner.ts';
import { PrioritizedReplayBuffer } from '../agents/dqn/prioritizedReplay.ts';
import { headOutputs } from '../agents/dqn/quantiles.ts';
import { ReplayBuffer } from '../agents/dqn/replayBuffer.ts';
import { trainDqn } from '../agents/dqn/train.ts';
import { buildQNetwork, type Architecture } from '../agents/networks.ts';
import { makeEnv } from '../envs/index.ts';
import { Rng } from '../src/core/rng.ts';
import { adam } from '../src/core/tensor/adam.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

const time = (fn: () => void, times: number): number => {
  const start = performance.now();
  for (let i = 0; i < times; i++) fn();
  return (performance.now() - start) / times;
};

export async function runDqnBench(): Promise<void> {
  const backend = await initBackend('wasm');
  console.log(`\n## dqn: training throughput on Pong-v0 (${backend}, 2013 net, batch 32, train every 4 steps), one core\n`);
  const config = parseDqnConfig({ env: 'Pong-v0' });
  const env = makeEnv('Pong-v0');
  const shape = env.observationSpace.shape as unknown as [number, number, number];
  const makeLearner = (fusedGradient: boolean): DqnLearner =>
    new DqnLearner(buildQNetwork(shape, env.actionSpace.n, 1), buildQNetwork(shape, env.actionSpace.n, 2), adam(1e-4), config, { fusedGradient });
  const learner = makeLearner(true);
  const tapeLearner = makeLearner(false);
  const quantiles = 32;
  const quantileOutputs = headOutputs(env.actionSpace.n, quantiles);
  const quantileLearner = new DqnLearner(buildQNetwork(shape, quantileOutputs, 1), buildQNetwork(shape, quantileOutputs, 2), adam(1e-4), { ...config, quantiles }, {
    foldedNetwork: buildQNetwork(shape, env.actionSpace.n, 3),
  });
  const buffer = new ReplayBuffer(5_000, shape);
  const rng = Rng.fromSeed(0);
  let observation = env.reset({ seed: 0 }).observation;
  const step = (greedy: boolean, into: ReplayBuffer = buffer): void => {
    const action = greedy ? learner.greedyAction(observation, shape) : rng.int(0, env.actionSpace.n - 1);
    const result = env.step(action);
    into.add(observation, action, result.reward, result.observation, result.terminated, result.terminated || result.truncated);
    observation = result.terminated || result.truncated ? env.reset().observation : result.observation;
  };
  const randomStepMs = time(() => step(false), 2_000);
  const greedyStepMs = time(() => step(true), 300);
  // Filled by random play apart from the timed steps above, which stay one replay add each.
  const prioritized = new PrioritizedReplayBuffer(5_000, shape, { alpha: 0.5, epsilon: 1e-6 });
  for (let i = 0; i < 2_000; i++) step(false, prioritized);
  const tdErrors = Float32Array.from({ length: 32 }, () => rng.uniform(-2, 2));
  // Uniform and prioritized sampling alternately, in blocks, so both see the same machine load.
  let sampleMs = 0;
  let prioritizedSampleMs = 0;
  for (let block = 0; block < 5; block++) {
    sampleMs += time(() => buffer.sample(32, rng), 10) / 5;
    prioritizedSampleMs += time(() => prioritized.updatePriorities(prioritized.sample(32, rng, { beta: 0.5 }).slots, tdErrors), 10) / 5;
  }
  let updateMs = 0;
  let tapeUpdateMs = 0;
  let quantileUpdateMs = 0;
  for (const l of [learner, tapeLearner, quantileLearner]) l.update(buffer.sample(32, rng), shape); // warm-up (kernel compilation, Adam slots)
  for (let block = 0; block < 5; block++) {
    updateMs += time(() => learner.update(buffer.sample(32, rng), shape), 4) / 5;
    tapeUpdateMs += time(() => tapeLearner.update(buffer.sample(32, rng), shape), 4) / 5;
    quantileUpdateMs += time(() => quantileLearner.update(buffer.sample(32, rng), shape), 4) / 5;
  }
  learner.dispose();
  tapeLearner.dispose();
  quantileLearner.dispose();

  const loopSteps = 1_200;
  const quiet = { update: () => undefined, log: () => undefined, stop: () => undefined };
  const loopTime = async (architecture: Architecture): Promise<number> => {
    const out = mkdtempSync(join(tmpdir(), 'advgym-dqn-bench-'));
    const start = performance.now();
    await trainDqn(parseDqnConfig({ architecture, totalSteps: loopSteps, learningStarts: 200, bufferSize: 2_000, epsilonDecaySteps: 10_000, evalInterval: 1e6, checkpointInterval: 1e6 }), out, { progress: quiet, skipFinal: true });
    rmSync(out, { recursive: true, force: true });
    return (performance.now() - start) / 1000;
  };
  // The 2013 net and patch6 alternately, twice each, so both see the same machine load.
  let loopSeconds = 0;
  let patch6Seconds = 0;
  for (let round = 0; round < 2; round++) {
    loopSeconds += (await loopTime('dqn2013')) / 2;
    patch6Seconds += (await loopTime('patch6')) / 2;
  }
  const learningSteps = loopSteps - 200;

  console.log('| measure | value |');
  console.log('|---|---:|');
  console.log(`| env step + replay add, random action | ${randomStepMs.toFixed(3)} ms (${(1000 / randomStepMs).toFixed(0)} steps/s) |`);
  console.log(`| env step + replay add + greedy forward | ${greedyStepMs.toFixed(2)} ms (${(1000 / greedyStepMs).toFixed(0)} steps/s) |`);
  console.log(`| replay sample, batch 32 | ${sampleMs.toFixed(2)} ms |`);
  console.log(`| prioritized replay sample + priority update, batch 32 | ${prioritizedSampleMs.toFixed(2)} ms (${(prioritizedSampleMs / sampleMs).toFixed(2)}x uniform) |`);
  console.log(`| gradient update, batch 32 (Double DQN) | ${updateMs.toFixed(1)} ms (${(1000 / updateMs).toFixed(1)} updates/s) |`);
  console.log(`| same update through tf.variableGrads, timed alternately | ${tapeUpdateMs.toFixed(1)} ms (fused ${(tapeUpdateMs / updateMs).toFixed(2)}x faster) |`);
  console.log(`| QR-DQN update (${quantiles} quantiles per action), timed alternately | ${quantileUpdateMs.toFixed(1)} ms (${(quantileUpdateMs / updateMs).toFixed(2)}x the plain update) |`);
  console.log(`| full loop, ${loopSteps} steps (200 random warm-up, then eps ~1 + update every 4) | ${(loopSteps / loopSeconds).toFixed(0)} steps/s, ${(learningSteps / 4 / loopSeconds).toFixed(1)} updates/s |`);
  console.log(`| same loop with the patch6 net (agents/networks.ts), timed alternately | ${(loopSteps / patch6Seconds).toFixed(0)} steps/s (${(loopSeconds / patch6Seconds).toFixed(2)}x) |`);
  console.log(`| predicted learning-phase rate from the parts | ${(1000 / (greedyStepMs + (sampleMs + updateMs) / 4)).toFixed(0)} steps/s |`);
  console.log(`\nupdate / greedy step cost: ${(updateMs / greedyStepMs).toFixed(0)}x; replay sample share of an update: ${((100 * sampleMs) / (sampleMs + updateMs)).toFixed(0)}%`);
}
