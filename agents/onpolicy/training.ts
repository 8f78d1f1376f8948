/**
 * The synchronous on-policy learner PPO and TRPO share, as a Learner of the training harness
 * (agents/training/harness.ts): N envs in lockstep (rollout.ts), GAE(lambda) (gae.ts), then the
 * algorithm's update (updater.ts), repeated until totalSteps. Everything happens in this thread:
 * bench/onpolicy.ts measured where a PPO iteration's time goes on Pong (the rollout, env steps
 * plus batched forward passes, ~15%; the update's gradients ~85%), so splitting the envs over two
 * threads could save at most a few percent; and a synchronous data-parallel minibatch gradient
 * (two worker threads, 128 rows each) ran 0.79x (slower) beside one thread at load average 6 and
 * 0.84-0.99x at 12, since this process got under one core either way and the split costs ~16%
 * more CPU. On an idle machine it might pay: rerun bench/onpolicy.ts there before adding it.
 *
 * Checkpoints (OUT/checkpoint/, written atomically by checkpointDir.ts) hold the nets and
 * optimizer state (the updater's), the RNG state, counters, recent returns and every env's
 * current episode as (seed, actions), so a resumed run continues bit for bit where the checkpoint
 * was (rollout.ts replays the episodes). Checkpoints fall on rollout boundaries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeEnv, type EnvOptions } from '../../envs/index.ts';
import { FieldError, FileError, UserError } from '../../src/core/errors.ts';
import { writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';
import { backendInfo } from '../../src/core/tensor/backend.ts';
import { saveModel } from '../../src/core/tensor/fileIO.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import type { Policy } from '../policy.ts';
import { writeCheckpointDir } from '../training/checkpointDir.ts';
import type { GradeSettings } from '../training/grade.ts';
import { NonFiniteLossError, type Cadence, type HarnessState, type Learner, type Metrics, type RunContext, type StartResult } from '../training/learner.ts';
import { RecentMean } from '../training/progress.ts';
import type { OnPolicyConfig } from './config.ts';
import { generalizedAdvantages } from './gae.ts';
import { RolloutBuffer, SyncRollout, type EpisodeRecord } from './rollout.ts';
import type { OnPolicyUpdater, UpdaterFactory } from './updater.ts';

export const CHECKPOINT_DIR = 'checkpoint';
const STATE_JSON = 'state.json';
const SHARED_COLUMNS = ['step', 'episodes', 'recentReturn', 'evalReturn', 'stepsPerSecond', 'wallSeconds', 'updates'] as const;

export interface OnPolicyState {
  readonly format: 'advgym-onpolicy-state';
  readonly algorithm: string;
  readonly step: number;
  readonly episodes: number;
  readonly updates: number;
  readonly rngState: number[];
  readonly recentReturns: number[];
  readonly episodesInProgress: EpisodeRecord[];
  readonly wallSeconds: number;
  readonly bestEvalReturn: number | null;
}

export interface OnPolicyTrainingOptions {
  /** Env factory override (tests use tiny envs that are not registered). */
  readonly makeEnv?: (() => Env<Float32Array>) | undefined;
}

export class OnPolicyTraining<Config extends OnPolicyConfig> implements Learner {
  readonly columns: readonly string[];
  readonly cadence: Cadence;
  readonly grading: GradeSettings;
  readonly title: string;
  readonly envDescription: { readonly id: string; readonly options: unknown };
  readonly totalSteps: number;

  private readonly envFactory: () => Env<Float32Array>;
  private readonly inputShape: [number, number, number];
  private readonly actionCount: number;
  private updater: OnPolicyUpdater | undefined;
  private rollout: SyncRollout | undefined;
  private policyView: LayersPolicy | undefined;
  private rng = Rng.fromSeed(0);
  private recent = new RecentMean();
  private counters = { step: 0, episodes: 0, updates: 0 };
  private lastStats: Record<string, number> = {};
  /** Seconds this process spent in rollouts and in updates (throughput reports, bench). */
  readonly timing = { rolloutSeconds: 0, updateSeconds: 0 };

  constructor(
    readonly algorithm: string,
    readonly config: Config,
    private readonly factory: UpdaterFactory<Config>,
    options: OnPolicyTrainingOptions = {},
  ) {
    this.envFactory = options.makeEnv ?? ((): Env<Float32Array> => makeEnv(config.env, config.envOptions as EnvOptions));
    const probe = this.envFactory();
    const shape = probe.observationSpace.shape;
    this.actionCount = probe.actionSpace.n;
    probe.close();
    if (shape.length !== 3) throw new UserError(`env ${config.env}: observation must be [H, W, k], got [${shape.join(', ')}]`);
    this.inputShape = shape as unknown as [number, number, number];
    this.columns = [...SHARED_COLUMNS, ...factory.columns];
    this.totalSteps = config.totalSteps;
    this.cadence = { logEvery: config.logEverySteps, checkpointEvery: config.checkpointEverySteps, evaluateEvery: config.evalEverySteps > 0 ? config.evalEverySteps : undefined, rowAtEnd: true };
    this.grading = { finalEpisodes: config.evalEpisodes, seed: config.evalSeed, periodicEpisodes: config.periodicEvalEpisodes, randomSeed: config.seed + 1 };
    this.title = `${algorithm.toUpperCase()} on ${config.env}: recent training return`;
    this.envDescription = { id: config.env, options: config.envOptions };
  }

  get step(): number {
    return this.counters.step;
  }

  get updates(): number {
    return this.counters.updates;
  }

  makeEnv(): Env<Float32Array> {
    return this.envFactory();
  }

  hasCheckpoint(outDir: string): boolean {
    return existsSync(join(outDir, CHECKPOINT_DIR, STATE_JSON));
  }

  private makeEnvs(): Env<Float32Array>[] {
    return Array.from({ length: this.config.numEnvs }, () => this.envFactory());
  }

  async start(outDir: string, resume: boolean, log: (line: string) => void): Promise<StartResult> {
    const { config } = this;
    const rolloutOptions = { rewardClip: config.rewardClip, terminalOnLifeLoss: config.terminalOnLifeLoss, gamma: config.gamma };
    const describe = `${this.algorithm.toUpperCase()} on ${config.env}: ${config.numEnvs} envs x ${config.numSteps} steps per update, ${config.totalSteps} steps`;
    if (!resume) {
      this.rng = Rng.fromSeed(config.seed);
      this.updater = this.factory.create(config, this.inputShape, this.actionCount, this.rng.seed());
      this.rollout = new SyncRollout(this.makeEnvs(), rolloutOptions, this.rng, this.actionCount);
      log(describe);
      return { step: 0, harness: { wallSeconds: 0, bestEvalReturn: null } };
    }
    const dir = join(outDir, CHECKPOINT_DIR);
    const state = readState(join(dir, STATE_JSON), this.algorithm);
    if (state.episodesInProgress.length !== config.numEnvs) throw new FieldError('numEnvs', `${dir} was trained with ${state.episodesInProgress.length} envs, not ${config.numEnvs}`);
    if (state.step >= config.totalSteps) throw new FieldError('totalSteps', `${outDir} has already trained ${state.step} steps; ask for more than that to resume`);
    this.updater = await this.factory.load(dir, config, this.inputShape, this.actionCount);
    this.rng = Rng.fromState(state.rngState);
    this.recent = RecentMean.from(state.recentReturns);
    this.counters = { step: state.step, episodes: state.episodes, updates: state.updates };
    this.rollout = new SyncRollout(this.makeEnvs(), rolloutOptions, this.rng, this.actionCount, state.episodesInProgress);
    log(`${describe} (resuming at step ${state.step}, update ${state.updates}, every env mid-episode where it was)`);
    return { step: state.step, harness: { wallSeconds: state.wallSeconds, bestEvalReturn: state.bestEvalReturn } };
  }

  private get net(): OnPolicyUpdater {
    if (this.updater === undefined) throw new Error('OnPolicyTraining: start() first');
    return this.updater;
  }

  async run(ctx: RunContext): Promise<void> {
    const { config } = this;
    const rollout = this.rollout as SyncRollout;
    const buffer = new RolloutBuffer(config.numSteps, config.numEnvs, this.inputShape[0] * this.inputShape[1] * this.inputShape[2], this.actionCount);
    const c = this.counters;
    while (c.step < config.totalSteps) {
      // Lets a signal handler run between the synchronous iterations.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (ctx.stopRequested()) return;
      const progress = c.step / config.totalSteps;
      let at = performance.now();
      rollout.collect(buffer, this.net.forward, (episode) => {
        this.recent.push(episode.return);
        c.episodes++;
      });
      const { advantages, returns } = generalizedAdvantages({ rewards: buffer.rewards, values: buffer.values, dones: buffer.dones, lastValues: buffer.lastValues, envs: config.numEnvs, gamma: config.gamma, lambda: config.gaeLambda });
      this.timing.rolloutSeconds += (performance.now() - at) / 1000;
      at = performance.now();
      const stats = this.net.update({ buffer, advantages, returns }, { progress, rng: this.rng });
      this.timing.updateSeconds += (performance.now() - at) / 1000;
      const loss = stats['loss'] ?? Number.NaN;
      if (!Number.isFinite(loss)) throw new NonFiniteLossError(c.step, loss, ' (try a lower learning rate)');
      this.lastStats = stats;
      c.step += buffer.rows;
      c.updates++;
      await ctx.advance(c.step);
    }
  }

  metrics(): Metrics {
    const loss = this.lastStats['loss'] ?? Number.NaN;
    return { episodes: this.counters.episodes, recentReturn: this.recent.mean, loss, columns: { ...this.lastStats, recentReturn: this.recent.mean, updates: this.counters.updates } };
  }

  async saveCheckpoint(outDir: string, harness: HarnessState): Promise<void> {
    const state: OnPolicyState = {
      format: 'advgym-onpolicy-state',
      algorithm: this.algorithm,
      ...this.counters,
      rngState: this.rng.state(),
      recentReturns: this.recent.toJSON(),
      episodesInProgress: (this.rollout as SyncRollout).records(),
      wallSeconds: harness.wallSeconds,
      bestEvalReturn: harness.bestEvalReturn,
    };
    await writeCheckpointDir(join(outDir, CHECKPOINT_DIR), async (dir) => {
      await this.net.save(dir);
      writeJsonAtomic(join(dir, 'config.json'), this.config);
      writeJsonAtomic(join(dir, STATE_JSON), state);
    });
  }

  async saveModel(dir: string): Promise<void> {
    await saveModel(this.net.policyModel, dir);
    writeJsonAtomic(join(dir, 'config.json'), this.config);
  }

  policy(): Policy {
    if (this.policyView?.model !== this.net.policyModel) this.policyView = new LayersPolicy(this.net.policyModel);
    return this.policyView;
  }

  /** The updater (tests and the bench reach its nets). */
  get learnerNets(): OnPolicyUpdater {
    return this.net;
  }

  agentFields(): Record<string, unknown> {
    return { updates: this.counters.updates, envs: this.config.numEnvs, stepsPerUpdate: this.config.numEnvs * this.config.numSteps, determinism: 'synchronous: the seed fixes the run bit for bit on one backend, resumes included' };
  }

  backendName(): string {
    return backendInfo().name;
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.updater?.dispose();
    this.updater = undefined;
    this.rollout?.close();
  }
}

function readState(path: string, algorithm: string): OnPolicyState {
  let state: Partial<OnPolicyState>;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as Partial<OnPolicyState>;
  } catch (error) {
    throw new FileError(path, `cannot resume: ${(error as Error).message.split('\n')[0]}`);
  }
  if (state.format !== 'advgym-onpolicy-state' || typeof state.step !== 'number' || !Array.isArray(state.rngState) || !Array.isArray(state.episodesInProgress)) {
    throw new FileError(path, 'not an advgym on-policy training state (format, step, rngState, episodesInProgress)');
  }
  if (state.algorithm !== algorithm) throw new FileError(path, `holds a ${String(state.algorithm)} run, not ${algorithm}`);
  return state as OnPolicyState;
}

/** Reads the config a checkpoint was trained with (resume without a config file). */
export function readCheckpointConfig(outDir: string): Record<string, unknown> {
  const path = join(outDir, CHECKPOINT_DIR, 'config.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new FileError(path, 'missing or corrupt: cannot resume');
  }
}
