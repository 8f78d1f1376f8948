/** Every step (Huang et al. 2017): the default timing. */
import { z } from 'zod';
import type { TimingStrategy } from '../types.ts';
import { defineTiming } from './entry.ts';

export function everyStep(): TimingStrategy {
  return { name: 'every', usesProbabilities: false, shouldAttack: () => true, reset: () => undefined };
}

export const everyTiming = defineTiming({
  kind: 'every',
  description: 'every step (Huang et al. 2017)',
  schema: z.strictObject({ kind: z.literal('every') }),
  build: () => everyStep(),
  label: () => '',
  flags: [],
});
