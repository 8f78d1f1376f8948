/**
 * Sweeps (docs/sweeps.md): one trimmed Huang config (experiments/huang-pong-dqn.json: clean, FGSM
 * and random noise in l-inf, 5-point games, 2 episodes) run three ways in one process, side by side:
 * all units in this thread, on 2 worker threads, and on 2 `advgym worker` processes through BullMQ
 * on a private redis-server (127.0.0.1, skipped if redis-server is not installed). Workers and
 * threads are started, and have loaded the models on a warm-up run, before the clock starts (as a
 * deployment's are), so the times compare running units, not starting tfjs. Goals: 2 threads >= 1.8x one; queue overhead per unit <= 5% of a unit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { initBackend } from '../src/core/tensor/backend.ts';
import { loadExperiment, parseExperiment } from '../src/lab/experiment/config.ts';
import { startRun } from '../src/lab/experiment/pendingRun.ts';
import { listUnits } from '../src/lab/experiment/units.ts';
import { executeRun } from '../src/lab/sweep/executeRun.ts';
import { inProcessSource, threadSource } from '../src/lab/sweep/localSources.ts';
import { runModels } from '../src/lab/sweep/modelRef.ts';
import { newQueueName } from '../src/lab/sweep/queueKeys.ts';
import { queueSource } from '../src/lab/sweep/queueSource.ts';
import { parseQueueUrl } from '../src/lab/sweep/queueUrl.ts';
import { UnitThreadPool } from '../src/lab/sweep/threadPool.ts';
import { startRedis } from '../test/helpers/redisServer.ts';

export async function runSweepBench(): Promise<void> {
  console.log('\n## Sweeps: 1 thread vs 2 worker threads vs 2 queue workers (trimmed experiments/huang-pong-dqn.json)');
  const huang = loadExperiment('experiments/huang-pong-dqn.json');
  const config = parseExperiment({
    ...huang,
    name: 'bench-sweep',
    env: { id: 'Pong-v0', options: { game: { pointsToWin: 5 } } },
    episodes: 2,
    conditions: [{ attack: 'none' }, { attack: 'fgsm', eps: [0.001, 0.004], norm: 'linf' }, { attack: 'random', eps: [0.004], norm: 'linf' }],
    record: { conditions: [] },
  });
  await initBackend('wasm');
  const units = listUnits(config).length;
  const out = mkdtempSync(join(tmpdir(), 'advgym-bench-sweep-'));
  const models = runModels(config);
  const timed = async (source: Parameters<typeof executeRun>[1], workers: number): Promise<{ seconds: number; summary: string }> => {
    const run = startRun(out, config, { configPath: 'bench', startedAt: '' });
    const t0 = performance.now();
    const { result } = await executeRun(run, source, workers);
    return { seconds: (performance.now() - t0) / 1000, summary: JSON.stringify(result.conditions) };
  };
  try {
    const victim = await loadPolicy(config.victim);
    const one = await timed(inProcessSource(config, { victim }), 1);
    const pool = new UnitThreadPool(2, 'wasm');
    const warmUp = parseExperiment({ ...config, episodes: 1, conditions: [{ attack: 'none' }, { attack: 'none', name: 'again' }] });
    await Promise.all(listUnits(warmUp).map((unit) => pool.run(warmUp, models, unit))); // both threads: tfjs up, models loaded
    const two = await timed(threadSource(config, models, 2, 'wasm', pool), 2);
    const unitSeconds = one.seconds / units;
    console.log(`${units} units; 1 thread ${one.seconds.toFixed(1)} s (${unitSeconds.toFixed(2)} s/unit); 2 threads ${two.seconds.toFixed(1)} s: speedup ${(one.seconds / two.seconds).toFixed(2)}x (goal >= 1.8x)`);
    if (spawnSync('redis-server', ['--version']).error !== undefined) {
      console.log('queue: skipped (redis-server is not installed)');
    } else {
      const redis = await startRedis();
      const env = { ...process.env, ADVGYM_BACKEND: 'wasm', CI: 'true' };
      const workers = [0, 1].map(() => spawn(process.execPath, [resolve('bin/advgym.js'), 'worker', '--queue', redis.url, '--concurrency', '1'], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
      try {
        await Promise.all(workers.map((w) => new Promise<void>((ready) => w.stderr?.on('data', (d: Buffer) => d.toString().includes('waiting for units') && ready()))));
        const url = parseQueueUrl(redis.url, 'bench');
        await executeRun(startRun(out, warmUp, { configPath: 'warm-up', startedAt: '' }), queueSource(url, newQueueName('warm-up'), warmUp, models, 'wasm', () => undefined), 2);
        const queued = await timed(queueSource(url, newQueueName(config.name), config, models, 'wasm', () => undefined), 2);
        // Two workers share the units: each queued unit cost 2 * wall / units; the threads' the same.
        const overheadPerUnit = (2 * (queued.seconds - two.seconds)) / units;
        console.log(
          `2 queue workers ${queued.seconds.toFixed(1)} s: speedup ${(one.seconds / queued.seconds).toFixed(2)}x; overhead per unit vs 2 threads ${(1000 * overheadPerUnit).toFixed(0)} ms = ${((100 * overheadPerUnit) / unitSeconds).toFixed(1)}% of a unit (goal <= 5%)`,
        );
        console.log(`same summary: threads ${two.summary === one.summary}, queue ${queued.summary === one.summary}`);
      } finally {
        for (const w of workers) w.kill('SIGTERM');
        await Promise.all(workers.map((w) => new Promise((done) => (w.exitCode === null ? w.once('exit', done) : done(null)))));
        await redis.stop();
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

// `node --import tsx bench/sweep.ts` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) await runSweepBench();
