/** `advgym run <config.json>`: clean vs attacked returns for every condition, into a new run folder. */
import { createRequire } from 'node:module';
import type { Argv, CommandModule } from 'yargs';
import { loadPolicy } from '../../../agents/loadPolicy.ts';
import { loadExperiment } from '../experiment/config.ts';
import { createProgress } from '../experiment/progress.ts';
import { runExperiment } from '../experiment/runner.ts';
import { expandConditions } from '../experiment/conditions.ts';
import { createRunFolder, writeRunFolder } from '../experiment/runFolder.ts';
import { formatSummaryTable } from '../experiment/table.ts';
import { backendInfo } from '../../core/tensor/backend.ts';
import { BOUNDS, flagValue, initBackendFromFlag, outputDirFlag } from './checks.ts';

interface RunArgs {
  config: string;
  out: string;
  episodes?: number;
  backend?: string;
}

// This file is src/lab/commands/run.ts: the package.json is three folders up.
function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versionOf = (packageJson: string): string => (require(packageJson) as { version: string }).version;
  return { node: process.version, advgym: versionOf('../../../package.json'), tfjs: versionOf('@tensorflow/tfjs-core/package.json') };
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <config>',
  describe: 'run an experiment config: clean vs attacked returns, plots and GIFs in a new run folder',
  builder: (yargs: Argv) =>
    yargs
      .positional('config', { type: 'string', demandOption: true, describe: 'an experiment JSON, e.g. experiments/quickstart.json' })
      .option('out', { type: 'string', default: 'runs', describe: 'parent folder of the new run folder' })
      .option('episodes', { type: 'number', describe: 'override the config\'s episode count' })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' }) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    const started = Date.now();
    // Everything the user gave is checked before a model loads or an episode runs.
    const episodes = args.episodes === undefined ? undefined : flagValue('episodes', BOUNDS.episodes, args.episodes);
    outputDirFlag('out', args.out);
    const config = loadExperiment(args.config);
    if (episodes !== undefined) config.episodes = episodes;
    expandConditions(config); // duplicate labels are a config error: report it before the models load
    await initBackendFromFlag(args.backend);
    const victim = await loadPolicy(config.victim);
    const substitute = config.substitute === undefined ? undefined : await loadPolicy(config.substitute);
    const progress = createProgress();
    const result = runExperiment(config, substitute === undefined ? { victim } : { victim, substitute }, (done, total, label) => progress.update(done, total, label));
    progress.stop();
    const dir = createRunFolder(args.out, config.name);
    writeRunFolder(
      dir,
      config,
      result,
      { configPath: args.config, backend: backendInfo(), versions: versions(), wallSeconds: (Date.now() - started) / 1000, startedAt: new Date(started).toISOString() },
      { fps: config.record.fps, scale: config.record.scale },
    );
    process.stdout.write(`${formatSummaryTable(result.conditions)}\n\nrun folder: ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  },
};
