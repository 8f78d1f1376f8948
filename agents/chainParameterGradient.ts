/**
 * Hand-written PARAMETER gradients for tfjs-layers models built from Conv2D, Flatten and Dense
 * chains (relu or linear): one trunk from the input, then one head per output (the DQN Q-network:
 * one output, no head; the A3C net: trunk to the 256-unit layer, then the policy and value heads).
 * Trainers use it instead of tf.variableGrads for the same reason agents/chainGradient.ts exists:
 * under a tape tfjs runs conv, bias add and relu unfused and pays ~4 us of engine overhead per
 * recorded op plus its bookkeeping; here the forward pass is one fused kernel per layer, keeping
 * each layer's input and output, and the backward pass is written out per layer:
 *
 *   dz = dy * step(y)                (relu; linear: dz = dy; y > 0 exactly where z > 0)
 *   dense:  dW = x^T dz,  db = sum over rows of dz,        dx = dz W^T
 *   conv:   dW = Conv2DBackpropFilter(x, dz), db = sum of dz over N, H, W,
 *           dx = Conv2DBackpropInput(dz, W)
 *
 * dx of the first layer is skipped (training never needs the input gradient). Where the heads
 * part, the trunk's output gradient is the sum of every head's dx. These are the products tf's
 * own gradients of conv2d, matMul and the bias add compute, so the result equals tf.variableGrads
 * up to float rounding (tests hold both within 1e-5 relative).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { activationGradient, forwardChain, inputGradientOf, traceChain, type ChainActivations, type ChainLayer, type ConvLayer, type DenseLayer } from './chainGradient.ts';

export interface ChainNet {
  /** Layers from the input to where the outputs part (for one output: all of them). */
  readonly trunk: readonly ChainLayer[];
  /** Per model output, the layers after the trunk (empty for a single-output chain). */
  readonly heads: readonly (readonly ChainLayer[])[];
  /** model.trainableWeights, in its order: the order of ChainGradients.gradients. */
  readonly variables: readonly tfl.LayerVariable[];
}

export interface ChainGradients {
  /** The model's outputs, in model.outputs order. */
  readonly outputs: tf.Tensor2D[];
  /** dL/dW per entry of ChainNet.variables, same shapes. */
  readonly gradients: tf.Tensor[];
}

/**
 * The model as a trunk and heads of chain layers, if every output's path is a chain, the paths
 * share a prefix and part once, and their weights are exactly the model's trainable weights, each
 * used once (a shared or frozen layer falls outside this); undefined otherwise (use the tape).
 */
export function traceChainNet(model: tfl.LayersModel): ChainNet | undefined {
  if (model.outputs.length === 0 || model.outputs.some((o) => o.shape.length !== 2)) return undefined;
  const paths: ChainLayer[][] = [];
  for (let k = 0; k < model.outputs.length; k++) {
    const path = traceChain(model, k);
    if (path === undefined) return undefined;
    paths.push(path);
  }
  const first = paths[0] as ChainLayer[];
  let shared = first.length;
  for (const path of paths.slice(1)) {
    let i = 0;
    while (i < shared && i < path.length && path[i]?.source === first[i]?.source) i++;
    shared = i;
  }
  // Every head must have a layer of its own: an output that is the trunk's output itself would
  // make another head's layers part of its own path.
  if (paths.length > 1 && paths.some((path) => path.length === shared)) return undefined;
  const trunk = first.slice(0, shared);
  const heads = paths.map((path) => path.slice(shared));
  const used: tfl.LayerVariable[] = [];
  for (const layer of [...trunk, ...heads.flat()]) {
    if (layer.kind === 'flatten') continue;
    used.push(layer.kernel);
    if (layer.bias !== undefined) used.push(layer.bias);
  }
  const variables = model.trainableWeights;
  if (used.length !== variables.length || new Set(used).size !== used.length || !used.every((v) => variables.includes(v))) return undefined;
  return { trunk, heads, variables };
}

/** sum over every axis but the last: the bias gradient of a dense (2-D) or conv (4-D) dz. */
function biasGradient(dz: tf.Tensor): tf.Tensor {
  return tf.sum(dz, dz.rank === 4 ? [0, 1, 2] : 0);
}

function filterGradient(layer: ConvLayer, x: tf.Tensor, dz: tf.Tensor): tf.Tensor {
  // tfjs-core does not export conv2DBackpropFilter; its kernel is what tf.grad of conv2d runs
  // (on wasm, advgym's own: src/core/tensor/kernels/conv2dBackpropFilter.ts).
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dz }, { strides: layer.strides, pad: layer.pad, dataFormat: 'NHWC', filterShape: layer.kernel.read().shape });
}

/**
 * Backward through `layers` from dy = dL/d(their output), writing dW and db into `grads`; returns
 * dL/d(their input), or undefined when `needInput` is false (the first layer's dx is not made).
 */
export function backward(layers: readonly ChainLayer[], saved: ChainActivations, dy: tf.Tensor, needInput: boolean, grads: Map<tfl.LayerVariable, tf.Tensor>): tf.Tensor | undefined {
  let d = dy;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i] as ChainLayer;
    const x = saved.inputs[i] as tf.Tensor;
    if (layer.kind === 'flatten') {
      if (i === 0 && !needInput) return undefined;
      d = tf.reshape(d, x.shape);
      continue;
    }
    const dz = activationGradient(layer, d, saved.outputs[i] as tf.Tensor);
    grads.set(layer.kernel, layer.kind === 'dense' ? tf.matMul(x as tf.Tensor2D, dz as tf.Tensor2D, true, false) : filterGradient(layer, x, dz));
    if (layer.bias !== undefined) grads.set(layer.bias, biasGradient(dz));
    if (i === 0 && !needInput) return undefined;
    d = inputGradientOf(layer as ConvLayer | DenseLayer, dz, x.shape);
  }
  return d;
}

function missingGradient(v: tfl.LayerVariable): never {
  // traceChainNet checked that the layers use every trainable weight.
  throw new Error(`chainParameterGradients: no gradient for ${v.name}`);
}

/**
 * The net's outputs at obs and the gradient of a loss L w.r.t. every trainable weight, given
 * outputGradients(outputs) = dL/d(each output) (the loss's closed-form gradient, one tensor per
 * output, same shapes). Weights are read at call time. Caller owns the results.
 */
export function chainParameterGradients(net: ChainNet, obs: tf.Tensor, outputGradients: (outputs: tf.Tensor2D[]) => tf.Tensor2D[]): ChainGradients {
  return tf.tidy(() => {
    const trunk = forwardChain(net.trunk, obs);
    const heads = net.heads.map((head) => forwardChain(head, trunk.result));
    const outputs = heads.map((h) => h.result as tf.Tensor2D);
    const dOutputs = outputGradients(outputs);
    if (dOutputs.length !== outputs.length) throw new Error(`chainParameterGradients: ${dOutputs.length} output gradients for ${outputs.length} outputs`);
    const grads = new Map<tfl.LayerVariable, tf.Tensor>();
    const dTrunk: tf.Tensor[] = [];
    net.heads.forEach((head, k) => {
      const d = backward(head, heads[k] as ChainActivations, dOutputs[k] as tf.Tensor, net.trunk.length > 0, grads);
      if (d !== undefined) dTrunk.push(d);
    });
    if (net.trunk.length > 0) backward(net.trunk, trunk, dTrunk.length === 1 ? (dTrunk[0] as tf.Tensor) : tf.addN(dTrunk), false, grads);
    const gradients = net.variables.map((v) => grads.get(v) ?? missingGradient(v));
    return { outputs, gradients };
  });
}
