/**
 * `advgym train a3c`: A3C training (Mnih et al. 2016, "A3C FF") as a model folder. runA3c (run.ts)
 * runs the asynchronous actor-learner threads; this file wraps it with what a training run needs:
 * refusing to overwrite, resume from a checkpoint, progress lines, training.csv / episodes.csv,
 * the learning curve, periodic atomic checkpoints, Ctrl-C (stop, keep a checkpoint), the final
 * greedy evaluation beside random play, and agent.json per the model-folder contract.
 *
 * Failures (a worker error, a NaN, a hang) reject with runA3c's error and write nothing more, so
 * the last checkpoint stays intact. Reproducibility: see run.ts (seeds fix init, env and sampling
 * seeds; the interleaving of asynchronous updates is not reproducible with more than one worker).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { makeEnv, type EnvOptions } from '../../envs/index.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';
import { backendInfo, initBackend } from '../../src/core/tensor/backend.ts';
import { evaluate, evaluateRandom } from '../evaluate.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import { createTrainingProgress, type TrainingProgress } from '../training/progress.ts';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type A3cState, type AgentFields } from './checkpoint.ts';
import type { A3cConfig } from './config.ts';
import { buildInitialModel, runA3c } from './run.ts';
import { readFlatWeights, writeFlatWeights, type SharedParams } from './sharedParams.ts';
import { TrainingLog } from './trainingLog.ts';

export interface TrainA3cOptions {
  /** The model folder to write (and to resume from). */
  readonly outDir: string;
  /** Continue from the checkpoint in outDir (weights, RMSProp statistics, counters, logs). */
  readonly resume?: boolean;
  /** Replace a model already in outDir instead of refusing. */
  readonly force?: boolean;
  /** Where progress lines go; default: the shared training progress (a bar on a terminal, lines when piped). */
  readonly log?: (line: string) => void;
  /** File URL of a module exporting createEnv(id, options) to use instead of makeEnv (tests). */
  readonly envModule?: string;
  /** Give up if the global step count does not move for this many seconds. */
  readonly stallTimeoutSeconds?: number;
}

export interface A3cResult {
  readonly workers: number;
  readonly globalSteps: number;
  /** Steps taken by this run (excludes steps of the run it resumed). */
  readonly stepsThisRun: number;
  readonly secondsThisRun: number;
  /** stepsThisRun / secondsThisRun, counted from the moment every worker was ready. */
  readonly stepsPerSecond: number;
  readonly meanStaleness: number;
  readonly episodes: number;
  readonly recentMeanReturn: number;
  readonly interrupted: boolean;
  readonly evaluation?: { readonly episodes: number; readonly meanReturn: number; readonly stdReturn: number; readonly seed: number };
}

type CreateEnv = (id: string, options: Record<string, unknown>) => Env<Float32Array>;

async function envFactory(config: A3cConfig, envModule: string | undefined): Promise<() => Env<Float32Array>> {
  if (envModule === undefined) return () => makeEnv(config.env, config.envOptions as EnvOptions);
  const module = (await import(envModule)) as { createEnv?: CreateEnv };
  const create = module.createEnv;
  if (typeof create !== 'function') throw new UserError(`${envModule}: exports no createEnv(id, options)`);
  return () => create(config.env, config.envOptions);
}

export async function trainA3c(config: A3cConfig, options: TrainA3cOptions): Promise<A3cResult> {
  // The shared progress display (agents/training): a live bar between log lines on a terminal.
  // A3C has no epsilon; the bar shows '-' there and the summed actor-critic loss per step as loss.
  const progress: TrainingProgress = options.log === undefined ? createTrainingProgress() : { update: () => undefined, log: options.log, stop: () => undefined };
  const liveBar = options.log === undefined && process.stdout.isTTY === true;
  const log = (line: string): void => progress.log(line);
  const workerCount = config.workers ?? availableParallelism();
  const dir = options.outDir;
  if (!options.resume && !options.force && existsSync(join(dir, 'model.json'))) {
    throw new UserError(`--out: ${dir} already holds a model; pass --resume to continue it or --force to replace it`);
  }
  if (options.resume && !hasCheckpoint(dir)) throw new UserError(`--resume: ${dir} holds no A3C checkpoint (a3c-state.json)`);
  await initBackend(config.backend);
  const createEnv = await envFactory(config, options.envModule);
  const probe = createEnv();
  const inputShape = probe.observationSpace.shape as [number, number, number];
  if (inputShape.length !== 3) throw new UserError(`env ${config.env}: observation must be [H, W, k], got [${inputShape.join(', ')}]`);
  const actionCount = probe.actionSpace.n;
  const actionNames = probe.actionSpace.actionNames;
  probe.close();

  let model = buildInitialModel({ config, inputShape, actionCount });
  let trainingLog = new TrainingLog();
  let previous: A3cState | undefined;
  let resume: { weights: Float32Array; meanSquare: Float32Array; steps: number } | undefined;
  if (options.resume) {
    const loaded = await loadCheckpoint(dir);
    const old = loaded.config as Partial<A3cConfig>;
    const weights = readFlatWeights(loaded.model);
    const size = readFlatWeights(model).length;
    model.dispose();
    model = loaded.model;
    if (old.env !== config.env || old.network !== config.network) {
      model.dispose();
      throw new UserError(`--resume: ${dir} was trained with env ${String(old.env)} and network ${String(old.network)}, not ${config.env} and ${config.network}`);
    }
    if (weights.length !== size) {
      model.dispose();
      throw new UserError(`--resume: ${dir} holds a model of a different size than this config builds`);
    }
    if (loaded.state.globalSteps >= config.totalSteps) {
      model.dispose();
      throw new UserError(`--steps: ${dir} has already trained ${loaded.state.globalSteps} steps; ask for more than that to resume`);
    }
    trainingLog = loaded.log;
    previous = loaded.state;
    resume = { weights, meanSquare: loaded.meanSquare, steps: loaded.state.globalSteps };
  }

  const segment = previous?.segments ?? 0;
  // runA3c derives the worker seeds from the seed it is given. Each resumed segment gets its own
  // seed, so a resumed run does not replay the episodes it already trained on; the recorded
  // config keeps the user's seed.
  const runConfig: A3cConfig = segment === 0 ? config : { ...config, seed: (config.seed ^ Math.imul(segment, 0x9e3779b1)) | 0 };
  const startSteps = resume?.steps ?? 0;
  const wallOffset = previous?.wallTimeSeconds ?? 0;
  const started = performance.now();
  const wall = (): number => wallOffset + (performance.now() - started) / 1000;
  let meanStaleness = 0;
  let updates = previous?.updates ?? 0;

  const agentFields = (backend: string, extra: AgentFields = {}): AgentFields => ({
    env: { id: config.env, options: config.envOptions },
    inputShape,
    actionCount,
    actionNames,
    backend,
    workers: workerCount,
    meanStaleness,
    determinism: 'asynchronous updates: the seed fixes init and env/sampling seeds, not the update interleaving',
    ...extra,
  });
  const state = (globalSteps: number): A3cState => ({
    format: 'advgym-a3c-state',
    globalSteps,
    updates,
    wallTimeSeconds: wall(),
    parameterCount: readFlatWeights(model).length,
    segments: segment + 1,
  });

  const pending = { steps: 0, policyLoss: 0, valueLoss: 0, entropy: 0 };
  let lastRow = { step: startSteps, wall: wall() };
  const addRow = (step: number): void => {
    if (step === lastRow.step) return;
    const now = wall();
    const progress = Math.min(1, step / config.totalSteps);
    const perStep = (x: number): number => (pending.steps === 0 ? Number.NaN : x / pending.steps);
    const stepsPerSecond = now > lastRow.wall ? (step - lastRow.step) / (now - lastRow.wall) : 0;
    const row = {
      step,
      wallSeconds: now,
      stepsPerSecond,
      episodes: trainingLog.episodes.length,
      recentMeanReturn: trainingLog.recentMeanReturn(),
      policyLoss: perStep(pending.policyLoss),
      valueLoss: perStep(pending.valueLoss),
      entropy: perStep(pending.entropy),
      meanStaleness,
      learningRate: config.annealLearningRate ? config.learningRate * (1 - progress) : config.learningRate,
    };
    trainingLog.rows.push(row);
    pending.steps = pending.policyLoss = pending.valueLoss = pending.entropy = 0;
    lastRow = { step, wall: now };
    const eta = stepsPerSecond > 0 && step < config.totalSteps ? ` | ETA ${formatSeconds((config.totalSteps - step) / stepsPerSecond)}` : '';
    log(
      `step ${step}/${config.totalSteps} (${(100 * progress).toFixed(1)}%) | ${stepsPerSecond.toFixed(0)} steps/s | episodes ${trainingLog.episodes.length}` +
        ` | mean return (last 20) ${row.recentMeanReturn.toFixed(2)} | entropy/step ${row.entropy.toFixed(3)} | staleness ${meanStaleness.toFixed(2)}${eta}`,
    );
  };

  // Checkpoints are written from the once-a-second tick while the workers run on; one at a time.
  let nextLog = (Math.floor(startSteps / config.logEverySteps) + 1) * config.logEverySteps;
  let nextCheckpoint = (Math.floor(startSteps / config.checkpointEverySteps) + 1) * config.checkpointEverySteps;
  let writing: Promise<void> = Promise.resolve();
  let checkpointError: unknown;
  let sharedRef: SharedParams | undefined;
  let interrupted = false;
  const onTick = (shared: SharedParams): void => {
    sharedRef = shared;
    const steps = shared.globalSteps();
    meanStaleness = shared.meanStaleness();
    updates = (previous?.updates ?? 0) + shared.updates();
    if (liveBar) {
      const rate = wall() > lastRow.wall ? (steps - lastRow.step) / (wall() - lastRow.wall) : 0;
      const loss = pending.steps === 0 ? Number.NaN : (pending.policyLoss + config.valueLossCoef * pending.valueLoss - config.entropyBeta * pending.entropy) / pending.steps;
      progress.update({ step: steps, totalSteps: config.totalSteps, episodes: trainingLog.episodes.length, stepsPerSecond: rate, recentReturn: trainingLog.recentMeanReturn(), loss, epsilon: Number.NaN });
    }
    if (steps >= nextLog) {
      addRow(steps);
      nextLog = (Math.floor(steps / config.logEverySteps) + 1) * config.logEverySteps;
    }
    if (steps >= nextCheckpoint && steps < config.totalSteps) {
      nextCheckpoint = (Math.floor(steps / config.checkpointEverySteps) + 1) * config.checkpointEverySteps;
      const snapshot = { theta: shared.theta.slice(), meanSquare: shared.meanSquare.slice() };
      writing = writing
        .then(() => saveCheckpoint(dir, model, snapshot, state(steps), trainingLog, config, agentFields(backendName)))
        .then(() => log(`checkpoint at step ${steps} written to ${dir}`))
        .catch((error: unknown) => {
          checkpointError ??= error;
          shared.requestStop();
        });
    }
  };
  const onInterrupt = (): void => {
    interrupted = true;
    log('interrupted: stopping the workers, then writing a checkpoint (Ctrl-C again to abort)');
    sharedRef?.requestStop();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  // Workers resolve the same backend choice on the same machine; runA3c reports theirs at the end.
  let backendName = backendInfo().name;

  log(`A3C on ${config.env}: ${workerCount} worker(s), t_max ${config.tMax}, ${config.totalSteps} steps${previous ? ` (resuming at ${startSteps})` : ''}; model folder ${dir}`);
  let result: Awaited<ReturnType<typeof runA3c>>;
  try {
    result = await runA3c({
      config: runConfig,
      workers: workerCount,
      inputShape,
      actionCount,
      ...(resume === undefined ? {} : { resume }),
      ...(options.envModule === undefined ? {} : { envModule: options.envModule }),
      statsEveryUpdates: 20,
      ...(options.stallTimeoutSeconds === undefined ? {} : { stallTimeoutMs: options.stallTimeoutSeconds * 1000 }),
      onEpisode: (episode) => trainingLog.episodes.push({ step: episode.globalSteps, worker: episode.worker, return: episode.return, length: episode.length, wallSeconds: wall() }),
      onStats: (stats) => {
        pending.steps += stats.steps;
        pending.policyLoss += stats.policyLoss;
        pending.valueLoss += stats.valueLoss;
        pending.entropy += stats.entropy;
      },
      onTick: (shared) => {
        if (sharedRef === undefined && interrupted) shared.requestStop();
        onTick(shared);
      },
    });
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onInterrupt);
    // A checkpoint being written when a worker failed completes first: it is a valid snapshot.
    await writing;
  }
  if (checkpointError !== undefined) throw checkpointError;
  backendName = result.backends[0] ?? backendName;
  meanStaleness = result.meanStaleness;
  updates = (previous?.updates ?? 0) + result.updates;
  addRow(result.steps);

  let evaluation: A3cResult['evaluation'];
  const extra: AgentFields = {};
  writeFlatWeights(model, result.weights);
  if (config.evalEpisodes > 0 && !interrupted) {
    const seed = 10_000 + config.seed;
    const greedy = evaluate(new LayersPolicy(model), createEnv(), config.evalEpisodes, seed);
    const random = evaluateRandom(createEnv(), config.evalEpisodes, seed, Rng.fromSeed(config.seed + 1));
    evaluation = { episodes: config.evalEpisodes, meanReturn: greedy.meanReturn, stdReturn: greedy.stdReturn, seed };
    extra['evaluation'] = { ...evaluation, returns: greedy.returns };
    extra['randomBaseline'] = { meanReturn: random.meanReturn, stdReturn: random.stdReturn };
    log(`greedy return over ${config.evalEpisodes} episodes: ${greedy.meanReturn.toFixed(2)} ± ${greedy.stdReturn.toFixed(2)} (random play: ${random.meanReturn.toFixed(2)})`);
  }
  await saveCheckpoint(dir, model, { theta: result.weights, meanSquare: result.meanSquare }, state(result.steps), trainingLog, config, agentFields(backendName, extra));
  model.dispose();
  log(`done: ${result.steps} steps (${(result.steps - startSteps) / Math.max(result.seconds, 1e-9) | 0} steps/s with ${workerCount} worker(s), mean staleness ${result.meanStaleness.toFixed(2)}); model folder ${dir}`);
  return {
    workers: workerCount,
    globalSteps: result.steps,
    stepsThisRun: result.steps - startSteps,
    secondsThisRun: result.seconds,
    stepsPerSecond: result.stepsPerSecond,
    meanStaleness: result.meanStaleness,
    episodes: trainingLog.episodes.length,
    recentMeanReturn: trainingLog.recentMeanReturn(),
    interrupted,
    ...(evaluation === undefined ? {} : { evaluation }),
  };
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min ${Math.floor(seconds % 60)} s`;
}
