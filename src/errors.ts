/**
 * Errors the user can act on. The CLI prints `message` as one line and exits with `exitCode`
 * (2 for usage and config errors, as DEVELOPERS.md asks); stack traces only with --verbose.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}

/** A file that is missing, unreadable or corrupt; the message names the path. */
export class FileError extends UserError {
  constructor(readonly path: string, reason: string) {
    super(`${path}: ${reason}`, 1);
    this.name = 'FileError';
  }
}
