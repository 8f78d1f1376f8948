/**
 * The submitter's side of a queue run: publishes the run's description, enqueues its units as
 * BullMQ jobs (job id = unit id, so enqueueing again after a resume adds nothing twice) and collects
 * finished jobs until every unit is in. Each collected result is handed on (executeRun saves it in
 * the run folder) before its job is removed, so a submitter that dies loses nothing: the next one
 * finds the result either in the folder or still in the queue. A job that fails for good (a unit's
 * error, or a unit that stalled on dead workers too often) stops the run with that reason.
 */
import { hostname } from 'node:os';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { UserError } from '../../core/errors.ts';
import type { BackendChoice } from '../../core/tensor/backend.ts';
import type { ExperimentConfig } from '../experiment/config.ts';
import { decodeUnitResult } from '../experiment/unitFile.ts';
import { unitId, type WorkUnit } from '../experiment/units.ts';
import type { RunModels } from './modelRef.ts';
import { refusalsKey, runKey, RUNS_CHANNEL, RUNS_KEY, type RunDescription, type UnitJobResult } from './queueKeys.ts';
import { closeRedis, redisOptions, type QueueUrl } from './queueUrl.ts';
import type { UnitSource } from './unitSource.ts';
import { WakeUp } from './wakeUp.ts';

export { newQueueName } from './queueKeys.ts';

/**
 * The submitter looks for finished jobs when BullMQ's QueueEvents says a job completed or failed
 * (its events stream, read with a blocking XREAD: no delay), else after this long: the fallback for
 * an event missed while the connection was down. Polling every 100 ms instead left each result up
 * to 100 ms in Redis, and the last one delayed the end of the run by as much.
 */
const FALLBACK_POLL_MS = 1000;
/** Redis unreachable this long while waiting: stop (the run folder stays resumable). */
const GIVE_UP_MS = 60_000;

/** When a job was added, taken by a worker, finished there and collected here (epoch ms; bench/sweep.ts). */
export interface JobTiming {
  readonly worker: string;
  readonly added: number;
  readonly processedOn: number;
  readonly finishedOn: number;
  readonly collected: number;
}

export function queueSource(
  url: QueueUrl,
  queueName: string,
  config: ExperimentConfig,
  models: RunModels,
  backend: BackendChoice,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  onJobTiming?: (timing: JobTiming) => void,
): UnitSource {
  const connection = new Redis(redisOptions(url, false));
  let lastError: unknown;
  connection.on('error', (error: unknown) => {
    lastError = error;
  });
  const queue = new Queue<WorkUnit, UnitJobResult>(queueName, { connection });
  queue.on('error', (error: unknown) => {
    lastError = error;
  });
  const wakeUp = new WakeUp();
  // From the stream's start ('0-0'): events of a resumed run's jobs, or of jobs that finish before
  // this reader is connected, still wake the loop. Options, not a client: BullMQ owns the
  // blocking connection and closes it in close().
  const events = new QueueEvents(queueName, { connection: redisOptions(url, true), lastEventId: '0-0' });
  events.on('error', (error: unknown) => {
    lastError = error;
  });
  events.on('completed', wakeUp.signal);
  events.on('failed', wakeUp.signal);
  let finished = false;

  const describeRun = async (): Promise<void> => {
    const description: RunDescription = { config, models, backend };
    await connection.set(runKey(queueName), JSON.stringify(description));
    await connection.zadd(RUNS_KEY, 'NX', Date.now(), queueName);
    await connection.publish(RUNS_CHANNEL, queueName);
  };

  return {
    mode: 'queue',
    async run(units, onResult) {
      await describeRun();
      const remaining = new Set(units.map(unitId));
      // Jobs that exist already (a resumed run) keep their id: addBulk skips them.
      await queue.addBulk(units.map((unit) => ({ name: 'unit', data: { condition: unit.condition, episode: unit.episode }, opts: { jobId: unitId(unit), removeOnFail: false } })));
      const shownRefusals = new Set<string>();
      let reachableAt = Date.now();
      while (remaining.size > 0) {
        let progressed = false;
        try {
          const completed: Job<WorkUnit, UnitJobResult>[] = await queue.getCompleted(0, 99);
          for (const job of completed) {
            const value = job.returnvalue;
            const result = decodeUnitResult(value.result, `queue ${queueName} job ${job.id ?? '?'}`);
            onResult(result, value.worker);
            onJobTiming?.({ worker: value.worker, added: job.timestamp, processedOn: job.processedOn ?? Number.NaN, finishedOn: job.finishedOn ?? Number.NaN, collected: Date.now() });
            remaining.delete(unitId(result));
            await job.remove();
            progressed = true;
          }
          const [failed] = await queue.getFailed(0, 0);
          if (failed !== undefined) {
            throw new UserError(`unit ${failed.id ?? '?'} failed on a queue worker: ${failed.failedReason.split('\n')[0]}`, 1);
          }
          for (const [worker, reason] of Object.entries(await connection.hgetall(refusalsKey(queueName)))) {
            if (shownRefusals.has(worker)) continue;
            shownRefusals.add(worker);
            log(`advgym: worker ${worker} refuses this run's units: ${reason}`);
          }
          reachableAt = Date.now();
        } catch (error) {
          if (error instanceof UserError) throw error;
          lastError = error;
          if (Date.now() - reachableAt > GIVE_UP_MS) {
            const reason = lastError instanceof Error ? lastError.message.split('\n')[0] : String(lastError);
            throw new UserError(`--queue: lost Redis at ${url.display} for ${GIVE_UP_MS / 1000} s (${reason})`, 1);
          }
        }
        if (!progressed) await wakeUp.sleep(FALLBACK_POLL_MS);
      }
      finished = true;
    },
    async close() {
      try {
        if (finished) {
          // Every unit is saved in the run folder: the queue and the run's keys are no longer needed.
          await connection.zrem(RUNS_KEY, queueName);
          await connection.del(runKey(queueName), refusalsKey(queueName));
          await queue.obliterate({ force: true });
        }
        await queue.close();
      } finally {
        await events.close().catch(() => undefined);
        await closeRedis(connection);
      }
    },
  };
}

/** Who a worker is, in refusals and run.json: host and process. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}
