/**
 * Sweeps (docs/sweeps.md): a trimmed Huang config (bench/sweepConfig.ts: 5 conditions of
 * experiments/huang-pong-dqn.json, full 21-point matches, 2 episodes: 10 units of ~0.4-1.6 s) run
 * four ways in one process, side by side, in rounds (ABCD ABCD) so a change in the machine's load
 * hits every mode alike:
 *   1 thread           all units in this thread (`advgym run --workers 1`)
 *   2 threads, cold    a new pool per run, as `advgym run --workers 2` does: the threads' start
 *                      (tsx, tfjs, backend, model: ~1.5 s) inside the clock, this thread running
 *                      units meanwhile
 *   2 threads, warm    a pool started before the clock (as a long-lived worker's threads are)
 *   2 queue workers    2 `advgym worker --concurrency 1` processes on a private redis-server
 *                      (127.0.0.1), started before the clock; skipped without redis-server
 * Goals: 2 threads >= 1.8x one; the queue's overhead per unit (vs warm threads, which run the same
 * units on the same number of threads) <= 5% of a unit's time. Each line also says how busy the
 * machine was (/proc/stat: cores busy/idle over the run) and how many cores this process got:
 * with other work on the 2 cores, no 2-thread run can reach 1.8x and the line shows why.
 *
 *   node --import tsx bench/sweep.ts [--rounds N]     (default 2)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { initBackend } from '../src/core/tensor/backend.ts';
import { parseExperiment, type ExperimentConfig } from '../src/lab/experiment/config.ts';
import { startRun } from '../src/lab/experiment/pendingRun.ts';
import { listUnits } from '../src/lab/experiment/units.ts';
import { executeRun } from '../src/lab/sweep/executeRun.ts';
import { inProcessSource, threadSource } from '../src/lab/sweep/localSources.ts';
import { runModels } from '../src/lab/sweep/modelRef.ts';
import { newQueueName } from '../src/lab/sweep/queueKeys.ts';
import { queueSource, type JobTiming } from '../src/lab/sweep/queueSource.ts';
import { parseQueueUrl } from '../src/lab/sweep/queueUrl.ts';
import type { UnitSource } from '../src/lab/sweep/unitSource.ts';
import { UnitThreadPool } from '../src/lab/sweep/threadPool.ts';
import { startRedis, type TestRedis } from '../test/helpers/redisServer.ts';
import { trimmedHuang } from './sweepConfig.ts';

/** Jiffies of all CPUs since boot, as ms: busy and idle (idle + iowait). Linux only; zeros elsewhere. */
function machineCpu(): { busy: number; idle: number } {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    return { busy: 10 * (user + nice + system + irq + softirq + steal), idle: 10 * (idle + iowait) };
  } catch {
    return { busy: 0, idle: 0 };
  }
}

/** CPU ms (user + system, all threads) of other processes: the queue workers. Linux only; 0 elsewhere. */
function processesCpu(pids: readonly (number | undefined)[]): number {
  let ms = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += 10 * (Number(fields[11]) + Number(fields[12]));
    } catch {
      // not Linux, or the process is gone
    }
  }
  return ms;
}

/**
 * The queue's own time per unit, from BullMQ's job timestamps (worker clock = this machine's): the
 * gap on a worker between finishing one job and starting its next (the fetch), the wait of the
 * first jobs before a worker took them, and the delay until the submitter collected each result.
 * Only the fetch gaps hold a worker back per unit; the other two are paid once per run.
 */
function queueLatencies(jobs: readonly JobTiming[]): string {
  const gaps: number[] = [];
  for (const worker of new Set(jobs.map((j) => j.worker))) {
    const own = jobs.filter((j) => j.worker === worker).sort((a, b) => a.processedOn - b.processedOn);
    for (let i = 1; i < own.length; i++) gaps.push((own[i] as JobTiming).processedOn - (own[i - 1] as JobTiming).finishedOn);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const firstStart = Math.min(...jobs.map((j) => j.processedOn)) - Math.min(...jobs.map((j) => j.added));
  const collect = jobs.map((j) => j.collected - j.finishedOn);
  const inJob = mean(jobs.map((j) => j.finishedOn - j.processedOn));
  return `fetch gap ${mean(gaps).toFixed(1)} ms (max ${Math.max(0, ...gaps).toFixed(0)}), first job taken ${firstStart.toFixed(0)} ms after adding, result collected ${mean(collect).toFixed(1)} ms after the job finished (max ${Math.max(0, ...collect).toFixed(0)}); a job ${inJob.toFixed(0)} ms on its worker`;
}

interface Timed {
  readonly seconds: number;
  readonly summary: string;
  /** How the machine's 2 cores were used meanwhile, and what this process (all its threads) got. */
  readonly load: string;
}

export async function runSweepBench(rounds = 2): Promise<void> {
  console.log('\n## Sweeps: 1 thread vs 2 worker threads vs 2 queue workers (trimmed experiments/huang-pong-dqn.json, full matches)');
  const config = trimmedHuang();
  await initBackend('wasm');
  const units = listUnits(config).length;
  const out = mkdtempSync(join(tmpdir(), 'advgym-bench-sweep-'));
  const models = runModels(config);
  let workerPids: (number | undefined)[] = [];
  const timed = async (source: UnitSource, workers: number, runConfig: ExperimentConfig = config): Promise<Timed> => {
    const run = startRun(out, runConfig, { configPath: 'bench', startedAt: '' });
    const machine0 = machineCpu();
    const own0 = process.cpuUsage();
    const queueWorkers0 = processesCpu(workerPids);
    const t0 = performance.now();
    const { result } = await executeRun(run, source, workers);
    const ms = performance.now() - t0;
    const machine1 = machineCpu();
    const own = process.cpuUsage(own0);
    const queueWorkers = processesCpu(workerPids) - queueWorkers0;
    const cores = (x: number): string => (x / ms).toFixed(2);
    const load = `cores busy ${cores(machine1.busy - machine0.busy)}, idle ${cores(machine1.idle - machine0.idle)}, this process ${cores((own.user + own.system) / 1000)}, queue workers ${cores(queueWorkers)}; load ${loadavg()[0]?.toFixed(1)}`;
    return { seconds: ms / 1000, summary: JSON.stringify(result.conditions), load };
  };
  const warmUp = parseExperiment({ ...config, name: 'warm-up', episodes: 1, conditions: [{ attack: 'none' }, { attack: 'none', name: 'again' }] });
  const victim = await loadPolicy(config.victim);
  const pool = new UnitThreadPool(2, 'wasm');
  await Promise.all(listUnits(warmUp).map((unit) => pool.run(warmUp, models, unit))); // both threads: tfjs up, the model loaded
  const hasRedis = spawnSync('redis-server', ['--version']).error === undefined;
  let redis: TestRedis | undefined;
  let workers: ChildProcess[] = [];
  try {
    if (hasRedis) {
      redis = await startRedis();
      const env = { ...process.env, ADVGYM_BACKEND: 'wasm', CI: 'true' };
      workers = [0, 1].map(() => spawn(process.execPath, [resolve('bin/advgym.js'), 'worker', '--queue', (redis as TestRedis).url, '--concurrency', '1'], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
      await Promise.all(workers.map((w) => new Promise<void>((ready) => w.stderr?.on('data', (d: Buffer) => d.toString().includes('waiting for units') && ready()))));
      workerPids = workers.map((w) => w.pid);
      await executeRun(startRun(out, warmUp, { configPath: 'warm-up', startedAt: '' }), queueSource(parseQueueUrl(redis.url, 'bench'), newQueueName('warm-up'), warmUp, models, 'wasm', () => undefined), 2);
    } else {
      console.log('queue: skipped (redis-server is not installed)');
    }
    const rows: Record<string, Timed[]> = { one: [], cold: [], warm: [], queue: [] };
    for (let round = 1; round <= rounds; round++) {
      const show = (name: string, t: Timed, reference?: Timed): void =>
        console.log(`round ${round}: ${name.padEnd(16)} ${t.seconds.toFixed(2).padStart(6)} s${reference === undefined ? '         ' : ` ${(reference.seconds / t.seconds).toFixed(2)}x`}  same summary: ${reference === undefined || t.summary === reference.summary}  (${t.load})`);
      const one = await timed(inProcessSource(config, { victim }), 1);
      rows['one']?.push(one);
      show('1 thread', one);
      const cold = await timed(threadSource(config, models, 2, 'wasm', undefined, { victim }), 2);
      rows['cold']?.push(cold);
      show('2 threads, cold', cold, one);
      // A source closes its pool when the run ends; the warm pool must outlive the rounds.
      const warmSource = threadSource(config, models, 2, 'wasm', pool);
      const warm = await timed({ ...warmSource, close: async () => undefined }, 2);
      rows['warm']?.push(warm);
      show('2 threads, warm', warm, one);
      if (redis !== undefined) {
        const jobs: JobTiming[] = [];
        const queued = await timed(queueSource(parseQueueUrl(redis.url, 'bench'), newQueueName(config.name), config, models, 'wasm', () => undefined, (t) => jobs.push(t)), 2);
        rows['queue']?.push(queued);
        show('2 queue workers', queued, one);
        console.log(`         queue, per unit: ${queueLatencies(jobs)}`);
      }
    }
    // The fastest of the rounds: the one least slowed by other work on the machine.
    const best = (name: string): number => Math.min(...(rows[name] ?? []).map((t) => t.seconds));
    const unitSeconds = best('one') / units;
    console.log(
      `${units} units, ${unitSeconds.toFixed(2)} s each on average (1 thread); best of ${rounds} rounds: 2 threads cold ${(best('one') / best('cold')).toFixed(2)}x, warm ${(best('one') / best('warm')).toFixed(2)}x (goal >= 1.8x)`,
    );
    if (redis !== undefined) {
      // Two workers share the units: each queued unit costs 2 * wall / units, a warm thread's the same.
      const overhead = (2 * (best('queue') - best('warm'))) / units;
      console.log(
        `2 queue workers ${(best('one') / best('queue')).toFixed(2)}x; queue overhead per unit vs warm threads ${(1000 * overhead).toFixed(0)} ms = ${((100 * overhead) / unitSeconds).toFixed(1)}% of a unit (goal <= 5%)`,
      );
    }
  } finally {
    await pool.close();
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((done) => (w.exitCode === null ? w.once('exit', done) : done(null)))));
    await redis?.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

// `node --import tsx bench/sweep.ts [--rounds N]` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--rounds');
  await runSweepBench(i < 0 ? 2 : Number(process.argv[i + 1]));
}
