/**
 * Replaces a checkpoint folder atomically: the new one is written in full beside it
 * (`DIR.tmp-PID`), marked complete, then swapped in by two renames (old -> `DIR.old-PID`,
 * tmp -> DIR), so a crash leaves either the old or the new checkpoint, never a mix.
 *
 * The crash edges, handled at the next start (recoverCheckpointDir, cleanStaleCheckpointCopies):
 * - a kill mid-write leaves an incomplete `DIR.tmp-PID` (no marker): it is removed once PID is dead;
 * - a kill between the two renames leaves no DIR, but `DIR.old-PID` (complete: it was a live
 *   checkpoint) and a complete `DIR.tmp-PID` (it has the marker): the newest complete copy becomes DIR.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileError } from '../../src/core/errors.ts';
import { writeFileAtomic } from '../../src/core/files/atomicWrite.ts';

/** Written last into a temp copy: its presence says every other file is already on disk. */
export const COMPLETE_MARKER = '.complete';

export async function writeCheckpointDir(dir: string, write: (tempDir: string) => Promise<void>): Promise<void> {
  const temp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  await write(temp);
  writeFileAtomic(join(temp, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(temp, dir);
  // The marker only matters beside DIR; inside it, it would be clutter in a model folder.
  rmSync(join(dir, COMPLETE_MARKER), { force: true });
  rmSync(old, { recursive: true, force: true });
}

interface Copy {
  readonly path: string;
  readonly kind: 'tmp' | 'old';
  readonly pid: number;
}

/** The `DIR.tmp-PID` and `DIR.old-PID` folders beside `dir`. */
function copiesOf(dir: string): Copy[] {
  const parent = dirname(dir);
  const name = basename(dir);
  if (!existsSync(parent)) return [];
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(tmp|old)-(\\d+)$`);
  return readdirSync(parent).flatMap((entry) => {
    const match = pattern.exec(entry);
    return match === null ? [] : [{ path: join(parent, entry), kind: match[1] as 'tmp' | 'old', pid: Number(match[2]) }];
  });
}

/** Whether process `pid` is alive (signal 0 probes without signalling; EPERM means it exists). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isComplete(copy: Copy): boolean {
  // An .old copy was a live checkpoint before it was renamed away; a .tmp one only with its marker.
  return copy.kind === 'old' || existsSync(join(copy.path, COMPLETE_MARKER));
}

/**
 * When `dir` is missing but a crash between the swap's renames left complete copies beside it,
 * renames the newest complete one (a complete .tmp before an .old of the same moment) to `dir`.
 * Returns the copy used, or undefined when there was nothing to recover.
 */
export function recoverCheckpointDir(dir: string): string | undefined {
  if (existsSync(dir)) return undefined;
  const complete = copiesOf(dir)
    .filter((copy) => !processAlive(copy.pid) && isComplete(copy))
    .map((copy) => ({ copy, time: statSync(copy.path).mtimeMs }))
    .sort((a, b) => b.time - a.time || (a.copy.kind === 'tmp' ? -1 : 1));
  const newest = complete[0]?.copy;
  if (newest === undefined) return undefined;
  renameSync(newest.path, dir);
  return newest.path;
}

/** Removes the .tmp-PID / .old-PID copies of processes that are gone; returns what it removed. */
export function cleanStaleCheckpointCopies(dir: string): string[] {
  const stale = copiesOf(dir).filter((copy) => !processAlive(copy.pid));
  for (const copy of stale) rmSync(copy.path, { recursive: true, force: true });
  return stale.map((copy) => copy.path);
}

/** The config.json a learner keeps in OUT/`checkpointDir`/: the config a run was trained with (resume without a config file). */
export function readRecordedConfig(outDir: string, checkpointDir: string): Record<string, unknown> {
  const path = join(outDir, checkpointDir, 'config.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new FileError(path, 'missing or corrupt: cannot resume');
  }
}
