/**
 * The Fisher-vector product of the categorical policy, F v, in the Gauss-Newton form
 *
 *   F v = (1/m) sum_i J_i^T M_i J_i v,     M_i = diag(p_i) - p_i p_i^T,
 *
 * where J_i = d logits_i / d theta and p_i = softmax(logits_i): the Hessian of the mean
 * KL(pi_old || pi_theta) at theta = theta_old, exactly (the KL's gradient w.r.t. the logits is 0
 * there, so the second-derivative-of-the-net term vanishes). The net's activations on the m rows
 * are computed once per TRPO update and kept; each product is then
 *   1. J v: a forward-mode pass through the chain (dense: dz = dx W + x dW + db; conv: the same
 *      with conv2d; relu: dz * step(y)), forward kernels only;
 *   2. M (J v) / m per row, in closed form;
 *   3. J^T (...): the chain net's hand-written backward pass (agents/chainParameterGradient.ts).
 *
 * Why not the double backward (the gradient of (grad KL) . v through tf.grad): on wasm it would
 * need the gradients of Conv2DBackpropFilter and of advgym's own kernels, which tfjs does not
 * register, and it would redo the tape's unfused forward on every CG iteration. This form costs
 * about one forward and one backward pass per product, on the kernels training already uses.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { forwardChain, type ChainActivations, type ChainLayer } from '../chainGradient.ts';
import { backward, type ChainNet } from '../chainParameterGradient.ts';

export class FisherVectorProduct {
  private readonly layers: readonly ChainLayer[];
  private readonly saved: ChainActivations;
  private readonly probs: tf.Tensor2D;
  private readonly rows: number;
  readonly size: number;

  /** Keeps the activations of `obs` (owned by the caller) until dispose(). */
  constructor(
    private readonly net: ChainNet,
    obs: tf.Tensor,
    readonly damping: number,
  ) {
    if (net.heads.length !== 1) throw new Error('FisherVectorProduct: needs a one-output policy net');
    this.layers = [...net.trunk, ...(net.heads[0] ?? [])];
    this.rows = obs.shape[0] ?? 0;
    const kept = tf.tidy(() => {
      const saved = forwardChain(this.layers, obs);
      return { inputs: saved.inputs, outputs: saved.outputs, result: saved.result, probs: tf.softmax(saved.result as tf.Tensor2D) };
    });
    this.saved = { inputs: kept.inputs, outputs: kept.outputs, result: kept.result };
    this.probs = kept.probs;
    this.size = net.variables.reduce((sum, v) => sum + v.read().size, 0);
  }

  /** F v + damping * v, v and the result in net.variables order. */
  product(v: Float64Array): Float64Array {
    if (v.length !== this.size) throw new RangeError(`FisherVectorProduct: vector of ${v.length}, net has ${this.size} parameters`);
    const out = new Float64Array(this.size);
    tf.tidy(() => {
      const tangent = new Map<tfl.LayerVariable, tf.Tensor>();
      let offset = 0;
      for (const variable of this.net.variables) {
        const shape = variable.read().shape;
        const count = shape.reduce((a, b) => a * b, 1);
        tangent.set(variable, tf.tensor(Float32Array.from(v.subarray(offset, offset + count)), shape));
        offset += count;
      }
      const jv = this.jacobianVector(tangent);
      // M u / m, row by row: p * u - p (p . u).
      const pu = tf.mul(this.probs, jv);
      const mu = tf.div(tf.sub(pu, tf.mul(this.probs, tf.sum(pu, 1, true))), this.rows);
      const grads = new Map<tfl.LayerVariable, tf.Tensor>();
      backward(this.layers, this.saved, mu, false, grads);
      offset = 0;
      for (const variable of this.net.variables) {
        const g = grads.get(variable);
        if (g === undefined) throw new Error(`FisherVectorProduct: no gradient for ${variable.name}`);
        const data = g.dataSync();
        for (let i = 0; i < data.length; i++) out[offset + i] = (data[i] as number) + this.damping * (v[offset + i] as number);
        offset += data.length;
      }
    });
    return out;
  }

  /** J v: the logits' directional derivative along the parameter tangent (forward mode). */
  private jacobianVector(tangent: Map<tfl.LayerVariable, tf.Tensor>): tf.Tensor {
    let dx: tf.Tensor | undefined;
    this.layers.forEach((layer, i) => {
      const x = this.saved.inputs[i] as tf.Tensor;
      const y = this.saved.outputs[i] as tf.Tensor;
      if (layer.kind === 'flatten') {
        if (dx !== undefined) dx = tf.reshape(dx, y.shape);
        return;
      }
      const dW = tangent.get(layer.kernel) as tf.Tensor;
      const W = layer.kernel.read();
      let dz =
        layer.kind === 'dense'
          ? tf.matMul(x as tf.Tensor2D, dW as tf.Tensor2D)
          : tf.conv2d(x as tf.Tensor4D, dW as tf.Tensor4D, layer.strides, layer.pad);
      if (dx !== undefined) dz = tf.add(dz, layer.kind === 'dense' ? tf.matMul(dx as tf.Tensor2D, W as tf.Tensor2D) : tf.conv2d(dx as tf.Tensor4D, W as tf.Tensor4D, layer.strides, layer.pad));
      if (layer.bias !== undefined) dz = tf.add(dz, tangent.get(layer.bias) as tf.Tensor);
      dx = layer.activation === 'relu' ? tf.mul(dz, tf.step(y)) : dz;
    });
    if (dx === undefined) throw new Error('FisherVectorProduct: the net has no weighted layer');
    return dx;
  }

  dispose(): void {
    // inputs[0] is the caller's obs; every other input is the previous layer's output.
    tf.dispose([...this.saved.outputs, this.probs]);
  }
}
