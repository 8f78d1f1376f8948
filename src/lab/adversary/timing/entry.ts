/**
 * What one timing strategy contributes, in one place: its kind, its config (a strict zod object
 * with `kind` as the tag), its builder, its part of a condition label and its command-line flags.
 * The experiment schema's `timing`, makeTiming, the labels and the `record` timing flags are
 * derived from the entries listed in registry.ts.
 */
import type { z } from 'zod';
import { parseStrict } from '../../../core/validation.ts';
import type { OptionFlag, TimingStrategy } from '../types.ts';

/** A strategy's config: `{ kind: '<its kind>', ...its fields }`, unknown keys rejected. */
export type TimingSchema<Kind extends string> = z.ZodObject<{ kind: z.ZodLiteral<Kind> } & z.ZodRawShape, z.core.$strict>;

export interface TimingSpec<Kind extends string, Schema extends TimingSchema<Kind>> {
  readonly kind: Kind;
  /** One line for help texts. */
  readonly description: string;
  readonly schema: Schema;
  readonly build: (config: z.output<Schema>) => TimingStrategy;
  /** What the strategy adds to a condition label: '' for every step, ' every4', ' strategic(0.1)'. */
  readonly label: (config: z.output<Schema>) => string;
  /**
   * Its `record` flags. The CLI picks the strategy whose required flags are all given and which
   * has every timing flag given; no flag at all is the strategy without flags (every step).
   */
  readonly flags: readonly OptionFlag[];
}

/** An entry as the registry's users see it: the same for every strategy, configs checked on the way in. */
export interface TimingEntry<Kind extends string = string, Schema extends TimingSchema<Kind> = TimingSchema<Kind>> extends TimingSpec<Kind, Schema> {
  make(config: unknown, source: string): TimingStrategy;
  labelOf(config: unknown): string;
}

export function defineTiming<const Kind extends string, Schema extends TimingSchema<Kind>>(spec: TimingSpec<Kind, Schema>): TimingEntry<Kind, Schema> {
  return {
    ...spec,
    make: (config, source) => spec.build(parseStrict(spec.schema, config, source)),
    labelOf: (config) => spec.label(parseStrict(spec.schema, config, `${spec.kind} label`)),
  };
}
