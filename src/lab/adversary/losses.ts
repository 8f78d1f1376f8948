/**
 * The attack objectives of the gradient attacks, computed row by row in plain JS on logits already
 * read back ([batch, actions]: a few numbers per row, in float64 before rounding to float32), each
 * with its closed-form gradient with respect to the logits, so the fused input-gradient path
 * (Policy.inputGradient) and the tf.grad path take the same numbers.
 *
 * - ce (Huang et al. 2017): cross-entropy between softmax(z / T) and the label. T = 1 is Huang's
 *   loss; a large T is the standard counter to defensive distillation, whose trained-hot softmax
 *   saturates at T = 1 (Papernot et al. 2016; Carlini & Wagner 2016 use the margin instead).
 * - margin (Carlini & Wagner 2017, their f_6 on logits with kappa = 0): m(y) = max_{a != y} z_a - z_y.
 *   Its gradient is +1 at the runner-up and -1 at y whatever the logits' scale, so a saturated
 *   softmax cannot hide it.
 *
 * Untargeted attacks maximise objective(own or clean argmax); targeted ones minimise objective(target),
 * i.e. maximise -CE(target) or z_t - max_{a != t} z_a: `sign` is +1 or -1.
 */

export type LossKind = 'ce' | 'margin';

export interface AttackObjective {
  readonly loss: LossKind;
  /** Softmax temperature of the ce loss (softmax(z / T)); 1 for Huang's loss. The margin ignores it. */
  readonly temperature: number;
}

/** Huang et al.'s loss: what every attack used before the option existed. */
export const HUANG_CE: AttackObjective = { loss: 'ce', temperature: 1 };

export interface ObjectiveRows {
  /** Per-row objective, times sign: larger is better for the attacker. */
  readonly values: Float32Array;
  /** d values / d logits, [batch * actions]. */
  readonly gradient: Float32Array;
}

type Logits = Float32Array | Int32Array | Uint8Array;

function argmaxRow(logits: Logits, base: number, actions: number, skip = -1): number {
  let best = -1;
  for (let j = 0; j < actions; j++) {
    if (j === skip) continue;
    if (best < 0 || (logits[base + j] as number) > (logits[base + best] as number)) best = j;
  }
  return best;
}

/**
 * Per-row cross-entropy of softmax(logits / temperature) against labels (the row's argmax where
 * `labels` is undefined), times `sign`, with its gradient sign * (softmax(z / T) - onehot(label)) / T.
 * With T = 1 the arithmetic is exactly that of the loss before temperatures existed (z * 1 and
 * x / 1 are exact), so results stay bit-identical.
 */
export function crossEntropyRows(logits: Logits, actions: number, labels: ArrayLike<number> | undefined, sign: 1 | -1, temperature = 1): ObjectiveRows {
  const rows = logits.length / actions;
  const values = new Float32Array(rows);
  const gradient = new Float32Array(logits.length);
  const scale = 1 / temperature;
  for (let r = 0, base = 0; r < rows; r++, base += actions) {
    const argMax = argmaxRow(logits, base, actions);
    const max = (logits[base + argMax] as number) * scale;
    const label = labels === undefined ? argMax : (labels[r] as number);
    let sumExp = 0;
    for (let j = 0; j < actions; j++) sumExp += Math.exp((logits[base + j] as number) * scale - max);
    values[r] = sign * (Math.log(sumExp) + max - (logits[base + label] as number) * scale);
    for (let j = 0; j < actions; j++) {
      gradient[base + j] = (sign * (Math.exp((logits[base + j] as number) * scale - max) / sumExp - (j === label ? 1 : 0))) / temperature;
    }
  }
  return { values, gradient };
}

/**
 * Per-row logit margin m(label) = max_{a != label} z_a - z_label (label: the row's argmax where
 * `labels` is undefined), times `sign`; gradient sign * (onehot(runner-up) - onehot(label)), the
 * runner-up being the first largest other logit (as tf.argMax breaks ties). m > 0 untargeted means
 * the action changed; -m(t) > 0 targeted means the target won.
 */
export function marginRows(logits: Logits, actions: number, labels: ArrayLike<number> | undefined, sign: 1 | -1): ObjectiveRows {
  const rows = logits.length / actions;
  const values = new Float32Array(rows);
  const gradient = new Float32Array(logits.length);
  for (let r = 0, base = 0; r < rows; r++, base += actions) {
    const label = labels === undefined ? argmaxRow(logits, base, actions) : (labels[r] as number);
    const other = argmaxRow(logits, base, actions, label);
    if (other < 0) continue; // one action: nothing to flip to
    values[r] = sign * ((logits[base + other] as number) - (logits[base + label] as number));
    gradient[base + other] = sign;
    gradient[base + label] = -sign;
  }
  return { values, gradient };
}

export function objectiveRows(logits: Logits, actions: number, labels: ArrayLike<number> | undefined, sign: 1 | -1, objective: AttackObjective): ObjectiveRows {
  return objective.loss === 'margin' ? marginRows(logits, actions, labels, sign) : crossEntropyRows(logits, actions, labels, sign, objective.temperature);
}
