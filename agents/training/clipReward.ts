/**
 * Reward clipping as Mnih et al. 2015 (DQN) and 2016 (A3C) train: rewards squeezed into [-bound, bound]
 * so that one learning rate fits games whose points differ by orders of magnitude. Only the
 * learning target sees clipped rewards; logged episode returns stay in game points.
 */
export function clipReward(value: number, bound: number): number {
  return bound > 0 ? Math.max(-bound, Math.min(bound, value)) : value;
}
