/**
 * SPSA (Uesato et al. 2018, "Adversarial Risk and the Dangers of Evaluating Against Weak Attacks";
 * Spall 1992): a gradient-free l-inf attack that reads logits but never a gradient, so it sees
 * through defenses that only hide the gradient (a saturated softmax, a quantized input).
 *
 * Per observation and step: `samples` Rademacher directions v_i (+-1 on each pixel in scope), the
 * margin loss L (Carlini & Wagner, losses.ts) at x + delta v_i and x - delta v_i, and the estimate
 *   g = 1/samples * sum_i (L(x + delta v_i) - L(x - delta v_i)) / (2 delta) * v_i.
 * All 2 * samples probes and the current point go through the policy in ONE forward pass. The
 * perturbation takes an Adam ascent step on g (as the paper and cleverhans do: Adam's per-coordinate
 * normalisation copes with the estimate's uneven scale, where a sign step would spend the full step
 * on every pixel whose noisy estimate is barely non-zero), then is projected onto the eps-ball and
 * [0, 1]. The point with the largest loss seen is returned; a row stops early once its loss is > 0
 * (untargeted: the action changed; targeted: the target leads), as cleverhans' early-stop threshold,
 * because a flipped action is what advgym measures and more queries only cost time.
 * Forward passes per observation: at most steps + 1, of 2 * samples + 1 rows each.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { argmax, type Policy } from '../../../agents/policy.ts';
import { FieldError, UserError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { budgetOf, budgetShape, defineAttack } from './attackEntry.ts';
import { validateFgsmOptions } from './fgsm.ts';
import { marginRows } from './losses.ts';
import type { FgsmOptions } from './types.ts';

export interface SpsaOptions extends FgsmOptions {
  /** Adam steps; default 10. */
  readonly steps?: number;
  /** Rademacher direction pairs per step (2 * samples probes); default 32. */
  readonly samples?: number;
  /** Probe size (finite-difference step) in [0,1] pixel units; default 0.01 (Uesato et al.; cleverhans). */
  readonly delta?: number;
  /** Adam learning rate; default 2.5 * eps / steps (Madry's PGD step rule; Adam moves each coordinate by about lr). */
  readonly learningRate?: number;
}

/** Defaults and their sources. */
export const SPSA_DEFAULTS = {
  /** As PGD-10: cheap enough to attack every step of an episode (the paper ran far more iterations on images). */
  steps: 10,
  /** cleverhans' default is 128 pairs; 32 keeps a step to one forward pass of 65 rows (measured: docs/attacks.md). */
  samples: 32,
  /** Uesato et al. 2018 and cleverhans: delta = 0.01. */
  delta: 0.01,
} as const;

/** Adam (Kingma & Ba 2015) constants, as the paper's and cleverhans' SPSA use them. */
const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

function checkSpsaOptions(policy: Policy, options: SpsaOptions): { steps: number; samples: number; delta: number; learningRate: number } {
  validateFgsmOptions(policy, options, 'spsa');
  if (options.norm !== 'linf') throw new UserError(`spsa: norm must be linf (the l-inf attack of Uesato et al.), got '${options.norm}'`);
  const steps = options.steps ?? SPSA_DEFAULTS.steps;
  const samples = options.samples ?? SPSA_DEFAULTS.samples;
  const delta = options.delta ?? SPSA_DEFAULTS.delta;
  const learningRate = options.learningRate ?? (2.5 * options.eps) / steps;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new UserError(`spsa: steps must be an integer >= 1, got ${steps}`);
  if (!(Number.isInteger(samples) && samples >= 1)) throw new UserError(`spsa: samples must be an integer >= 1, got ${samples}`);
  if (!(delta > 0 && Number.isFinite(delta))) throw new UserError(`spsa: delta must be a finite number > 0, got ${delta}`);
  if (!(learningRate >= 0 && Number.isFinite(learningRate))) throw new UserError(`spsa: learningRate must be a finite number >= 0, got ${learningRate}`);
  return { steps, samples, delta, learningRate };
}

/** Fills `signs` with +-1 from the rng: 32 signs per 32-bit draw (the estimate needs only fair, independent signs). */
function rademacher(signs: Int8Array, rng: Rng): void {
  for (let i = 0; i < signs.length; i += 32) {
    const bits = rng.seed();
    const end = Math.min(32, signs.length - i);
    for (let b = 0; b < end; b++) signs[i + b] = (bits >>> b) & 1 ? 1 : -1;
  }
}

/** Rows 1.. of `batch`: current +- delta * v_i on the pixels in scope (row 0, the current point, is the caller's). */
function fillProbes(batch: Float32Array, current: Float32Array, inScope: Int32Array, signs: Int8Array, samples: number, delta: number): void {
  const size = current.length;
  const d = inScope.length;
  for (let i = 0; i < samples; i++) {
    const plus = (1 + 2 * i) * size;
    const minus = plus + size;
    batch.set(current, plus);
    batch.set(current, minus);
    for (let j = 0; j < d; j++) {
      const p = inScope[j] as number;
      const s = (signs[i * d + j] as number) * delta;
      batch[plus + p] = (current[p] as number) + s;
      batch[minus + p] = (current[p] as number) - s;
    }
  }
}

/** g = 1/samples * sum_i (L+_i - L-_i) / (2 delta) * v_i, from the probes' values (rows 1.. of `values`). */
function accumulateEstimate(gradient: Float64Array, values: Float32Array, signs: Int8Array, samples: number, delta: number): void {
  const d = gradient.length;
  gradient.fill(0);
  for (let i = 0; i < samples; i++) {
    const difference = ((values[1 + 2 * i] as number) - (values[2 + 2 * i] as number)) / (2 * delta * samples);
    if (difference === 0) continue;
    for (let j = 0; j < d; j++) gradient[j] = (gradient[j] as number) + difference * (signs[i * d + j] as number);
  }
}

/**
 * One SPSA gradient estimate of the margin objective at the row `x` (labels: the clean action, or
 * the target when targeted), over the pixels `inScope`: what each attack step uses, exposed for tests.
 */
export function spsaGradientEstimate(policy: Policy, x: Float32Array, label: number, targeted: boolean, inScope: Int32Array, samples: number, delta: number, rng: Rng): Float64Array {
  const signs = new Int8Array(samples * inScope.length);
  rademacher(signs, rng);
  const batch = new Float32Array((2 * samples + 1) * x.length);
  batch.set(x, 0);
  fillProbes(batch, x, inScope, signs, samples, delta);
  const { values } = marginsOf(policy, batch, 2 * samples + 1, policy.inputShape, new Int32Array([label]), targeted ? -1 : 1);
  const gradient = new Float64Array(inScope.length);
  accumulateEstimate(gradient, values, signs, samples, delta);
  return gradient;
}

/** Rows' margin objective (times sign) from one forward pass of `batch` [rows * size] values. */
function marginsOf(policy: Policy, batch: Float32Array, rows: number, shape: readonly [number, number, number], labels: Int32Array | undefined, sign: 1 | -1): { values: Float32Array; center: number } {
  const logits = tf.tidy(() => policy.logits(tf.tensor4d(batch, [rows, ...shape])).dataSync() as Float32Array);
  // The first row is the current point; without labels yet (first step, untargeted), its argmax is the clean action.
  const centerLabel = labels?.[0] ?? argmax(logits.subarray(0, policy.actionCount));
  const values = marginRows(logits, policy.actionCount, new Int32Array(rows).fill(centerLabel), sign).values;
  return { values, center: centerLabel };
}

/** SPSA on one observation row: the perturbed row. */
function spsaRow(policy: Policy, clean: Float32Array, inScope: Int32Array, options: SpsaOptions, settings: ReturnType<typeof checkSpsaOptions>, rng: Rng): Float32Array {
  const { steps, samples, delta, learningRate } = settings;
  const { eps } = options;
  const size = clean.length;
  const d = inScope.length;
  const targeted = options.targetAction !== undefined;
  const sign: 1 | -1 = targeted ? -1 : 1;
  let labels: Int32Array | undefined = targeted ? new Int32Array([options.targetAction as number]) : undefined;
  const perturbation = new Float64Array(d);
  const m = new Float64Array(d);
  const v = new Float64Array(d);
  const gradient = new Float64Array(d);
  const signs = new Int8Array(samples * d);
  const rows = 2 * samples + 1;
  const batch = new Float32Array(rows * size);
  const current = clean.slice();
  let best = clean.slice();
  let bestValue = -Infinity;
  const [h, w, k] = policy.inputShape;
  for (let step = 0; step <= steps; step++) {
    // The current point, then its probes (only on the last pass, after the final update, no probes).
    const last = step === steps;
    const probeRows = last ? 0 : 2 * samples;
    batch.set(current, 0);
    if (!last) {
      rademacher(signs, rng);
      fillProbes(batch, current, inScope, signs, samples, delta);
    }
    const { values, center } = marginsOf(policy, batch.subarray(0, (probeRows + 1) * size), probeRows + 1, [h, w, k], labels, sign);
    labels ??= new Int32Array([center]);
    const here = values[0] as number;
    if (here > bestValue) {
      bestValue = here;
      best = current.slice();
    }
    if (last || here > 0) break;
    accumulateEstimate(gradient, values, signs, samples, delta);
    // Adam ascent on the perturbation, then the projection onto the eps-ball and [0, 1].
    const t = step + 1;
    const correction1 = 1 - BETA1 ** t;
    const correction2 = 1 - BETA2 ** t;
    for (let j = 0; j < d; j++) {
      const g = gradient[j] as number;
      const mj = BETA1 * (m[j] as number) + (1 - BETA1) * g;
      const vj = BETA2 * (v[j] as number) + (1 - BETA2) * g * g;
      m[j] = mj;
      v[j] = vj;
      const p = inScope[j] as number;
      const x0 = clean[p] as number;
      const moved = (perturbation[j] as number) + (learningRate * (mj / correction1)) / (Math.sqrt(vj / correction2) + ADAM_EPSILON);
      const projected = Math.min(Math.min(eps, 1 - x0), Math.max(Math.max(-eps, -x0), moved));
      perturbation[j] = projected;
      current[p] = Math.fround(x0 + projected);
    }
  }
  return best;
}

/** Pixel indices (within one row) that the scope lets the attack change. */
export function scopeIndices(shape: readonly [number, number, number], scope: 'newest' | 'all'): Int32Array {
  const [h, w, k] = shape;
  const size = h * w * k;
  if (scope === 'all') return Int32Array.from({ length: size }, (_, i) => i);
  return Int32Array.from({ length: h * w }, (_, i) => i * k + k - 1);
}

export function spsa(policy: Policy, obs: tf.Tensor4D, options: SpsaOptions, rng: Rng): tf.Tensor4D {
  const settings = checkSpsaOptions(policy, options);
  const [n, h, w, k] = obs.shape;
  const size = h * w * k;
  const values = obs.dataSync() as Float32Array;
  const inScope = scopeIndices([h, w, k], options.scope ?? 'newest');
  const result = new Float32Array(values.length);
  for (let row = 0; row < n; row++) result.set(spsaRow(policy, values.subarray(row * size, (row + 1) * size), inScope, options, settings, rng), row * size);
  return tf.tidy(() => {
    const x = tf.tensor4d(result, [n, h, w, k]);
    // Clipping to [0, 1] is already exact (the projection keeps x0 + delta in range); quantize rounds.
    return options.quantize ? (tf.div(tf.round(tf.mul(x, 255)), 255) as tf.Tensor4D) : x;
  });
}

/** The registry entry ('spsa'): l-inf only; unset options stay unset (and out of the label) and take SPSA_DEFAULTS when built. */
export const spsaAttack = defineAttack({
  kind: 'spsa',
  description: 'SPSA (Uesato et al. 2018): gradient-free l-inf attack on the logit margin, batched forward passes only',
  options: z.strictObject({
    ...budgetShape,
    /** Adam steps; default 10 (as PGD-10). */
    steps: z.int().min(1).max(1000).optional(),
    /** Direction pairs per step (2 * samples probes, one forward pass); default 32 (cleverhans: 128). */
    samples: z.int().min(1).max(1024).optional(),
    /** Probe size in [0,1] pixel units; default 0.01 (Uesato et al. 2018, cleverhans). */
    delta: z.number().positive().max(1).optional(),
    /** Adam learning rate; default 2.5 * eps / steps (Madry's step rule; the paper's 0.01 was for eps = 8/255-sized budgets). */
    learningRate: z.number().positive().optional(),
  }),
  check: ({ norm }) => {
    if (norm !== 'linf') throw new FieldError('norm', `spsa is an l-inf attack (Uesato et al.): must be 'linf', got '${norm}'`);
  },
  build: (options) => {
    const { steps, samples, delta, learningRate } = options;
    const spsaOptions: SpsaOptions = {
      ...budgetOf(options),
      ...(steps === undefined ? {} : { steps }),
      ...(samples === undefined ? {} : { samples }),
      ...(delta === undefined ? {} : { delta }),
      ...(learningRate === undefined ? {} : { learningRate }),
    };
    return (policy, obs, rng) => spsa(policy, obs, spsaOptions, rng);
  },
  label: ({ steps, samples, delta, learningRate }) =>
    `${steps === undefined ? '' : ` k=${steps}`}${samples === undefined ? '' : ` samples=${samples}`}${delta === undefined ? '' : ` delta=${delta}`}${learningRate === undefined ? '' : ` lr=${learningRate}`}`,
  flags: [
    { name: 'steps', type: 'number', field: 'steps', describe: 'Adam steps (default 10)' },
    { name: 'samples', type: 'number', field: 'samples', describe: 'direction pairs per step, 2 x samples probes in one forward pass (default 32)' },
    { name: 'delta', type: 'number', field: 'delta', describe: 'probe size in [0,1] pixel units (default 0.01, Uesato et al.)' },
    { name: 'learning-rate', type: 'number', field: 'learningRate', describe: 'Adam learning rate (default 2.5 eps / steps)' },
  ],
});
