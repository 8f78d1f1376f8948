/**
 * A decision-based l-inf attack: it sees only the action the policy picks (its argmax), never
 * logits, probabilities or gradients. Square Attack (Andriushchenko et al. 2020) adapted to
 * decisions: its proposals (vertical stripes of +-eps to start, then square patches set to +-eps,
 * the patch shrinking on Square Attack's schedule), accepted when the action changes (untargeted)
 * or equals the target (targeted).
 *
 * With the argmax alone every proposal that does not flip the action ties with the current point,
 * so the search accepts ties: a random walk over the vertices of the eps-ball (the (1+1)-ES rule
 * on a plateau), which explores where Square Attack's strict "improved" rule would stay at the
 * start. Because no answer short of success changes the walk, its points are fixed in advance and
 * go to the oracle in chunks (one forward pass each); the first success in a chunk is returned.
 *
 * Queries: every row sent to the oracle counts, the clean observation's included (the walk needs
 * the clean action to know what a change is), and at most `queries` rows per observation are sent.
 * Without a success within the budget the clean observation is returned (nothing found, nothing
 * applied: the step's |delta| is 0).
 *
 * Never reading logits is by construction: the search takes a LabelOracle (obs -> actions), and
 * the Attack builds that oracle from policy.act alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Policy } from '../../../agents/policy.ts';
import { FieldError, UserError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { budgetOf, budgetShape, defineAttack } from './attackEntry.ts';
import { validateBudget } from './norms.ts';
import type { FgsmOptions } from './types.ts';

/**
 * obs [batch, H, W, k] -> one action per row, leaving no tensors: the attacker's only view of the
 * policy (the same shape as agents/bc/teacher.ts's LabelOracle, which the adversary may not import).
 */
export type LabelOracle = (obs: tf.Tensor4D) => number[];

export interface DecisionOptions extends FgsmOptions {
  /** Oracle queries per observation (each attacked step), the clean one included; default 100. */
  readonly queries?: number;
  /** Square Attack's p_init: the first patch covers this fraction of the frame's pixels; default 0.05. */
  readonly patchFraction?: number;
}

export const DECISION_DEFAULTS = {
  /** A per-step budget that keeps an attacked step to a few forward passes (docs/attacks.md has the timing). */
  queries: 100,
  /** Andriushchenko et al. 2020: p_init = 0.05 for their l-inf attacks. */
  patchFraction: 0.05,
} as const;

/** Rows per oracle call: a few forward passes per step, and little overshoot past the first success. */
const CHUNK = 20;

/**
 * Square Attack's patch-size schedule (their p_selection): p_init halved at these iterations of a
 * 10,000-query run, rescaled to the budget.
 */
const HALVINGS = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];

export function patchFractionAt(query: number, budget: number, patchFraction: number): number {
  const at = Math.floor((query / budget) * 10000);
  return patchFraction / 2 ** HALVINGS.filter((halving) => at > halving).length;
}

/** A label oracle over policy.act alone, counting every row it answers. */
export function countingOracle(policy: Pick<Policy, 'act'>): { readonly oracle: LabelOracle; readonly count: () => number } {
  let count = 0;
  return {
    oracle: (obs) => {
      count += obs.shape[0];
      return policy.act(obs);
    },
    count: () => count,
  };
}

interface SearchSettings {
  readonly eps: number;
  readonly queries: number;
  readonly patchFraction: number;
  readonly scope: 'newest' | 'all';
  readonly quantize: boolean;
  readonly targetAction: number | undefined;
}

function finish(values: Float32Array, quantize: boolean): Float32Array {
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(1, Math.max(0, values[i] as number));
    values[i] = quantize ? Math.round(v * 255) / 255 : v;
  }
  return values;
}

/**
 * The walk's points for one observation (clean row [h*w*k]); each a full row, already clipped (and
 * quantized). The perturbation is kept as +-eps per pixel in scope, relative to the clean row.
 */
function* walk(clean: Float32Array, shape: readonly [number, number, number], settings: SearchSettings, rng: Rng): Generator<Float32Array> {
  const [h, w, k] = shape;
  const channels = settings.scope === 'all' ? Array.from({ length: k }, (_, c) => c) : [k - 1];
  const delta = new Float32Array(clean.length);
  const point = (): Float32Array => finish(clean.map((v, i) => v + (delta[i] as number)), settings.quantize);
  // Square Attack's start: vertical stripes, one random sign per column and channel.
  for (const c of channels) {
    for (let x = 0; x < w; x++) {
      const s = rng.chance(0.5) ? settings.eps : -settings.eps;
      for (let y = 0; y < h; y++) delta[(y * w + x) * k + c] = s;
    }
  }
  yield point();
  for (let query = 2; ; query++) {
    const p = patchFractionAt(query, settings.queries, settings.patchFraction);
    const side = Math.min(h, w, Math.max(1, Math.round(Math.sqrt(p * h * w))));
    const top = rng.int(0, h - side);
    const left = rng.int(0, w - side);
    for (const c of channels) {
      const s = rng.chance(0.5) ? settings.eps : -settings.eps;
      for (let y = top; y < top + side; y++) for (let x = left; x < left + side; x++) delta[(y * w + x) * k + c] = s;
    }
    yield point();
  }
}

/**
 * The search on one observation row through `oracle` alone: the first point of the walk that
 * succeeds (or the clean row), and how many rows it sent to the oracle (<= settings.queries).
 */
export function decisionSearchRow(oracle: LabelOracle, clean: Float32Array, shape: readonly [number, number, number], settings: SearchSettings, rng: Rng): { perturbed: Float32Array; queries: number } {
  const size = clean.length;
  const points = walk(clean, shape, settings, rng);
  let queries = 0;
  let cleanAction: number | undefined;
  while (queries < settings.queries) {
    const rows = Math.min(CHUNK, settings.queries - queries);
    const first = cleanAction === undefined ? 1 : 0; // the clean row rides in the first chunk
    const batch = new Float32Array(rows * size);
    const candidates: Float32Array[] = [];
    if (first === 1) batch.set(clean, 0);
    for (let r = first; r < rows; r++) {
      const candidate = points.next().value as Float32Array;
      candidates.push(candidate);
      batch.set(candidate, r * size);
    }
    const actions = tf.tidy(() => oracle(tf.tensor4d(batch, [rows, ...shape])));
    queries += rows;
    if (actions.length !== rows) throw new Error(`label oracle: ${rows} rows gave ${actions.length} actions`);
    cleanAction ??= actions[0] as number;
    if (settings.targetAction === cleanAction) return { perturbed: clean.slice(), queries };
    for (let r = first; r < rows; r++) {
      const action = actions[r] as number;
      const success = settings.targetAction === undefined ? action !== cleanAction : action === settings.targetAction;
      if (success) return { perturbed: candidates[r - first] as Float32Array, queries };
    }
  }
  return { perturbed: clean.slice(), queries };
}

function settingsOf(options: DecisionOptions): SearchSettings {
  validateBudget(options, 'decision');
  if (options.norm !== 'linf') throw new UserError(`decision: norm must be linf, got '${options.norm}'`);
  const queries = options.queries ?? DECISION_DEFAULTS.queries;
  const patchFraction = options.patchFraction ?? DECISION_DEFAULTS.patchFraction;
  if (!(Number.isInteger(queries) && queries >= 2)) throw new UserError(`decision: queries must be an integer >= 2 (the clean action and one proposal), got ${queries}`);
  if (!(patchFraction > 0 && patchFraction <= 1)) throw new UserError(`decision: patchFraction must be in (0, 1], got ${patchFraction}`);
  const target = options.targetAction;
  if (target !== undefined && !(Number.isInteger(target) && target >= 0)) throw new UserError(`decision: targetAction must be an integer >= 0, got ${target}`);
  return { eps: options.eps, queries, patchFraction, scope: options.scope ?? 'newest', quantize: options.quantize ?? false, targetAction: target };
}

/** The attack on a batch, through a label oracle: perturbed rows and the queries each used. */
export function decisionSearch(oracle: LabelOracle, obs: tf.Tensor4D, options: DecisionOptions, rng: Rng): { perturbed: tf.Tensor4D; queries: number[] } {
  const settings = settingsOf(options);
  const [n, h, w, k] = obs.shape;
  const size = h * w * k;
  const values = obs.dataSync() as Float32Array;
  const result = new Float32Array(values.length);
  const queries: number[] = [];
  for (let row = 0; row < n; row++) {
    const found = decisionSearchRow(oracle, values.slice(row * size, (row + 1) * size), [h, w, k], settings, rng);
    result.set(found.perturbed, row * size);
    queries.push(found.queries);
  }
  return { perturbed: tf.tensor4d(result, [n, h, w, k]), queries };
}

/** The Attack: the policy reaches the search only as policy.act, wrapped in a label oracle. */
export function decisionAttack(policy: Policy, obs: tf.Tensor4D, options: DecisionOptions, rng: Rng): tf.Tensor4D {
  return decisionSearch(countingOracle(policy).oracle, obs, options, rng).perturbed;
}

/** The registry entry ('decision'): l-inf only; unset options stay unset (and out of the label). */
export const decisionEntry = defineAttack({
  kind: 'decision',
  description: 'decision-based l-inf random search (Square Attack, Andriushchenko et al. 2020, on the argmax alone) with a per-step query budget',
  options: z.strictObject({
    ...budgetShape,
    /** Oracle queries per attacked step, the clean one included; default 100. */
    queries: z.int().min(2).max(100000).optional(),
    /** Square Attack's p_init (first patch: this fraction of the frame); default 0.05 (Andriushchenko et al. 2020). */
    patchFraction: z.number().positive().max(1).optional(),
  }),
  check: ({ norm }) => {
    if (norm !== 'linf') throw new FieldError('norm', `decision is an l-inf attack: must be 'linf', got '${norm}'`);
  },
  build: (options) => {
    const { queries, patchFraction } = options;
    const decisionOptions: DecisionOptions = { ...budgetOf(options), ...(queries === undefined ? {} : { queries }), ...(patchFraction === undefined ? {} : { patchFraction }) };
    return (policy, obs, rng) => decisionAttack(policy, obs, decisionOptions, rng);
  },
  label: ({ queries, patchFraction }) => `${queries === undefined ? '' : ` q=${queries}`}${patchFraction === undefined ? '' : ` p=${patchFraction}`}`,
  flags: [
    { name: 'queries', type: 'number', field: 'queries', describe: 'oracle queries per attacked step, the clean one included (default 100)' },
    { name: 'patch-fraction', type: 'number', field: 'patchFraction', describe: "first square patch as a fraction of the frame (Square Attack's p_init, default 0.05)" },
  ],
});
