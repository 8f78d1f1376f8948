/**
 * n-step returns and advantages for one rollout (Mnih et al. 2016, Algorithm S3):
 * R = V(s_n) (0 if the episode ended by its rules), then backwards R_t = r_t + gamma * R_{t+1},
 * and the advantage A_t = R_t - V(s_t). A terminal step inside the rollout cuts the return there,
 * so no reward or value leaks across episodes. A time-limit truncation is not terminal: the caller
 * passes V(last observation) as the bootstrap, because the game itself would have gone on.
 */
export interface RolloutReturns {
  readonly returns: Float32Array;
  readonly advantages: Float32Array;
}

/**
 * @param rewards r_0 .. r_{n-1}
 * @param terminals terminals[t] = the episode ended by its rules after step t
 * @param values V(s_0) .. V(s_{n-1}) as the network estimated them during the rollout
 * @param bootstrapValue V(s_n) for the state after the last step; ignored if that step is terminal
 */
export function nStepReturns(
  rewards: ArrayLike<number>,
  terminals: ArrayLike<boolean>,
  values: ArrayLike<number>,
  bootstrapValue: number,
  gamma: number,
): RolloutReturns {
  const n = rewards.length;
  if (terminals.length !== n || values.length !== n) throw new RangeError(`nStepReturns: ${n} rewards, ${terminals.length} terminals, ${values.length} values`);
  const returns = new Float32Array(n);
  const advantages = new Float32Array(n);
  let next = bootstrapValue;
  for (let t = n - 1; t >= 0; t--) {
    if (terminals[t]) next = 0;
    next = (rewards[t] as number) + gamma * next;
    returns[t] = next;
    advantages[t] = next - (values[t] as number);
  }
  return { returns, advantages };
}
