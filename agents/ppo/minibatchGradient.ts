/**
 * PPO's loss gradient on one set of minibatch rows: the closed-form output gradient of loss.ts fed
 * to the chain net's backward pass. The updater (its own part of each minibatch) and the gradient
 * thread (the other part) both call it, so the two parts are computed the same way.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ChainNet } from '../chainParameterGradient.ts';
import { parameterGradients } from '../onpolicy/gradients.ts';
import { ppoLossGradient, type PpoBatch, type PpoCoefficients, type PpoLossTerms } from './loss.ts';

/** Loss terms and parameter gradients (net.variables order; the caller owns them) of `rows` rows. */
export function ppoParameterGradients(net: ChainNet, model: tfl.LayersModel, observations: Float32Array, rows: number, batch: PpoBatch, coefficients: PpoCoefficients): { terms: PpoLossTerms; gradients: tf.Tensor[] } {
  return parameterGradients<PpoLossTerms>(net, model, observations, rows, ([logits, values]) => {
    const { dLogits, dValues, ...terms } = ppoLossGradient(logits as Float32Array, values as Float32Array, batch, coefficients);
    return { terms, gradients: [dLogits, dValues] };
  });
}
