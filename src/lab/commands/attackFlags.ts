/**
 * The attack flags of `advgym record --model DIR`: the options of an experiment config's attack
 * condition (src/lab/experiment/config.ts), turned into a one-condition experiment and validated by
 * the same schema, so a flag is checked exactly as the config field is, and its error names the flag.
 *
 * Timing: no flag attacks every step (Huang et al.); --every N every N-th step (Kos & Song);
 * --beta B strategically timed (Lin et al.); --budget F at most that fraction of the steps,
 * with --beta only the decisive ones.
 */
import type { Argv } from 'yargs';
import { parseExperiment, type ExperimentConfig, type TimingConfig } from '../experiment/config.ts';
import { UserError } from '../../core/errors.ts';

export interface AttackFlags {
  readonly attack: string;
  readonly eps: number;
  readonly norm: string;
  readonly scope?: string | undefined;
  readonly quantize?: boolean | undefined;
  readonly 'target-action'?: number | undefined;
  readonly steps?: number | undefined;
  readonly 'step-size'?: number | undefined;
  readonly 'random-start'?: boolean | undefined;
  readonly every?: number | undefined;
  readonly beta?: number | undefined;
  readonly budget?: number | undefined;
  readonly substitute?: string | undefined;
}

/** Flags that only mean something with an attack (not --attack none, not --agent). */
const ATTACK_ONLY = ['scope', 'quantize', 'target-action', 'steps', 'step-size', 'random-start', 'every', 'beta', 'budget', 'substitute'] as const;

/** Config field path (array indices dropped) -> the flag that sets it, for error messages. */
const FLAG_OF_PATH: Readonly<Record<string, string>> = {
  victim: '--model',
  substitute: '--substitute',
  'env.id': '--env',
  'conditions.attack': '--attack',
  'conditions.eps': '--eps',
  'conditions.norm': '--norm',
  'conditions.scope': '--scope',
  'conditions.quantize': '--quantize',
  'conditions.targetAction': '--target-action',
  'conditions.steps': '--steps',
  'conditions.stepSize': '--step-size',
  'conditions.randomStart': '--random-start',
  'conditions.timing.n': '--every',
  'conditions.timing.beta': '--beta',
  'conditions.timing.fraction': '--budget',
};

/** What parseExperiment names as the config's source; errors start with it. */
const SOURCE = 'record';

export function addAttackFlags<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('attack', { type: 'string', default: 'none', choices: ['none', 'fgsm', 'pgd', 'random'], describe: "attack on the model's observations" })
    .option('eps', { type: 'number', default: 0.002, describe: 'attack radius in [0,1] pixel units' })
    .option('norm', { type: 'string', default: 'linf', describe: 'linf | l2 | l1 (conventions: docs/norms.md)' })
    .option('scope', { type: 'string', describe: 'newest (default, as Huang et al.) | all: which stacked frames are perturbed' })
    .option('quantize', { type: 'boolean', describe: 'round the attacked frame to 8-bit grey levels' })
    .option('target-action', { type: 'number', describe: 'targeted attack: push towards this action index' })
    .option('steps', { type: 'number', describe: 'pgd: gradient steps (default 10)' })
    .option('step-size', { type: 'number', describe: 'pgd: step size (default 2.5 eps / steps)' })
    .option('random-start', { type: 'boolean', describe: 'pgd: start from a random point of the eps-ball' })
    .option('every', { type: 'number', describe: 'timing: attack every N-th step (default: every step)' })
    .option('beta', { type: 'number', describe: 'timing: attack only when max pi - min pi >= beta (Lin et al.); with --budget, filters its steps' })
    .option('budget', { type: 'number', describe: 'timing: attack at most this fraction of the steps' })
    .option('substitute', { type: 'string', describe: "black-box transfer: attack with this model folder's gradients" });
}

/** The attack-only flags the user gave, as they would type them. */
export function givenAttackFlags(flags: AttackFlags): string[] {
  return ATTACK_ONLY.filter((name) => flags[name] !== undefined).map((name) => `--${name}`);
}

function timingOf(flags: AttackFlags): TimingConfig {
  if (flags.every !== undefined) {
    if (flags.beta !== undefined || flags.budget !== undefined) throw new UserError('--every: one timing strategy at a time (not with --beta or --budget)');
    return { kind: 'everyN', n: flags.every };
  }
  if (flags.budget !== undefined) return { kind: 'budget', fraction: flags.budget, ...(flags.beta === undefined ? {} : { beta: flags.beta }) };
  if (flags.beta !== undefined) return { kind: 'strategic', beta: flags.beta };
  return { kind: 'every' };
}

/** 'record: conditions[0].timing.n: Too small ...' -> '--every: Too small ...' (the reason a config gets). */
function nameTheFlag(message: string): string {
  const match = new RegExp(`^${SOURCE}: ([^:]+): (.*)$`).exec(message);
  if (match === null) return message;
  const path = (match[1] ?? '').replace(/\[\d+\]/g, '');
  const reason = match[2] ?? '';
  const flag = FLAG_OF_PATH[path];
  if (flag !== undefined) return `${flag}: ${reason}`;
  if (path !== 'conditions') return message;
  // A rule across fields ("steps/stepSize/randomStart apply only to attack 'pgd'"): name the flags in it.
  return Object.entries(FLAG_OF_PATH)
    .map(([fieldPath, name]) => [fieldPath.split('.').pop() ?? '', name] as const)
    .filter(([field]) => field.length > 1)
    .reduce((text, [field, name]) => text.replace(new RegExp(`\\b${field}\\b`, 'g'), name), reason);
}

/** Unset flags leave their fields out, as in a JSON config, so the parsed config has no undefined keys. */
function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The one-condition experiment the flags describe (a clean condition for --attack none), validated
 * as a config would be. Throws a one-line UserError naming the flag.
 */
export function attackExperimentFromFlags(flags: AttackFlags, context: { readonly victim: string; readonly env: ExperimentConfig['env'] }): ExperimentConfig {
  if (flags.attack === 'none') {
    const given = givenAttackFlags(flags);
    if (given.length > 0) throw new UserError(`${given[0]}: needs --attack fgsm, pgd or random`);
  }
  // Plain objects on purpose: the schema, not the type checker, is what vets flag values.
  const condition =
    flags.attack === 'none'
      ? { attack: 'none' }
      : definedOnly({
          attack: flags.attack,
          eps: [flags.eps],
          norm: flags.norm,
          scope: flags.scope,
          quantize: flags.quantize,
          targetAction: flags['target-action'],
          steps: flags.steps,
          stepSize: flags['step-size'],
          randomStart: flags['random-start'],
          timing: timingOf(flags),
          threat: flags.substitute === undefined ? 'whitebox' : 'transfer',
        });
  const input = definedOnly({ name: 'record', env: context.env, victim: context.victim, substitute: flags.substitute, episodes: 1, conditions: [condition] });
  try {
    return parseExperiment(input, SOURCE);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(nameTheFlag(error.message), error.exitCode);
    throw error;
  }
}
