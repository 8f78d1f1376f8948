/**
 * The categorical policy's per-row quantities from logits, in float64 (a few numbers per row, so
 * plain loops beat a dozen tiny tensor kernels): log-probabilities, probabilities, entropy, and the
 * KL divergence between two rows. Used by the on-policy rollouts (log pi_old(a)) and the
 * closed-form losses of A3C, PPO and TRPO.
 */

/** log softmax of logits[row * A .. row * A + A) into `out` (length A); returns the entropy. */
export function logSoftmaxRow(logits: ArrayLike<number>, row: number, actionCount: number, out: Float64Array): number {
  const base = row * actionCount;
  let max = -Infinity;
  for (let j = 0; j < actionCount; j++) max = Math.max(max, logits[base + j] as number);
  let sum = 0;
  for (let j = 0; j < actionCount; j++) sum += Math.exp((logits[base + j] as number) - max);
  const logSum = max + Math.log(sum);
  let entropy = 0;
  for (let j = 0; j < actionCount; j++) {
    const logP = (logits[base + j] as number) - logSum;
    out[j] = logP;
    entropy -= Math.exp(logP) * logP;
  }
  return entropy;
}

/** log pi(action | row) for each row. */
export function logProbsOf(logits: ArrayLike<number>, actions: ArrayLike<number>, actionCount: number): Float32Array {
  const rows = actions.length;
  const out = new Float32Array(rows);
  const scratch = new Float64Array(actionCount);
  for (let i = 0; i < rows; i++) {
    logSoftmaxRow(logits, i, actionCount, scratch);
    out[i] = scratch[actions[i] as number] as number;
  }
  return out;
}

/** Mean over rows of KL(p || q) for logits of p and q, [rows, A]. */
export function meanKl(pLogits: ArrayLike<number>, qLogits: ArrayLike<number>, actionCount: number): number {
  const rows = pLogits.length / actionCount;
  const logP = new Float64Array(actionCount);
  const logQ = new Float64Array(actionCount);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    logSoftmaxRow(pLogits, i, actionCount, logP);
    logSoftmaxRow(qLogits, i, actionCount, logQ);
    for (let j = 0; j < actionCount; j++) total += Math.exp(logP[j] as number) * ((logP[j] as number) - (logQ[j] as number));
  }
  return rows === 0 ? 0 : total / rows;
}
