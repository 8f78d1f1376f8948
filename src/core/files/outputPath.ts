/**
 * Output paths are checked before any work starts, so a run never finishes only to fail at its
 * last step on a path the user mistyped. Each check throws a one-line FieldError naming the field
 * (the CLI maps it to the flag, src/lab/commands/checks.ts) and the user's path, never a temp file.
 *
 * Writability is tested by creating and removing a probe file in the nearest existing folder:
 * permission bits do not tell (root ignores them, read-only mounts and /proc refuse anyway).
 * Folders are created level by level (makeFolders), never with mkdirSync's `recursive`, which
 * spins forever under /proc on Node 20.
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FieldError } from '../errors.ts';

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return undefined; // a parent is a file; found by the walk up
    throw error;
  }
}

/** The nearest existing ancestor of `dir` (itself included), and the levels missing below it. */
function nearestExisting(dir: string): { existing: string; stats: Stats; missing: string[] } {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    const stats = statOrUndefined(current);
    if (stats !== undefined) return { existing: current, stats, missing: missing.reverse() };
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) throw new Error(`no existing ancestor of ${dir}`);
    current = parent;
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error));
}

/** Throws unless a file can be created in existing folder `dir` (probe file created and removed). */
function checkCanCreateIn(dir: string, path: string, field: string): void {
  const probe = join(dir, `.advgym-write-check-${process.pid}`);
  let fd: number;
  try {
    fd = openSync(probe, 'wx');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return; // a leftover probe: creating files works
    throw new FieldError(field, `${path}: cannot write in ${dir} (${code})`);
  }
  closeSync(fd);
  rmSync(probe, { force: true });
}

/** Folder `dir` exists or can be created, and files can be written in it. */
function checkFolderFor(dir: string, path: string, field: string): void {
  const { existing, stats } = nearestExisting(dir);
  if (!stats.isDirectory()) throw new FieldError(field, `${path}: ${existing} is a file, not a folder`);
  checkCanCreateIn(existing, path, field);
}

/**
 * `path` can be written as a file: it is not a folder, and its folder exists (or can be created)
 * and takes new files. An existing file there is fine (it is replaced).
 */
export function checkOutputFile(path: string, field: string): void {
  if (path.trim() === '') throw new FieldError(field, 'empty path');
  const stats = statOrUndefined(path);
  if (stats?.isDirectory() === true) throw new FieldError(field, `${path} is a folder; give a file path`);
  if (stats !== undefined && !stats.isFile()) throw new FieldError(field, `${path} is not a regular file`);
  checkFolderFor(dirname(resolve(path)), path, field);
}

/** `path` is a folder, or can be created as one, that takes new files. */
export function checkOutputDir(path: string, field: string): void {
  if (path.trim() === '') throw new FieldError(field, 'empty path');
  const stats = statOrUndefined(path);
  if (stats !== undefined && !stats.isDirectory()) throw new FieldError(field, `${path} is a file, not a folder`);
  checkFolderFor(resolve(path), path, field);
}

/** mkdir -p without mkdirSync's `recursive` (which never returns under /proc on Node 20). */
export function makeFolders(dir: string): void {
  const { existing, stats, missing } = nearestExisting(dir);
  if (!stats.isDirectory()) {
    const error = new Error(`ENOTDIR: not a directory, mkdir '${dir}'`) as NodeJS.ErrnoException;
    error.code = 'ENOTDIR';
    error.path = existing;
    throw error;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
