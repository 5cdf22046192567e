import { StrataError } from '../core/errors';

/** Any Gmail API failure after retries, with the method, mailbox and HTTP status. */
export class GmailApiError extends StrataError {
  constructor(
    message: string,
    readonly status: number,
    readonly method: string,
    readonly mailbox: string,
    options?: { cause?: unknown; reason?: string },
  ) {
    super('gmail.api', message, { status, method, mailbox, reason: options?.reason }, options);
  }
}

/** users.history.list answered 404: the stored cursor is older than Gmail keeps. A full sync is due. */
export class HistoryGoneError extends GmailApiError {
  constructor(mailbox: string, startHistoryId: string, options?: { cause?: unknown }) {
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
