/**
 * Parameter gradients of the on-policy nets from closed-form output gradients, through the chain
 * net's hand-written backward pass (agents/chainParameterGradient.ts: one fused kernel per layer
 * forward, the conv filter gradient on advgym's own wasm kernel), plus the global-norm clip and
 * the optimizer step every learner needs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { FusedAdam } from '../../src/core/tensor/adam.ts';
import { chainParameterGradients, traceChainNet, type ChainNet } from '../chainParameterGradient.ts';

/** The model as a chain net (every on-policy net is one: conv/dense trunk and dense heads). */
export function chainNetOf(model: tfl.LayersModel): ChainNet {
  const net = traceChainNet(model);
  if (net === undefined) throw new Error('on-policy nets must be Conv2D/Flatten/Dense chains (agents/networks.ts builds them)');
  return net;
}

export interface OutputGradient<Terms> {
  readonly terms: Terms;
  /** dL/d(each model output), same shapes as the outputs. */
  readonly gradients: readonly Float32Array[];
}

/**
 * The gradient of a loss L over the rows `observations` [n, ...inputShape]: `lossOf` receives the
 * model's outputs (as flat arrays) and returns the loss terms and dL/d(outputs). Returns the
 * parameter gradients (caller owns them) in net.variables order.
 */
export function parameterGradients<Terms>(net: ChainNet, model: tfl.LayersModel, observations: Float32Array, rows: number, lossOf: (outputs: Float32Array[]) => OutputGradient<Terms>): { terms: Terms; gradients: tf.Tensor[] } {
  const inputShape = model.inputs[0]?.shape.slice(1) as number[];
  let terms: Terms | undefined;
  const x = tf.tensor(observations, [rows, ...inputShape]);
  const { gradients, outputs } = chainParameterGradients(net, x, (outs) => {
    const result = lossOf(outs.map((o) => o.dataSync() as Float32Array));
    terms = result.terms;
    return outs.map((o, k) => tf.tensor2d(result.gradients[k] as Float32Array, o.shape));
  });
  x.dispose();
  tf.dispose(outputs);
  if (terms === undefined) throw new Error('parameterGradients: no loss terms');
  return { terms, gradients };
}

/** Scales the gradients to global l2 norm maxNorm when larger (consumes them); returns the norm before. */
export function clipAndApply(optimizer: tf.Optimizer, net: ChainNet, gradients: tf.Tensor[], maxNorm: number): number {
  let norm = Number.NaN;
  tf.tidy(() => {
    norm = Math.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g)))).dataSync()[0] ?? Number.NaN);
    const scale = Number.isFinite(maxNorm) && norm > maxNorm ? maxNorm / norm : 1;
    optimizer.applyGradients(Object.fromEntries(net.variables.map((v, i) => [(v.read() as tf.Variable).name, scale === 1 ? (gradients[i] as tf.Tensor) : tf.mul(gradients[i] as tf.Tensor, scale)])));
  });
  tf.dispose(gradients);
  return norm;
}

/** Batched forward of a model: every output as a flat array. */
export function forwardOutputs(model: tfl.LayersModel, observations: Float32Array, rows: number): Float32Array[] {
  const inputShape = model.inputs[0]?.shape.slice(1) as number[];
  return tf.tidy(() => {
    const out = model.apply(tf.tensor(observations, [rows, ...inputShape])) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((o) => o.dataSync() as Float32Array);
  });
}

/** A seeded permutation of 0..n-1 (Fisher-Yates from the learner's stream). */
export function shuffled(n: number, rng: { int(low: number, high: number): number }): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}

/**
 * After loadOptimizer, makes Adam's bias-correction products beta^t the float32 running products
 * an uninterrupted run holds. FusedAdam.setWeights recomputes them with pow() as tf.train.adam
 * does on load, which differs in the last bits, and a resumed run would then drift from the
 * uninterrupted one; the on-policy learners promise bit-for-bit resume (the fields are private
 * to core's Adam, hence the cast).
 */
export function restoreExactAdamProducts(optimizer: FusedAdam): void {
  const f32 = Math.fround;
  let b1 = f32(optimizer.beta1);
  let b2 = f32(optimizer.beta2);
  for (let t = 0; t < optimizer.iterations; t++) {
    b1 = f32(b1 * f32(optimizer.beta1));
    b2 = f32(b2 * f32(optimizer.beta2));
  }
  const fields = optimizer as unknown as { accBeta1: number; accBeta2: number };
  fields.accBeta1 = b1;
  fields.accBeta2 = b2;
}
