/**
 * Reads a file that must hold one JSON object: a config file, a model's agent.json, a checkpoint's
 * state. Whatever is wrong with it (missing, unreadable, not JSON, not an object) is a one-line
 * FileError naming the path, so every caller reports a bad file the same way.
 */
import { readFileSync } from 'node:fs';
import { FileError } from '../errors.ts';

/** `what` says what the file is for, e.g. 'the config file': "PATH: missing: cannot read the config file". */
export function readJsonObject(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileError(path, `${code === 'ENOENT' ? 'missing' : `unreadable (${code ?? firstLine(error)})`}: cannot read ${what}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FileError(path, `not valid JSON (${firstLine(error)}): cannot read ${what}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FileError(path, `holds ${Array.isArray(value) ? 'an array' : String(value)}, not a JSON object: cannot read ${what}`);
  }
  return value as Record<string, unknown>;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
