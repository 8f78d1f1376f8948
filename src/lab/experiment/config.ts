/**
 * The experiment config: what `advgym run <config.json>` reads. Validated strictly (unknown keys
 * are errors) so a typo never silently runs the wrong experiment; a bad config is one line naming
 * the file, the field path and the reason. `experimentJsonSchema()` exports it for editors.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FieldError, UserError } from '../../core/errors.ts';
import { parseStrict } from '../../core/validation.ts';

const eps = z.number().min(0, 'must be >= 0');

const timingSchema = z.discriminatedUnion('kind', [
  /** Every step (Huang et al. 2017). */
  z.strictObject({ kind: z.literal('every') }),
  /** Every n-th step (Kos & Song 2017). */
  z.strictObject({ kind: z.literal('everyN'), n: z.int().min(1) }),
  /** Only when max pi - min pi >= beta (Lin et al. 2017, strategically timed). */
  z.strictObject({ kind: z.literal('strategic'), beta: z.number().min(0).max(1) }),
  /** At most this fraction of the steps (optionally the most decisive ones, with beta). */
  z.strictObject({ kind: z.literal('budget'), fraction: z.number().min(0).max(1), beta: z.number().min(0).max(1).optional() }),
]);

const cleanCondition = z.strictObject({
  attack: z.literal('none'),
  name: z.string().min(1).optional(),
});

const attackCondition = z.strictObject({
  /** fgsm (Goodfellow/Huang), pgd (Madry; SA-DQN's strong reference), random (the noise control). */
  attack: z.enum(['fgsm', 'pgd', 'random']),
  name: z.string().min(1).optional(),
  /** One condition per value: the sweep (Huang's l-inf grid: 0.00003125 ... 0.008). */
  eps: z.array(eps).min(1, 'needs at least one value'),
  norm: z.enum(['linf', 'l2', 'l1']).default('linf'),
  /** 'newest' perturbs only the newest frame of the stack (Huang); 'all' the whole stack. */
  scope: z.enum(['newest', 'all']).default('newest'),
  /** Round the attacked frame to 8-bit grey levels, as a real screen would show it. */
  quantize: z.boolean().default(false),
  targetAction: z.int().min(0).optional(),
  /** pgd only. */
  steps: z.int().min(1).max(1000).optional(),
  stepSize: z.number().positive().optional(),
  randomStart: z.boolean().optional(),
  timing: timingSchema.default({ kind: 'every' }),
  /** whitebox: the victim's own gradient; transfer: the substitute model's gradient (black-box). */
  threat: z.enum(['whitebox', 'transfer']).default('whitebox'),
});

const conditionSchema = z.union([cleanCondition, attackCondition]);

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
export type AttackCondition = z.output<typeof attackCondition>;
export type TimingConfig = z.output<typeof timingSchema>;

/** Validates a parsed config; `source` names the file in messages. */
export function parseExperiment(value: unknown, source = 'config'): ExperimentConfig {
  const config = parseStrict(experimentSchema, value, source);
  config.conditions.forEach((condition, i) => {
    if (condition.attack === 'none') return;
    const tooLarge = condition.eps.findIndex((value) => condition.norm === 'linf' && value > 1);
    if (tooLarge >= 0) throw new FieldError(`conditions[${i}].eps[${tooLarge}]`, 'must be <= 1 for linf (pixels are in [0, 1])', source);
    if (condition.threat === 'transfer' && config.substitute === undefined) {
      throw new FieldError(`conditions[${i}].threat`, "'transfer' needs a top-level 'substitute' model", source);
    }
    if (condition.attack !== 'pgd' && (condition.steps !== undefined || condition.stepSize !== undefined || condition.randomStart !== undefined)) {
      throw new FieldError(`conditions[${i}]`, "steps/stepSize/randomStart apply only to attack 'pgd'", source);
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
