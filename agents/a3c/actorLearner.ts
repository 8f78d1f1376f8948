/**
 * One A3C actor-learner (Mnih et al. 2016, Algorithm S3), run inside a worker thread: copy the
 * shared parameters into the local network, act for up to t_max steps (sampling from the policy),
 * compute the n-step actor-critic gradient, apply it to the shared parameters with shared RMSProp,
 * repeat until the global step budget is spent or the main thread asks to stop.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';
import { buildActorCritic } from '../networks.ts';
import { actorCriticGradient } from './loss.ts';
import type { WorkerMessage, WorkerSetup } from './protocol.ts';
import { nStepReturns } from './returns.ts';
import { SharedParams, clipScale, l2Norm } from './sharedParams.ts';
import { clipReward } from '../training/clipReward.ts';
import { LifeLossTracker } from '../training/lifeLoss.ts';
import type { ObservationHook } from '../training/observationHook.ts';
import { LayersPolicy } from '../layersPolicy.ts';

/** Policy probabilities and value for one observation, with the local weights. */
function forward(model: tfl.LayersModel, observation: Float32Array, inputShape: readonly number[]): { logits: Float32Array; value: number } {
  return tf.tidy(() => {
    const [logits, value] = model.apply(tf.tensor(observation, [1, ...inputShape])) as [tf.Tensor, tf.Tensor];
    return { logits: logits.dataSync() as Float32Array, value: value.dataSync()[0] ?? Number.NaN };
  });
}

/** Samples an action from softmax(logits) (computed in float64, max-shifted for stability). */
export function sampleFromLogits(logits: ArrayLike<number>, rng: Rng): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] as number);
  let total = 0;
  const weights: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const w = Math.exp((logits[i] as number) - max);
    weights.push(w);
    total += w;
  }
  let u = rng.float() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] as number;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** The hook's transform of observations [n, ...inputShape] as a plain array (the observation itself when it passes unchanged). */
function transformed(transform: NonNullable<ObservationHook['act']>, policy: LayersPolicy, observations: Float32Array, n: number, inputShape: readonly [number, number, number], rng: Rng, step: number): Float32Array {
  return tf.tidy(() => {
    const obs = tf.tensor4d(observations, [n, ...inputShape]);
    const out = transform(policy, obs, rng, step);
    return out === obs ? observations : (out.dataSync() as Float32Array).slice();
  });
}

export function runActorLearner(setup: WorkerSetup, env: Env<Float32Array>, post: (message: WorkerMessage) => void, hook?: ObservationHook): void {
  const { config, index, inputShape } = setup;
  const shared = new SharedParams(setup.buffers);
  const size = inputShape[0] * inputShape[1] * inputShape[2];
  // Weights come from the shared vector before every rollout; the init seed does not matter here.
  const model = buildActorCritic(inputShape, setup.actionCount, 0, config.network);
  // The hook attacks the local network (the shared weights copied in before each rollout).
  const policy = hook === undefined ? undefined : new LayersPolicy(model);
  const rng = Rng.fromSeed(setup.seed);
  const lives = new LifeLossTracker(config.terminalOnLifeLoss);
  const resetEnv = (): Float32Array => {
    const { observation: first, info } = env.reset({ seed: rng.seed() });
    lives.reset(info);
    return first;
  };
  let observation = resetEnv();
  let episodeReturn = 0;
  let episodeLength = 0;
  let stepsDone = 0;
  let updates = 0;
  const stats = { steps: 0, policyLoss: 0, valueLoss: 0, entropy: 0 };
  const reportStats = (updatesSinceLast: number) => {
    post({ type: 'stats', index, updates: updatesSinceLast, ...stats, tensors: tf.memory().numTensors });
    stats.steps = stats.policyLoss = stats.valueLoss = stats.entropy = 0;
  };

  const observations = new Float32Array(config.tMax * size);
  const actions = new Int32Array(config.tMax);
  const rewards: number[] = [];
  const terminals: boolean[] = [];
  const values: number[] = [];

  while (!shared.stopRequested() && shared.globalSteps() < config.totalSteps) {
    const readVersion = shared.copyInto(model);
    rewards.length = 0;
    terminals.length = 0;
    values.length = 0;
    let bootstrap = 0;
    for (let t = 0; t < config.tMax; t++) {
      // Adversarial training's 'act': the policy acts on (and the rollout keeps) what it was shown.
      const seen = hook?.act === undefined ? observation : transformed(hook.act, policy as LayersPolicy, observation, 1, inputShape, rng, shared.globalSteps());
      const { logits, value } = forward(model, seen, inputShape);
      const action = sampleFromLogits(logits, rng);
      observations.set(seen, t * size);
      actions[t] = action;
      values.push(value);
      const result = env.step(action);
      rewards.push(clipReward(result.reward, config.rewardClip));
      // A lost life cuts the return like a terminal (see agents/training/lifeLoss.ts); the game goes on.
      terminals.push(lives.lostLife(result.info) || result.terminated);
      episodeReturn += result.reward;
      episodeLength++;
      observation = result.observation;
      if (result.terminated || result.truncated) {
        // A truncated episode would have gone on: bootstrap from its last observation.
        bootstrap = result.terminated ? 0 : forward(model, observation, inputShape).value;
        post({ type: 'episode', index, return: episodeReturn, length: episodeLength, globalSteps: shared.globalSteps() + rewards.length });
        episodeReturn = 0;
        episodeLength = 0;
        observation = resetEnv();
        break;
      }
      if (t === config.tMax - 1) bootstrap = forward(model, observation, inputShape).value;
    }
    const n = rewards.length;
    const { returns, advantages } = nStepReturns(rewards, terminals, values, bootstrap, config.gamma);
    const rollout = observations.subarray(0, n * size);
    // Adversarial training's 'learn': the loss sees the rollout's states attacked.
    const learnOn = hook?.learn === undefined ? rollout : transformed(hook.learn, policy as LayersPolicy, rollout, n, inputShape, rng, shared.globalSteps());
    const result = actorCriticGradient(
      model,
      { observations: learnOn, actions: actions.subarray(0, n), returns, advantages },
      config,
    );
    const norm = l2Norm(result.gradient);
    if (!Number.isFinite(result.total) || !Number.isFinite(norm)) {
      post({ type: 'nan', index, globalSteps: shared.globalSteps(), what: `loss ${result.total}, gradient norm ${norm}` });
      shared.requestStop();
      break;
    }
    const progress = shared.globalSteps() / config.totalSteps;
    const learningRate = config.annealLearningRate ? config.learningRate * Math.max(0, 1 - progress) : config.learningRate;
    shared.applyGradient(result.gradient, clipScale(norm, config.maxGradNorm), learningRate, config.rmspropDecay, config.rmspropEpsilon, readVersion);
    shared.addSteps(n);
    stepsDone += n;
    updates++;
    stats.steps += n;
    stats.policyLoss += result.policyLoss;
    stats.valueLoss += result.valueLoss;
    stats.entropy += result.entropy;
    if (updates % setup.statsEveryUpdates === 0) reportStats(setup.statsEveryUpdates);
  }
  // One last report at the end, while the model is still alive (so its tensor count compares with
  // the others): it carries the updates since the previous report, and a worker that finished its
  // share before its first periodic report is still seen.
  reportStats(updates % setup.statsEveryUpdates);
  model.dispose();
  env.close();
  post({ type: 'done', index, steps: stepsDone });
}
