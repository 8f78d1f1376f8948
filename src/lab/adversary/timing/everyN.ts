/** Every n-th step, starting with the first (Kos & Song 2017). */
import { z } from 'zod';
import { UserError } from '../../../core/errors.ts';
import type { TimingStrategy } from '../types.ts';
import { defineTiming } from './entry.ts';

export function everyNth(n: number): TimingStrategy {
  if (!(Number.isInteger(n) && n >= 1)) throw new UserError(`timing.n: must be an integer >= 1, got ${n}`);
  return { name: `every${n}`, usesProbabilities: false, shouldAttack: ({ step }) => step % n === 0, reset: () => undefined };
}

export const everyNTiming = defineTiming({
  kind: 'everyN',
  description: 'every n-th step (Kos & Song 2017)',
  schema: z.strictObject({ kind: z.literal('everyN'), n: z.int().min(1) }),
  build: ({ n }) => everyNth(n),
  label: ({ n }) => ` every${n}`,
  flags: [{ name: 'every', type: 'number', field: 'n', required: true, describe: 'attack every N-th step (default: every step)' }],
});
