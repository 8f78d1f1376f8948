/**
 * `advgym audit --model DIR`: the evaluation a reviewer asks for (Carlini et al. 2019) in one
 * command: clean, random noise, FGSM, PGD-10/50 with ce and margin losses, SPSA, the decision
 * attack and transfer from each --substitute at each eps, an eps sweep, and gradient-masking flags.
 * The plan becomes ordinary experiment configs (src/lab/audit/plan.ts) run by the experiment
 * runner on one pool of worker threads; each lands as a normal run folder under the audit
 * folder's experiments/. `--resume DIR` finishes an audit that stopped (src/lab/audit/resume.ts).
 * See docs/audit.md.
 */
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadPolicy, readAgentDescription } from '../../../agents/loadPolicy.ts';
import type { Policy } from '../../../agents/policy.ts';
import { resolveEnvOptions } from '../../../envs/index.ts';
import { UserError } from '../../core/errors.ts';
import { backendInfo, type BackendChoice } from '../../core/tensor/backend.ts';
import { COSTLY_MODES, DEFAULT_COSTLY_MODE, DEFAULT_EPS, DEFAULT_MAX_DOUBLINGS, firstRoundExperiments, roundExperiments, type AuditPlan, type CostlyMode } from '../audit/plan.ts';
import { formatAuditTable, formatFlags, writeAuditFolder } from '../audit/report.ts';
import { checkSamePlan, findExperiment, openAuditForResume, type ExistingExperiment } from '../audit/resume.ts';
import { runAudit } from '../audit/runAudit.ts';
import type { ExperimentConfig } from '../experiment/config.ts';
import { finishRun, openPendingRun, readFinishedRun, startRun } from '../experiment/pendingRun.ts';
import { createProgress } from '../experiment/progress.ts';
import { createRunFolder } from '../experiment/runFolder.ts';
import { UnitRunner } from '../experiment/units.ts';
import { executeRun } from '../sweep/executeRun.ts';
import { inProcessSource } from '../sweep/localSources.ts';
import { runModels } from '../sweep/modelRef.ts';
import { UnitThreadPool } from '../sweep/threadPool.ts';
import type { UnitSource } from '../sweep/unitSource.ts';
import { BOUNDS, flagValue, initBackendFromFlag, integer, outputDirFlag, positiveInteger } from './checks.ts';

/**
 * 3 episodes per condition: the default plan on a full 21-point Pong match fits the 15-minute
 * budget on 2 idle cores with 3 (docs/audit.md has the measured time). The t-interval of 3
 * episodes is wide (±2.5 standard deviations); give more for a publishable table.
 */
export const DEFAULT_AUDIT_EPISODES = 3;

interface AuditArgs {
  model: string;
  substitute?: string[];
  eps?: number[];
  episodes: number;
  out: string;
  workers?: number;
  seed: number;
  backend?: string;
  'max-doublings': number;
  'env-options'?: string;
  costly: string;
  resume?: string;
}

/** The backend threads must use so their floats are this process's floats (as `advgym run`). */
function backendChoiceInUse(): BackendChoice {
  const name = backendInfo().name;
  return name === 'tensorflow' ? 'node' : name === 'wasm' ? 'wasm' : 'cpu';
}

/** Every flag, checked before a model loads or a folder is made. */
function checkFlags(args: AuditArgs): { eps: number[]; episodes: number; workers: number; envOverride: Record<string, unknown>; costly: CostlyMode } {
  const costly = COSTLY_MODES.find((m) => m === args.costly);
  if (costly === undefined) throw new UserError(`--costly: must be one of ${COSTLY_MODES.join(', ')}, got '${args.costly}'`);
  const eps = args.eps ?? [...DEFAULT_EPS];
  for (const e of eps) if (!(Number.isFinite(e) && e > 0 && e <= 1)) throw new UserError(`--eps: each value must be in (0, 1] (l∞, [0,1] pixel units), got ${e}`);
  const episodes = flagValue('episodes', BOUNDS.episodes, args.episodes);
  const workers = args.workers === undefined ? availableParallelism() : positiveInteger('workers', args.workers);
  integer('seed', args.seed);
  if (!(Number.isInteger(args['max-doublings']) && args['max-doublings'] >= 0 && args['max-doublings'] <= 20)) {
    throw new UserError(`--max-doublings: must be an integer in 0..20, got ${args['max-doublings']}`);
  }
  let envOverride: Record<string, unknown> = {};
  if (args['env-options'] !== undefined) {
    try {
      envOverride = JSON.parse(args['env-options']) as Record<string, unknown>;
    } catch (error) {
      throw new UserError(`--env-options: not valid JSON (${(error as Error).message})`);
    }
    if (typeof envOverride !== 'object' || envOverride === null || Array.isArray(envOverride)) throw new UserError('--env-options: must be a JSON object');
  }
  if (args.resume === undefined) outputDirFlag('out', args.out);
  return { eps, episodes, workers, envOverride, costly };
}

/** The victim's env as its agent.json records it, with --env-options over it (game options merged). */
function planEnv(model: string, override: Record<string, unknown>): AuditPlan['env'] {
  const env = readAgentDescription(model).env;
  if (env === undefined) throw new UserError(`--model: ${model}/agent.json records no env; audit needs the env the model plays`);
  const recorded = env.options ?? {};
  const game = { ...((recorded['game'] as Record<string, unknown> | undefined) ?? {}), ...((override['game'] as Record<string, unknown> | undefined) ?? {}) };
  const options = { ...recorded, ...override, ...(Object.keys(game).length > 0 ? { game } : {}) };
  try {
    resolveEnvOptions(options);
  } catch (error) {
    throw new UserError(`--env-options: ${(error as Error).message.split('\n')[0]}`);
  }
  return { id: env.id, options };
}

/** A unit source on the audit's shared thread pool; closing it leaves the pool up for the next experiment. */
function pooledSource(pool: UnitThreadPool, config: ExperimentConfig): UnitSource {
  const models = runModels(config);
  return {
    mode: 'threads',
    async run(units, onResult) {
      await Promise.all(units.map(async (unit) => onResult(await pool.run(config, models, unit), 'thread')));
    },
    async close() {},
  };
}

export const auditCommand: CommandModule<object, AuditArgs> = {
  command: 'audit',
  describe: 'evaluate a model the way a reviewer would: white-box, gradient-free, decision and transfer attacks, an eps sweep, gradient-masking flags',
  builder: (yargs: Argv) =>
    yargs
      .option('model', { type: 'string', demandOption: true, describe: 'model folder to audit (plays the env its agent.json records)' })
      .option('substitute', { type: 'string', array: true, describe: 'model folder(s) for transfer FGSM/PGD-10 (one experiment each)' })
      .option('eps', { type: 'number', array: true, describe: `l∞ budgets every attack runs at (default ${DEFAULT_EPS.join(' ')}: 1, 2, 3 grey levels)` })
      .option('episodes', { type: 'number', default: DEFAULT_AUDIT_EPISODES, describe: 'episodes per condition (episode i uses seed + i everywhere)' })
      .option('out', { type: 'string', default: 'runs', describe: 'parent folder of the new audit folder' })
      .option('workers', { type: 'number', describe: `worker threads (default one per core, here ${availableParallelism()}; 1: this thread)` })
      .option('seed', { type: 'number', default: 0 })
      .option('max-doublings', { type: 'number', default: DEFAULT_MAX_DOUBLINGS, describe: 'eps sweep cap: doublings of the smallest eps (0: no sweep)' })
      .option('costly', {
        type: 'string',
        default: DEFAULT_COSTLY_MODE,
        describe: "where PGD-50, SPSA and decision run: 'needed' (a second round: the smallest eps and where their check can still fire; docs/audit.md) or 'all' (every eps)",
      })
      .option('env-options', { type: 'string', describe: 'JSON merged over the model\'s env options, e.g. \'{"game":{"pointsToWin":5}}\' (default: the model\'s own env)' })
      .option('resume', { type: 'string', describe: 'finish the unfinished audit in this folder (give the flags it was started with; --out is not used): finished experiments are reused, an unfinished one runs only its missing units' })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' }) as unknown as Argv<AuditArgs>,
  handler: async (args) => {
    const started = Date.now();
    const flags = checkFlags(args);
    const substitutes = args.substitute ?? [];
    const plan: AuditPlan = {
      victim: args.model,
      env: planEnv(args.model, flags.envOverride),
      substitutes,
      eps: flags.eps,
      episodes: flags.episodes,
      seed: args.seed,
      maxDoublings: args['max-doublings'],
      costly: flags.costly,
    };
    // A resumed audit's folder and flags are checked before any model loads.
    let existing: ExistingExperiment[] | undefined;
    if (args.resume !== undefined) {
      existing = openAuditForResume(args.resume);
      checkSamePlan(args.resume, existing, firstRoundExperiments(plan).map((p) => p.config));
    }
    await initBackendFromFlag(args.backend);
    // Every model loads and is checked against the env before any folder exists.
    const victim = await loadPolicy(args.model);
    const substitutePolicies = new Map<string, Policy>();
    for (const s of substitutes) substitutePolicies.set(s, await loadPolicy(s));
    const policiesOf = (config: ExperimentConfig) => {
      const substitute = config.substitute === undefined ? undefined : substitutePolicies.get(config.substitute);
      return substitute === undefined ? { victim } : { victim, substitute };
    };
    for (const planned of roundExperiments(plan, 0, plan.eps, true)) {
      new UnitRunner(planned.config, policiesOf(planned.config)).close();
      runModels(planned.config);
    }

    const dir = args.resume ?? createRunFolder(args.out, `audit-${args.model.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? 'model'}`);
    const experimentsDir = join(dir, 'experiments');
    const experiments: string[] = [];
    const resumed: string[] = [];
    const pool = flags.workers > 1 ? new UnitThreadPool(flags.workers, backendChoiceInUse()) : undefined;
    const progress = createProgress();
    const counts = new Map<string, [number, number]>();
    const startedAt = new Date(started).toISOString();
    let result;
    try {
      result = await runAudit(
        plan,
        async (config) => {
          const found = existing === undefined ? undefined : findExperiment(existing, config);
          if (found !== undefined) resumed.push(relative(dir, found.dir));
          if (found?.finished === true) {
            experiments.push(relative(dir, found.dir));
            return readFinishedRun(found.dir, config);
          }
          const run = found === undefined ? startRun(experimentsDir, config, { configPath: `(advgym audit ${args.model})`, startedAt }) : openPendingRun(found.dir);
          experiments.push(relative(dir, run.dir));
          const source = pool === undefined ? inProcessSource(config, policiesOf(config)) : pooledSource(pool, config);
          const runStarted = Date.now();
          const outcome = await executeRun(run, source, flags.workers, (done, total, label) => {
            counts.set(run.dir, [done, total]);
            const sum = [...counts.values()].reduce((a, [d, t]) => [a[0] + d, a[1] + t], [0, 0]);
            progress.update(sum[0], sum[1], label);
          });
          finishRun(
            run,
            outcome.result,
            { configPath: run.info.configPath, backend: backendInfo(), versions: {}, wallSeconds: (Date.now() - runStarted) / 1000, startedAt: run.info.startedAt, spread: outcome.spread },
          );
          return outcome.result;
        },
        (round, eps) => process.stderr.write(`audit round ${round}: eps ${eps.join(', ')}\n`),
      );
    } finally {
      progress.stop();
      await pool?.close();
    }
    const wallSeconds = (Date.now() - started) / 1000;
    const command = ['advgym audit', ...process.argv.slice(process.argv.indexOf('audit') + 1).map((a) => (/^[\w./=:-]+$/.test(a) ? a : `'${a}'`))].join(' ');
    writeAuditFolder(dir, result, { command, startedAt, wallSeconds, workers: flags.workers, experiments, ...(args.resume === undefined ? {} : { resumed }) });
    process.stdout.write(`${formatAuditTable(result)}\n\n${formatFlags(result)}\n\naudit folder: ${dir} (${wallSeconds.toFixed(1)} s)\n`);
  },
};
