/**
 * Errors the user can act on. The CLI prints `message` as one line and exits with `exitCode`;
 * stack traces only with --verbose. The rule for exit codes:
 *   2  the user's input is at fault: a flag, a config field, a path or a file the user named
 *      (missing, malformed, of the wrong kind, not writable), found before any work starts;
 *   1  the environment failed while advgym worked on valid input (disk full, I/O error, a
 *      crash): running again on a healthy machine would succeed.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * A file that is missing, unreadable, corrupt or not writable; the message names the user's path.
 * Exit 2 (the user named a bad file) unless the error code says the machine failed (environmentError).
 */
export class FileError extends UserError {
  constructor(readonly path: string, reason: string, exitCode = 2) {
    super(`${path}: ${reason}`, exitCode);
    this.name = 'FileError';
  }
}

/** errno codes that blame the machine rather than the path: exit 1. */
const ENVIRONMENT_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE', 'ENOMEM', 'EBUSY', 'EAGAIN', 'ETIMEDOUT']);

/** A FileError for a failed file operation on `path`: "PATH: cannot DOING (CODE)", exit code by the rule above. */
export function fileErrorFrom(path: string, doing: string, error: unknown): FileError {
  const code = (error as NodeJS.ErrnoException).code;
  const detail = code ?? ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '');
  return new FileError(path, `cannot ${doing} (${detail})`, code !== undefined && ENVIRONMENT_CODES.has(code) ? 1 : 2);
}

/**
 * A bad value of one named field (a config key, an option of a library call): "SOURCE: FIELD: REASON".
 * Library code names fields, never CLI flags; the CLI maps `field` to the flag that set it
 * (src/lab/commands/checks.ts flagError).
 */
export class FieldError extends UserError {
  constructor(readonly field: string, readonly reason: string, readonly source?: string) {
    super(`${source === undefined ? '' : `${source}: `}${field}: ${reason}`);
    this.name = 'FieldError';
  }
}
