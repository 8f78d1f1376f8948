import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conjugateGradient } from '../../../agents/trpo/conjugateGradient.ts';
import { Rng } from '../../../src/core/rng.ts';

test('conjugate gradient solves a random SPD system to tolerance (n iterations for n unknowns)', () => {
  const rng = Rng.fromSeed(3);
  const n = 12;
  // A = B^T B + 0.1 I: symmetric positive definite.
  const B = Array.from({ length: n * n }, () => rng.normal());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? 0.1 : 0;
      for (let k = 0; k < n; k++) s += (B[k * n + i] as number) * (B[k * n + j] as number);
      A[i * n + j] = s;
    }
  const product = (v: Float64Array): Float64Array => Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += (A[i * n + j] as number) * (v[j] as number);
    return s;
  });
  const xTrue = Float64Array.from({ length: n }, () => rng.normal());
  const b = product(xTrue);
  const { x } = conjugateGradient(product, b, 3 * n, 1e-20);
  const residual = product(x).map((v, i) => v - (b[i] as number));
  const norm = Math.sqrt(residual.reduce((s, r) => s + r * r, 0)) / Math.sqrt(b.reduce((s, r) => s + r * r, 0));
  assert.ok(norm < 1e-8, `relative residual ${norm}`);
  xTrue.forEach((v, i) => assert.ok(Math.abs((x[i] as number) - v) < 1e-5 * (1 + Math.abs(v)), `x[${i}] ${x[i]} vs ${v}`));
  // Few iterations leave a residual: the test can fail if iterations were ignored.
  const short = conjugateGradient(product, b, 2, 0);
  assert.equal(short.iterations, 2);
  assert.ok(short.residual > 1e-6);
});
