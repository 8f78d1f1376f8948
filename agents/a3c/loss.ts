/**
 * The advantage actor-critic loss and its gradient (Mnih et al. 2016, Algorithm S3), summed over
 * the rollout's steps as the paper accumulates gradients:
 *
 *   L = sum_t [ -log pi(a_t | s_t) * A_t  -  beta * H(pi(. | s_t))  +  c_v * 1/2 (R_t - V(s_t))^2 ]
 *
 * A_t enters as a constant (the paper's policy gradient does not flow into the critic through
 * the advantage); the critic learns only through the value term.
 *
 * For the advgym actor-critic (a conv/dense trunk, then the policy and value heads) the gradient
 * is agents/chainParameterGradient.ts's hand-written backward pass fed the loss's closed-form
 * gradient below; any other model goes through tf.variableGrads. Both give the same gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { logSoftmaxRow } from '../categorical.ts';
import { chainParameterGradients, traceChainNet, type ChainNet } from '../chainParameterGradient.ts';

export interface ActorCriticBatch {
  /** Observations, row-major [n, ...inputShape]. */
  readonly observations: Float32Array;
  readonly actions: Int32Array;
  readonly returns: Float32Array;
  readonly advantages: Float32Array;
}

export interface LossWeights {
  readonly entropyBeta: number;
  readonly valueLossCoef: number;
}

export interface LossParts {
  readonly total: tf.Scalar;
  readonly policyLoss: tf.Scalar;
  readonly valueLoss: tf.Scalar;
  /** Summed entropy of the policy over the batch. */
  readonly entropy: tf.Scalar;
}

/** The loss terms for `logits` [n, A] and `values` [n, 1]; call inside a tidy or a gradient function. */
export function actorCriticLoss(logits: tf.Tensor2D, values: tf.Tensor2D, actions: tf.Tensor1D, returns: tf.Tensor1D, advantages: tf.Tensor1D, weights: LossWeights): LossParts {
  const logProbs = tf.logSoftmax(logits);
  const taken = tf.sum(tf.mul(logProbs, tf.oneHot(actions, logits.shape[1])), 1);
  const policyLoss = tf.neg(tf.sum(tf.mul(taken, advantages)));
  const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs)));
  const valueLoss = tf.mul(0.5, tf.sum(tf.square(tf.sub(returns, tf.reshape(values, [-1])))));
  const total = tf.add(tf.sub(policyLoss, tf.mul(weights.entropyBeta, entropy)), tf.mul(weights.valueLossCoef, valueLoss));
  return { total: total as tf.Scalar, policyLoss: policyLoss as tf.Scalar, valueLoss: valueLoss as tf.Scalar, entropy: entropy as tf.Scalar };
}

export interface GradientResult {
  /** dL/dtheta for the model's trainable weights, concatenated in model.trainableWeights order. */
  readonly gradient: Float32Array;
  readonly total: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly entropy: number;
}

/** The variables a model trains, in the order the flat parameter vector uses. */
export function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

export interface GradientOptions {
  /** false: always tf.variableGrads (the reference the fused gradient is tested and timed against). */
  readonly fusedGradient?: boolean;
}

/** Models traced once each (null: not a two-output chain net, use the tape). */
const traced = new WeakMap<tfl.LayersModel, ChainNet | null>();

function chainNetOf(model: tfl.LayersModel): ChainNet | undefined {
  let net = traced.get(model);
  if (net === undefined) {
    net = traceChainNet(model) ?? null;
    if (net !== null && net.heads.length !== 2) net = null;
    traced.set(model, net);
  }
  return net ?? undefined;
}

/** Forward pass of the actor-critic on a batch and the gradient of the loss; leaves no tensors. */
export function actorCriticGradient(model: tfl.LayersModel, batch: ActorCriticBatch, weights: LossWeights, options: GradientOptions = {}): GradientResult {
  const net = options.fusedGradient === false ? undefined : chainNetOf(model);
  let result: GradientResult | undefined;
  // The result leaves tidy through a closure, not as tidy's return value: tidy walks a returned
  // container looking for tensors, and walking a 0.7M-entry Float32Array costs ~80 ms (measured).
  tf.tidy(() => {
    const { terms, gradients } = net === undefined ? tapeGradients(model, batch, weights) : chainGradients(net, model, batch, weights);
    const gradient = new Float32Array(gradients.reduce((sum, g) => sum + g.size, 0));
    let offset = 0;
    for (const g of gradients) {
      gradient.set(g.dataSync() as Float32Array, offset);
      offset += g.size;
    }
    result = { gradient, ...terms };
  });
  if (result === undefined) throw new Error('actorCriticGradient: no result');
  return result;
}

type LossTerms = Omit<GradientResult, 'gradient'>;

function inputOf(model: tfl.LayersModel, batch: ActorCriticBatch): tf.Tensor {
  const inputShape = model.inputs[0]?.shape.slice(1) as number[];
  return tf.tensor(batch.observations, [batch.actions.length, ...inputShape]);
}

/**
 * The loss terms and their gradients in closed form, from the logits z [n, A] and values V [n],
 * in float64 (a few dozen numbers; cheaper than ~30 tiny kernels). With p = softmax(z_t),
 * H_t = -sum_j p_j log p_j and dH_t/dz_tj = -p_tj (log p_tj + H_t):
 *   dL/dz_tj = -(1[j = a_t] - p_tj) A_t + beta p_tj (log p_tj + H_t)
 *   dL/dV_t  = c_v (V_t - R_t)
 */
export function closedFormLoss(logits: Float32Array, values: Float32Array, batch: ActorCriticBatch, weights: LossWeights): LossTerms & { dLogits: Float32Array; dValues: Float32Array } {
  const n = batch.actions.length;
  const actionCount = logits.length / n;
  const dLogits = new Float32Array(logits.length);
  const dValues = new Float32Array(n);
  const logProbs = new Float64Array(actionCount);
  let policyLoss = 0;
  let valueLoss = 0;
  let entropy = 0;
  for (let t = 0; t < n; t++) {
    const row = t * actionCount;
    const h = logSoftmaxRow(logits, t, actionCount, logProbs);
    const action = batch.actions[t] as number;
    const advantage = batch.advantages[t] as number;
    for (let j = 0; j < actionCount; j++) {
      const p = Math.exp(logProbs[j] as number);
      dLogits[row + j] = -((j === action ? 1 : 0) - p) * advantage + weights.entropyBeta * p * ((logProbs[j] as number) + h);
    }
    policyLoss -= (logProbs[action] as number) * advantage;
    entropy += h;
    const error = (values[t] as number) - (batch.returns[t] as number);
    valueLoss += 0.5 * error * error;
    dValues[t] = weights.valueLossCoef * error;
  }
  const total = policyLoss - weights.entropyBeta * entropy + weights.valueLossCoef * valueLoss;
  return { total, policyLoss, valueLoss, entropy, dLogits, dValues };
}

function chainGradients(net: ChainNet, model: tfl.LayersModel, batch: ActorCriticBatch, weights: LossWeights): { terms: LossTerms; gradients: tf.Tensor[] } {
  let terms: LossTerms | undefined;
  const { gradients } = chainParameterGradients(net, inputOf(model, batch), ([logits, values]) => {
    if (logits === undefined || values === undefined) throw new Error('actorCriticGradient: the model needs two outputs (policy logits, value)');
    const { dLogits, dValues, ...loss } = closedFormLoss(logits.dataSync() as Float32Array, values.dataSync() as Float32Array, batch, weights);
    terms = loss;
    return [tf.tensor2d(dLogits, logits.shape), tf.tensor2d(dValues, values.shape)];
  });
  if (terms === undefined) throw new Error('actorCriticGradient: no loss terms');
  return { terms, gradients };
}

function tapeGradients(model: tfl.LayersModel, batch: ActorCriticBatch, weights: LossWeights): { terms: LossTerms; gradients: tf.Tensor[] } {
  const variables = trainableVariables(model);
  const x = inputOf(model, batch);
  const actions = tf.tensor1d(batch.actions, 'int32');
  const returns = tf.tensor1d(batch.returns);
  const advantages = tf.tensor1d(batch.advantages);
  // variableGrads disposes everything its function made except the loss, so the loss terms
  // for logging escape its scope with keep() and are disposed here once read.
  let kept: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const [logits, values] = model.apply(x, { training: true }) as [tf.Tensor2D, tf.Tensor2D];
    const parts = actorCriticLoss(logits, values, actions, returns, advantages, weights);
    kept = tf.keep(tf.stack([parts.policyLoss, parts.valueLoss, parts.entropy]));
    return parts.total;
  }, variables);
  const [policyLoss = Number.NaN, valueLoss = Number.NaN, entropy = Number.NaN] = kept === undefined ? [] : Array.from(kept.dataSync());
  kept?.dispose();
  const gradients = variables.map((variable) => grads[variable.name] ?? missingGradient(variable.name));
  return { terms: { total: value.dataSync()[0] ?? Number.NaN, policyLoss, valueLoss, entropy }, gradients };
}

function missingGradient(name: string): never {
  throw new Error(`actorCriticGradient: no gradient for ${name}`);
}
