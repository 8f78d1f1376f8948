/**
 * DQN as a Learner of the training harness (agents/training/harness.ts): epsilon-greedy acting,
 * replay, target network, Adam updates (learner.ts), checkpoints in OUT/checkpoint/ (online +
 * target weights, Adam, counters, RNG, recent returns, and with `saveReplay` the replay buffer),
 * weight snapshots for averaging. The harness does the rest (out folder, signals, logs, grades,
 * agent.json).
 *
 * Resume without a saved replay buffer refills it with `learningStarts` steps of the current
 * epsilon-greedy policy (no updates meanwhile; these steps count toward totalSteps and advance
 * epsilon). Either way the interrupted episode is abandoned and training restarts with the next
 * episode seed; counters and the RNG stream continue.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FieldError } from '../../src/core/errors.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';
import { adam } from '../../src/core/tensor/adam.ts';
import { buildQNetwork } from '../networks.ts';
import type { Policy } from '../policy.ts';
import { writeAgentJson } from '../training/agentJson.ts';
import { writeCheckpointDir } from '../training/checkpointDir.ts';
import { clipReward } from '../training/clipReward.ts';
import { FRESH_START, NonFiniteLossError, type HarnessState, type Learner, type Metrics, type RunContext, type StartResult } from '../training/learner.ts';
import { LearnerBase } from '../training/learnerBase.ts';
import { envFactoryFor, envShapeOf, type EnvFactory } from '../training/learnerEnv.ts';
import { LifeLossTracker } from '../training/lifeLoss.ts';
import { checkMemory } from '../training/memory.ts';
import type { ObservationHook } from '../training/observationHook.ts';
import { RecentMean } from '../training/progress.ts';
import { letSignalsIn } from '../training/stopSignals.ts';
import { DQN_TRAINING_COLUMNS } from '../training/trainingLog.ts';
import { CHECKPOINT_DIR, initFromModel, loadDqnCheckpoint, makeLearner, saveDqnCheckpoint, SNAPSHOTS_DIR, type DqnTrainingState } from './checkpoint.ts';
import { epsilonAt, learningRateAt, priorityBetaAt, type DqnConfig } from './config.ts';
import type { DqnLearner } from './learner.ts';
import { PrioritizedReplayBuffer } from './prioritizedReplay.ts';
import { headOutputs } from './quantiles.ts';
import { ReplayBuffer } from './replayBuffer.ts';
import { hasSavedReplay, restoreReplay } from './replaySnapshot.ts';

export interface DqnTrainingOptions {
  /** Env factory override (tests use tiny envs that are not registered). */
  readonly makeEnv?: EnvFactory | undefined;
  readonly observationHook?: ObservationHook | undefined;
}

/** The replay capacity a config gets: never more than the run can fill. */
export function replayCapacity(config: DqnConfig): number {
  return Math.min(config.bufferSize, config.totalSteps + 2 * config.learningStarts + 10);
}

/** Checks the replay buffer fits this machine before anything is built (field bufferSize). */
export function checkDqnMemory(config: DqnConfig, shape: readonly [number, number, number]): void {
  const capacity = replayCapacity(config);
  const pixels = shape[0] * shape[1];
  const bytes = capacity * (ReplayBuffer.bytesPerTransition(shape) + (config.prioritizedReplay ? 16 : 0));
  checkMemory('bufferSize', config.bufferSize, bytes, capacity * pixels);
}

/**
 * A config that asks for a defense needs the hook that does the perturbing (built in the lab from
 * the config: `advgym train dqn` does it; library callers pass buildObservationHook's result).
 * Training undefended while the config says otherwise would be a silent lie, so it is refused.
 */
export function checkDefenseHook(config: Pick<DqnConfig, 'adversarialTraining' | 'saRegularizer'>, hook: ObservationHook | undefined): void {
  const at = config.adversarialTraining;
  const how = 'pass options.observationHook (src/lab/defense buildObservationHook(config); `advgym train dqn` does this)';
  if (at !== null && at.where !== 'learn' && hook?.act === undefined) throw new FieldError('adversarialTraining', `where '${at.where}' needs an act hook: ${how}`);
  if (at !== null && at.where !== 'act' && hook?.learn === undefined) throw new FieldError('adversarialTraining', `where '${at.where}' needs a learn hook: ${how}`);
  if (config.saRegularizer !== null && hook?.worstCase === undefined) throw new FieldError('saRegularizer', `needs a worstCase hook: ${how}`);
}

export class DqnTraining extends LearnerBase<DqnConfig> implements Learner {
  /** The env training steps: the one the shapes were read from. */
  private readonly env: Env<Float32Array>;
  private learner: DqnLearner | undefined;
  private rng = Rng.fromSeed(0);
  private buffer: ReplayBuffer | undefined;
  private recent = new RecentMean();
  private counters = { step: 0, episodes: 0, updates: 0 };
  private lastLoss = Number.NaN;
  private learnFrom = 0;

  constructor(
    config: DqnConfig,
    private readonly options: DqnTrainingOptions = {},
  ) {
    const factory = envFactoryFor(config, options.makeEnv);
    const env = factory();
    super(config, { factory, ...envShapeOf(env) }, {
      algorithm: 'dqn',
      columns: DQN_TRAINING_COLUMNS,
      cadence: { logEvery: config.logInterval, checkpointEvery: config.checkpointInterval, evaluateEvery: config.evalInterval },
      grading: { finalEpisodes: config.finalEvalEpisodes, seed: config.evalSeed, periodicEpisodes: config.evalEpisodes, randomSeed: config.seed + 1 },
      title: `DQN on ${config.env}`,
      totalSteps: config.totalSteps,
      checkpointPath: CHECKPOINT_DIR,
    });
    this.env = env;
    checkDqnMemory(config, this.shape);
    checkDefenseHook(config, options.observationHook);
  }

  get step(): number {
    return this.counters.step;
  }

  async start(outDir: string, resume: boolean, log: (line: string) => void): Promise<StartResult> {
    const { config } = this;
    const capacity = replayCapacity(config);
    const buffer = config.prioritizedReplay ? new PrioritizedReplayBuffer(capacity, this.shape, { alpha: config.priorityAlpha, epsilon: config.priorityEpsilon }) : new ReplayBuffer(capacity, this.shape);
    this.buffer = buffer;
    if (!resume) {
      this.rng = Rng.fromSeed(config.seed);
      const outputs = headOutputs(this.actionCount, config.quantiles);
      const online = buildQNetwork(this.shape, outputs, this.rng.seed(), config.architecture);
      const target = buildQNetwork(this.shape, outputs, this.rng.seed(), config.architecture);
      if (config.initFrom !== null) {
        await initFromModel(config.initFrom, [online, target], config.quantiles);
        log(`starting from the weights of ${config.initFrom} (online and target; Adam, counters and replay fresh)`);
      }
      // advgym's Adam: tf.train.adam's results and checkpoint format, one kernel per variable.
      const optimizer = adam(config.learningRate, 0.9, 0.999, config.adamEpsilon);
      this.learner = makeLearner(online, target, optimizer, config, this.shape, this.actionCount);
      this.learner.syncTarget();
      this.learnFrom = config.learningStarts;
      return FRESH_START;
    }
    const { learner, state, spread } = await loadDqnCheckpoint(outDir, config, this.actionCount);
    this.learner = learner;
    this.rng = Rng.fromState(state.rngState);
    this.recent = RecentMean.from(state.recentReturns);
    this.counters = { step: state.step, episodes: state.episodes, updates: state.updates };
    const dir = join(outDir, CHECKPOINT_DIR);
    const at = `resuming at step ${state.step} (episode ${state.episodes}, ${state.updates} updates)`;
    if (config.saveReplay && hasSavedReplay(dir)) {
      const restored = restoreReplay(dir, buffer);
      this.learnFrom = Math.max(state.step, config.learningStarts);
      log(`${at}; replay buffer restored from the checkpoint: ${restored} transitions`);
    } else {
      // Updates resume only once the (empty after resume) buffer holds learningStarts fresh steps.
      this.learnFrom = state.step + config.learningStarts;
      const why = config.saveReplay ? 'the checkpoint holds no replay buffer' : 'saveReplay is off, so checkpoints do not hold it';
      log(`${at}; the replay buffer is refilled with ${config.learningStarts} steps of the current policy before updates resume (${why})`);
    }
    if (spread) log(`the plain Q-network becomes a quantile net: ${config.quantiles} quantiles per action, each starting at its Q-value; Adam starts afresh`);
    return { step: state.step, harness: { wallSeconds: state.wallSeconds, bestEvalReturn: state.bestEvalReturn } };
  }

  private get net(): DqnLearner {
    if (this.learner === undefined) throw new Error('DqnTraining: start() first');
    return this.learner;
  }

  policy(): Policy {
    // A quantile learner folds its net into a plain Q-network on each call: viewed afresh then.
    return this.policyOf(this.net.policyNetwork());
  }

  protected deployedModel(): tfl.LayersModel {
    return this.net.policyNetwork();
  }

  metrics(): Metrics {
    const { step, episodes } = this.counters;
    return {
      episodes,
      recentReturn: this.recent.mean,
      loss: this.lastLoss,
      epsilon: epsilonAt(this.config, step),
      columns: { recentReturn: this.recent.mean, loss: this.lastLoss, epsilon: epsilonAt(this.config, step), learningRate: learningRateAt(this.config, step) },
    };
  }

  async run(ctx: RunContext): Promise<void> {
    const { config, shape, actionCount, env } = this;
    const learner = this.net;
    const buffer = this.buffer as ReplayBuffer;
    const prioritized = buffer instanceof PrioritizedReplayBuffer ? buffer : undefined;
    const hook = this.options.observationHook;
    const c = this.counters;
    const learn = hook?.learn;
    if (learn !== undefined) learner.setObservationHook((obs) => learn(this.policy(), obs, this.rng, c.step));
    const sa = config.saRegularizer;
    const worstCase = hook?.worstCase;
    if (sa !== null && worstCase !== undefined) {
      learner.setSaRegularizer({ kappa: sa.kappa, margin: sa.margin, worstState: (obs) => worstCase(this.policy(), obs, this.rng, c.step) });
    }
    const lives = new LifeLossTracker(config.terminalOnLifeLoss);
    const resetEnv = (): Float32Array => {
      const { observation: first, info } = env.reset({ seed: config.seed + c.episodes });
      lives.reset(info);
      return first;
    };
    const greedy = (observation: Float32Array): number => {
      if (hook?.act === undefined) return learner.greedyAction(observation, shape);
      const act = hook.act;
      return tf.tidy(() => this.policy().act(act(this.policy(), tf.tensor4d(observation, [1, ...shape]), this.rng, c.step))[0] ?? 0);
    };
    let observation = resetEnv();
    let episodeReturn = 0;
    while (c.step < config.totalSteps) {
      if (c.step % 64 === 0) await letSignalsIn();
      if (ctx.stopRequested()) return;
      const epsilon = epsilonAt(config, c.step);
      const action = this.rng.chance(epsilon) ? this.rng.int(0, actionCount - 1) : greedy(observation);
      const result = env.step(action);
      const ended = result.terminated || result.truncated;
      const noBootstrap = lives.lostLife(result.info) || result.terminated;
      buffer.add(observation, action, clipReward(result.reward, config.rewardClip), result.observation, noBootstrap, ended);
      episodeReturn += result.reward;
      c.step++;
      if (ended) {
        this.recent.push(episodeReturn);
        c.episodes++;
        episodeReturn = 0;
        observation = resetEnv();
      } else {
        observation = result.observation;
      }
      if (c.step >= this.learnFrom && c.step % config.trainFrequency === 0) {
        // Set each update, not only at construction: a resumed checkpoint's optimizer carries the
        // rate it was saved with, and the config (a schedule, or a new constant) decides it now.
        learner.setLearningRate(learningRateAt(config, c.step));
        const batch = buffer.sample(config.batchSize, this.rng, { nStep: config.nStep, gamma: config.gamma, beta: priorityBetaAt(config, c.step) });
        const { loss, tdErrors } = learner.update(batch, shape);
        prioritized?.updatePriorities(batch.slots, tdErrors);
        this.lastLoss = loss;
        c.updates++;
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(c.step, loss, ' (try a lower learningRate)');
      }
      if (c.step % config.targetUpdateInterval === 0) learner.syncTarget();
      await ctx.advance(c.step);
      if (config.snapshotInterval > 0 && c.step >= config.snapshotStart && c.step % config.snapshotInterval === 0) await this.writeSnapshot(ctx.outDir, ctx.wallSeconds());
    }
  }

  /** The counters, RNG and recent returns as a checkpoint's state.json holds them. */
  state(harness: HarnessState): DqnTrainingState {
    return { ...this.counters, rngState: this.rng.state(), recentReturns: this.recent.toJSON(), wallSeconds: harness.wallSeconds, bestEvalReturn: harness.bestEvalReturn };
  }

  async saveCheckpoint(outDir: string, harness: HarnessState): Promise<void> {
    await saveDqnCheckpoint(outDir, this.net, this.state(harness), this.config, this.config.saveReplay ? this.buffer : undefined);
  }

  agentFields(): Record<string, unknown> {
    return { updates: this.counters.updates };
  }

  /** A model folder of the online weights at this step, OUT/snapshots/step-N/, ungraded (grading costs minutes). */
  private async writeSnapshot(outDir: string, wallSeconds: number): Promise<void> {
    const step = this.counters.step;
    await writeCheckpointDir(join(outDir, SNAPSHOTS_DIR, `step-${step}`), async (dir) => {
      await this.saveModel(dir);
      writeAgentJson(dir, { algorithm: 'dqn', weights: `snapshot at step ${step}`, env: this.envDescription, trainedSteps: step, wallTimeSeconds: wallSeconds, backend: this.backendName(), own: this.agentFields() }, this.env);
    });
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.learner?.dispose();
    this.learner = undefined;
    this.env.close();
  }
}
