/**
 * TRPO's backtracking line search (Schulman et al. 2015, Appendix C; modular_rl's linesearch with
 * the KL check of OpenAI baselines' trpo_mpi): try the full natural-gradient step, then halve it,
 * up to maxBacktracks times; accept the first fraction whose surrogate improves on the old policy's,
 * by at least acceptRatio of the improvement the linear model predicts, and whose mean KL from the
 * old policy is within maxKl. No acceptable fraction: no step (fraction 0).
 */
export interface LineSearchTrial {
  readonly surrogate: number;
  readonly kl: number;
}

export interface LineSearchOptions {
  /** The surrogate at the old parameters. */
  readonly baseline: number;
  /** g . fullStep: the first-order improvement of the full step. */
  readonly expectedImprovement: number;
  readonly maxKl: number;
  readonly maxBacktracks: number;
  /** Factor per backtrack (0.5). */
  readonly shrink: number;
  /** Minimum actual / expected improvement (modular_rl: 0.1). */
  readonly acceptRatio: number;
}

export interface LineSearchResult {
  /** Fraction of the full step taken (0: none accepted). */
  readonly fraction: number;
  readonly trials: number;
  /** KL and improvement of the accepted step (0 when none). */
  readonly kl: number;
  readonly improvement: number;
}

export function backtrackingLineSearch(evaluate: (fraction: number) => LineSearchTrial, o: LineSearchOptions): LineSearchResult {
  let fraction = 1;
  for (let trial = 1; trial <= o.maxBacktracks; trial++, fraction *= o.shrink) {
    const { surrogate, kl } = evaluate(fraction);
    const improvement = surrogate - o.baseline;
    const expected = o.expectedImprovement * fraction;
    if (Number.isFinite(kl) && kl <= o.maxKl && improvement > 0 && improvement >= o.acceptRatio * expected) return { fraction, trials: trial, kl, improvement };
  }
  return { fraction: 0, trials: o.maxBacktracks, kl: 0, improvement: 0 };
}
