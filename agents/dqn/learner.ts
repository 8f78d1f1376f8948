/**
 * The DQN learner: online and target Q-networks, Adam, one minibatch update (Huber loss on the TD
 * error, global-norm gradient clipping) and target syncs. No env or replay logic here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ReplayBatch } from './replayBuffer.ts';
import { huberLoss, tdTargets } from './tdTargets.ts';

export interface LearnerSettings {
  readonly gamma: number;
  readonly doubleDqn: boolean;
  readonly maxGradNorm: number;
  readonly huberDelta: number;
}

export class DqnLearner {
  constructor(
    readonly online: tfl.LayersModel,
    readonly target: tfl.LayersModel,
    readonly optimizer: tf.Optimizer,
    readonly settings: LearnerSettings,
  ) {}

  /** Copies the online weights into the target network. */
  syncTarget(): void {
    const weights = this.online.getWeights();
    this.target.setWeights(weights);
  }

  /** Greedy action for one observation [H, W, k]. */
  greedyAction(observation: Float32Array, shape: readonly [number, number, number]): number {
    return tf.tidy(() => {
      const q = this.online.predict(tf.tensor4d(observation, [1, ...shape])) as tf.Tensor2D;
      return tf.argMax(q, 1).dataSync()[0] ?? 0;
    });
  }

  /** One gradient step on a replay batch; returns the loss (NaN/Inf is the caller's to handle). */
  update(batch: ReplayBatch, shape: readonly [number, number, number]): number {
    const { gamma, doubleDqn, maxGradNorm, huberDelta } = this.settings;
    const size = batch.actions.length;
    return tf.tidy(() => {
      const obs = tf.tensor4d(batch.observations, [size, ...shape]);
      const nextObs = tf.tensor4d(batch.nextObservations, [size, ...shape]);
      const targets = tdTargets({
        rewards: tf.tensor1d(batch.rewards),
        dones: tf.tensor1d(batch.dones),
        nextQTarget: this.target.predict(nextObs) as tf.Tensor2D,
        ...(doubleDqn ? { nextQOnline: this.online.predict(nextObs) as tf.Tensor2D } : {}),
        gamma,
      });
      const actionMask = tf.oneHot(tf.tensor1d(batch.actions, 'int32'), this.online.outputs[0]?.shape[1] ?? 0);
      const variables = this.online.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => {
        const q = this.online.apply(obs, { training: true }) as tf.Tensor2D;
        const chosen = tf.sum(tf.mul(q, actionMask), 1) as tf.Tensor1D;
        return huberLoss(targets, chosen, huberDelta);
      }, variables);
      const names = Object.keys(grads);
      let scale: tf.Scalar | number = 1;
      if (maxGradNorm > 0) {
        const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n] as tf.Tensor)))));
        scale = tf.minimum(1, tf.div(maxGradNorm, tf.maximum(norm, 1e-6))) as tf.Scalar;
      }
      this.optimizer.applyGradients(Object.fromEntries(names.map((n) => [n, tf.mul(grads[n] as tf.Tensor, scale)])));
      return value.dataSync()[0] ?? Number.NaN;
    });
  }

  dispose(): void {
    this.online.dispose();
    this.target.dispose();
    this.optimizer.dispose();
  }
}
