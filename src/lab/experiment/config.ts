/**
 * The experiment config: what `advgym run <config.json>` reads. Validated strictly (unknown keys
 * are errors) so a typo never silently runs the wrong experiment; a bad config is one line naming
 * the file, the field path and the reason. `experimentJsonSchema()` exports it for editors.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FieldError, UserError } from '../../core/errors.ts';
import { parseStrict } from '../../core/validation.ts';
import { budgetShape } from '../adversary/attackEntry.ts';
import { attackEntry, attacks, listOfKinds, type RegisteredAttack } from '../adversary/registry.ts';
import { timings, type TimingConfig } from '../adversary/timing/registry.ts';

/**
 * Each timing strategy's config, tagged by `kind` (src/lab/adversary/timing/registry.ts). Its id
 * makes the JSON Schema define it once (under $defs) rather than once per attack.
 */
const timingSchema = z
  .discriminatedUnion('kind', timings.map((entry) => entry.schema.describe(entry.description)) as unknown as SchemasOf<typeof timings>)
  .meta({ id: 'advgymTiming', description: 'when to attack: every step (default), every n-th, strategically timed, or a budget' });

const cleanCondition = z.strictObject({
  attack: z.literal('none'),
  name: z.string().min(1).optional(),
});

/** The fields every attacked condition has besides the attack's own options. */
const conditionFields = {
  name: z.string().min(1).optional(),
  /** One condition per value: the sweep (Huang's l-inf grid: 0.00003125 ... 0.008). */
  eps: z.array(budgetShape.eps).min(1, 'needs at least one value'),
  timing: timingSchema.default({ kind: 'every' }),
  /** whitebox: the victim's own gradient; transfer: the substitute model's gradient (black-box). */
  threat: z.enum(['whitebox', 'transfer']).default('whitebox'),
};

/**
 * The condition of one attack: its kind, its own options (src/lab/adversary/registry.ts; strict, so
 * another attack's option is an unknown field), a list of eps instead of one, timing and threat.
 * Keys keep the order parsed configs had before the registry (the run folder's config.json):
 * attack, name, eps, norm, scope, quantize, targetAction, the attack's own, timing, threat.
 */
function attackCondition(entry: RegisteredAttack) {
  const { name, eps, timing, threat } = conditionFields;
  return z.strictObject({ attack: z.literal(entry.kind), name, ...entry.options.shape, eps, timing, threat }).describe(entry.description);
}

/** A map over a tuple loses its per-element types; these restore them, so conditions narrow on `attack`. */
type SchemasOf<Entries extends readonly { readonly schema: unknown }[]> = { -readonly [I in keyof Entries]: Entries[I]['schema'] };
type ConditionSchema<Entry extends RegisteredAttack> = z.ZodObject<
  Omit<Entry['options']['shape'], 'eps'> & typeof conditionFields & { attack: z.ZodLiteral<Entry['kind']> },
  z.core.$strict
>;
type AttackConditionsOf<Entries extends readonly RegisteredAttack[]> = { -readonly [I in keyof Entries]: ConditionSchema<Entries[I]> };

const attackConditions = attacks.map(attackCondition) as unknown as AttackConditionsOf<typeof attacks>;

const conditionSchema = z.discriminatedUnion('attack', [cleanCondition, ...attackConditions]);

export const experimentSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, dot, dash, underscore').default('experiment'),
  description: z.string().optional(),
  env: z.strictObject({
    id: z.string().min(1),
    /** makeEnv options, e.g. { "game": { "pointsToWin": 5 }, "maxEpisodeSteps": 2000 }. */
    options: z.record(z.string(), z.unknown()).default({}),
  }),
  /** Trained model folder of the agent under attack (e.g. models/pong-dqn). */
  victim: z.string().min(1),
  /** Model folder whose gradients a transfer (black-box) attack uses. */
  substitute: z.string().min(1).optional(),
  episodes: z.int().min(1).max(10000).default(10),
  seed: z.int().default(0),
  conditions: z.array(conditionSchema).min(1, 'needs at least one condition'),
  record: z
    .strictObject({
      /** Labels of expanded conditions whose first episode becomes a GIF (see the summary's labels). */
      conditions: z.array(z.string()).default([]),
      fps: z.number().positive().max(100).default(20),
      scale: z.int().min(1).max(8).default(2),
      maxFrames: z.int().min(1).default(300),
    })
    .default({ conditions: [], fps: 20, scale: 2, maxFrames: 300 }),
  /** Also write steps.jsonl: one line per step (actions, reward, attacked, |delta|). */
  perStepLogs: z.boolean().default(false),
});

export type ExperimentConfig = z.output<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type Condition = ExperimentConfig['conditions'][number];
export type AttackCondition = Exclude<Condition, { attack: 'none' }>;
export type { TimingConfig };

/**
 * An option of another attack (pgd's steps on fgsm) or timing strategy is an unknown field of this
 * one's strict schema; the reason then says whose option it is.
 */
function explainForeignField(error: unknown): unknown {
  if (!(error instanceof FieldError) || !error.reason.startsWith('unknown field')) return error;
  const [, timing, field] = /^conditions\[\d+\]\.(timing\.)?(\w+)$/.exec(error.field) ?? [];
  if (field === undefined) return error;
  const owners = timing === undefined ? attacks.filter((entry) => field in entry.options.shape) : timings.filter((entry) => field in entry.schema.shape);
  if (owners.length === 0) return error;
  const whose = listOfKinds(owners.map((entry) => `'${entry.kind}'`));
  return new FieldError(error.field, `applies only to ${timing === undefined ? 'attack' : 'timing kind'} ${whose}`, error.source);
}

/** The attack's own rules between fields (AttackSpec.check), named as the condition's fields. */
function checkAttackRules(condition: AttackCondition, index: number, source: string): void {
  const { attack, name: _name, eps, timing: _timing, threat: _threat, ...options } = condition;
  try {
    attackEntry(attack).validate({ ...options, eps: eps[0] });
  } catch (error) {
    if (error instanceof FieldError) throw new FieldError(`conditions[${index}].${error.field}`, error.reason, source);
    throw error;
  }
}

/** Validates a parsed config; `source` names the file in messages. */
export function parseExperiment(value: unknown, source = 'config'): ExperimentConfig {
  let config: ExperimentConfig;
  try {
    config = parseStrict(experimentSchema, value, source);
  } catch (error) {
    throw explainForeignField(error);
  }
  config.conditions.forEach((condition, i) => {
    if (condition.attack === 'none') return;
    checkAttackRules(condition, i, source);
    const tooLarge = condition.eps.findIndex((value) => condition.norm === 'linf' && value > 1);
    if (tooLarge >= 0) throw new FieldError(`conditions[${i}].eps[${tooLarge}]`, 'must be <= 1 for linf (pixels are in [0, 1])', source);
    if (condition.threat === 'transfer' && config.substitute === undefined) {
      throw new FieldError(`conditions[${i}].threat`, "'transfer' needs a top-level 'substitute' model", source);
    }
  });
  return config;
}

export function loadExperiment(path: string): ExperimentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`${path}: cannot read the experiment config (missing or unreadable)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseExperiment(json, path);
}

export function experimentJsonSchema(): unknown {
  return z.toJSONSchema(experimentSchema, { io: 'input', unrepresentable: 'any' });
}
