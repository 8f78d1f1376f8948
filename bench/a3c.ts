/**
 * A3C scaling: env steps per second of asynchronous training on Pong-v0 (84x84x4, the 2013 DQN
 * net, t_max 5, wasm in every worker) with 1 worker and with 2 workers, measured back to back in
 * one run, and their ratio (the goal on 2 cores is >= 1.7x). The load average is printed beside
 * it because other processes on the machine take cores from the workers; the process CPU time
 * (all threads) gives two load-independent columns: cores the run actually got (CPU s / wall s)
 * and env steps per CPU-second, which stays flat if 2 workers cost no more per step than 1.
 */
import { loadavg } from 'node:os';
import { resolveA3cConfig } from '../agents/a3c/config.ts';
import { runA3c, type A3cRunResult } from '../agents/a3c/run.ts';
import { makeEnv } from '../envs/index.ts';
import { initBackend } from '../src/tensor/backend.ts';

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

export async function runA3cBench(): Promise<void> {
  await initBackend('wasm');
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
