/**
 * The structured logger every pipeline handler is given. firebase-functions' `logger` fits it
 * as is (the triggers pass it in); tests pass a recording logger.
 */
export interface PipelineLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The fields worth logging about any error: its class, code, message and typed context. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const withCode = error as Error & { code?: unknown; context?: unknown };
    return {
      errorName: error.name,
      errorMessage: error.message,
      ...(withCode.code !== undefined ? { errorCode: withCode.code } : {}),
      ...(withCode.context !== undefined ? { errorContext: withCode.context } : {}),
    };
  }
  return { errorName: typeof error, errorMessage: String(error) };
}

/** A one-line description of an error, bounded, for fields stored in documents (actionError). */
export function describeError(error: unknown, maxChars = 500): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
