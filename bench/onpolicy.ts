/**
 * On-policy throughput on Pong-v0 (84x84x4, the 2013 DQN net, wasm), in one run:
 *
 * 1. env steps/s of A3C (2 worker threads, t_max 5, as bench/a3c.ts), PPO (8 envs x 128 steps,
 *    3 epochs of 256-row minibatches: the paper's Atari settings) and TRPO (8 envs x 256 steps),
 *    as ratios to the A3C; beside them the cores each run got (process CPU s / wall s: other
 *    engineers' jobs take cores) and env steps per CPU-second, which the machine's load moves less;
 *    PPO's and TRPO's split of wall time between the rollout (env steps + batched forward passes)
 *    and the update, and the share of TRPO's update spent in conjugate gradient.
 * 2. A synchronous data-parallel PPO gradient: one 256-row minibatch's gradient in the main thread,
 *    against two worker threads (dataParallelGradientWorker.ts) computing 128 rows each with the
 *    same weights while the main thread waits, then averages the halves in a fixed order, clips
 *    and takes the Adam step, and publishes the weights (everything a real update would do).
 *    Timed in alternating blocks so both see the same load.
 *
 * PPO and TRPO time their iterations after one warm-up iteration (wasm kernels' first calls).
 * About 3-4 minutes on 2 busy cores.
 */
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { resolveA3cConfig } from '../agents/a3c/config.ts';
import { runA3c } from '../agents/a3c/run.ts';
import { parameterCount, readFlatWeights } from '../agents/a3c/sharedParams.ts';
import { buildActorCritic } from '../agents/networks.ts';
import type { OnPolicyConfig } from '../agents/onpolicy/config.ts';
import { chainNetOf, clipAndApply, parameterGradients } from '../agents/onpolicy/gradients.ts';
import { OnPolicyTraining } from '../agents/onpolicy/training.ts';
import type { UpdaterFactory } from '../agents/onpolicy/updater.ts';
import { resolvePpoConfig } from '../agents/ppo/config.ts';
import { ppoLossGradient, type PpoBatch } from '../agents/ppo/loss.ts';
import { ppoUpdaterFactory } from '../agents/ppo/updater.ts';
import { resolveTrpoConfig } from '../agents/trpo/config.ts';
import { trpoUpdaterFactory, type TrpoUpdater } from '../agents/trpo/updater.ts';
import { makeEnv } from '../envs/index.ts';
import { Rng } from '../src/core/rng.ts';
import { adam } from '../src/core/tensor/adam.ts';
import { initBackend } from '../src/core/tensor/backend.ts';
import type { DataParallelWorkerSetup } from './dataParallelGradientWorker.ts';

const A3C_STEPS_PER_WORKER = 1_500;
const INPUT_SHAPE = [84, 84, 4] as const;
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const cpuSecondsSince = (before: NodeJS.CpuUsage): number => {
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1e6;
};

interface Rate {
  readonly name: string;
  readonly steps: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly note: string;
}

async function a3cRate(): Promise<Rate> {
  const env = makeEnv('Pong-v0');
  const actionCount = env.actionSpace.n;
  env.close();
  const workers = 2;
  const config = resolveA3cConfig({ env: 'Pong-v0', backend: 'wasm', totalSteps: A3C_STEPS_PER_WORKER * workers, seed: 1 });
  const before = process.cpuUsage();
  const result = await runA3c({ config, workers, inputShape: [...INPUT_SHAPE], actionCount });
  // CPU includes the workers' start-up, which the wall time (from all workers ready) excludes.
  return { name: 'A3C, 2 workers', steps: result.steps, seconds: result.seconds, cpuSeconds: cpuSecondsSince(before), note: 'CPU s include worker start-up' };
}

async function onPolicyRate<Config extends OnPolicyConfig>(name: string, algorithm: string, config: Config, factory: UpdaterFactory<Config>, measuredIterations: number): Promise<Rate> {
  const learner = new OnPolicyTraining(algorithm, config, factory);
  await learner.start('', false, () => undefined);
  const perIteration = config.numEnvs * config.numSteps;
  let mark: { at: number; cpu: NodeJS.CpuUsage; rollout: number; update: number } | undefined;
  let cgSeconds = 0;
  let trpoUpdateSeconds = 0;
  let step = 0;
  await learner.run({
    outDir: '',
    progress: { update: () => undefined, log: () => undefined, stop: () => undefined },
    log: () => undefined,
    wallSeconds: () => 0,
    stopRequested: () => step >= perIteration * (1 + measuredIterations),
    advance: async (s) => {
      step = s;
      if (mark === undefined) {
        mark = { at: performance.now(), cpu: process.cpuUsage(), rollout: learner.timing.rolloutSeconds, update: learner.timing.updateSeconds };
      } else if (algorithm === 'trpo') {
        const timing = (learner.learnerNets as TrpoUpdater).lastTiming;
        cgSeconds += timing.cgSeconds;
        trpoUpdateSeconds += timing.updateSeconds;
      }
    },
  });
  const seconds = (performance.now() - (mark?.at ?? 0)) / 1000;
  const cpuSeconds = cpuSecondsSince(mark?.cpu ?? process.cpuUsage());
  const rollout = learner.timing.rolloutSeconds - (mark?.rollout ?? 0);
  const update = learner.timing.updateSeconds - (mark?.update ?? 0);
  learner.dispose();
  const split = `rollout ${((100 * rollout) / (rollout + update)).toFixed(0)}% / update ${((100 * update) / (rollout + update)).toFixed(0)}%`;
  const cg = algorithm === 'trpo' ? `; conjugate gradient ${((100 * cgSeconds) / trpoUpdateSeconds).toFixed(0)}% of the update` : '';
  return { name, steps: perIteration * measuredIterations, seconds, cpuSeconds, note: `${measuredIterations} x ${perIteration} steps: ${split}${cg}` };
}

export async function runOnPolicyRateBench(): Promise<void> {
  console.log('\n## onpolicy: env steps/s on Pong-v0 (84x84x4, 2013 net, wasm), A3C vs PPO vs TRPO, one run\n');
  console.log(`load average before: ${load()}\n`);
  const common = { env: 'Pong-v0', backend: 'wasm', seed: 1, totalSteps: 10_000_000 } as const;
  const rates = [
    await a3cRate(),
    await onPolicyRate('PPO, 1 thread (8 envs x 128, 3 epochs x 4 x 256)', 'ppo', resolvePpoConfig(common), ppoUpdaterFactory, 2),
    await onPolicyRate('TRPO, 1 thread (8 envs x 256)', 'trpo', resolveTrpoConfig(common), trpoUpdaterFactory, 1),
  ];
  const [a3c] = rates as [Rate];
  console.log('| run | env steps/s | / A3C | cores used | env steps per CPU s | / A3C | notes |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const r of rates) {
    const perCpu = r.steps / r.cpuSeconds;
    console.log(`| ${r.name} | ${(r.steps / r.seconds).toFixed(1)} | ${(r.steps / r.seconds / (a3c.steps / a3c.seconds)).toFixed(2)}x | ${(r.cpuSeconds / r.seconds).toFixed(2)} | ${perCpu.toFixed(1)} | ${(perCpu / (a3c.steps / a3c.cpuSeconds)).toFixed(2)}x | ${r.note} |`);
  }
  console.log(`\nload average after: ${load()}`);
}

const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER_ENTRY = new URL('./dataParallelGradientWorker.ts', import.meta.url).href;
/** As agents/a3c/spawn.ts: a worker thread needs tsx registered inside it to run TypeScript. */
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_ENTRY)}); });`;

/** Mean ms per call of each function, in alternating blocks; and the cores each got (CPU s / wall s). */
function alternate(fns: readonly (() => void)[], blocks: number, perBlock: number): { ms: number[]; cores: number[] } {
  const totals = fns.map(() => 0);
  const cpu = fns.map(() => 0);
  for (let b = 0; b < blocks; b++) {
    fns.forEach((fn, j) => {
      const before = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < perBlock; i++) fn();
      totals[j] = (totals[j] ?? 0) + performance.now() - start;
      cpu[j] = (cpu[j] ?? 0) + cpuSecondsSince(before) * 1000;
    });
  }
  return { ms: totals.map((t) => t / (blocks * perBlock)), cores: totals.map((t, j) => (cpu[j] ?? 0) / t) };
}

export async function runDataParallelBench(): Promise<void> {
  const rows = 256;
  const half = rows / 2;
  const actionCount = 6;
  const size = INPUT_SHAPE[0] * INPUT_SHAPE[1] * INPUT_SHAPE[2];
  const model = buildActorCritic(INPUT_SHAPE, actionCount, 1);
  const net = chainNetOf(model);
  // A tiny step size: the timed updates must not drift the net into another regime.
  const optimizer = adam(1e-9, 0.9, 0.999, 1e-5);
  const count = parameterCount(model);
  const rng = Rng.fromSeed(3);
  const observations = Float32Array.from({ length: rows * size }, () => rng.float());
  const batchOf = (from: number, to: number): PpoBatch => ({
    actions: Int32Array.from({ length: to - from }, (_, k) => (from + k) % actionCount),
    oldLogProbs: new Float32Array(to - from).fill(Math.log(1 / actionCount)),
    advantages: Float32Array.from({ length: to - from }, (_, k) => Math.sin(from + k)),
    returns: Float32Array.from({ length: to - from }, (_, k) => Math.cos(from + k)),
    oldValues: new Float32Array(to - from),
  });
  const coefficients = { clipRange: 0.1, clipValueLoss: true, valueCoef: 0.5, entropyCoef: 0.01 };
  const full = batchOf(0, rows);
  const weights = new SharedArrayBuffer(count * 4);
  const weightView = new Float32Array(weights);
  weightView.set(readFlatWeights(model));
  const workers = [0, 1].map((k) => {
    const setup: DataParallelWorkerSetup = {
      control: new SharedArrayBuffer(3 * 4),
      weights,
      observations: new SharedArrayBuffer(half * size * 4),
      gradient: new SharedArrayBuffer(count * 4),
      rows: half,
      inputShape: INPUT_SHAPE,
      actionCount,
      batch: batchOf(k * half, (k + 1) * half),
      coefficients,
    };
    new Float32Array(setup.observations).set(observations.subarray(k * half * size, (k + 1) * half * size));
    return { worker: new Worker(BOOTSTRAP, { eval: true, workerData: setup }), control: new Int32Array(setup.control), gradient: new Float32Array(setup.gradient) };
  });
  for (const w of workers) {
    w.worker.on('error', (error) => console.error(`data-parallel worker: ${error.message}`));
    while (Atomics.load(w.control, 1) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const shapes = net.variables.map((v) => v.shape as number[]);
  const oneThread = (): void => {
    const { gradients } = parameterGradients(net, model, observations, rows, ([logits, values]) => {
      const { dLogits, dValues, ...terms } = ppoLossGradient(logits as Float32Array, values as Float32Array, full, coefficients);
      return { terms, gradients: [dLogits, dValues] };
    });
    clipAndApply(optimizer, net, gradients, 0.5);
  };
  const twoThreads = (): void => {
    const done = workers.map((w) => Atomics.load(w.control, 1));
    for (const w of workers) {
      Atomics.store(w.control, 0, 1);
      Atomics.notify(w.control, 0);
    }
    workers.forEach((w, k) => Atomics.wait(w.control, 1, done[k] as number));
    // The mean of the two half-minibatch means, always first half + second half: deterministic.
    const [a, b] = workers.map((w) => w.gradient) as [Float32Array, Float32Array];
    const sum = new Float32Array(count);
    for (let i = 0; i < count; i++) sum[i] = 0.5 * (a[i] as number) + 0.5 * (b[i] as number);
    let offset = 0;
    const gradients = shapes.map((shape) => {
      const n = shape.reduce((x, y) => x * y, 1);
      const g = tf.tensor(sum.subarray(offset, offset + n), shape);
      offset += n;
      return g;
    });
    clipAndApply(optimizer, net, gradients, 0.5);
    weightView.set(readFlatWeights(model));
  };
  oneThread();
  twoThreads();
  const computeBefore = workers.map((w) => Atomics.load(w.control, 2));
  console.log(`\n## onpolicy: data-parallel PPO gradient, one 256-row minibatch (2013 net, 84x84x4, wasm): 1 thread vs 2 worker threads x 128 rows\n`);
  console.log(`load average before: ${load()}\n`);
  const blocks = 3;
  const perBlock = 3;
  const { ms, cores } = alternate([oneThread, twoThreads], blocks, perBlock);
  const workerMs = workers.map((w, k) => (Atomics.load(w.control, 2) - (computeBefore[k] as number)) / 10 / (blocks * perBlock));
  for (const w of workers) {
    Atomics.store(w.control, 0, 2);
    Atomics.notify(w.control, 0);
  }
  await Promise.all(workers.map((w) => new Promise((resolve) => w.worker.once('exit', resolve))));
  model.dispose();
  optimizer.dispose();
  const [one = 0, two = 0] = ms;
  console.log('| minibatch update (gradient, clip, Adam step) | ms | cores used | CPU ms |');
  console.log('|---|---:|---:|---:|');
  console.log(`| 1 thread, 256 rows | ${one.toFixed(0)} | ${(cores[0] ?? 0).toFixed(2)} | ${(one * (cores[0] ?? 0)).toFixed(0)} |`);
  console.log(`| 2 worker threads x 128 rows (main waits, then averages and steps) | ${two.toFixed(0)} | ${(cores[1] ?? 0).toFixed(2)} | ${(two * (cores[1] ?? 0)).toFixed(0)} |`);
  console.log(`\n2 threads / 1 thread speed: ${(one / two).toFixed(2)}x (each worker's 128-row gradient: ${workerMs.map((m) => m.toFixed(0)).join(' and ')} ms; load average after: ${load()})`);
  console.log('On a machine whose other jobs leave this process one core\'s share, 2 threads cannot help; the CPU ms column says what they cost in all.');
}

export async function runOnPolicyBench(): Promise<void> {
  await initBackend('wasm');
  await runOnPolicyRateBench();
  await runDataParallelBench();
}

if (import.meta.url === `file://${process.argv[1]}`) await runOnPolicyBench();
