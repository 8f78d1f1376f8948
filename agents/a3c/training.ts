/**
 * A3C (Mnih et al. 2016, "A3C FF") as a Learner of the training harness: runA3c (run.ts) runs the
 * asynchronous actor-learner threads; this learner restores and saves their shared parameters and
 * RMSProp statistics, keeps the episode record and tells the harness about progress from runA3c's
 * once-a-second tick (the harness then writes rows and checkpoints while the workers run on).
 *
 * Reproducibility: see run.ts (seeds fix init, env and sampling seeds; the interleaving of
 * asynchronous updates is not reproducible with more than one worker).
 *
 * Training-observation hook: the workers are threads, and functions do not cross into them. The
 * way in is the one the `envModule` test seam uses: WorkerSetup carries `observationHookModule`
 * (a file URL of a module exporting `createObservationHook(options): ObservationHook`, e.g. the
 * lab's src/lab/defense/workerHook.ts) plus JSON options; worker.ts imports it and actorLearner.ts
 * applies `act` to the observation it samples its action from and `learn` to the rollout's
 * observation batch before the loss. An in-process hook function alone is refused (trainA3c).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FieldError, UserError } from '../../src/core/errors.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { backendInfo, initBackend } from '../../src/core/tensor/backend.ts';
import { loadModel } from '../../src/core/tensor/fileIO.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import type { Policy } from '../policy.ts';
import { finalGradeOnly } from '../training/grade.ts';
import { FRESH_START, type HarnessState, type Learner, type Metrics, type RunContext, type StartResult } from '../training/learner.ts';
import { LearnerBase } from '../training/learnerBase.ts';
import { checkImageShape, envFactoryFor, probeEnv, type EnvFactory, type LearnerEnv } from '../training/learnerEnv.ts';
import type { TrainingLog } from '../training/trainingLog.ts';
import type { ObservationHookModule } from '../training/observationHook.ts';
import { loadCheckpoint, saveCheckpoint, STATE_JSON, type A3cState } from './checkpoint.ts';
import type { A3cConfig } from './config.ts';
import { A3C_TRAINING_COLUMNS, EpisodeLog } from './episodeLog.ts';
import { buildInitialModel, runA3c, type A3cRunResult } from './run.ts';
import { readFlatWeights, writeFlatWeights, type SharedParams } from './sharedParams.ts';

type CreateEnv = (id: string, options: Record<string, unknown>) => Env<Float32Array>;

export interface A3cTrainingOptions {
  /** File URL of a module exporting createEnv(id, options) to use instead of makeEnv (tests). */
  readonly envModule?: string | undefined;
  /** Give up if the global step count does not move for this many seconds. */
  readonly stallTimeoutSeconds?: number | undefined;
  /** The observation hook's module route (adversarial training; agents/training/observationHook.ts). */
  readonly observationHookModule?: ObservationHookModule | undefined;
}

async function envFactory(config: A3cConfig, envModule: string | undefined): Promise<EnvFactory> {
  if (envModule === undefined) return envFactoryFor(config);
  const module = (await import(envModule)) as { createEnv?: CreateEnv };
  const create = module.createEnv;
  if (typeof create !== 'function') throw new UserError(`${envModule}: exports no createEnv(id, options)`);
  return () => create(config.env, config.envOptions);
}

export class A3cTraining extends LearnerBase<A3cConfig> implements Learner {
  readonly checkpointIsModelFolder = true;
  readonly workers: number;

  episodes = new EpisodeLog();
  private model: tfl.LayersModel;
  private meanSquare: Float32Array;
  private shared: SharedParams | undefined;
  private previous: A3cState | undefined;
  private globalSteps = 0;
  private updates = 0;
  private meanStaleness = 0;
  private backend = backendInfo().name;
  private wallAtEnd = 0;
  private readonly pending = { steps: 0, policyLoss: 0, valueLoss: 0, entropy: 0 };
  result: A3cRunResult | undefined;

  private constructor(
    config: A3cConfig,
    env: LearnerEnv,
    private readonly options: A3cTrainingOptions,
  ) {
    super(config, env, {
      algorithm: 'a3c',
      columns: A3C_TRAINING_COLUMNS,
      cadence: { logEvery: config.logEverySteps, checkpointEvery: config.checkpointEverySteps, rowAtEnd: true },
      grading: finalGradeOnly(config),
      title: `A3C on ${config.env}: training episodes`,
      totalSteps: config.totalSteps,
      // The checkpoint is the model folder itself: its state file says one is there.
      checkpointPath: STATE_JSON,
    });
    this.workers = config.workers ?? availableParallelism();
    this.model = buildInitialModel({ config, inputShape: this.shape, actionCount: this.actionCount });
    this.meanSquare = new Float32Array(readFlatWeights(this.model).length);
  }

  /** Starts the backend, loads the env module and probes the env's shapes. */
  static async create(config: A3cConfig, options: A3cTrainingOptions = {}): Promise<A3cTraining> {
    await initBackend(config.backend);
    const env = probeEnv(await envFactory(config, options.envModule));
    checkImageShape(config.env, env.shape);
    return new A3cTraining(config, env, options);
  }

  get step(): number {
    return this.globalSteps;
  }

  async start(outDir: string, resume: boolean, log: (line: string) => void): Promise<StartResult> {
    const { config } = this;
    if (!resume) {
      if (config.initFrom !== null) await this.initFrom(config.initFrom, log);
      log(`A3C on ${config.env}: ${this.workers} worker(s), t_max ${config.tMax}, ${config.totalSteps} steps; model folder ${outDir}`);
      return FRESH_START;
    }
    const loaded = await loadCheckpoint(outDir);
    const old = loaded.config as Partial<A3cConfig>;
    const size = readFlatWeights(this.model).length;
    const fail = (error: Error): never => {
      loaded.model.dispose();
      throw error;
    };
    if (old.env !== config.env || old.network !== config.network) fail(new FieldError('resume', `${outDir} was trained with env ${String(old.env)} and network ${String(old.network)}, not ${config.env} and ${config.network}`));
    if (readFlatWeights(loaded.model).length !== size) fail(new FieldError('resume', `${outDir} holds a model of a different size than this config builds`));
    if (loaded.state.globalSteps >= config.totalSteps) fail(new FieldError('totalSteps', `${outDir} has already trained ${loaded.state.globalSteps} steps; ask for more than that to resume`));
    this.model.dispose();
    this.model = loaded.model;
    this.meanSquare = loaded.meanSquare;
    this.previous = loaded.state;
    this.globalSteps = loaded.state.globalSteps;
    this.updates = loaded.state.updates;
    this.episodes = loaded.log;
    this.episodes.truncateAfter(loaded.state.globalSteps);
    if (loaded.episodesMissing) log(`${join(outDir, 'episodes.csv')} is missing: the episode record (and the learning curve) starts empty at step ${loaded.state.globalSteps}`);
    log(`A3C on ${config.env}: ${this.workers} worker(s), t_max ${config.tMax}, ${config.totalSteps} steps (resuming at ${loaded.state.globalSteps}, segment ${loaded.state.segments + 1}); model folder ${outDir}`);
    return { step: loaded.state.globalSteps, harness: { wallSeconds: loaded.state.wallTimeSeconds, bestEvalReturn: null } };
  }

  /** Weights of a model folder (config.initFrom) as the fresh run's starting point. */
  private initial: Float32Array | undefined;

  private async initFrom(dir: string, log: (line: string) => void): Promise<void> {
    const source = await loadModel(dir);
    try {
      const weights = readFlatWeights(source);
      const size = readFlatWeights(this.model).length;
      if (weights.length !== size) throw new FieldError('initFrom', `${dir} holds ${weights.length} parameters, this config's network ${size} (check network and env)`);
      writeFlatWeights(this.model, weights);
      this.initial = weights;
      log(`starting from the weights of ${dir} (RMSProp statistics and counters fresh)`);
    } finally {
      source.dispose();
    }
  }

  metrics(): Metrics {
    const { pending, config } = this;
    const perStep = (x: number): number => (pending.steps === 0 ? Number.NaN : x / pending.steps);
    const progress = Math.min(1, this.globalSteps / config.totalSteps);
    const loss = perStep(pending.policyLoss + config.valueLossCoef * pending.valueLoss - config.entropyBeta * pending.entropy);
    const columns = {
      recentMeanReturn: this.episodes.recentMeanReturn(),
      policyLoss: perStep(pending.policyLoss),
      valueLoss: perStep(pending.valueLoss),
      entropy: perStep(pending.entropy),
      meanStaleness: this.meanStaleness,
      learningRate: config.annealLearningRate ? config.learningRate * (1 - progress) : config.learningRate,
    };
    pending.steps = pending.policyLoss = pending.valueLoss = pending.entropy = 0;
    return { episodes: this.episodes.episodes.length, recentReturn: columns.recentMeanReturn, loss, columns };
  }

  async run(ctx: RunContext): Promise<void> {
    const { config } = this;
    const segment = this.previous?.segments ?? 0;
    // runA3c derives the worker seeds from the seed it is given. Each resumed segment gets its own
    // seed, so a resumed run does not replay the episodes it already trained on; the recorded
    // config keeps the user's seed.
    const runConfig: A3cConfig = segment === 0 ? config : { ...config, seed: (config.seed ^ Math.imul(segment, 0x9e3779b1)) | 0 };
    const previousUpdates = this.previous?.updates ?? 0;
    // A fresh run from initFrom starts the shared parameters at those weights (fresh RMSProp, step 0).
    const resume =
      this.previous !== undefined
        ? { weights: readFlatWeights(this.model), meanSquare: this.meanSquare, steps: this.globalSteps }
        : this.initial !== undefined
          ? { weights: this.initial, meanSquare: new Float32Array(this.initial.length), steps: 0 }
          : undefined;
    let failure: unknown;
    const result = await runA3c({
      config: runConfig,
      workers: this.workers,
      inputShape: this.shape,
      actionCount: this.actionCount,
      ...(resume === undefined ? {} : { resume }),
      ...(this.options.envModule === undefined ? {} : { envModule: this.options.envModule }),
      ...(this.options.observationHookModule === undefined ? {} : { observationHookModule: this.options.observationHookModule }),
      statsEveryUpdates: 20,
      ...(this.options.stallTimeoutSeconds === undefined ? {} : { stallTimeoutMs: this.options.stallTimeoutSeconds * 1000 }),
      onEpisode: (episode) => this.episodes.episodes.push({ step: episode.globalSteps, worker: episode.worker, return: episode.return, length: episode.length, wallSeconds: ctx.wallSeconds() }),
      onStats: (stats) => {
        this.pending.steps += stats.steps;
        this.pending.policyLoss += stats.policyLoss;
        this.pending.valueLoss += stats.valueLoss;
        this.pending.entropy += stats.entropy;
      },
      onTick: (shared) => {
        this.shared = shared;
        this.globalSteps = shared.globalSteps();
        this.meanStaleness = shared.meanStaleness();
        this.updates = previousUpdates + shared.updates();
        if (ctx.stopRequested()) shared.requestStop();
        // Rows and checkpoints while the workers run on; a failed checkpoint stops the run.
        ctx.advance(this.globalSteps).catch((error: unknown) => {
          failure ??= error;
          shared.requestStop();
        });
      },
    });
    this.shared = undefined;
    this.result = result;
    this.backend = result.backends[0] ?? this.backend;
    this.meanStaleness = result.meanStaleness;
    this.updates = previousUpdates + result.updates;
    this.globalSteps = result.steps;
    this.meanSquare = result.meanSquare;
    writeFlatWeights(this.model, result.weights);
    this.wallAtEnd = ctx.wallSeconds();
    if (failure !== undefined) throw failure;
  }

  /** The live parameters while workers run, else the model's. */
  private syncModel(): void {
    if (this.shared !== undefined) {
      writeFlatWeights(this.model, this.shared.theta.slice());
      this.meanSquare = this.shared.meanSquare.slice();
    }
  }

  async saveCheckpoint(outDir: string, harness: HarnessState): Promise<void> {
    const state: A3cState = {
      format: 'advgym-a3c-state',
      globalSteps: this.globalSteps,
      updates: this.updates,
      wallTimeSeconds: harness.wallSeconds,
      parameterCount: this.meanSquare.length,
      segments: (this.previous?.segments ?? 0) + 1,
    };
    saveCheckpoint(outDir, this.meanSquare, state, this.episodes, this.config);
  }

  override async saveModel(dir: string): Promise<void> {
    this.syncModel();
    await super.saveModel(dir);
  }

  protected deployedModel(): tfl.LayersModel {
    return this.model;
  }

  policy(): Policy {
    return new LayersPolicy(this.model);
  }

  agentFields(): Record<string, unknown> {
    return {
      workers: this.workers,
      meanStaleness: this.meanStaleness,
      updates: this.updates,
      determinism: 'asynchronous updates: the seed fixes init and env/sampling seeds, not the update interleaving',
    };
  }

  override backendName(): string {
    return this.backend;
  }

  renderCurve(_log: TrainingLog): Buffer {
    return this.episodes.learningCurvePng(this.title);
  }

  /** Wall seconds of the training when the workers finished (for throughput reports). */
  get wallSecondsAtEnd(): number {
    return this.wallAtEnd;
  }

  dispose(): void {
    this.model.dispose();
  }
}
