/**
 * The state-adversarial regularizer of SA-DQN (Zhang et al. 2020, "Robust Deep Reinforcement
 * Learning against Adversarial Perturbations on State Observations", PGD solver): for each batch
 * state s with greedy action a* = argmax_a Q(s, a), and the worst state s' the attacker found in the
 * eps-ball around s,
 *
 *   penalty(s) = max(0, max_{a != a*} Q(s', a) - Q(s', a*) + margin),
 *
 * averaged over the batch and weighted by kappa, is added to the TD loss: it pushes Q(s', a*) above
 * every other action's value at s', so no state of the ball changes the greedy action.
 *
 * The loss comes with its gradient with respect to Q(s', .) in closed form, because the DQN
 * learner's fused backward pass (agents/chainParameterGradient.ts) takes an output gradient instead
 * of a tape; the test checks it against tf.grad. a* is a constant (no gradient through argmax), as
 * in the reference implementation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { argmax } from '../policy.ts';

export interface SaHingeResult {
  /** kappa * mean over the batch of the hinge. */
  readonly loss: tf.Scalar;
  /** d loss / d qAdversarial, [batch, actions]. */
  readonly outputGradient: tf.Tensor2D;
  /** Rows whose hinge is active (the worst state still threatens the greedy action within the margin). */
  readonly activeRows: number;
}

/**
 * `qClean` are Q(s, .) rows (read on the CPU, they only pick a*); `qAdversarial` is Q(s', .) on the
 * worst states. The caller owns the returned tensors.
 */
export function saHinge(qClean: Float32Array, qAdversarial: tf.Tensor2D, margin: number, kappa: number): SaHingeResult {
  const [batch, actions] = qAdversarial.shape;
  if (qClean.length !== batch * actions) throw new Error(`saHinge: qClean holds ${qClean.length} values, expected ${batch} x ${actions}`);
  if (actions < 2) throw new Error('saHinge: needs at least two actions');
  const adversarial = qAdversarial.dataSync();
  const gradient = new Float32Array(batch * actions);
  let total = 0;
  let activeRows = 0;
  for (let b = 0; b < batch; b++) {
    const row = b * actions;
    const greedy = argmax(qClean.subarray(row, row + actions));
    let rival = -1;
    for (let a = 0; a < actions; a++) {
      if (a !== greedy && (rival < 0 || (adversarial[row + a] as number) > (adversarial[row + rival] as number))) rival = a;
    }
    const value = (adversarial[row + rival] as number) - (adversarial[row + greedy] as number) + margin;
    if (value > 0) {
      total += value;
      activeRows++;
      gradient[row + rival] = kappa / batch;
      gradient[row + greedy] = -kappa / batch;
    }
  }
  return { loss: tf.scalar((kappa * total) / batch), outputGradient: tf.tensor2d(gradient, [batch, actions]), activeRows };
}
