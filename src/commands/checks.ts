/** Flag checks shared by the commands: one-line UserErrors that name the flag. */
import { UserError } from '../errors.ts';
import { initBackend, parseBackendChoice } from '../tensor/backend.ts';

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
