/**
 * Conjugate gradient for A x = b with A symmetric positive definite, given only the product
 * v -> A v (Hestenes & Stiefel 1952; TRPO's use: Schulman et al. 2015, Appendix C, 10 iterations,
 * as their modular_rl code's cg()). Written here because it is 20 lines over float64 vectors
 * and the product is the expensive part (a Fisher-vector product through the net), so no linear
 * algebra library would add anything.
 */
export interface ConjugateGradientResult {
  readonly x: Float64Array;
  readonly iterations: number;
  /** ||b - A x||^2 as the recursion tracks it. */
  readonly residual: number;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

export function conjugateGradient(product: (v: Float64Array) => Float64Array, b: ArrayLike<number>, iterations: number, residualTolerance = 1e-10): ConjugateGradientResult {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  let done = 0;
  for (let k = 0; k < iterations && rr >= residualTolerance; k++) {
    const Ap = product(p);
    const alpha = rr / dot(p, Ap);
    for (let i = 0; i < n; i++) {
      x[i] = (x[i] as number) + alpha * (p[i] as number);
      r[i] = (r[i] as number) - alpha * (Ap[i] as number);
    }
    const next = dot(r, r);
    const beta = next / rr;
    for (let i = 0; i < n; i++) p[i] = (r[i] as number) + beta * (p[i] as number);
    rr = next;
    done = k + 1;
  }
  return { x, iterations: done, residual: rr };
}
