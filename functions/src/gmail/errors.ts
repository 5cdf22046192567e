import { StrataError } from '../core/errors';

/**
 * Any Gmail API failure after retries, with the method, mailbox and HTTP status (0 when no HTTP
 * answer arrived: connection reset, timeout). `reason` is Google's error reason when it gave one
 * (rateLimitExceeded, failedPrecondition, …); `attempts` how many requests were made.
 */
export class GmailApiError extends StrataError {
  readonly reason: string | undefined;
  readonly attempts: number | undefined;

  constructor(
    message: string,
    readonly status: number,
    readonly method: string,
    readonly mailbox: string,
    options?: { cause?: unknown; reason?: string; attempts?: number },
  ) {
    super('gmail.api', message, { status, method, mailbox, reason: options?.reason, attempts: options?.attempts }, options);
    this.reason = options?.reason;
    this.attempts = options?.attempts;
  }
}

/** users.history.list answered 404: the stored cursor is older than Gmail keeps. A full sync is due. */
export class HistoryGoneError extends GmailApiError {
  constructor(
    mailbox: string,
    readonly startHistoryId: string,
    options?: { cause?: unknown; attempts?: number },
  ) {
    super(`history for ${mailbox} from ${startHistoryId} is no longer available`, 404, 'history.list', mailbox, options);
  }
}

/** The per-mailbox quota budget Strata keeps for itself would be exceeded by this call. */
export class QuotaBudgetExceededError extends StrataError {
  constructor(
    readonly mailbox: string,
    readonly method: string,
    readonly retryAfterMs: number,
  ) {
    super('gmail.quota_budget', `quota budget for ${mailbox} exhausted before ${method}`, { mailbox, method, retryAfterMs });
  }
}

/** Obtaining an access token for a mailbox failed (DWD not granted, signJwt refused, …). */
export class TokenError extends StrataError {
  constructor(message: string, readonly subject: string, options?: { cause?: unknown }) {
    super('gmail.token', message, { subject }, options);
  }
}
