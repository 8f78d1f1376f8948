/**
 * What one attack contributes to advgym, in one place: its name, its options (a strict zod schema,
 * so an option of another attack is an unknown field), how to build it, its part of a condition
 * label and its command-line flags. The experiment config schema, the `record` flags, makeAttack
 * and the condition labels are all derived from the entries listed in registry.ts.
 */
import { z } from 'zod';
import { FieldError } from '../../core/errors.ts';
import { parseStrict } from '../../core/validation.ts';
import type { Attack, FgsmOptions, OptionFlag } from './types.ts';

/**
 * The budget every attack shares (types.ts PerturbationBudget, plus the target). In an experiment
 * config eps is a list (one condition per value); an attack is built with one value.
 */
export const budgetShape = {
  /** Radius in the chosen norm, in [0, 1] pixel units (1/255 is one grey level). */
  eps: z.number().min(0, 'must be >= 0'),
  /** Conventions: fgsm.ts. l-inf is Huang et al.'s main setting. */
  norm: z.enum(['linf', 'l2', 'l1']).default('linf'),
  /** 'newest' perturbs only the newest frame of the stack (Huang et al.); 'all' the whole stack. */
  scope: z.enum(['newest', 'all']).default('newest'),
  /** Round the attacked frame to 8-bit grey levels, as a real screen would show it. */
  quantize: z.boolean().default(false),
  /** Targeted: push towards this action. The random control accepts and ignores it, so a targeted attack's control can share its fields. */
  targetAction: z.int().min(0).optional(),
};

/** The flags of the budget, shared by every attack (`record --attack KIND`). */
export const budgetFlags: readonly OptionFlag[] = [
  { name: 'eps', type: 'number', field: 'eps', default: 0.002, describe: 'attack radius in [0,1] pixel units' },
  { name: 'norm', type: 'string', field: 'norm', default: 'linf', describe: 'linf | l2 | l1 (conventions: docs/norms.md)' },
  { name: 'scope', type: 'string', field: 'scope', describe: 'newest (default, as Huang et al.) | all: which stacked frames are perturbed' },
  { name: 'quantize', type: 'boolean', field: 'quantize', describe: 'round the attacked frame to 8-bit grey levels' },
  { name: 'target-action', type: 'number', field: 'targetAction', describe: 'targeted attack: push towards this action index' },
];

/** An options schema: the budget's fields first, then the attack's own (their order is the config's key order). */
export type OptionsSchema = z.ZodObject<typeof budgetShape & z.ZodRawShape, z.core.$strict>;

export interface AttackSpec<Kind extends string, Schema extends OptionsSchema> {
  /** The name in configs (`"attack": "pgd"`) and on the command line (`--attack pgd`). */
  readonly kind: Kind;
  /** One line for help texts and the JSON Schema. */
  readonly description: string;
  /** Every option of this attack, strict: budgetShape plus its own fields, each with its default and source in a comment. */
  readonly options: Schema;
  /** Validated options -> the attack (a pure function of policy, obs and rng, inside tf.tidy). */
  readonly build: (options: z.output<Schema>) => Attack;
  /** What the attack's own options add to a condition label, after the scope and before the target: ' k=10'. */
  readonly label: (options: z.output<Schema>) => string;
  /** Flags of its own options (the budget's are budgetFlags). */
  readonly flags: readonly OptionFlag[];
  /**
   * Rules a field schema cannot state (between fields, or a budget field this attack restricts:
   * spsa is l-inf only): throws a FieldError naming the field, without a source. Runs when a config
   * is parsed (experiment/config.ts) and when the attack is built.
   */
  readonly check?: (options: z.output<Schema>) => void;
}

/** An entry as the registry's users see it: the same for every attack, options checked on the way in. */
export interface AttackEntry<Kind extends string = string, Schema extends OptionsSchema = OptionsSchema> extends AttackSpec<Kind, Schema> {
  /** Validates `options` (a FieldError naming the field, from `source`) and builds the attack. */
  make(options: unknown, source: string): Attack;
  /** The label part of already-valid options. */
  labelOf(options: unknown): string;
  /** Parses `options` and applies the spec's check: a FieldError naming the field, without a source. */
  validate(options: unknown): void;
}

/** Turns a spec into a registry entry; the spec's own functions stay typed by its schema. */
export function defineAttack<const Kind extends string, Schema extends OptionsSchema>(spec: AttackSpec<Kind, Schema>): AttackEntry<Kind, Schema> {
  return {
    ...spec,
    make: (options, source) => {
      const parsed = parseStrict(spec.options, options, source);
      try {
        spec.check?.(parsed);
      } catch (error) {
        if (error instanceof FieldError && error.source === undefined) throw new FieldError(error.field, error.reason, source);
        throw error;
      }
      return spec.build(parsed);
    },
    labelOf: (options) => spec.label(parseStrict(spec.options, options, `${spec.kind} label`)),
    validate: (options) => spec.check?.(parseStrict(spec.options, options, `${spec.kind} options`)),
  };
}

/** The budget and target of validated options, in the form fgsm/pgd/randomNoise take (no undefined fields). */
export function budgetOf(options: z.output<z.ZodObject<typeof budgetShape>>): FgsmOptions {
  const { eps, norm, scope, quantize, targetAction } = options;
  return { eps, norm, scope, quantize, ...(targetAction === undefined ? {} : { targetAction }) };
}
