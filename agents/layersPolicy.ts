/** A Policy over a tfjs-layers model: logits are the model's first output (Q-values or policy logits). */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { chainInputGradient, traceChain } from './chainGradient.ts';
import type { LogitsAndInputGradient, Policy } from './policy.ts';

export class LayersPolicy implements Policy {
  readonly actionCount: number;
  readonly inputShape: readonly [number, number, number];
  /** Present when the logits path is a Conv2D/Flatten/Dense chain (chainGradient.ts), so attacks skip tf.grad's tape. */
  readonly inputGradient?: (obs: tf.Tensor4D, outputGradient: (logits: tf.Tensor2D) => tf.Tensor2D) => LogitsAndInputGradient;

  constructor(readonly model: tfl.LayersModel) {
    const input = model.inputs[0]?.shape;
    const output = model.outputs[0]?.shape;
    if (input?.length !== 4 || output?.length !== 2) throw new Error('LayersPolicy: model must map [batch, h, w, k] to [batch, actions] (first output)');
    this.inputShape = [input[1] ?? 0, input[2] ?? 0, input[3] ?? 0];
    this.actionCount = output[1] ?? 0;
    const chain = traceChain(model);
    if (chain !== undefined) this.inputGradient = (obs, outputGradient) => chainInputGradient(chain, obs, outputGradient);
  }

  logits(obs: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const output = this.model.apply(obs) as tf.Tensor | tf.Tensor[];
      const first = Array.isArray(output) ? output[0] : output;
      if (first === undefined) throw new Error('LayersPolicy: model produced no output');
      return first as tf.Tensor2D;
    });
  }

  act(obs: tf.Tensor4D): number[] {
    return tf.tidy(() => Array.from(tf.argMax(this.logits(obs), 1).dataSync()));
  }
}
