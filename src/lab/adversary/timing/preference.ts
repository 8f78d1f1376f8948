/** Lin et al. 2017's action preference c(s): what the strategically timed strategies compare with beta. */
import * as tf from '@tensorflow/tfjs-core';

/** Lin et al. 2017's preference c(s) = max_a pi(a|s) - min_a pi(a|s). */
export function actionPreference(probabilities: Float32Array): number {
  let max = -Infinity;
  let min = Infinity;
  for (const p of probabilities) {
    if (p > max) max = p;
    if (p < min) min = p;
  }
  return max - min;
}

/** softmax(logits) of one observation: the pi(.|s) that c(s) is taken of (Q-values for a DQN). */
export function actionProbabilities(logits: Float32Array): Float32Array {
  return tf.tidy(() => tf.softmax(tf.tensor2d(logits, [1, logits.length])).dataSync() as Float32Array);
}
