/**
 * A registry entry's own flags (agents/training/algorithm.ts AlgorithmFlag) as yargs options and
 * as config fields: `advgym train <name>` and the standalone `advgym extract` build theirs here, so
 * a flag is declared once, beside its algorithm.
 */
import type { Argv } from 'yargs';
import type { Algorithm } from '../../../agents/training/algorithm.ts';
import { describeWithDefault } from '../../core/validation.ts';
import { integer, positiveInteger } from './checks.ts';

/** Adds each of the entry's flags with its schema default and config field in the help; `required` flags must be given. */
export function withAlgorithmFlags<T>(yargs: Argv<T>, algorithm: Algorithm, required: readonly string[] = []): Argv<T> {
  let built = yargs;
  for (const flag of algorithm.flags) {
    built = built.option(flag.name, {
      type: flag.type,
      demandOption: required.includes(flag.name),
      describe: `${describeWithDefault(flag.description, algorithm.schema, flag.field)} (config ${flag.field})`,
    });
  }
  return built;
}

/** Sets `value` at a dotted path, creating objects on the way ('envOptions.game.pointsToWin'). */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    const child = typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    node[part] = child;
    node = child;
  }
  node[parts.at(-1) as string] = value;
}

/** Writes every given flag of the entry (keyed by its dashed name, as yargs passes it) into `target`'s config fields. */
export function applyAlgorithmFlags(algorithm: Algorithm, args: Readonly<Record<string, unknown>>, target: Record<string, unknown>): void {
  for (const flag of algorithm.flags) {
    let value = args[flag.name];
    if (value === undefined) continue;
    if (flag.type === 'number' && flag.integer === 'positive') value = positiveInteger(flag.name, value as number);
    if (flag.type === 'number' && flag.integer === 'any') value = integer(flag.name, value as number);
    setPath(target, flag.field, value);
  }
}

/** Field -> flag for the entry's own flags, so a bad value is reported under the flag's name. */
export function flagsOfAlgorithmFields(algorithm: Algorithm): Record<string, string> {
  return Object.fromEntries(algorithm.flags.map((flag) => [flag.field, `--${flag.name}`]));
}
