/**
 * Generalized advantage estimation (Schulman et al. 2016, "High-Dimensional Continuous Control
 * Using Generalized Advantage Estimation"), over a synchronous rollout of N envs x T steps stored
 * time-major (row t * N + e):
 *
 *   delta_t = r_t + gamma * V(s_{t+1}) * (1 - done_t) - V(s_t)
 *   A_t     = delta_t + gamma * lambda * (1 - done_t) * A_{t+1}
 *   R_t     = A_t + V(s_t)                    (the value target, CleanRL's `returns`)
 *
 * done_t cuts the bootstrap after step t: the episode ended by its rules, a life was lost
 * (agents/training/lifeLoss.ts), or a time limit cut it (the caller then folds gamma * V(last
 * observation) into r_t, as Stable-Baselines3 does, since the game would have gone on).
 * lambda = 1 gives the discounted return minus V; lambda = 0 the one-step TD error.
 */
export interface GaeInput {
  readonly rewards: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  /** 1 where the bootstrap stops after that step. */
  readonly dones: ArrayLike<number>;
  /** V(s_T) per env: the observation after the rollout's last step. */
  readonly lastValues: ArrayLike<number>;
  readonly envs: number;
  readonly gamma: number;
  readonly lambda: number;
}

export interface GaeResult {
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
}

export function generalizedAdvantages(input: GaeInput): GaeResult {
  const { rewards, values, dones, lastValues, envs, gamma, lambda } = input;
  const rows = rewards.length;
  if (values.length !== rows || dones.length !== rows || rows % envs !== 0 || lastValues.length !== envs) {
    throw new RangeError(`generalizedAdvantages: ${rows} rewards, ${values.length} values, ${dones.length} dones, ${lastValues.length} last values for ${envs} envs`);
  }
  const steps = rows / envs;
  const advantages = new Float32Array(rows);
  const returns = new Float32Array(rows);
  for (let e = 0; e < envs; e++) {
    // Float64 accumulators: the recursion runs over hundreds of steps.
    let nextAdvantage = 0;
    let nextValue = lastValues[e] as number;
    for (let t = steps - 1; t >= 0; t--) {
      const i = t * envs + e;
      const live = (dones[i] as number) === 0 ? 1 : 0;
      const value = values[i] as number;
      const delta = (rewards[i] as number) + gamma * nextValue * live - value;
      nextAdvantage = delta + gamma * lambda * live * nextAdvantage;
      advantages[i] = nextAdvantage;
      returns[i] = nextAdvantage + value;
      nextValue = value;
    }
  }
  return { advantages, returns };
}

/** (x - mean) / (std + 1e-8) over the given rows (CleanRL's advantage normalization; std unbiased as torch's). */
export function normalize(values: Float32Array, rows?: ArrayLike<number>): Float32Array {
  const n = rows?.length ?? values.length;
  const at = (k: number): number => values[rows === undefined ? k : (rows[k] as number)] as number;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += at(k);
  mean /= Math.max(1, n);
  let squares = 0;
  for (let k = 0; k < n; k++) squares += (at(k) - mean) ** 2;
  const std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) out[k] = (at(k) - mean) / (std + 1e-8);
  return out;
}
