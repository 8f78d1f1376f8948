/**
 * The out-folder guard, checked before any work starts and before anything is created: a run never
 * overwrites. OUT must be a folder (or not exist yet, under a writable folder); a non-empty OUT is
 * refused unless the run resumes it or is forced to replace it. Errors are FieldErrors on `out`
 * naming the user's path (the CLI shows them under --out).
 */
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FieldError } from '../../src/core/errors.ts';

export interface OutFolderOptions {
  readonly resume?: boolean | undefined;
  readonly force?: boolean | undefined;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws a one-line FieldError('out', ...) unless `out` may be written by this run. Creates nothing. */
export function checkOutFolder(out: string, options: OutFolderOptions = {}): void {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new FieldError('out', `${out} is a file, not a folder`);
    if (!writable(out)) throw new FieldError('out', `${out} is not writable`);
    const entries = readdirSync(out);
    if (entries.length > 0 && options.resume !== true && options.force !== true) {
      const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '');
      throw new FieldError('out', `${out} is not empty (${shown}); continue its run with \`resume\` or replace it with \`force\``);
    }
    return;
  }
  if (options.resume === true) throw new FieldError('resume', `${out} does not exist: nothing to resume`);
  // Walk up to the nearest existing ancestor: it must be a writable folder for mkdir -p to work.
  let ancestor = dirname(resolve(out));
  while (!existsSync(ancestor)) ancestor = dirname(ancestor);
  if (!statSync(ancestor).isDirectory()) throw new FieldError('out', `${out} is under ${ancestor}, which is a file`);
  if (!writable(ancestor)) throw new FieldError('out', `${out} cannot be created: ${ancestor} is not writable`);
}
