/**
 * DQN training (Mnih et al. 2015, with Double DQN by default): epsilon-greedy acting, replay,
 * target network, periodic greedy evaluation, training.csv + learning-curve.png, atomic
 * checkpoints and resume, and the final model folder (model.json, weights.bin, agent.json,
 * config.json, training.csv, learning-curve.png).
 *
 * Checkpoints (OUT/checkpoint/) hold online + target weights, Adam state, counters, the RNG state
 * and recent returns, but NOT the replay buffer (~0.7 GB): a resumed run refills it with
 * `learningStarts` steps of the current epsilon-greedy policy (no updates meanwhile; these steps
 * count toward totalSteps and advance epsilon), and keeps its counters and RNG stream. The interrupted episode
 * is abandoned; training restarts with the next episode seed.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { makeEnv, type EnvOptions } from '../../envs/index.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import { FileError, UserError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { adam } from '../../src/core/tensor/adam.ts';
import { backendInfo } from '../../src/core/tensor/backend.ts';
import { loadModel, loadOptimizer, saveModel, saveOptimizer } from '../../src/core/tensor/fileIO.ts';
import { evaluate, evaluateRandom, type Evaluation } from '../evaluate.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import { buildQNetwork } from '../networks.ts';
import { writeCheckpointDir } from '../training/checkpointDir.ts';
import { createTrainingProgress, RecentMean, type TrainingProgress } from '../training/progress.ts';
import { TrainingLog } from '../training/trainingLog.ts';
import { epsilonAt, learningRateAt, priorityBetaAt, type DqnConfig } from './config.ts';
import { DqnLearner } from './learner.ts';
import { PrioritizedReplayBuffer } from './prioritizedReplay.ts';
import { headOutputs, spreadQWeights } from './quantiles.ts';
import { ReplayBuffer } from './replayBuffer.ts';
import { clipReward } from '../training/clipReward.ts';
import { LifeLossTracker } from '../training/lifeLoss.ts';

export const CHECKPOINT_DIR = 'checkpoint';
/** Weight snapshots for averaging (config.snapshotInterval); not part of the model folder contract. */
export const SNAPSHOTS_DIR = 'snapshots';

/** Counters and RNG saved with each checkpoint. */
export interface DqnTrainingState {
  readonly step: number;
  readonly episodes: number;
  readonly updates: number;
  readonly rngState: number[];
  readonly recentReturns: number[];
  readonly wallSeconds: number;
  readonly bestEvalReturn: number | null;
}

export interface DqnTrainOptions {
  /** Continue from OUT/checkpoint/ (config is read from the checkpoint unless given). */
  readonly resume?: boolean;
  readonly progress?: TrainingProgress;
  /** Env factory override (tests use tiny envs that are not registered). */
  readonly makeEnv?: () => Env<Float32Array>;
  /** Stop after this many steps of this process (tests: simulate a kill). */
  readonly stopAfterSteps?: number;
  /** Skip the final 10-episode evaluation, random baseline and model folder (tests). */
  readonly skipFinal?: boolean;
}

export interface DqnTrainResult {
  readonly state: DqnTrainingState;
  readonly stoppedBy: 'done' | 'interrupted' | 'limit';
  readonly finalEvalReturn?: number;
}

function readState(dir: string): DqnTrainingState {
  const path = join(dir, 'state.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DqnTrainingState;
  } catch (error) {
    throw new FileError(path, `cannot resume: ${(error as Error).message.split('\n')[0]}`);
  }
}

export async function saveDqnCheckpoint(outDir: string, learner: DqnLearner, state: DqnTrainingState, config: DqnConfig): Promise<void> {
  await writeCheckpointDir(join(outDir, CHECKPOINT_DIR), async (dir) => {
    await saveModel(learner.online, join(dir, 'online'));
    await saveModel(learner.target, join(dir, 'target'));
    await saveOptimizer(learner.optimizer, dir);
    writeJsonAtomic(join(dir, 'config.json'), config);
    writeJsonAtomic(join(dir, 'state.json'), state);
  });
}

/**
 * Loads a checkpoint's nets, Adam and counters. A plain checkpoint resumed with `quantiles` > 0
 * becomes a quantile net whose quantiles all start at their action's Q-value (quantiles.ts
 * spreadQWeights), with a fresh Adam: the old one's moments have the plain head's shapes.
 */
export async function loadDqnCheckpoint(outDir: string, config: DqnConfig, actionCount: number): Promise<{ learner: DqnLearner; state: DqnTrainingState; spread: boolean }> {
  const dir = join(outDir, CHECKPOINT_DIR);
  if (!existsSync(dir)) throw new FileError(dir, 'missing: nothing to resume (train without --resume first)');
  const state = readState(dir);
  let online = await loadModel(join(dir, 'online'));
  let target = await loadModel(join(dir, 'target'));
  const shape = online.inputs[0]?.shape.slice(1) as [number, number, number];
  const outputs = online.outputs[0]?.shape[1] ?? 0;
  const needed = headOutputs(actionCount, config.quantiles);
  const spread = config.quantiles > 0 && outputs === actionCount;
  if (spread) {
    [online, target] = [online, target].map((plain) => {
      const quantileNet = buildQNetwork(shape, needed, 0, config.architecture);
      const weights = spreadQWeights(plain.getWeights(), config.quantiles);
      quantileNet.setWeights(weights);
      tf.dispose(weights);
      plain.dispose();
      return quantileNet;
    }) as [tfl.LayersModel, tfl.LayersModel];
  } else if (outputs !== needed) {
    throw new FileError(join(dir, 'online'), `has ${outputs} outputs, but ${actionCount} actions with quantiles ${config.quantiles} need ${needed}`);
  }
  const optimizer = spread ? adam(config.learningRate, 0.9, 0.999, config.adamEpsilon) : await loadOptimizer(dir);
  return { learner: makeLearner(online, target, optimizer, config, shape, actionCount), state, spread };
}

/** The learner for a config; a quantile net gets a plain Q-network of its architecture to fold into. */
function makeLearner(online: tfl.LayersModel, target: tfl.LayersModel, optimizer: tf.Optimizer, config: DqnConfig, shape: [number, number, number], actionCount: number): DqnLearner {
  if (config.quantiles === 0) return new DqnLearner(online, target, optimizer, config);
  return new DqnLearner(online, target, optimizer, config, { foldedNetwork: buildQNetwork(shape, actionCount, 0, config.architecture) });
}

/** Reads the config a checkpoint was trained with (for `--resume` without a config file). */
export function readCheckpointConfig(outDir: string): unknown {
  const path = join(outDir, CHECKPOINT_DIR, 'config.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new FileError(path, 'missing or corrupt: cannot resume');
  }
}

export async function trainDqn(config: DqnConfig, outDir: string, options: DqnTrainOptions = {}): Promise<DqnTrainResult> {
  const envFactory = options.makeEnv ?? ((): Env<Float32Array> => makeEnv(config.env, config.envOptions as EnvOptions));
  const env = envFactory();
  const evalEnv = envFactory();
  const shape = env.observationSpace.shape as unknown as [number, number, number];
  const actionCount = env.actionSpace.n;
  const progress = options.progress ?? createTrainingProgress();
  mkdirSync(outDir, { recursive: true });

  let learner: DqnLearner;
  let state: DqnTrainingState;
  let rng: Rng;
  const csvPath = join(outDir, 'training.csv');
  let log: TrainingLog;
  if (options.resume === true) {
    let spread: boolean;
    ({ learner, state, spread } = await loadDqnCheckpoint(outDir, config, actionCount));
    rng = Rng.fromState(state.rngState);
    log = TrainingLog.load(csvPath);
    log.truncateAfter(state.step);
    progress.log(`resuming at step ${state.step} (episode ${state.episodes}, ${state.updates} updates); refilling the replay buffer for ${config.learningStarts} steps`);
    if (spread) progress.log(`the plain Q-network becomes a quantile net: ${config.quantiles} quantiles per action, each starting at its Q-value; Adam starts afresh`);
  } else {
    rng = Rng.fromSeed(config.seed);
    const outputs = headOutputs(actionCount, config.quantiles);
    const online = buildQNetwork(shape, outputs, rng.seed(), config.architecture);
    const target = buildQNetwork(shape, outputs, rng.seed(), config.architecture);
    // advgym's Adam: tf.train.adam's results and checkpoint format, one kernel per variable.
    const optimizer = adam(config.learningRate, 0.9, 0.999, config.adamEpsilon);
    learner = makeLearner(online, target, optimizer, config, shape, actionCount);
    learner.syncTarget();
    state = { step: 0, episodes: 0, updates: 0, rngState: rng.state(), recentReturns: [], wallSeconds: 0, bestEvalReturn: null };
    log = new TrainingLog();
  }

  const capacity = Math.min(config.bufferSize, config.totalSteps + 2 * config.learningStarts + 10);
  const prioritized = config.prioritizedReplay ? new PrioritizedReplayBuffer(capacity, shape, { alpha: config.priorityAlpha, epsilon: config.priorityEpsilon }) : undefined;
  const buffer = prioritized ?? new ReplayBuffer(capacity, shape);
  const recent = RecentMean.from(state.recentReturns);
  let { step, episodes, updates } = state;
  let bestEvalReturn = state.bestEvalReturn;
  const periodicSeed = periodicEvalSeed(config);
  const wallOffset = state.wallSeconds;
  const started = Date.now();
  const wall = (): number => wallOffset + (Date.now() - started) / 1000;
  // Updates resume only once the (empty after resume) buffer holds learningStarts fresh steps.
  const learnFrom = step + config.learningStarts;
  let lastLoss = Number.NaN;
  let stepsThisRun = 0;
  let windowStart = Date.now();
  let windowSteps = 0;
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);

  const lives = new LifeLossTracker(config.terminalOnLifeLoss);
  const resetEnv = (): Float32Array => {
    const { observation: first, info } = env.reset({ seed: config.seed + episodes });
    lives.reset(info);
    return first;
  };
  const snapshot = (): DqnTrainingState => ({ step, episodes, updates, rngState: rng.state(), recentReturns: recent.toJSON(), wallSeconds: wall(), bestEvalReturn });
  const checkpoint = async (): Promise<void> => {
    await saveDqnCheckpoint(outDir, learner, snapshot(), config);
  };

  let observation = resetEnv();
  let episodeReturn = 0;
  let stoppedBy: DqnTrainResult['stoppedBy'] = 'done';
  try {
    while (step < config.totalSteps) {
      // The loop is synchronous between checkpoints; yielding now and then lets a SIGINT handler run.
      if (step % 64 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (interrupted) {
        stoppedBy = 'interrupted';
        break;
      }
      if (options.stopAfterSteps !== undefined && stepsThisRun >= options.stopAfterSteps) {
        stoppedBy = 'limit';
        break;
      }
      const epsilon = epsilonAt(config, step);
      const action = rng.chance(epsilon) ? rng.int(0, actionCount - 1) : learner.greedyAction(observation, shape);
      const result = env.step(action);
      const ended = result.terminated || result.truncated;
      const noBootstrap = lives.lostLife(result.info) || result.terminated;
      buffer.add(observation, action, clipReward(result.reward, config.rewardClip), result.observation, noBootstrap, ended);
      episodeReturn += result.reward;
      step++;
      stepsThisRun++;
      windowSteps++;
      if (ended) {
        recent.push(episodeReturn);
        episodes++;
        episodeReturn = 0;
        observation = resetEnv();
      } else {
        observation = result.observation;
      }

      if (step >= learnFrom && step % config.trainFrequency === 0) {
        // Set each update, not only at construction: a resumed checkpoint's optimizer carries the
        // rate it was saved with, and the config (a schedule, or a new constant) decides it now.
        learner.setLearningRate(learningRateAt(config, step));
        const batch = buffer.sample(config.batchSize, rng, { nStep: config.nStep, gamma: config.gamma, beta: priorityBetaAt(config, step) });
        const { loss, tdErrors } = learner.update(batch, shape);
        prioritized?.updatePriorities(batch.slots, tdErrors);
        lastLoss = loss;
        updates++;
        if (!Number.isFinite(lastLoss)) {
          throw new UserError(`dqn: loss became ${lastLoss} at step ${step}; stopped. The last good checkpoint is in ${join(outDir, CHECKPOINT_DIR)} (try a lower learningRate)`, 1);
        }
      }
      if (step % config.targetUpdateInterval === 0) learner.syncTarget();

      let evalReturn: number | undefined;
      if (step % config.evalInterval === 0) {
        const evaluation = evaluate(new LayersPolicy(learner.policyNetwork()), evalEnv, config.evalEpisodes, periodicSeed);
        evalReturn = evaluation.meanReturn;
        progress.log(`step ${step}: greedy evaluation over ${config.evalEpisodes} episodes ${evaluation.meanReturn.toFixed(2)} ± ${evaluation.stdReturn.toFixed(2)}`);
        if (bestEvalReturn === null || evalReturn >= bestEvalReturn) {
          // OUT holds a loadable model folder during training too (the best so far), so a long
          // run can be attacked before it ends; the final model replaces it at the end.
          bestEvalReturn = evalReturn;
          await writeModelFiles(config, outDir, learner, evalEnv, snapshot(), evaluation, periodicSeed, `best periodic evaluation so far (step ${step})`);
        }
      }
      if (step % config.logInterval === 0 || evalReturn !== undefined) {
        const now = Date.now();
        const stepsPerSecond = (windowSteps * 1000) / Math.max(1, now - windowStart);
        windowStart = now;
        windowSteps = 0;
        log.push({ step, episodes, recentReturn: recent.mean, ...(evalReturn === undefined ? {} : { evalReturn }), loss: lastLoss, epsilon, stepsPerSecond, wallSeconds: wall(), learningRate: learningRateAt(config, step) });
        progress.update({ step, totalSteps: config.totalSteps, episodes, stepsPerSecond, recentReturn: recent.mean, loss: lastLoss, epsilon });
      }
      if (step % config.checkpointInterval === 0) {
        log.write(csvPath);
        writeFileAtomic(join(outDir, 'learning-curve.png'), log.renderCurve(`DQN on ${config.env}`));
        await checkpoint();
      }
      if (config.snapshotInterval > 0 && step >= config.snapshotStart && step % config.snapshotInterval === 0) {
        await writeSnapshot(config, outDir, learner, evalEnv, snapshot());
      }
    }
    // A kill (SIGINT) or a step limit saves where it stopped, so --resume continues from here.
    await checkpoint();
    log.write(csvPath);
    writeFileAtomic(join(outDir, 'learning-curve.png'), log.renderCurve(`DQN on ${config.env}`));
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.stop();
  }

  let finalEvalReturn: number | undefined;
  if (stoppedBy === 'done' && options.skipFinal !== true) {
    finalEvalReturn = await writeModelFolder(config, outDir, learner, evalEnv, snapshot(), progress);
  }
  const final = snapshot();
  learner.dispose();
  return { state: final, stoppedBy, ...(finalEvalReturn === undefined ? {} : { finalEvalReturn }) };
}

/** Final greedy evaluation, then the model folder contract files; returns the mean return. */
async function writeModelFolder(config: DqnConfig, outDir: string, learner: DqnLearner, env: Env<Float32Array>, state: DqnTrainingState, progress: TrainingProgress): Promise<number> {
  const evaluation = evaluate(new LayersPolicy(learner.policyNetwork()), env, config.finalEvalEpisodes, config.evalSeed);
  const random = await writeModelFiles(config, outDir, learner, env, state, evaluation, config.evalSeed, 'final weights');
  progress.log(`final greedy return over ${config.finalEvalEpisodes} episodes: ${evaluation.meanReturn.toFixed(2)} ± ${evaluation.stdReturn.toFixed(2)} (random play ${random.meanReturn.toFixed(2)})`);
  return evaluation.meanReturn;
}

/**
 * Periodic evaluations play the seeds right after the final evaluation's, so that picking the best
 * periodic weights (OUT's model files during training) never looks at the seeds they are graded on.
 */
function periodicEvalSeed(config: Pick<DqnConfig, 'evalSeed' | 'finalEvalEpisodes'>): number {
  return config.evalSeed + config.finalEvalEpisodes;
}

/** model.json + weights.bin, config.json and agent.json (with the random baseline on the same seeds as `evaluation`, which began at `seed`). */
async function writeModelFiles(config: DqnConfig, outDir: string, learner: DqnLearner, env: Env<Float32Array>, state: DqnTrainingState, evaluation: Evaluation, seed: number, weights: string): Promise<Evaluation> {
  const episodes = evaluation.returns.length;
  const random = evaluateRandom(env, episodes, seed, Rng.fromSeed(config.seed + 1));
  await saveModel(learner.policyNetwork(), outDir);
  writeJsonAtomic(join(outDir, 'config.json'), config);
  writeJsonAtomic(join(outDir, 'agent.json'), {
    ...agentDescription(config, env, state, weights),
    evaluation: { episodes, returns: evaluation.returns, meanReturn: evaluation.meanReturn, stdReturn: evaluation.stdReturn, seed },
    randomBaseline: { episodes, meanReturn: random.meanReturn, stdReturn: random.stdReturn, seed },
  });
  return random;
}

/** A model folder of the online weights at this step, OUT/snapshots/step-N/, ungraded (grading costs minutes). */
async function writeSnapshot(config: DqnConfig, outDir: string, learner: DqnLearner, env: Env<Float32Array>, state: DqnTrainingState): Promise<void> {
  await writeCheckpointDir(join(outDir, SNAPSHOTS_DIR, `step-${state.step}`), async (dir) => {
    await saveModel(learner.policyNetwork(), dir);
    writeJsonAtomic(join(dir, 'config.json'), config);
    writeJsonAtomic(join(dir, 'agent.json'), agentDescription(config, env, state, `snapshot at step ${state.step}`));
  });
}

/** agent.json's description of the network and the run so far, without a grade. */
function agentDescription(config: DqnConfig, env: Env<Float32Array>, state: DqnTrainingState, weights: string): Record<string, unknown> {
  return {
    algorithm: 'dqn',
    weights,
    env: { id: config.env, options: config.envOptions },
    inputShape: env.observationSpace.shape,
    actionCount: env.actionSpace.n,
    actionNames: env.actionSpace.actionNames,
    trainedSteps: state.step,
    updates: state.updates,
    wallTimeSeconds: state.wallSeconds,
    backend: backendInfo().name,
  };
}
