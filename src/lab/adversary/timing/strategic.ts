/** Strategically timed (Lin et al. 2017): attack iff the action preference c(s) >= beta. */
import { z } from 'zod';
import { UserError } from '../../../core/errors.ts';
import type { TimingStrategy } from '../types.ts';
import { defineTiming } from './entry.ts';
import { actionPreference } from './preference.ts';

export function strategic(beta: number): TimingStrategy {
  if (!(beta >= 0 && beta <= 1)) throw new UserError(`timing.beta: must be in [0, 1], got ${beta}`);
  return { name: `strategic(${beta})`, usesProbabilities: true, shouldAttack: ({ probabilities }) => actionPreference(probabilities) >= beta, reset: () => undefined };
}

export const strategicTiming = defineTiming({
  kind: 'strategic',
  description: 'only when max pi - min pi >= beta (Lin et al. 2017, strategically timed)',
  schema: z.strictObject({ kind: z.literal('strategic'), beta: z.number().min(0).max(1) }),
  build: ({ beta }) => strategic(beta),
  label: ({ beta }) => ` strategic(${beta})`,
  flags: [{ name: 'beta', type: 'number', field: 'beta', required: true, describe: 'attack only when max pi - min pi >= beta (Lin et al.)' }],
});
