/**
 * `advgym worker --queue redis://HOST:PORT`: serve the units of runs submitted with
 * `advgym run --queue` to the same Redis, on --concurrency threads, until Ctrl-C (which lets the
 * units in hand finish). Models are read from this machine's disk at the paths the run names.
 */
import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../core/errors.ts';
import { backendInfo, type BackendChoice } from '../../core/tensor/backend.ts';
import { serveQueue } from '../sweep/queueWorker.ts';
import { checkRedis, parseQueueUrl } from '../sweep/queueUrl.ts';
import { initBackendFromFlag, positiveInteger } from './checks.ts';

interface WorkerArgs {
  queue?: string;
  concurrency?: number;
  backend?: string;
  'stalled-seconds': number;
}

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'run the units of queued runs (advgym run --queue) on this machine',
  builder: (yargs: Argv) =>
    yargs
      .option('queue', { type: 'string', describe: 'redis://HOST:PORT of the runs to serve (required)' })
      .option('concurrency', { type: 'number', describe: `units at a time, one thread each (default: one per core, here ${availableParallelism()})` })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu (must match the submitter\'s)' })
      .option('stalled-seconds', { type: 'number', default: 30, describe: 'a killed worker\'s units return to the queue after about this long (BullMQ lock and stalled check)' }) as unknown as Argv<WorkerArgs>,
  handler: async (args) => {
    if (args.queue === undefined) throw new UserError('--queue: missing; give the redis://HOST:PORT the runs were submitted to');
    const url = parseQueueUrl(args.queue, '--queue');
    const concurrency = args.concurrency === undefined ? availableParallelism() : positiveInteger('concurrency', args.concurrency);
    const stalledSeconds = args['stalled-seconds'];
    if (!(stalledSeconds >= 1 && stalledSeconds <= 3600)) throw new UserError(`--stalled-seconds: must be between 1 and 3600, got ${stalledSeconds}`);
    await initBackendFromFlag(args.backend);
    const name = backendInfo().name;
    const backend: BackendChoice = name === 'tensorflow' ? 'node' : name === 'wasm' ? 'wasm' : 'cpu';
    await checkRedis(url);
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
    process.stderr.write(`advgym worker: waiting for units on ${url.display} (${concurrency} threads)\n`);
    await serveQueue(url, { concurrency, backend, stalledSeconds, log: (line) => process.stderr.write(`${line}\n`) }, stop.signal);
  },
};
