/**
 * The --queue address: redis://[user:password@]HOST[:PORT][/DB] (rediss:// for TLS). A malformed
 * address is the user's input (exit 2); a well-formed one that does not answer is the environment
 * (exit 1). Either way one line, and nothing is written: checkRedis runs before the run folder exists.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { UserError } from '../../core/errors.ts';

export interface QueueUrl {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
  /** The address without its password: safe to print and to keep in the run folder. */
  readonly display: string;
}

export function parseQueueUrl(text: string, flag: string): QueueUrl {
  const bad = (why: string): UserError => new UserError(`${flag}: ${why}, got '${text}' (expected redis://HOST:PORT)`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw bad(`unsupported scheme '${url.protocol.replace(/:$/, '')}'`);
  if (url.hostname === '') throw bad('no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw bad(`database '${dbText}' is not a number`);
  if (url.search !== '' || url.hash !== '') throw bad('no query or fragment allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const display = `${url.protocol}//${username === '' ? '' : `${username}@`}${url.host}${db === 0 ? '' : `/${db}`}`;
  return { host, port, db, tls: url.protocol === 'rediss:', display, ...(username === '' ? {} : { username }), ...(password === '' ? {} : { password }) };
}

/** ioredis options; `blocking` connections (BullMQ workers) must retry commands forever (BullMQ's rule). */
export function redisOptions(url: QueueUrl, blocking: boolean): RedisOptions {
  return {
    host: url.host,
    port: url.port,
    db: url.db,
    ...(url.username === undefined ? {} : { username: url.username }),
    ...(url.password === undefined ? {} : { password: url.password }),
    ...(url.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: blocking ? null : 20,
    connectTimeout: 5000,
  };
}

/** One connection attempt and a PING; any failure is "cannot reach Redis at ADDRESS (reason)", exit 1. */
export async function checkRedis(url: QueueUrl): Promise<void> {
  const client = new Redis({ ...redisOptions(url, false), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const reason = ((lastError ?? error) instanceof Error ? ((lastError ?? error) as Error).message : String(lastError ?? error)).split('\n')[0];
    throw new UserError(`--queue: cannot reach Redis at ${url.display} (${reason})`, 1);
  } finally {
    await closeRedis(client);
  }
}

/**
 * Ends a connection with QUIT (the server closes it at once). ioredis' disconnect() instead leaves
 * a 2 s timer that kept the process alive after its work was done (measured: +2-3 s per run).
 */
export async function closeRedis(client: Redis): Promise<void> {
  try {
    if (client.status === 'ready') {
      await client.quit();
      return;
    }
  } catch {
    // fall through: the connection is broken anyway
  }
  client.disconnect();
}
