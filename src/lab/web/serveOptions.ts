/** The checks of `advgym serve`'s flags, apart from yargs so tests and scripts share them. */
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { UserError } from '../../core/errors.ts';

export interface ServeFlags {
  readonly port: number;
  readonly host: string;
  readonly models: string;
}

/** Loopback by default: the viewer is a local tool, and serving a LAN needs an explicit --host. */
export const DEFAULT_SERVE_FLAGS: ServeFlags = { port: 8080, host: '127.0.0.1', models: 'models' };

// A hostname as RFC 1123 allows (letters, digits, '-', dots); anything else cannot be listened on.
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export function checkServeFlags(flags: ServeFlags): ServeFlags {
  const { port, host, models } = flags;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UserError(`--port: must be an integer in [0, 65535] (0: any free port), got ${String(port)}`);
  if (typeof host !== 'string' || !(isIP(host) !== 0 || HOSTNAME.test(host))) throw new UserError(`--host: must be an IP address or a hostname, got '${String(host)}'`);
  let isFolder = false;
  try {
    isFolder = statSync(models).isDirectory();
  } catch {
    throw new UserError(`--models: folder '${models}' not found`);
  }
  if (!isFolder) throw new UserError(`--models: '${models}' is not a folder`);
  return flags;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
