/**
 * A hand-written input gradient for tfjs-layers models whose first output is a plain chain of
 * Conv2D, Flatten and Dense layers with relu or linear activations: what agents/networks.ts builds
 * (the DQN Q-network; the A3C net's policy head, output 0, whose path ignores the value head).
 *
 * Why: under tf.grad tfjs-core runs conv2d and matMul unfused (conv, bias add and relu as three
 * recorded ops: fused ops are skipped while a gradient is taped) and the tape adds clones and
 * gradient bookkeeping, about 64 kernels for one FGSM step on the 2013 DQN net at ~4 us of engine
 * overhead each on wasm. Here the forward pass is one fused kernel per layer, keeping each layer's
 * output, and the backward pass is, per layer, the relu mask (step and multiply) and one transposed
 * product (dense: dy W^T; conv: Conv2DBackpropInput): about 17 kernels and no tape.
 *
 * The relu mask is taken from the layer's output: relu(z) > 0 exactly where z > 0, which is the
 * mask tf.grad applies (step(z)), so the gradient is the same up to float rounding.
 */
import type { LogitsAndInputGradient } from './policy.ts';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

type Activation = 'relu' | 'linear';

export interface ConvLayer {
  readonly kind: 'conv2d';
  readonly source: tfl.layers.Layer;
  readonly kernel: tfl.LayerVariable;
  readonly bias: tfl.LayerVariable | undefined;
  readonly strides: [number, number];
  readonly pad: 'valid' | 'same';
  readonly activation: Activation;
}

export interface DenseLayer {
  readonly kind: 'dense';
  readonly source: tfl.layers.Layer;
  readonly kernel: tfl.LayerVariable;
  readonly bias: tfl.LayerVariable | undefined;
  readonly activation: Activation;
}

interface FlattenLayer {
  readonly kind: 'flatten';
  readonly source: tfl.layers.Layer;
}

export type ChainLayer = ConvLayer | DenseLayer | FlattenLayer;

function activationOf(config: tf.serialization.ConfigDict): Activation | undefined {
  const name = config['activation'];
  return name === 'relu' || name === 'linear' ? name : undefined;
}

function pair(value: unknown): [number, number] | undefined {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0] as number, value[1] as number];
  return undefined;
}

/** A layer's kernel and optional bias, recognised by rank so the variables' names do not matter. */
function kernelAndBias(layer: tfl.layers.Layer, kernelRank: number): { kernel: tfl.LayerVariable; bias: tfl.LayerVariable | undefined } | undefined {
  const weights = layer.weights;
  const kernel = weights[0];
  const bias = weights[1];
  if (kernel === undefined || kernel.shape.length !== kernelRank || weights.length > 2) return undefined;
  if (bias !== undefined && bias.shape.length !== 1) return undefined;
  return { kernel, bias };
}

/** One layer in the chain's terms, or undefined if it is anything this gradient does not cover. */
function chainLayer(layer: tfl.layers.Layer, inputRank: number): ChainLayer | undefined {
  const className = layer.getClassName();
  if (className === 'Flatten') {
    return layer.getConfig()['dataFormat'] === 'channelsFirst' ? undefined : { kind: 'flatten', source: layer };
  }
  if (className === 'Dense') {
    const config = layer.getConfig();
    const activation = activationOf(config);
    const weights = kernelAndBias(layer, 2);
    // Dense on a rank > 2 input applies to the last axis; the chain reshapes only at Flatten.
    if (activation === undefined || weights === undefined || inputRank !== 2) return undefined;
    return { kind: 'dense', source: layer, ...weights, activation };
  }
  if (className === 'Conv2D') {
    const config = layer.getConfig();
    const activation = activationOf(config);
    const weights = kernelAndBias(layer, 4);
    const strides = pair(config['strides']);
    const dilation = pair(config['dilationRate']);
    const padding = config['padding'];
    if (activation === undefined || weights === undefined || strides === undefined || inputRank !== 4) return undefined;
    if (config['dataFormat'] === 'channelsFirst' || dilation?.[0] !== 1 || dilation[1] !== 1) return undefined;
    if (padding !== 'valid' && padding !== 'same') return undefined;
    return { kind: 'conv2d', source: layer, ...weights, strides, pad: padding, activation };
  }
  return undefined;
}

/**
 * The layers from the model's input to its output `outputIndex` (default the first), if that path
 * is such a chain (each layer has one input, fed by the previous one); undefined otherwise, and
 * callers fall back to tf.grad.
 */
export function traceChain(model: tfl.LayersModel, outputIndex = 0): ChainLayer[] | undefined {
  const input = model.inputs[0];
  const output = model.outputs[outputIndex];
  if (model.inputs.length !== 1 || input === undefined || output === undefined || input.dtype !== 'float32') return undefined;
  const reversed: ChainLayer[] = [];
  for (let tensor: tfl.SymbolicTensor = output; tensor !== input; ) {
    const layer: tfl.layers.Layer = tensor.sourceLayer;
    const from: tfl.SymbolicTensor[] | undefined = layer.inboundNodes[tensor.nodeIndex]?.inputTensors;
    const previous = from?.[0];
    if (from?.length !== 1 || previous === undefined || tensor.tensorIndex !== 0) return undefined;
    const step = chainLayer(layer, previous.shape.length);
    if (step === undefined) return undefined;
    reversed.push(step);
    tensor = previous;
  }
  return reversed.length === 0 ? undefined : reversed.reverse();
}

/** One layer's forward pass as one fused kernel (flatten: a reshape), weights read now. */
export function forwardLayer(layer: ChainLayer, x: tf.Tensor): tf.Tensor {
  if (layer.kind === 'flatten') return tf.reshape(x, [x.shape[0] ?? 1, -1]);
  if (layer.kind === 'dense') {
    return tf.fused.matMul({ a: x as tf.Tensor2D, b: layer.kernel.read() as tf.Tensor2D, ...(layer.bias ? { bias: layer.bias.read() } : {}), activation: layer.activation });
  }
  return tf.fused.conv2d({
    x: x as tf.Tensor4D,
    filter: layer.kernel.read() as tf.Tensor4D,
    strides: layer.strides,
    pad: layer.pad,
    ...(layer.bias ? { bias: layer.bias.read() } : {}),
    activation: layer.activation,
  });
}

/** A forward pass through `layers` keeping each layer's input and output (what a backward pass needs). */
export interface ChainActivations {
  readonly inputs: tf.Tensor[];
  readonly outputs: tf.Tensor[];
  /** The last layer's output (x itself for no layers). */
  readonly result: tf.Tensor;
}

export function forwardChain(layers: readonly ChainLayer[], x: tf.Tensor): ChainActivations {
  const inputs: tf.Tensor[] = [];
  const outputs: tf.Tensor[] = [];
  let y = x;
  for (const layer of layers) {
    inputs.push(y);
    y = forwardLayer(layer, y);
    outputs.push(y);
  }
  return { inputs, outputs, result: y };
}

/**
 * dL/d(pre-activation) from dL/d(output) dy: for relu, dy where the output is positive, else 0;
 * relu(z) > 0 exactly where z > 0, the mask tf.grad applies (step(z)).
 */
export function activationGradient(layer: ConvLayer | DenseLayer, dy: tf.Tensor, output: tf.Tensor): tf.Tensor {
  return layer.activation === 'relu' ? tf.mul(dy, tf.step(output)) : dy;
}

/** dL/d(layer input) from dz = dL/d(pre-activation): dz W^T (dense) or Conv2DBackpropInput (conv). */
export function inputGradientOf(layer: ConvLayer | DenseLayer, dz: tf.Tensor, inputShape: readonly number[]): tf.Tensor {
  return layer.kind === 'dense'
    ? tf.matMul(dz as tf.Tensor2D, layer.kernel.read() as tf.Tensor2D, false, true)
    : tf.conv2dTranspose(dz as tf.Tensor4D, layer.kernel.read() as tf.Tensor4D, inputShape as [number, number, number, number], layer.strides, layer.pad);
}

/**
 * The chain's output at obs and its vector-Jacobian product with dy = outputGradient(output),
 * the weights read at call time (a trainer may have changed them since the chain was traced).
 */
export function chainInputGradient(chain: readonly ChainLayer[], obs: tf.Tensor4D, outputGradient: (logits: tf.Tensor2D) => tf.Tensor2D): LogitsAndInputGradient {
  return tf.tidy(() => {
    const { inputs, outputs, result } = forwardChain(chain, obs);
    const logits = result as tf.Tensor2D;
    let dy: tf.Tensor = outputGradient(logits);
    for (let i = chain.length - 1; i >= 0; i--) {
      const layer = chain[i] as ChainLayer;
      const inputShape = (inputs[i] as tf.Tensor).shape;
      dy = layer.kind === 'flatten' ? tf.reshape(dy, inputShape) : inputGradientOf(layer, activationGradient(layer, dy, outputs[i] as tf.Tensor), inputShape);
    }
    return { logits, gradient: dy as tf.Tensor4D };
  });
}
