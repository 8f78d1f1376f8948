/**
 * `advgym run <config.json>`: clean vs attacked returns for every condition, into a new run folder.
 * The run's (condition, episode) units go to worker threads (--workers, default one per core), to
 * this thread (--workers 1) or to a BullMQ queue (--queue); `--resume DIR` finishes a run whose
 * process died, running only the units its folder lacks. See docs/sweeps.md.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { loadPolicy } from '../../../agents/loadPolicy.ts';
import { UserError } from '../../core/errors.ts';
import { backendInfo, type BackendChoice } from '../../core/tensor/backend.ts';
import { loadExperiment, type ExperimentConfig } from '../experiment/config.ts';
import { openPendingRun, finishRun, resumeHint, startRun, type PendingRun } from '../experiment/pendingRun.ts';
import { createProgress } from '../experiment/progress.ts';
import { formatSummaryTable } from '../experiment/table.ts';
import { UnitRunner, type ExperimentPolicies } from '../experiment/units.ts';
import { executeRun } from '../sweep/executeRun.ts';
import { inProcessSource, threadSource } from '../sweep/localSources.ts';
import { runModels } from '../sweep/modelRef.ts';
import { checkRedis, parseQueueUrl, type QueueUrl } from '../sweep/queueUrl.ts';
import { newQueueName, queueSource } from '../sweep/queueSource.ts';
import type { UnitSource } from '../sweep/unitSource.ts';
import { BOUNDS, flagValue, initBackendFromFlag, outputDirFlag, positiveInteger } from './checks.ts';

interface RunArgs {
  config?: string;
  out: string;
  episodes?: number;
  backend?: string;
  workers?: number;
  queue?: string;
  resume?: string;
}

// This file is src/lab/commands/run.ts: the package.json is three folders up.
function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versionOf = (packageJson: string): string => (require(packageJson) as { version: string }).version;
  return { node: process.version, advgym: versionOf('../../../package.json'), tfjs: versionOf('@tensorflow/tfjs-core/package.json') };
}

/** The backend threads and queue workers must use so their floats are this process's floats. */
function backendChoiceInUse(): BackendChoice {
  const name = backendInfo().name;
  return name === 'tensorflow' ? 'node' : name === 'wasm' ? 'wasm' : 'cpu';
}

async function loadPolicies(config: ExperimentConfig): Promise<ExperimentPolicies> {
  const victim = await loadPolicy(config.victim);
  const substitute = config.substitute === undefined ? undefined : await loadPolicy(config.substitute);
  return substitute === undefined ? { victim } : { victim, substitute };
}

/** Every flag, checked before a model loads, a connection opens or a folder is made. */
function checkFlags(args: RunArgs): { workers: number; queue: QueueUrl | undefined; episodes: number | undefined } {
  if ((args.config === undefined) === (args.resume === undefined)) {
    throw new UserError(args.config === undefined ? 'config: missing; give an experiment JSON, e.g. experiments/quickstart.json, or --resume RUNFOLDER' : '--resume: give either a config or --resume RUNFOLDER, not both');
  }
  if (args.resume !== undefined && args.episodes !== undefined) throw new UserError('--episodes: a resumed run keeps the episodes it was started with');
  if (args.queue !== undefined && args.workers !== undefined) throw new UserError('--workers: with --queue the units run on `advgym worker` processes; give one of --workers and --queue');
  const episodes = args.episodes === undefined ? undefined : flagValue('episodes', BOUNDS.episodes, args.episodes);
  const workers = args.workers === undefined ? availableParallelism() : positiveInteger('workers', args.workers);
  const queue = args.queue === undefined ? undefined : parseQueueUrl(args.queue, '--queue');
  if (args.resume === undefined) outputDirFlag('out', args.out);
  return { workers, queue, episodes };
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run [config]',
  describe: 'run an experiment config: clean vs attacked returns, plots and GIFs in a new run folder',
  builder: (yargs: Argv) =>
    yargs
      .positional('config', { type: 'string', describe: 'an experiment JSON, e.g. experiments/quickstart.json' })
      .option('out', { type: 'string', default: 'runs', describe: 'parent folder of the new run folder' })
      .option('episodes', { type: 'number', describe: 'override the config\'s episode count' })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' })
      .option('workers', { type: 'number', describe: `worker threads running the units (default: one per core, here ${availableParallelism()}; 1: all in this thread)` })
      .option('queue', { type: 'string', describe: 'redis://HOST:PORT: run the units on `advgym worker` processes through a BullMQ queue (docs/sweeps.md)' })
      .option('resume', { type: 'string', describe: 'finish the run in this run folder: only its missing units run' }) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    const started = Date.now();
    const flags = checkFlags(args);
    const resumed = args.resume === undefined ? undefined : openPendingRun(args.resume);
    const config = resumed?.config ?? loadExperiment(args.config as string);
    if (flags.episodes !== undefined) config.episodes = flags.episodes;
    // The queue a resumed queue run used, unless --queue names another address for it.
    const storedQueue = resumed?.info.queue;
    const queue = flags.queue ?? (storedQueue === undefined ? undefined : parseQueueUrl(storedQueue.url, `${resumed?.dir}/pending.json queue.url`));
    await initBackendFromFlag(args.backend);
    // Loading and checking the models here makes a bad model or a mismatched env an exit 2 before
    // any folder exists, whichever source runs the units.
    const policies = await loadPolicies(config);
    new UnitRunner(config, policies).close();
    const models = runModels(config);
    if (queue !== undefined) await checkRedis(queue);

    const run: PendingRun =
      resumed ??
      startRun(args.out, config, {
        configPath: args.config as string,
        startedAt: new Date(started).toISOString(),
        ...(queue === undefined ? {} : { queue: { url: queue.display, name: newQueueName(config.name) } }),
      });
    const queueName = run.info.queue?.name ?? newQueueName(config.name);
    const source: UnitSource =
      queue !== undefined
        ? queueSource(queue, queueName, run.config, models, backendChoiceInUse())
        : flags.workers === 1
          ? inProcessSource(config, policies)
          : threadSource(config, models, flags.workers, backendChoiceInUse(), undefined, policies);
    const progress = createProgress();
    let outcome: Awaited<ReturnType<typeof executeRun>>;
    try {
      outcome = await executeRun(run, source, flags.workers, (done, total, label) => progress.update(done, total, label));
    } catch (error) {
      progress.stop();
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      // The finished units are in the folder: say how to go on from them.
      throw new UserError(`${message}; the finished units are kept, continue with: ${resumeHint(run)}`, error instanceof UserError ? error.exitCode : 1);
    }
    progress.stop();
    finishRun(
      run,
      outcome.result,
      {
        configPath: run.info.configPath,
        backend: backendInfo(),
        versions: versions(),
        wallSeconds: (Date.now() - started) / 1000,
        startedAt: run.info.startedAt,
        spread: outcome.spread,
      },
    );
    process.stdout.write(`${formatSummaryTable(outcome.result.conditions)}\n\nrun folder: ${run.dir} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  },
};
