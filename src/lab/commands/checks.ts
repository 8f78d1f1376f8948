/** Flag checks shared by the commands: one-line UserErrors that name the flag. */
import type { z } from 'zod';
import { FieldError, UserError } from '../../core/errors.ts';
import { checkOutputDir, checkOutputFile } from '../../core/files/outputPath.ts';
import { initBackend, parseBackendChoice } from '../../core/tensor/backend.ts';
import { experimentSchema } from '../experiment/config.ts';

/**
 * The experiment config's bounds, for flags that set the same quantities (one set of bounds for
 * flags and configs): `--episodes 1e9` fails as `"episodes": 1e9` in a config does.
 */
const recordSchema = experimentSchema.shape.record.unwrap().shape;
export const BOUNDS = {
  episodes: experimentSchema.shape.episodes.unwrap(),
  fps: recordSchema.fps.unwrap(),
  scale: recordSchema.scale.unwrap(),
  maxFrames: recordSchema.maxFrames.unwrap(),
} as const;

/** `value` checked against `schema` (one of BOUNDS); a failure is "--flag: reason, got value". */
export function flagValue<Schema extends z.ZodType>(flag: string, schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const reason = (parsed.error.issues[0]?.message ?? 'invalid').split('\n')[0];
  throw new UserError(`--${flag}: ${reason}, got ${String(value)}`);
}

/** Checks, before any work, that --flag names a writable file path (see src/core/files/outputPath.ts). */
export function outputFileFlag(flag: string, path: string): void {
  try {
    checkOutputFile(path, flag);
  } catch (error) {
    throw flagError(error, { [flag]: `--${flag}` });
  }
}

/** Checks, before any work, that --flag names a folder that exists or can be made, and takes files. */
export function outputDirFlag(flag: string, path: string): void {
  try {
    checkOutputDir(path, flag);
  } catch (error) {
    throw flagError(error, { [flag]: `--${flag}` });
  }
}

export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new UserError(`--${name}: must be a positive integer, got ${value}`);
  return value;
}

export function integer(name: string, value: number): number {
  if (!Number.isInteger(value)) throw new UserError(`--${name}: must be an integer, got ${value}`);
  return value;
}

/** Starts the tensor backend named by --backend (or ADVGYM_BACKEND, or auto). */
export function initBackendFromFlag(flag: string | undefined): Promise<string> {
  return initBackend(flag === undefined ? undefined : parseBackendChoice(flag, '--backend'));
}

/**
 * Library errors name fields (FieldError.field: 'out', 'conditions[0].eps'); on the command line
 * the user typed flags. Rewrites a FieldError whose field (array indices dropped) a flag sets as
 * "--flag: reason"; any other error passes through unchanged.
 */
export function flagError(error: unknown, flagOfField: Readonly<Record<string, string>>): unknown {
  if (!(error instanceof FieldError)) return error;
  const flag = flagOfField[error.field.replace(/\[\d+\]/g, '')];
  // A reason may name other fields in backquotes ("continue it with `resume`"): show their flags too.
  const reason = error.reason.replace(/`([\w.]+)`/g, (quoted, field: string) => flagOfField[field] ?? quoted);
  return flag === undefined ? error : new UserError(`${flag}: ${reason}`, error.exitCode);
}

/** Runs `work`, rethrowing its FieldErrors under the names of the flags that set those fields. */
export async function withFlagNames<T>(flagOfField: Readonly<Record<string, string>>, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw flagError(error, flagOfField);
  }
}
