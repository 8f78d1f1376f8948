/**
 * The attack flags of `advgym record --model DIR`: the options of an experiment config's attack
 * condition (src/lab/experiment/config.ts), turned into a one-condition experiment and validated by
 * the same schema, so a flag is checked exactly as the config field is, and its error names the flag.
 * Which flags exist, and which field each sets, comes from the attack and timing registries
 * (src/lab/adversary/registry.ts, src/lab/adversary/timing/registry.ts).
 *
 * Timing: no flag attacks every step (Huang et al.); --every N every N-th step (Kos & Song);
 * --beta B strategically timed (Lin et al.); --budget F at most that fraction of the steps,
 * with --beta only the decisive ones.
 */
import type { Argv } from 'yargs';
import { budgetFlags } from '../adversary/attackEntry.ts';
import { attackKinds, attacks, listOfKinds } from '../adversary/registry.ts';
import { timings } from '../adversary/timing/registry.ts';
import type { OptionFlag } from '../adversary/types.ts';
import { parseExperiment, type ExperimentConfig, type TimingConfig } from '../experiment/config.ts';
import { UserError } from '../../core/errors.ts';
import { flagError } from './checks.ts';

/** The parsed flags, by name as typed: attack, eps, norm, substitute and the registries' flags. */
export interface AttackFlags {
  readonly attack: string;
  readonly eps: number;
  readonly norm: string;
  readonly substitute?: string | undefined;
  readonly [flag: string]: string | number | boolean | undefined;
}

interface SharedFlag extends OptionFlag {
  /** Attacks or timing kinds that declare it ('pgd'); empty for the budget's flags. */
  readonly owners: readonly string[];
}

/** Flags of several entries with one name (--beta) become one option; their help texts are joined. */
function merge(declared: readonly (readonly [owner: string, flag: OptionFlag])[]): SharedFlag[] {
  const byName = new Map<string, SharedFlag>();
  for (const [owner, flag] of declared) {
    const seen = byName.get(flag.name);
    if (seen !== undefined && seen.field !== flag.field) throw new Error(`--${flag.name}: set field '${seen.field}' and '${flag.field}'`);
    const describe = seen === undefined || seen.describe.includes(flag.describe) ? (seen?.describe ?? flag.describe) : `${seen.describe}; ${flag.describe}`;
    byName.set(flag.name, { ...(seen ?? flag), describe, owners: [...(seen?.owners ?? []), ...(owner === '' ? [] : [owner])] });
  }
  return [...byName.values()];
}

const BUDGET_FLAGS = merge(budgetFlags.map((flag) => ['', flag] as const));
const OWN_FLAGS = merge(attacks.flatMap((entry) => entry.flags.map((flag) => [entry.kind, flag] as const)));
const TIMING_FLAGS = merge(timings.flatMap((entry) => entry.flags.map((flag) => [entry.kind, flag] as const)));

/** Flags that only mean something with an attack (not --attack none, not --agent): all but those with a default. */
const ATTACK_ONLY = [...BUDGET_FLAGS.filter((flag) => flag.default === undefined), ...OWN_FLAGS, ...TIMING_FLAGS].map((flag) => flag.name).concat('substitute');

/** Config field path (array indices dropped) -> the flag that sets it, for FieldErrors (checks.ts flagError). */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = Object.fromEntries([
  ['victim', '--model'],
  ['substitute', '--substitute'],
  ['env.id', '--env'],
  ['conditions.attack', '--attack'],
  ...[...BUDGET_FLAGS, ...OWN_FLAGS].map((flag) => [`conditions.${flag.field}`, `--${flag.name}`]),
  ...TIMING_FLAGS.map((flag) => [`conditions.timing.${flag.field}`, `--${flag.name}`]),
]);

/** What parseExperiment names as the config's source. */
const SOURCE = 'record';

function addOption<T>(yargs: Argv<T>, flag: SharedFlag, prefix: string): Argv<T> {
  const describe = prefix === '' ? flag.describe : `${prefix}: ${flag.describe}`;
  return yargs.option(flag.name, { type: flag.type, describe, ...(flag.default === undefined ? {} : { default: flag.default }) });
}

export function addAttackFlags<T>(yargs: Argv<T>): Argv<T> {
  let withFlags = yargs.option('attack', { type: 'string', default: 'none', choices: ['none', ...attackKinds], describe: "attack on the model's observations" });
  for (const flag of BUDGET_FLAGS) withFlags = addOption(withFlags, flag, '');
  for (const flag of OWN_FLAGS) withFlags = addOption(withFlags, flag, flag.owners.join('/'));
  for (const flag of TIMING_FLAGS) withFlags = addOption(withFlags, flag, 'timing');
  return withFlags.option('substitute', { type: 'string', describe: "black-box transfer: attack with this model folder's gradients" });
}

/** The attack-only flags the user gave, as they would type them. */
export function givenAttackFlags(flags: AttackFlags): string[] {
  return ATTACK_ONLY.filter((name) => flags[name] !== undefined).map((name) => `--${name}`);
}

/**
 * The strategy whose required flags are all given and which has every timing flag given (no flag:
 * every step). Two strategies' flags together (--every with --beta) match none.
 */
function timingOf(flags: AttackFlags): TimingConfig {
  const given = TIMING_FLAGS.filter((flag) => flags[flag.name] !== undefined);
  const fits = (entry: (typeof timings)[number]): boolean =>
    entry.flags.every((flag) => !flag.required || flags[flag.name] !== undefined) && given.every((flag) => entry.flags.some((own) => own.name === flag.name));
  const entry = timings.find(fits);
  if (entry === undefined) {
    const first = given[0] as SharedFlag;
    const others = TIMING_FLAGS.filter((flag) => !timings.some((t) => t.flags.some((f) => f.name === first.name) && t.flags.some((f) => f.name === flag.name)));
    throw new UserError(`--${first.name}: one timing strategy at a time (not with ${listOfKinds(others.map((flag) => `--${flag.name}`))})`);
  }
  // Plain object on purpose: the schema, not the type checker, vets flag values.
  return { kind: entry.kind, ...Object.fromEntries(entry.flags.filter((flag) => flags[flag.name] !== undefined).map((flag) => [flag.field, flags[flag.name]])) } as TimingConfig;
}

/** Unset flags leave their fields out, as in a JSON config, so the parsed config has no undefined keys. */
function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The one-condition experiment the flags describe (a clean condition for --attack none), validated
 * as a config would be. Throws a one-line UserError naming the flag. Every attack's flags go into
 * the condition, so one of another attack (--steps with fgsm) is that attack's unknown field.
 */
export function attackExperimentFromFlags(flags: AttackFlags, context: { readonly victim: string; readonly env: ExperimentConfig['env'] }): ExperimentConfig {
  if (flags.attack === 'none') {
    const given = givenAttackFlags(flags);
    if (given.length > 0) throw new UserError(`${given[0]}: needs --attack ${listOfKinds(attackKinds)}`);
  }
  const condition =
    flags.attack === 'none'
      ? { attack: 'none' }
      : definedOnly({
          ...Object.fromEntries([...BUDGET_FLAGS, ...OWN_FLAGS].map((flag) => [flag.field, flags[flag.name]])),
          attack: flags.attack,
          eps: [flags.eps],
          timing: timingOf(flags),
          threat: flags.substitute === undefined ? 'whitebox' : 'transfer',
        });
  const input = definedOnly({ name: 'record', env: context.env, victim: context.victim, substitute: flags.substitute, episodes: 1, conditions: [condition] });
  try {
    return parseExperiment(input, SOURCE);
  } catch (error) {
    throw flagError(error, FLAG_OF_FIELD);
  }
}
