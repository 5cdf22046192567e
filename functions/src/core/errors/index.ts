/** Base for Strata's typed errors: a stable code plus structured context for logs. */
export class StrataError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration that failed validation at the edge (file, flag, environment). */
export class ConfigError extends StrataError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('config.invalid', message, context, options);
  }
}

/** Input that cannot be read as mail at all (unreadable file, empty file). */
export class InputError extends StrataError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('input.unreadable', message, context, options);
  }
}
