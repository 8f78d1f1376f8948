/**
 * Replaces a checkpoint folder atomically: the new one is written in full beside it, then swapped
 * in by renames, so a crash leaves either the old or the new checkpoint, never a mix.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';

export async function writeCheckpointDir(dir: string, write: (tempDir: string) => Promise<void>): Promise<void> {
  const temp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  await write(temp);
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(temp, dir);
  rmSync(old, { recursive: true, force: true });
}
