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
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

type Activation = 'relu' | 'linear';

interface ConvLayer {
  readonly kind: 'conv2d';
  readonly kernel: tfl.LayerVariable;
  readonly bias: tfl.LayerVariable | undefined;
  readonly strides: [number, number];
  readonly pad: 'valid' | 'same';
  readonly activation: Activation;
}

interface DenseLayer {
  readonly kind: 'dense';
  readonly kernel: tfl.LayerVariable;
  readonly bias: tfl.LayerVariable | undefined;
  readonly activation: Activation;
}

interface FlattenLayer {
  readonly kind: 'flatten';
}

export type ChainLayer = ConvLayer | DenseLayer | FlattenLayer;

export interface LogitsAndInputGradient {
  /** The model's first output at obs, [batch, actions]. */
  readonly logits: tf.Tensor2D;
  /** d(sum(dy * logits))/d(obs) with dy = outputGradient(logits), obs-shaped. */
  readonly gradient: tf.Tensor4D;
}

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
    return layer.getConfig()['dataFormat'] === 'channelsFirst' ? undefined : { kind: 'flatten' };
  }
  if (className === 'Dense') {
    const config = layer.getConfig();
    const activation = activationOf(config);
    const weights = kernelAndBias(layer, 2);
    // Dense on a rank > 2 input applies to the last axis; the chain reshapes only at Flatten.
    if (activation === undefined || weights === undefined || inputRank !== 2) return undefined;
    return { kind: 'dense', ...weights, activation };
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
    return { kind: 'conv2d', ...weights, strides, pad: padding, activation };
  }
  return undefined;
}

/**
 * The layers from the model's input to its first output, if that path is such a chain (each layer
 * has one input, fed by the previous one); undefined otherwise, and callers fall back to tf.grad.
 */
export function traceChain(model: tfl.LayersModel): ChainLayer[] | undefined {
  const input = model.inputs[0];
  const output = model.outputs[0];
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

/**
 * The chain's output at obs and its vector-Jacobian product with dy = outputGradient(output),
 * the weights read at call time (a trainer may have changed them since the chain was traced).
 */
export function chainInputGradient(chain: readonly ChainLayer[], obs: tf.Tensor4D, outputGradient: (logits: tf.Tensor2D) => tf.Tensor2D): LogitsAndInputGradient {
  return tf.tidy(() => {
    const inputShapes: number[][] = [];
    const outputs: tf.Tensor[] = [];
    let x: tf.Tensor = obs;
    for (const layer of chain) {
      inputShapes.push(x.shape);
      if (layer.kind === 'flatten') {
        x = tf.reshape(x, [x.shape[0] ?? 1, -1]);
      } else if (layer.kind === 'dense') {
        x = tf.fused.matMul({ a: x as tf.Tensor2D, b: layer.kernel.read() as tf.Tensor2D, ...(layer.bias ? { bias: layer.bias.read() } : {}), activation: layer.activation });
      } else {
        x = tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: layer.kernel.read() as tf.Tensor4D,
          strides: layer.strides,
          pad: layer.pad,
          ...(layer.bias ? { bias: layer.bias.read() } : {}),
          activation: layer.activation,
        });
      }
      outputs.push(x);
    }
    const logits = x as tf.Tensor2D;
    let dy: tf.Tensor = outputGradient(logits);
    for (let i = chain.length - 1; i >= 0; i--) {
      const layer = chain[i] as ChainLayer;
      const inputShape = inputShapes[i] as number[];
      if (layer.kind === 'flatten') {
        dy = tf.reshape(dy, inputShape);
        continue;
      }
      if (layer.activation === 'relu') dy = tf.mul(dy, tf.step(outputs[i] as tf.Tensor));
      dy =
        layer.kind === 'dense'
          ? tf.matMul(dy as tf.Tensor2D, layer.kernel.read() as tf.Tensor2D, false, true)
          : tf.conv2dTranspose(dy as tf.Tensor4D, layer.kernel.read() as tf.Tensor4D, inputShape as [number, number, number, number], layer.strides, layer.pad);
    }
    return { logits, gradient: dy as tf.Tensor4D };
  });
}
