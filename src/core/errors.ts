/**
 * Errors the user can act on. The CLI prints `message` as one line and exits with `exitCode`
 * (2 for usage and config errors: the user's input, not advgym, is at fault); stack traces only with --verbose.
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
