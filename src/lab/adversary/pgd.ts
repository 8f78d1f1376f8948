/**
 * PGD / iterative FGSM (Kurakin et al. 2017, Madry et al. 2018): `steps` FGSM steps of `stepSize`
 * (default 2.5 * eps / steps, Madry's rule), each followed by projection onto the eps-ball of the
 * norm around the clean observation (linf: clip; l2: rescale; l1: Duchi et al.'s exact projection)
 * and onto [0,1]. Clipping to [0,1] only shrinks each coordinate of delta, so it never leaves the
 * ball. Optional random start inside the ball, drawn from the seeded Rng. Untargeted PGD keeps the
 * clean observation's greedy actions as labels for every step, and returns, per row, the iterate
 * with the highest attack loss (the last one costs one extra forward pass to score). The loss is
 * Huang's cross-entropy or another objective of losses.ts (`loss`, `temperature`). With `restarts`
 * R > 1 it runs R times (run 0 from the clean point, or a random one with randomStart; runs 1..
 * from random points) and keeps per row the run whose best iterate has the largest loss.
 * l1 steps are FGSM-l1's greedy (sparse) steps followed by the Euclidean l1-ball projection; on
 * near-linear nets that gains little over one FGSM-l1 step, and without the best-iterate rule the
 * last iterate could end slightly below it (test/src/lab/adversary/pgd.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Policy } from '../../../agents/policy.ts';
import { UserError } from '../../core/errors.ts';
import { linfPgdStep } from '../../core/tensor/kernels/linfPgdStep.ts';
import { selectRows } from '../../core/tensor/kernels/selectRows.ts';
import type { Rng } from '../../core/rng.ts';
import { budgetOf, budgetShape, defineAttack } from './attackEntry.ts';
import { finishObservation, normStep, validateFgsmOptions } from './fgsm.ts';
import { attackLoss, greedyLabels, lossAndDirection, type AttackObjective } from './gradient.ts';
import { checkLossFields, lossFieldsOf, lossFlags, lossLabel, lossShape, objectiveOf } from './lossOptions.ts';
import { perSampleSum, projectL1, scopeMask } from './norms.ts';
import type { Norm, PgdOptions } from './types.ts';

function projectDelta(delta: tf.Tensor4D, eps: number, norm: Norm): tf.Tensor4D {
  return tf.tidy(() => {
    if (norm === 'linf') return tf.clipByValue(delta, -eps, eps) as tf.Tensor4D;
    if (norm === 'l2') {
      const length = tf.sqrt(perSampleSum(tf.square(delta)));
      return tf.mul(delta, tf.minimum(1, tf.div(eps, tf.add(length, 1e-12)))) as tf.Tensor4D;
    }
    const [n, h, w, k] = delta.shape;
    return tf.tensor4d(projectL1(delta.dataSync() as Float32Array, eps, h * w * k), [n, h, w, k]);
  });
}

function randomStart(shape: [number, number, number, number], mask: Float32Array, eps: number, norm: Norm, rng: Rng): Float32Array {
  const size = shape[1] * shape[2] * shape[3];
  const noise = new Float32Array(shape[0] * size);
  for (let i = 0; i < noise.length; i++) if (mask[i] === 1) noise[i] = norm === 'linf' ? rng.uniform(-eps, eps) : rng.normal();
  if (norm === 'linf') return noise;
  // A random direction at a random radius inside the ball.
  for (let start = 0; start < noise.length; start += size) {
    const sample = noise.subarray(start, start + size);
    const length = norm === 'l2' ? Math.sqrt(sample.reduce((a, v) => a + v * v, 0)) : sample.reduce((a, v) => a + Math.abs(v), 0);
    const radius = eps * rng.float();
    for (let i = 0; i < sample.length; i++) sample[i] = ((sample[i] as number) / (length || 1)) * radius;
  }
  return noise;
}

export function validatePgdOptions(policy: Policy, options: PgdOptions, rng: Rng | undefined): number {
  validateFgsmOptions(policy, options, 'pgd');
  if (!(Number.isInteger(options.steps) && options.steps >= 1)) throw new UserError(`pgd: steps must be an integer >= 1, got ${options.steps}`);
  const stepSize = options.stepSize ?? (2.5 * options.eps) / options.steps;
  if (!(stepSize > 0 || options.eps === 0)) throw new UserError(`pgd: stepSize must be > 0, got ${stepSize}`);
  const restarts = options.restarts ?? 1;
  if (!(Number.isInteger(restarts) && restarts >= 1)) throw new UserError(`pgd: restarts must be an integer >= 1, got ${restarts}`);
  if (options.randomStart && rng === undefined) throw new UserError('pgd: randomStart needs an rng');
  if (restarts > 1 && rng === undefined) throw new UserError('pgd: restarts > 1 needs an rng (runs after the first start at random points)');
  return stepSize;
}

/** Per row, `candidate` where its loss beats `bestLoss`, else `best`; and the larger loss. */
function blendBetter(best: tf.Tensor4D, bestLoss: tf.Tensor1D, candidate: tf.Tensor4D, loss: tf.Tensor1D): [tf.Tensor4D, tf.Tensor1D] {
  return tf.tidy(() => {
    // One row copy each (selectRows.ts) rather than tf.where, which broadcasts by tiling, or a 0/1
    // blend (three passes over the batch); for finite values all three give the same rows.
    const [lossValues, bestValues] = [loss.dataSync(), bestLoss.dataSync()];
    const improved = Array.from(lossValues, (value, row) => value > (bestValues[row] as number));
    return [selectRows(improved, candidate, best), tf.maximum(loss, bestLoss) as tf.Tensor1D];
  });
}

interface RunSetup {
  readonly mask: tf.Tensor4D;
  readonly cleanLabels: tf.Tensor1D;
  readonly objective: AttackObjective;
  readonly stepSize: number;
}

/** One PGD run from the clean point or a random one: its best iterate per row and that iterate's loss. */
function pgdRun(policy: Policy, obs: tf.Tensor4D, options: PgdOptions, setup: RunSetup, rng: Rng | undefined): { best: tf.Tensor4D; bestLoss: tf.Tensor1D } {
  const { mask, cleanLabels, objective, stepSize } = setup;
  let x = obs;
  if (rng !== undefined) {
    const maskValues = mask.dataSync() as Float32Array;
    const start = tf.tensor4d(randomStart(obs.shape, maskValues, options.eps, options.norm, rng), obs.shape);
    x = tf.clipByValue(tf.add(obs, start), 0, 1) as tf.Tensor4D;
  }
  // Best iterate per row: the loss at each iterate comes free with its gradient, so PGD returns
  // the strongest point it visited rather than wherever the last (possibly oscillating) step ended.
  let best = x;
  let bestLoss: tf.Tensor1D = tf.fill([obs.shape[0]], -Infinity) as tf.Tensor1D;
  const keepBetter = (candidate: tf.Tensor4D, loss: tf.Tensor1D): void => {
    const [nextBest, nextBestLoss] = blendBetter(best, bestLoss, candidate, loss);
    if (best !== obs && best !== x) best.dispose();
    bestLoss.dispose();
    best = nextBest;
    bestLoss = nextBestLoss;
  };
  // l-inf: the step's six elementwise passes as one kernel (linfPgdStep.ts, equal bit for bit).
  // sign(g * mask) * size = sign(g) * (mask * size) exactly for a 0/1 mask (at mask 0 both add a zero to x).
  const maskStep = options.norm === 'linf' ? (tf.mul(mask, stepSize) as tf.Tensor4D) : undefined;
  for (let step = 0; step < options.steps; step++) {
    const { loss, next } = tf.tidy(() => {
      const { loss: lossHere, direction: raw } = lossAndDirection(policy, x, options.targetAction, cleanLabels, objective);
      if (maskStep !== undefined) return { loss: lossHere, next: linfPgdStep(x, raw, obs, maskStep, options.eps) };
      const direction = tf.mul(raw, mask) as tf.Tensor4D;
      const moved = tf.add(x, normStep(x, direction, mask, stepSize, options.norm)) as tf.Tensor4D;
      const delta = projectDelta(tf.sub(moved, obs) as tf.Tensor4D, options.eps, options.norm);
      return { loss: lossHere, next: tf.clipByValue(tf.add(obs, delta), 0, 1) as tf.Tensor4D };
    });
    keepBetter(x, loss);
    loss.dispose();
    if (x !== obs && x !== best) x.dispose();
    x = next;
  }
  const finalLoss = attackLoss(policy, x, options.targetAction, cleanLabels, objective);
  keepBetter(x, finalLoss);
  maskStep?.dispose();
  return { best, bestLoss };
}

export function pgd(policy: Policy, obs: tf.Tensor4D, options: PgdOptions, rng?: Rng): tf.Tensor4D {
  const stepSize = validatePgdOptions(policy, options, rng);
  return tf.tidy(() => {
    const setup: RunSetup = { mask: scopeMask(obs.shape, options.scope ?? 'newest'), cleanLabels: greedyLabels(policy, obs), objective: objectiveOf(options), stepSize };
    let { best, bestLoss } = pgdRun(policy, obs, options, setup, options.randomStart ? rng : undefined);
    // Restarts: runs 1.. start at random points (Madry et al.); per row the run with the largest
    // loss wins, i.e. the one that flips the action, or failing that hurts it most. Inside tidy, so
    // the losers are released with it.
    for (let run = 1; run < (options.restarts ?? 1); run++) {
      const next = pgdRun(policy, obs, options, setup, rng);
      [best, bestLoss] = blendBetter(best, bestLoss, next.best, next.bestLoss);
    }
    return finishObservation(best, options.quantize);
  });
}

/** SA-DQN (Zhang et al. 2020) evaluates with 10 and 50 steps; 10 is the cheaper of its two. */
const DEFAULT_STEPS = 10;

/**
 * The registry entry. Unset steps/stepSize/randomStart stay unset in a config (and out of its
 * label): the defaults are applied here, when the attack is built.
 */
export const pgdAttack = defineAttack({
  kind: 'pgd',
  description: "PGD / iterative FGSM (Kurakin et al. 2017, Madry et al. 2018): SA-DQN's strong reference attack",
  options: z.strictObject({
    ...budgetShape,
    /** Gradient steps; default 10 (SA-DQN uses 10 or 50). At most 1000: a config typo, not an attack. */
    steps: z.int().min(1).max(1000).optional(),
    /** Step size per iteration in the attack's norm; default 2.5 * eps / steps (Madry et al.'s rule). */
    stepSize: z.number().positive().optional(),
    /** Start from a uniformly random point of the eps-ball (Madry et al.); default false. */
    randomStart: z.boolean().optional(),
    /** Independent runs, the best per observation kept; default 1. Runs after the first start at random points (Madry et al.). */
    restarts: z.int().min(1).max(100).optional(),
    ...lossShape,
  }),
  check: checkLossFields,
  build: (options) => {
    const { steps, stepSize, randomStart, restarts } = options;
    const pgdOptions = {
      ...budgetOf(options),
      ...lossFieldsOf(options),
      steps: steps ?? DEFAULT_STEPS,
      ...(stepSize === undefined ? {} : { stepSize }),
      ...(randomStart === undefined ? {} : { randomStart }),
      ...(restarts === undefined ? {} : { restarts }),
    };
    return (policy, obs, rng) => pgd(policy, obs, pgdOptions, rng);
  },
  label: (options) => `${options.steps === undefined ? '' : ` k=${options.steps}`}${options.restarts === undefined || options.restarts === 1 ? '' : ` restarts=${options.restarts}`}${lossLabel(options)}`,
  flags: [
    ...lossFlags,
    { name: 'restarts', type: 'number', field: 'restarts', describe: 'independent runs, the strongest kept per observation (default 1; runs 2.. start at random points)' },
    { name: 'steps', type: 'number', field: 'steps', describe: 'gradient steps (default 10)' },
    { name: 'step-size', type: 'number', field: 'stepSize', describe: 'step size (default 2.5 eps / steps)' },
    { name: 'random-start', type: 'boolean', field: 'randomStart', describe: 'start from a random point of the eps-ball' },
  ],
});
