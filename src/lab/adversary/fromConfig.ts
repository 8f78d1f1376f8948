/** Builds attacks and timing strategies from plain (already validated) config objects. */
import { UserError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { fgsm } from './fgsm.ts';
import { pgd } from './pgd.ts';
import { randomNoise } from './randomNoise.ts';
import { validateBudget } from './norms.ts';
import { budget, everyNth, everyStep, strategic } from './timing.ts';
import type { Attack, Norm, Scope, TimingStrategy } from './types.ts';

export interface AttackConfig {
  readonly kind: 'fgsm' | 'pgd' | 'random';
  readonly eps: number;
  readonly norm: Norm;
  readonly scope?: Scope;
  readonly quantize?: boolean;
  readonly targetAction?: number;
  readonly steps?: number;
  readonly stepSize?: number;
  readonly randomStart?: boolean;
}

export type TimingConfig =
  | { readonly kind: 'every' }
  | { readonly kind: 'everyN'; readonly n: number }
  | { readonly kind: 'strategic'; readonly beta: number }
  | { readonly kind: 'budget'; readonly fraction: number; readonly beta?: number | undefined };

/**
 * The attack a config describes. Budget, steps and stepSize are checked here, so a bad config fails
 * before the first episode; targetAction is checked on each call, against the policy's action count.
 */
export function makeAttack(config: AttackConfig): Attack {
  const { kind, steps, stepSize, randomStart, ...budgetAndTarget } = config;
  if (!['fgsm', 'pgd', 'random'].includes(kind)) throw new UserError(`attack.kind: must be fgsm, pgd or random, got '${String(kind)}'`);
  validateBudget(config, `attack (${kind})`);
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 1)) throw new UserError(`attack.steps: must be an integer >= 1, got ${steps}`);
  if (stepSize !== undefined && !(Number.isFinite(stepSize) && stepSize > 0)) throw new UserError(`attack.stepSize: must be a finite number > 0, got ${stepSize}`);
  switch (kind) {
    case 'fgsm':
      return (policy, obs) => fgsm(policy, obs, budgetAndTarget);
    case 'pgd':
      return (policy, obs, rng: Rng) =>
        pgd(policy, obs, { ...budgetAndTarget, steps: steps ?? 10, ...(stepSize === undefined ? {} : { stepSize }), ...(randomStart === undefined ? {} : { randomStart }) }, rng);
    case 'random':
      return (_policy, obs, rng: Rng) => randomNoise(obs, budgetAndTarget, rng);
  }
}

export function makeTiming(config: TimingConfig): TimingStrategy {
  switch (config.kind) {
    case 'every':
      return everyStep();
    case 'everyN':
      return everyNth(config.n);
    case 'strategic':
      return strategic(config.beta);
    case 'budget':
      return budget(config.fraction, config.beta);
  }
}
