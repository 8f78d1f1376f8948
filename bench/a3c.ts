/**
 * A3C scaling: env steps per second of asynchronous training on Pong-v0 (84x84x4, the 2013 DQN
 * net, t_max 5, wasm in every worker) with 1 worker and with 2 workers, measured back to back in
 * one run, and their ratio (the goal on 2 cores is >= 1.7x). The load average is printed beside
 * it because other processes on the machine take cores from the workers; the process CPU time
 * (all threads) gives two load-independent columns: cores the run actually got (CPU s / wall s)
 * and env steps per CPU-second, which stays flat if 2 workers cost no more per step than 1.
 *
 * Before that, one actor-learner update at batch 5 (t_max 5) in the main thread, without the
 * rollout's forward passes: the fused chain gradient (agents/chainParameterGradient.ts, what the
 * workers take) and the same through tf.variableGrads, timed alternately; alone and with the rest
 * of an update (copy theta into the net, gradient norm, shared RMSProp step).
 */
import { loadavg } from 'node:os';
import { resolveA3cConfig } from '../agents/a3c/config.ts';
import { actorCriticGradient, type ActorCriticBatch } from '../agents/a3c/loss.ts';
import { runA3c, type A3cRunResult } from '../agents/a3c/run.ts';
import { clipScale, l2Norm, parameterCount, SharedParams } from '../agents/a3c/sharedParams.ts';
import { buildActorCritic } from '../agents/networks.ts';
import { makeEnv } from '../envs/index.ts';
import { Rng } from '../src/core/rng.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

const STEPS_PER_WORKER = 1_500;

async function trainFor(workers: number): Promise<A3cRunResult & { cpuSeconds: number }> {
  const env = makeEnv('Pong-v0');
  const actionCount = env.actionSpace.n;
  env.close();
  const config = resolveA3cConfig({ env: 'Pong-v0', backend: 'wasm', totalSteps: STEPS_PER_WORKER * workers, seed: 1 });
  const cpuBefore = process.cpuUsage();
  const result = await runA3c({ config, workers, inputShape: [84, 84, 4], actionCount });
  const cpu = process.cpuUsage(cpuBefore);
  // Includes the workers' start-up (module loading, wasm init), which the wall time excludes.
  return { ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Mean ms per call of each function, in alternating blocks so both see the same machine load. */
function alternate(fns: readonly (() => void)[], blocks: number, perBlock: number): number[] {
  for (const fn of fns) for (let i = 0; i < 3; i++) fn();
  const totals = fns.map(() => 0);
  for (let b = 0; b < blocks; b++) {
    fns.forEach((fn, j) => {
      const start = performance.now();
      for (let i = 0; i < perBlock; i++) fn();
      totals[j] = (totals[j] ?? 0) + performance.now() - start;
    });
  }
  return totals.map((t) => t / (blocks * perBlock));
}

export function runA3cUpdateBench(): void {
  const config = resolveA3cConfig({ env: 'Pong-v0', backend: 'wasm' });
  const model = buildActorCritic([84, 84, 4], 6, 1);
  const shared = SharedParams.allocate(parameterCount(model));
  shared.copyFrom(model);
  const rng = Rng.fromSeed(0);
  const n = config.tMax;
  const batch: ActorCriticBatch = {
    observations: Float32Array.from({ length: n * 84 * 84 * 4 }, () => rng.float()),
    actions: Int32Array.from({ length: n }, () => rng.int(0, 5)),
    returns: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
    advantages: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
  };
  const gradient = (fusedGradient: boolean) => (): void => {
    actorCriticGradient(model, batch, config, { fusedGradient });
  };
  // A tiny learning rate: the timed updates must not drift the net into another regime.
  const update = (fusedGradient: boolean) => (): void => {
    const version = shared.copyInto(model);
    const result = actorCriticGradient(model, batch, config, { fusedGradient });
    shared.applyGradient(result.gradient, clipScale(l2Norm(result.gradient), config.maxGradNorm), 1e-9, config.rmspropDecay, config.rmspropEpsilon, version);
  };
  const [fused = 0, tape = 0, fusedUpdate = 0, tapeUpdate = 0] = alternate([gradient(true), gradient(false), update(true), update(false)], 10, 5);
  model.dispose();
  console.log(`\n## a3c: one actor-learner update, batch ${n} (t_max ${n}), 2013 net at 84x84x4, wasm, main thread\n`);
  console.log('| part | fused chain gradient | tf.variableGrads | fused faster by |');
  console.log('|---|---:|---:|---:|');
  console.log(`| gradient (actorCriticGradient, flat) | ${fused.toFixed(2)} ms | ${tape.toFixed(2)} ms | ${(tape / fused).toFixed(2)}x |`);
  console.log(`| update (copy theta in, gradient, norm, shared RMSProp) | ${fusedUpdate.toFixed(2)} ms | ${tapeUpdate.toFixed(2)} ms | ${(tapeUpdate / fusedUpdate).toFixed(2)}x |`);
}

export async function runA3cBench(): Promise<void> {
  await initBackend('wasm');
  runA3cUpdateBench();
  console.log(`\n## a3c: env steps/s on Pong-v0, ${STEPS_PER_WORKER} steps per worker, wasm, t_max 5\n`);
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log('| workers | env steps/s | updates | mean staleness | wall s (after start-up) | process CPU s (incl. start-up) | env steps per CPU s |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  const rates: number[] = [];
  for (const workers of [1, 2]) {
    const result = await trainFor(workers);
    rates.push(result.stepsPerSecond);
    console.log(`| ${workers} | ${result.stepsPerSecond.toFixed(0)} | ${result.updates} | ${result.meanStaleness.toFixed(2)} | ${result.seconds.toFixed(1)} | ${result.cpuSeconds.toFixed(1)} | ${(result.steps / result.cpuSeconds).toFixed(0)} |`);
  }
  console.log(`\n2 workers / 1 worker: ${((rates[1] ?? 0) / (rates[0] ?? 1)).toFixed(2)}x (load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
}

if (import.meta.url === `file://${process.argv[1]}`) await runA3cBench();
