/**
 * The timing strategies advgym knows, by kind. Adding one: its file in this folder (schema,
 * builder, label, flags: see entry.ts), one line here, one test file. The config's `timing`,
 * makeTiming, labels and `record` flags follow from this list.
 */
import type { z } from 'zod';
import { FieldError } from '../../../core/errors.ts';
import { budgetTiming } from './budget.ts';
import type { TimingEntry } from './entry.ts';
import { everyTiming } from './every.ts';
import { everyNTiming } from './everyN.ts';
import { strategicTiming } from './strategic.ts';

export const timings = [everyTiming, everyNTiming, strategicTiming, budgetTiming] as const;

export type RegisteredTiming = (typeof timings)[number];

/** The one timing config type: a validated `timing` of an experiment condition, or makeTiming's argument. */
type ConfigOf<Entry> = Entry extends TimingEntry<string, infer Schema> ? z.output<Schema> : never;
export type TimingConfig = ConfigOf<RegisteredTiming>;

/** The entry of `kind`; an unknown kind is a FieldError on `field`. */
export function timingEntry(kind: string, field = 'kind', source?: string): TimingEntry {
  const entry = timings.find((candidate) => candidate.kind === kind);
  if (entry === undefined) throw new FieldError(field, `must be one of ${timings.map((t) => t.kind).join(', ')}, got '${kind}'`, source);
  return entry;
}
