import { StrataError } from '../core/errors';

/**
 * Failures of a clamd exchange, by what they mean for the caller: the daemon cannot be reached
 * at all (nothing was scanned, the caller should report "unavailable"), or it was reached and the
 * exchange failed (an error reply, a broken or late reply, an abort).
 */
export abstract class ClamdError extends StrataError {}

/** No clamd answered: connection refused, host unknown, connect timeout, gateway without a daemon. */
export class ClamdUnavailableError extends ClamdError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('clamd.unavailable', message, context, options);
  }
}

/**
 * clamd answered with an error instead of a verdict, e.g. `INSTREAM size limit exceeded. ERROR`
 * when a stream passes its StreamMaxLength, or a scan error on a damaged file.
 */
export class ClamdReplyError extends ClamdError {
  constructor(
    readonly reply: string,
    context: Record<string, unknown> = {},
  ) {
    super(isSizeLimitReply(reply) ? 'clamd.size_limit' : 'clamd.error_reply', `clamd replied: ${reply.slice(0, 300)}`, context);
  }

  get sizeLimitExceeded(): boolean {
    return this.code === 'clamd.size_limit';
  }
}

/** clamd was reached but the reply never came, or made no sense, or the connection broke mid-way. */
export class ClamdProtocolError extends ClamdError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('clamd.protocol', message, context, options);
  }
}

/** clamd was reached but did not finish within the exchange's time budget. */
export class ClamdTimeoutError extends ClamdError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('clamd.timeout', message, context);
  }
}

/** The caller's AbortSignal fired (typically the orchestrator's engine timeout). */
export class ClamdAbortedError extends ClamdError {
  constructor(context: Record<string, unknown> = {}) {
    super('clamd.aborted', 'clamd exchange aborted by the caller', context);
  }
}

export function isSizeLimitReply(reply: string): boolean {
  return /size limit exceeded/i.test(reply);
}

/** Socket error codes that mean "nobody is listening there", as opposed to a broken exchange. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ENOENT', // a Unix socket path that does not exist
]);

export function isUnreachableCode(code: unknown): boolean {
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}
