/**
 * Turns a request path into a file inside one folder, or nothing. Every check fails closed (the
 * caller answers 404): a path that is not plain '/'-separated segments after one percent-decoding,
 * that names '.' or '..' (written out or encoded), that has an encoded '/' or '\' (which would
 * decode into a separator on some servers and not others), an empty segment ('//etc' is an
 * absolute path in disguise), a NUL, or that resolves (symlinks followed) to anything but a regular
 * file under the folder's own real path.
 */
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** The decoded segments of a URL path ('/a/b%20c' -> ['a', 'b c']), or undefined if any rule above fails. */
export function pathSegments(rawPath: string): string[] | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  if (/%2f|%5c|\\|%00/i.test(rawPath)) return undefined;
  const segments = rawPath.slice(1).split('/');
  const decoded: string[] = [];
  for (const segment of segments) {
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (value === '' || value === '.' || value === '..' || value.includes('/') || value.includes('\\') || value.includes('\0')) return undefined;
    decoded.push(value);
  }
  return decoded;
}

/** The real path of the regular file `segments` names under `root`, if it stays inside root. */
export async function fileUnder(root: string, segments: readonly string[]): Promise<string | undefined> {
  if (segments.length === 0) return undefined;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, ...segments));
    if (!real.startsWith(realRoot + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
