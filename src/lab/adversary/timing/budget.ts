/**
 * At most `fraction` of the steps seen so far are attacked (the budget refills as the episode goes
 * on); with beta, only steps whose preference reaches beta spend it (Lin et al. 2017's budget).
 */
import { z } from 'zod';
import { UserError } from '../../../core/errors.ts';
import type { TimingContext, TimingStrategy } from '../types.ts';
import { defineTiming } from './entry.ts';
import { actionPreference } from './preference.ts';

export function budget(fraction: number, beta?: number): TimingStrategy {
  if (!(fraction >= 0 && fraction <= 1)) throw new UserError(`timing.fraction: must be in [0, 1], got ${fraction}`);
  if (beta !== undefined && !(beta >= 0 && beta <= 1)) throw new UserError(`timing.beta: must be in [0, 1], got ${beta}`);
  return {
    name: `budget(${fraction}${beta === undefined ? '' : `,${beta}`})`,
    usesProbabilities: beta !== undefined,
    shouldAttack: ({ step, attackedSoFar, probabilities }: TimingContext) =>
      attackedSoFar + 1 <= fraction * (step + 1) && (beta === undefined || actionPreference(probabilities) >= beta),
    reset: () => undefined,
  };
}

export const budgetTiming = defineTiming({
  kind: 'budget',
  description: 'at most this fraction of the steps (optionally the most decisive ones, with beta)',
  schema: z.strictObject({ kind: z.literal('budget'), fraction: z.number().min(0).max(1), beta: z.number().min(0).max(1).optional() }),
  build: ({ fraction, beta }) => budget(fraction, beta),
  label: ({ fraction, beta }) => ` budget(${fraction}${beta === undefined ? '' : `,${beta}`})`,
  flags: [
    { name: 'budget', type: 'number', field: 'fraction', required: true, describe: 'attack at most this fraction of the steps' },
    { name: 'beta', type: 'number', field: 'beta', describe: 'with --budget, filters its steps' },
  ],
});
