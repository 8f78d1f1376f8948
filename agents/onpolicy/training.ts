/**
 * The synchronous on-policy learner PPO and TRPO share, as a Learner of the training harness
 * (agents/training/harness.ts): N envs in lockstep (rollout.ts), GAE(lambda) (gae.ts), then the
 * algorithm's update (updater.ts), repeated until totalSteps. The rollout and the update run in
 * this thread: bench/onpolicy.ts measured where a PPO iteration's time goes on Pong (the rollout,
 * env steps plus batched forward passes, ~13%; the update's gradients ~87%), so splitting the envs
 * over two threads could save at most a few percent. The second core goes to the update instead:
 * PPO's `gradientThreads: 2` (agents/ppo/gradientThread.ts) computes half of each minibatch's
 * gradient in a worker thread; it pays on free cores and loses on cores other jobs hold.
 *
 * Checkpoints (OUT/checkpoint/, written atomically by checkpointDir.ts) hold the nets and
 * optimizer state (the updater's), the RNG state, counters, recent returns and every env's
 * current episode as (seed, actions), so a resumed run continues bit for bit where the checkpoint
 * was (rollout.ts replays the episodes). Checkpoints fall on rollout boundaries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FieldError, FileError } from '../../src/core/errors.ts';
import { writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';
import type { Policy } from '../policy.ts';
import { writeCheckpointDir } from '../training/checkpointDir.ts';
import { FRESH_START, NonFiniteLossError, type HarnessState, type Learner, type Metrics, type RunContext, type StartResult } from '../training/learner.ts';
import { LearnerBase } from '../training/learnerBase.ts';
import { checkImageShape, envFactoryFor, probeEnv, type EnvFactory } from '../training/learnerEnv.ts';
import { RecentMean } from '../training/progress.ts';
import { letSignalsIn } from '../training/stopSignals.ts';
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
  readonly makeEnv?: EnvFactory | undefined;
}

export class OnPolicyTraining<Config extends OnPolicyConfig> extends LearnerBase<Config> implements Learner {
  private updater: OnPolicyUpdater | undefined;
  private rollout: SyncRollout | undefined;
  private rng = Rng.fromSeed(0);
  private recent = new RecentMean();
  private counters = { step: 0, episodes: 0, updates: 0 };
  private lastStats: Record<string, number> = {};
  /** Seconds this process spent in rollouts and in updates (throughput reports, bench). */
  readonly timing = { rolloutSeconds: 0, updateSeconds: 0 };

  constructor(
    algorithm: string,
    config: Config,
    private readonly factory: UpdaterFactory<Config>,
    options: OnPolicyTrainingOptions = {},
  ) {
    const env = probeEnv(envFactoryFor(config, options.makeEnv));
    checkImageShape(config.env, env.shape);
    super(config, env, {
      algorithm,
      columns: [...SHARED_COLUMNS, ...factory.columns],
      cadence: { logEvery: config.logEverySteps, checkpointEvery: config.checkpointEverySteps, evaluateEvery: config.evalEverySteps > 0 ? config.evalEverySteps : undefined, rowAtEnd: true },
      grading: { finalEpisodes: config.evalEpisodes, seed: config.evalSeed, periodicEpisodes: config.periodicEvalEpisodes, randomSeed: config.seed + 1 },
      title: `${algorithm.toUpperCase()} on ${config.env}: recent training return`,
      totalSteps: config.totalSteps,
      checkpointPath: join(CHECKPOINT_DIR, STATE_JSON),
    });
  }

  get step(): number {
    return this.counters.step;
  }

  get updates(): number {
    return this.counters.updates;
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
      this.updater = this.factory.create(config, this.shape, this.actionCount, this.rng.seed());
      this.rollout = new SyncRollout(this.makeEnvs(), rolloutOptions, this.rng, this.actionCount);
      log(describe);
      return FRESH_START;
    }
    const dir = join(outDir, CHECKPOINT_DIR);
    const state = readState(join(dir, STATE_JSON), this.algorithm);
    if (state.episodesInProgress.length !== config.numEnvs) throw new FieldError('numEnvs', `${dir} was trained with ${state.episodesInProgress.length} envs, not ${config.numEnvs}`);
    if (state.step >= config.totalSteps) throw new FieldError('totalSteps', `${outDir} has already trained ${state.step} steps; ask for more than that to resume`);
    this.updater = await this.factory.load(dir, config, this.shape, this.actionCount);
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
    const buffer = new RolloutBuffer(config.numSteps, config.numEnvs, this.shape[0] * this.shape[1] * this.shape[2], this.actionCount);
    const c = this.counters;
    while (c.step < config.totalSteps) {
      await letSignalsIn();
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

  protected deployedModel(): tfl.LayersModel {
    return this.net.policyModel;
  }

  policy(): Policy {
    return this.policyOf(this.net.policyModel);
  }

  /** The updater (tests and the bench reach its nets). */
  get learnerNets(): OnPolicyUpdater {
    return this.net;
  }

  agentFields(): Record<string, unknown> {
    return { updates: this.counters.updates, envs: this.config.numEnvs, stepsPerUpdate: this.config.numEnvs * this.config.numSteps, determinism: 'synchronous: the seed fixes the run bit for bit on one backend, resumes included' };
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
