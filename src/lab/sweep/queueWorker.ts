/**
 * `advgym worker`: takes units from every run queued on one Redis and runs them on this machine's
 * threads. It watches the list of runs; for each new run it reads the description, checks its own
 * copies of the models against the run's hashes (and its backend against the run's), and either
 * serves the run's queue with a BullMQ Worker or records why it refuses, which the submitter prints.
 * Units run on worker threads, so this thread stays free to renew BullMQ's job locks: a lock lapses
 * only when the process is gone, and then BullMQ's stalled-job check hands the unit to another worker.
 */
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { BackendChoice } from '../../core/tensor/backend.ts';
import { encodeUnitResult } from '../experiment/unitFile.ts';
import { modelMismatch } from './modelRef.ts';
import { parseRunDescription, refusalsKey, runKey, RUNS_CHANNEL, RUNS_KEY, unitJobSchema, type RunDescription, type UnitJobResult } from './queueKeys.ts';
import { workerName } from './queueSource.ts';
import { closeRedis, redisOptions, type QueueUrl } from './queueUrl.ts';
import { UnitThreadPool } from './threadPool.ts';
import { WakeUp } from './wakeUp.ts';

export interface QueueWorkerOptions {
  readonly concurrency: number;
  readonly backend: BackendChoice;
  /** BullMQ lockDuration and stalledInterval: how soon a dead worker's units go back to the queue. */
  readonly stalledSeconds: number;
  readonly log: (line: string) => void;
}

/**
 * A worker looks at the list of runs when a submitter announces one (RUNS_CHANNEL), else this often:
 * the fallback for an announcement missed while the connection was down. (Looking every 500 ms
 * instead delayed the start of every run by 250 ms on average.)
 */
const WATCH_MS = 2000;

export async function serveQueue(url: QueueUrl, options: QueueWorkerOptions, stop: AbortSignal): Promise<void> {
  const me = workerName();
  const connection = new Redis(redisOptions(url, true));
  connection.on('error', () => undefined); // ioredis reconnects by itself; commands wait for it
  // A subscribed connection can do nothing else: its own. ioredis re-subscribes after a reconnect.
  const announcements = new Redis(redisOptions(url, true));
  announcements.on('error', () => undefined);
  const wakeUp = new WakeUp();
  announcements.on('message', wakeUp.signal);
  await announcements.subscribe(RUNS_CHANNEL);
  const pool = new UnitThreadPool(options.concurrency, options.backend);
  const serving = new Map<string, Worker<unknown, UnitJobResult>>();
  const refused = new Set<string>();

  const serve = (queueName: string, run: RunDescription): Worker<unknown, UnitJobResult> => {
    const worker = new Worker<unknown, UnitJobResult>(
      queueName,
      async (job: Job<unknown, UnitJobResult>) => {
        const unit = unitJobSchema.parse(job.data);
        const result = await pool.run(run.config, run.models, unit);
        return { worker: me, result: encodeUnitResult(result) };
      },
      {
        // Options, not a client: BullMQ then owns the connections and closes them in worker.close().
        connection: redisOptions(url, true),
        concurrency: options.concurrency,
        lockDuration: options.stalledSeconds * 1000,
        stalledInterval: options.stalledSeconds * 1000,
        // A unit whose workers keep dying (out of memory on every machine?) fails rather than loops.
        maxStalledCount: 3,
      },
    );
    worker.on('error', () => undefined);
    return worker;
  };

  const refuse = async (queueName: string, reason: string): Promise<void> => {
    refused.add(queueName);
    await connection.hset(refusalsKey(queueName), me, reason);
    options.log(`advgym worker: refusing run ${queueName}: ${reason}`);
  };

  const watch = async (): Promise<void> => {
    const names = await connection.zrange(RUNS_KEY, 0, -1);
    for (const name of names) {
      if (serving.has(name) || refused.has(name)) continue;
      const text = await connection.get(runKey(name));
      if (text === null) continue;
      let run: RunDescription;
      try {
        run = parseRunDescription(text, `run ${name}`);
      } catch (error) {
        await refuse(name, `unreadable run description (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`);
        continue;
      }
      const mismatch = run.backend === options.backend ? modelMismatch(run.models) : `the run uses the ${run.backend} backend, this worker ${options.backend}`;
      if (mismatch !== undefined) {
        await refuse(name, mismatch);
        continue;
      }
      serving.set(name, serve(name, run));
      options.log(`advgym worker: serving run ${name}`);
    }
    for (const [name, worker] of serving) {
      if (names.includes(name)) continue;
      serving.delete(name);
      await worker.close();
    }
  };

  try {
    while (!stop.aborted) {
      await watch();
      await wakeUp.sleep(WATCH_MS, stop);
    }
  } finally {
    // A graceful stop finishes the units in hand; a killed process leaves them to the stalled check.
    await Promise.all([...serving.values()].map((worker) => worker.close()));
    await pool.close();
    await closeRedis(announcements);
    await closeRedis(connection);
  }
}
