/** Summary statistics for episode returns: mean with a 95% confidence interval, degradation. */

// Two-sided 95% Student-t critical values for 1..30 degrees of freedom; beyond, the normal 1.96.
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/** Half-width of the 95% t-interval of the mean; 0 for fewer than two values (no spread known). */
export function ci95(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const t = T95[values.length - 2] ?? 1.96;
  return (t * sampleStd(values)) / Math.sqrt(values.length);
}

/**
 * Return lost to the attack as a percentage of the clean return's distance to the game's worst
 * return: 100% means the attack drove the agent to the minimum (Pong: -21), 0% no effect.
 * Normalising by (clean - worst) rather than |clean| keeps it meaningful when clean is near 0.
 */
export function degradationPercent(clean: number, attacked: number, worstReturn: number): number {
  const span = clean - worstReturn;
  if (!(span > 0)) return 0;
  return (100 * (clean - attacked)) / span;
}
