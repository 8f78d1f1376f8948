/**
 * The DQN learner: online and target Q-networks, Adam, one minibatch update (Huber loss on the TD
 * error, global-norm gradient clipping) and target syncs. No env or replay logic here.
 *
 * The gradient comes from agents/chainParameterGradient.ts when the online net is a conv/dense
 * chain (every advgym Q-network): fused forward, hand-written backward, no tape, about 2x fewer
 * kernels; other models go through tf.variableGrads. Both give the same gradients (tested).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FusedAdam } from '../../src/core/tensor/adam.ts';
import { chainParameterGradients, traceChainNet, type ChainNet } from '../chainParameterGradient.ts';
import type { ReplayBatch } from './replayBuffer.ts';
import { foldQuantileWeights, meanOfQuantiles, quantileHuberGradient, quantileHuberLoss, quantilesOfAction, quantileTargets } from './quantiles.ts';
import { saHinge } from './saRegularizer.ts';
import { huberLoss, tdTargets } from './tdTargets.ts';

export interface LearnerSettings {
  readonly gamma: number;
  readonly doubleDqn: boolean;
  readonly maxGradNorm: number;
  readonly huberDelta: number;
  /** Advantage learning's alpha (tdTargets.ts); 0 = plain targets, no extra forward pass. */
  readonly advantageLearningAlpha: number;
  /** Quantiles per action (QR-DQN, quantiles.ts); 0 = one Q-value per action. */
  readonly quantiles: number;
}

/** What one update reports: the batch's loss and each sample's TD error, target minus Q(s, a), before the step. */
export interface UpdateResult {
  /** The whole loss: TD loss plus the SA regularizer's kappa-weighted hinge when it is on. */
  readonly loss: number;
  readonly tdErrors: Float32Array;
}

/**
 * SA-DQN's regularizer in the update (saRegularizer.ts): the hinge at the worst states, weighted by
 * kappa, is added to the TD loss, and its parameter gradient (a second backward pass, at the worst
 * states) to the TD gradient before clipping and the optimizer step.
 */
export interface SaRegularizerSettings {
  readonly kappa: number;
  readonly margin: number;
  /**
   * The worst state of the eps-ball for each batch state, found against the current (pre-step) net.
   * Returning obs itself (eps 0 during the ramp's start) skips the regularizer for this update.
   */
  readonly worstState: (obs: tf.Tensor4D) => tf.Tensor4D;
}

export interface LearnerOptions {
  /** false: always tf.variableGrads (the reference the fused gradient is tested and timed against). */
  readonly fusedGradient?: boolean;
  /**
   * With quantiles: a plain Q-network of the online net's architecture (its own weights do not
   * matter), which policyNetwork() fills with the folded online weights.
   */
  readonly foldedNetwork?: tfl.LayersModel;
}

export class DqnLearner {
  /** The online net as a chain, traced once (its weights are read at each update). */
  private readonly chain: ChainNet | undefined;

  /** Actions; the online net has actionCount * max(1, quantiles) outputs. */
  readonly actionCount: number;
  private readonly foldedNetwork: tfl.LayersModel | undefined;
  /** Replaces each replay batch's states before the loss (the training-observation hook). */
  private observationHook: ((obs: tf.Tensor4D) => tf.Tensor4D) | undefined;
  private saRegularizer: SaRegularizerSettings | undefined;
  /** The last update's regularizer loss (kappa * mean hinge; 0 when off or skipped). */
  lastRegularizerLoss = 0;

  constructor(
    readonly online: tfl.LayersModel,
    readonly target: tfl.LayersModel,
    readonly optimizer: tf.Optimizer,
    readonly settings: LearnerSettings,
    options: LearnerOptions = {},
  ) {
    this.chain = options.fusedGradient === false ? undefined : traceChainNet(online);
    const outputs = online.outputs[0]?.shape[1] ?? 0;
    const perAction = Math.max(1, settings.quantiles);
    if (outputs % perAction !== 0) throw new Error(`DqnLearner: ${outputs} outputs do not split into ${perAction} quantiles per action`);
    this.actionCount = outputs / perAction;
    if (settings.quantiles > 0 && options.foldedNetwork === undefined) throw new Error('DqnLearner: a quantile net needs options.foldedNetwork');
    this.foldedNetwork = settings.quantiles > 0 ? options.foldedNetwork : undefined;
  }

  /**
   * The greedy policy's network, [batch, actions] Q-values: the online net itself, or for a quantile
   * net the folded network refreshed with the online net's folded weights (quantiles.ts). Owned by
   * the learner; valid until the next update.
   */
  policyNetwork(): tfl.LayersModel {
    if (this.foldedNetwork === undefined) return this.online;
    const folded = foldQuantileWeights(this.online.getWeights(), this.actionCount);
    this.foldedNetwork.setWeights(folded);
    tf.dispose(folded);
    return this.foldedNetwork;
  }

  /** A net's (online or target) Q-values: the mean of its quantiles for a quantile net. Caller owns them. */
  private qValues(model: tfl.LayersModel, obs: tf.Tensor4D): tf.Tensor2D {
    const output = model.predict(obs) as tf.Tensor2D;
    return this.settings.quantiles > 0 ? meanOfQuantiles(output, this.actionCount) : output;
  }

  /** Whether updates take the fused chain gradient (false: tf.variableGrads). */
  get fusedGradient(): boolean {
    return this.chain !== undefined;
  }

  /** Sets the learning rate of the next updates (a schedule); advgym's FusedAdam only, as tf's optimizers fix theirs. */
  setLearningRate(rate: number): void {
    if (!(this.optimizer instanceof FusedAdam)) throw new Error(`DqnLearner.setLearningRate: needs advgym's Adam, got ${this.optimizer.getClassName()}`);
    this.optimizer.learningRate = rate;
  }

  /**
   * Sets (or clears) the function that replaces each replay batch's states s before the loss, e.g.
   * adversarial training's perturbation against the current net (agents/training/observationHook.ts).
   * Called inside the update's tidy; next states s' stay as stored (they only feed the targets).
   */
  setObservationHook(hook: ((obs: tf.Tensor4D) => tf.Tensor4D) | undefined): void {
    this.observationHook = hook;
  }

  /** Sets (or clears) SA-DQN's hinge regularizer (SaRegularizerSettings). */
  setSaRegularizer(settings: SaRegularizerSettings | undefined): void {
    this.saRegularizer = settings;
  }

  /** Copies the online weights into the target network. */
  syncTarget(): void {
    const weights = this.online.getWeights();
    this.target.setWeights(weights);
  }

  /** Greedy action for one observation [H, W, k]. */
  greedyAction(observation: Float32Array, shape: readonly [number, number, number]): number {
    return tf.tidy(() => {
      const q = this.qValues(this.online, tf.tensor4d(observation, [1, ...shape]));
      return tf.argMax(q, 1).dataSync()[0] ?? 0;
    });
  }

  /**
   * One gradient step on a replay batch, each sample's Huber loss weighted by `batch.weights`
   * (1 unless prioritized). A NaN/Inf loss is the caller's to handle.
   */
  update(batch: ReplayBatch, shape: readonly [number, number, number]): UpdateResult {
    if (this.settings.quantiles > 0) return this.quantileUpdate(batch, shape);
    const { gamma, doubleDqn, advantageLearningAlpha: alpha } = this.settings;
    return tf.tidy(() => {
      const { obs, nextObs, actionMask, rewards, dones, steps, weights } = this.batchTensors(batch, shape);
      const targets = tdTargets({
        rewards,
        dones,
        nextQTarget: this.target.predict(nextObs) as tf.Tensor2D,
        ...(doubleDqn ? { nextQOnline: this.online.predict(nextObs) as tf.Tensor2D } : {}),
        steps,
        gamma,
        ...(alpha > 0 ? { advantageLearning: { alpha, qTarget: this.target.predict(obs) as tf.Tensor2D, actionMask } } : {}),
      });
      const loss = (chosen: tf.Tensor1D): tf.Scalar => huberLoss(targets, chosen, this.settings.huberDelta, weights);
      const pick = (q: tf.Tensor2D): tf.Tensor1D => tf.sum(tf.mul(q, actionMask), 1);
      const { chosen, grads, regularizer } =
        this.chain === undefined ? this.tapeUpdate(obs, pick, loss) : this.withRegularizer(this.chain, obs, this.chainGradients(this.chain, obs, actionMask, targets, weights));
      this.applyClipped(grads);
      return readResult(tf.add(loss(chosen), regularizer), tf.sub(targets, chosen));
    });
  }

  /**
   * QR-DQN's update (quantiles.ts): target quantiles from the target net at s' (a* picked by the
   * online net's Q-values for Double DQN), the quantile Huber loss on the taken action's quantiles.
   * Advantage learning shifts every target quantile by its correction. The TD errors reported (and
   * prioritized on) are the Q-values': mean target minus mean quantile.
   */
  private quantileUpdate(batch: ReplayBatch, shape: readonly [number, number, number]): UpdateResult {
    const { gamma, doubleDqn, huberDelta, advantageLearningAlpha: alpha } = this.settings;
    return tf.tidy(() => {
      const { obs, nextObs, actionMask, rewards, dones, steps, weights } = this.batchTensors(batch, shape);
      const nextQuantilesTarget = this.target.predict(nextObs) as tf.Tensor2D;
      let shift: tf.Tensor1D | undefined;
      if (alpha > 0) {
        const qTarget = this.qValues(this.target, obs);
        shift = tf.mul(alpha, tf.sub(tf.max(qTarget, 1), tf.sum(tf.mul(qTarget, actionMask), 1))) as tf.Tensor1D;
      }
      const targets = quantileTargets({
        rewards,
        dones,
        steps,
        gamma,
        nextQuantilesTarget,
        nextQPicker: doubleDqn ? this.qValues(this.online, nextObs) : meanOfQuantiles(nextQuantilesTarget, this.actionCount),
        ...(shift === undefined ? {} : { shift }),
      });
      const loss = (chosen: tf.Tensor2D): tf.Scalar => quantileHuberLoss(targets, chosen, huberDelta, weights);
      const { chosen, grads, regularizer } =
        this.chain === undefined
          ? this.tapeUpdate(obs, (quantiles) => quantilesOfAction(quantiles, actionMask), loss)
          : this.withRegularizer(this.chain, obs, this.chainQuantileGradients(this.chain, obs, actionMask, targets, weights));
      this.applyClipped(grads);
      return readResult(tf.add(loss(chosen), regularizer), tf.sub(tf.mean(targets, 1), tf.mean(chosen, 1)));
    });
  }

  /** A replay batch as tensors, for both losses; call inside the update's tidy. */
  private batchTensors(batch: ReplayBatch, shape: readonly [number, number, number]) {
    const size = batch.actions.length;
    const stored = tf.tensor4d(batch.observations, [size, ...shape]);
    return {
      obs: this.observationHook === undefined ? stored : this.observationHook(stored),
      nextObs: tf.tensor4d(batch.nextObservations, [size, ...shape]),
      actionMask: tf.oneHot(tf.tensor1d(batch.actions, 'int32'), this.actionCount) as tf.Tensor2D,
      rewards: tf.tensor1d(batch.rewards),
      dones: tf.tensor1d(batch.dones),
      steps: tf.tensor1d(batch.steps),
      weights: tf.tensor1d(batch.weights),
    };
  }

  /** Scales the gradients to global norm <= maxGradNorm (0: as they are), then one optimizer step. */
  private applyClipped(grads: tf.NamedTensorMap): void {
    const { maxGradNorm } = this.settings;
    const names = Object.keys(grads);
    let scale: tf.Scalar | number = 1;
    if (maxGradNorm > 0) {
      const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n] as tf.Tensor)))));
      scale = tf.minimum(1, tf.div(maxGradNorm, tf.maximum(norm, 1e-6))) as tf.Scalar;
    }
    this.optimizer.applyGradients(Object.fromEntries(names.map((n) => [n, tf.mul(grads[n] as tf.Tensor, scale)])));
  }

  /**
   * The loss is L = mean_i w_i huber(y_i - q_i), q_i = Q(s_i, a_i) = sum_j Q[i, j] mask[i, j].
   * Huber's derivative in q is clip(q - y, -delta, delta) (its quadratic part gives q - y, its
   * linear part delta * sign(q - y)), so
   *   dL/dQ[i, j] = mask[i, j] * w_i * clip(q_i - y_i, -delta, delta) / batch,
   * which is what tf.variableGrads derives through huberLoss (at |q - y| = delta both sides agree).
   * Returns the gradients and q (the chosen Q-values before the step).
   */
  private chainGradients(chain: ChainNet, obs: tf.Tensor4D, actionMask: tf.Tensor2D, targets: tf.Tensor1D, weights: tf.Tensor1D): ChainStep<tf.Tensor1D> {
    const { huberDelta } = this.settings;
    const chosenQ = (q: tf.Tensor2D): tf.Tensor1D => tf.sum(tf.mul(q, actionMask), 1);
    const { outputs, gradients } = chainParameterGradients(chain, obs, ([q]) => {
      const chosen = chosenQ(q as tf.Tensor2D);
      const dChosen = tf.div(tf.mul(weights, tf.clipByValue(tf.sub(chosen, targets), -huberDelta, huberDelta)), chosen.size);
      return [tf.mul(actionMask, tf.expandDims(dChosen, 1))];
    });
    return { chosen: chosenQ(outputs[0] as tf.Tensor2D), grads: namedGradients(chain, gradients), output: outputs[0] as tf.Tensor2D };
  }

  /** The net's Q-values from its raw output (the mean of the quantiles for a quantile net). */
  private qOf(output: tf.Tensor2D): tf.Tensor2D {
    return this.settings.quantiles > 0 ? meanOfQuantiles(output, this.actionCount) : output;
  }

  /**
   * Adds SA-DQN's regularizer to a fused TD step: the worst states ŝ (found against the pre-step
   * weights), the hinge's output gradient at ŝ (saRegularizer.ts; for a quantile net Q is the mean
   * of N quantiles, so each action's gradient spreads 1/N over its quantiles), one more backward pass
   * at ŝ, and the two parameter gradients summed. Off or skipped: the TD step as it is, regularizer 0.
   */
  private withRegularizer<T extends tf.Tensor>(chain: ChainNet, obs: tf.Tensor4D, td: ChainStep<T>): { chosen: T; grads: tf.NamedTensorMap; regularizer: tf.Scalar } {
    const sa = this.saRegularizer;
    const worst = sa === undefined ? obs : sa.worstState(obs);
    if (sa === undefined || worst === obs) {
      this.lastRegularizerLoss = 0;
      return { chosen: td.chosen, grads: td.grads, regularizer: tf.scalar(0) };
    }
    const qClean = this.qOf(td.output).dataSync() as Float32Array;
    let kept: tf.Scalar | undefined;
    const { gradients } = chainParameterGradients(chain, worst, ([output]) => {
      const hinge = saHinge(qClean, this.qOf(output as tf.Tensor2D), sa.margin, sa.kappa);
      // Kept out of chainParameterGradients' tidy; cloned into the caller's below.
      kept = tf.keep(hinge.loss);
      return [this.spreadOverQuantiles(hinge.outputGradient)];
    });
    const regularizer = takeKept(kept);
    const extra = namedGradients(chain, gradients);
    const grads = Object.fromEntries(Object.entries(td.grads).map(([name, g]) => [name, tf.add(g, extra[name] as tf.Tensor)]));
    this.lastRegularizerLoss = regularizer.dataSync()[0] ?? 0;
    return { chosen: td.chosen, grads, regularizer };
  }

  /** d/d(quantiles) from d/dQ: Q(a) is the mean of a's N quantiles, so each gets 1/N of dQ(a). */
  private spreadOverQuantiles(dq: tf.Tensor2D): tf.Tensor2D {
    const n = this.settings.quantiles;
    if (n === 0) return dq;
    return tf.reshape(tf.tile(tf.expandDims(tf.div(dq, n), 2), [1, 1, n]), [dq.shape[0], -1]);
  }

  /**
   * The tape's whole update (the fused path's reference): tf.variableGrads of the TD loss plus, with
   * the SA regularizer on, kappa * mean hinge at the worst states (a* read off the clean Q-values
   * before the tape, a constant as in the fused path and SA_DQN).
   */
  private tapeUpdate<T extends tf.Tensor>(obs: tf.Tensor4D, pick: (output: tf.Tensor2D) => T, loss: (chosen: T) => tf.Scalar): { chosen: T; grads: tf.NamedTensorMap; regularizer: tf.Scalar } {
    const sa = this.saRegularizer;
    const worst = sa === undefined ? obs : sa.worstState(obs);
    if (sa === undefined || worst === obs) {
      this.lastRegularizerLoss = 0;
      return { ...this.tapeGradientsOf(obs, pick, loss), regularizer: tf.scalar(0) };
    }
    const greedyMask = tf.oneHot(tf.argMax(this.qValues(this.online, obs), 1) as tf.Tensor1D, this.actionCount) as tf.Tensor2D;
    let kept: tf.Scalar | undefined;
    const result = this.tapeGradientsOf(obs, pick, (chosen) => {
      const q = this.qOf(this.online.apply(worst, { training: true }) as tf.Tensor2D);
      const greedyQ = tf.sum(tf.mul(q, greedyMask), 1);
      const rivalQ = tf.max(tf.sub(q, tf.mul(greedyMask, 1e9)), 1);
      const hinge = tf.mul(sa.kappa, tf.mean(tf.relu(tf.add(tf.sub(rivalQ, greedyQ), sa.margin)))) as tf.Scalar;
      kept = tf.keep(tf.clone(hinge));
      return tf.add(loss(chosen), hinge) as tf.Scalar;
    });
    const regularizer = takeKept(kept);
    this.lastRegularizerLoss = regularizer.dataSync()[0] ?? 0;
    return { ...result, regularizer };
  }

  /**
   * tf.variableGrads of `loss(pick(online(obs)))`, and the picked values (the taken action's
   * Q-value or quantiles) before the step, kept from the same forward pass.
   */
  private tapeGradientsOf<T extends tf.Tensor>(obs: tf.Tensor4D, pick: (output: tf.Tensor2D) => T, loss: (chosen: T) => tf.Scalar): { chosen: T; grads: tf.NamedTensorMap } {
    const variables = this.online.trainableWeights.map((w) => w.read() as tf.Variable);
    let kept: T | undefined;
    const { grads } = tf.variableGrads(() => {
      // Kept out of the tape's scope (which keeps only the loss), so no second forward pass is needed.
      kept = tf.keep(pick(this.online.apply(obs, { training: true }) as tf.Tensor2D));
      return loss(kept);
    }, variables);
    if (kept === undefined) throw new Error('DqnLearner: the loss function did not run');
    // A clone belongs to the caller's tidy; the kept original would otherwise leak.
    const chosen = tf.clone(kept);
    kept.dispose();
    return { chosen, grads };
  }

  /** The fused gradient of the quantile Huber loss (its output gradient: quantiles.ts), and the taken action's quantiles before the step. */
  private chainQuantileGradients(chain: ChainNet, obs: tf.Tensor4D, actionMask: tf.Tensor2D, targets: tf.Tensor2D, weights: tf.Tensor1D): ChainStep<tf.Tensor2D> {
    const { huberDelta } = this.settings;
    const { outputs, gradients } = chainParameterGradients(chain, obs, ([quantiles]) => {
      const dChosen = quantileHuberGradient(targets, quantilesOfAction(quantiles as tf.Tensor2D, actionMask), huberDelta, weights);
      return [tf.reshape(tf.mul(tf.expandDims(actionMask, 2), tf.expandDims(dChosen, 1)), [obs.shape[0], -1])];
    });
    return { chosen: quantilesOfAction(outputs[0] as tf.Tensor2D, actionMask), grads: namedGradients(chain, gradients), output: outputs[0] as tf.Tensor2D };
  }

  dispose(): void {
    this.online.dispose();
    this.target.dispose();
    this.optimizer.dispose();
    this.foldedNetwork?.dispose();
  }
}

/** A fused TD step: the picked values and gradients, and the net's raw output at the batch states (for the regularizer's a*). */
interface ChainStep<T extends tf.Tensor> {
  readonly chosen: T;
  readonly grads: tf.NamedTensorMap;
  readonly output: tf.Tensor2D;
}

/** The variables' gradients by name, as optimizer.applyGradients takes them. */
function namedGradients(chain: ChainNet, gradients: readonly tf.Tensor[]): tf.NamedTensorMap {
  return Object.fromEntries(chain.variables.map((v, i) => [(v.read() as tf.Variable).name, gradients[i] as tf.Tensor]));
}

/** A tensor kept out of an inner tidy, as a clone owned by the caller's tidy (the original disposed). */
function takeKept(kept: tf.Scalar | undefined): tf.Scalar {
  if (kept === undefined) throw new Error('DqnLearner: the regularizer did not run');
  const owned = tf.clone(kept);
  kept.dispose();
  return owned;
}

/** One read back for both: the loss first, then each sample's TD error. */
// A literal return type, not UpdateResult: tf.tidy's callbacks must return a TensorContainer, and
// only an object literal's type (not an interface) fits its index signature.
function readResult(loss: tf.Scalar, tdErrors: tf.Tensor1D): { loss: number; tdErrors: Float32Array } {
  const read = tf.concat([tf.reshape(loss, [1]), tdErrors]).dataSync() as Float32Array;
  return { loss: read[0] ?? Number.NaN, tdErrors: read.slice(1) };
}
