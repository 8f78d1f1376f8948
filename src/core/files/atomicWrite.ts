/**
 * Writes files so that a reader never sees half of one: write a temp file beside the target,
 * fsync it, then rename over the target (rename is atomic within one filesystem). A failure is a
 * FileError naming the target, never the temp file, and leaves no temp file behind.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileErrorFrom } from '../errors.ts';
import { makeFolders } from './outputPath.ts';

let counter = 0;

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    makeFolders(dirname(path));
  } catch (error) {
    throw fileErrorFrom(path, 'create its folder', error);
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    const fd = openSync(temp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw fileErrorFrom(path, 'write', error);
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
