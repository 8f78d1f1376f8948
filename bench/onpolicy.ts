/**
 * On-policy throughput on Pong-v0 (84x84x4, the 2013 DQN net, wasm), in one run:
 *
 * 1. env steps/s of A3C (2 worker threads, t_max 5, as bench/a3c.ts), PPO (8 envs x 128 steps,
 *    3 epochs of 256-row minibatches: the paper's Atari settings) and TRPO (8 envs x 256 steps),
 *    as ratios to the A3C; beside them the cores each run got (process CPU s / wall s: other
 *    engineers' jobs take cores) and env steps per CPU-second, which the machine's load moves less;
 *    PPO's and TRPO's split of wall time between the rollout (env steps + batched forward passes)
 *    and the update, and the share of TRPO's update spent in conjugate gradient.
 *    PPO runs twice: in one thread, and with `gradientThreads: 2` (agents/ppo/gradientThread.ts:
 *    a worker thread computes half of every minibatch's gradient while this thread computes the
 *    other half).
 *
 * PPO and TRPO time their iterations after one warm-up iteration (wasm kernels' first calls).
 * About 3-4 minutes on 2 busy cores.
 */
import { loadavg } from 'node:os';
import { resolveA3cConfig } from '../agents/a3c/config.ts';
import { runA3c } from '../agents/a3c/run.ts';
import type { OnPolicyConfig } from '../agents/onpolicy/config.ts';
import { OnPolicyTraining } from '../agents/onpolicy/training.ts';
import type { UpdaterFactory } from '../agents/onpolicy/updater.ts';
import { resolvePpoConfig } from '../agents/ppo/config.ts';
import { ppoUpdaterFactory } from '../agents/ppo/updater.ts';
import { resolveTrpoConfig } from '../agents/trpo/config.ts';
import { trpoUpdaterFactory, type TrpoUpdater } from '../agents/trpo/updater.ts';
import { makeEnv } from '../envs/index.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

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
    await onPolicyRate('PPO, gradientThreads 2 (each minibatch split 128 + 128)', 'ppo', resolvePpoConfig({ ...common, gradientThreads: 2 }), ppoUpdaterFactory, 2),
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

export async function runOnPolicyBench(): Promise<void> {
  await initBackend('wasm');
  await runOnPolicyRateBench();
}

if (import.meta.url === `file://${process.argv[1]}`) await runOnPolicyBench();
