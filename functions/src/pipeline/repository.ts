import type { EngineResult } from '../core/engine/types';
import { StrataError } from '../core/errors';
import type { Action, Decision, Reason, VerdictLabel } from '../core/policy';
import type { Direction } from './messages';

/**
 * Persistence the pipeline needs, behind one interface. The Firestore implementation
 * (firestore-repository.ts) follows docs/data-model.md; unit tests use memory-repository.ts.
 * Every write that a redelivered event could repeat is create-if-absent or a transaction,
 * so handlers are idempotent.
 */

export interface MailboxState {
  mailbox: string;
  enrolled: boolean;
  /** The history id up to which the mailbox has been read; null before the first sync. */
  historyCursor: string | null;
  cursorUpdatedAt: Date | null;
  watchExpiration: Date | null;
  lastNotificationAt: Date | null;
  lastNotificationHistoryId: string | null;
  lastSyncAt: Date | null;
  fullSyncs: number;
  /** Gmail label ids Strata created in this mailbox, by role. */
  labelIds: Partial<Record<'suspicious' | 'quarantine', string>>;
}

export type ScanStatus = 'scanning' | 'decided';
export type ActionStatus = 'pending' | 'applied' | 'failed' | 'skipped';

/** Fields of a scan document known when the fan-out creates it. */
export interface NewScan {
  scanId: string;
  mailbox: string;
  gmailMessageId: string;
  direction: Direction;
  messageId: string;
  fromAddress: string;
  fromDomain: string;
  subject: string;
  receivedAt: Date;
  expectedEngines: string[];
  subjectKey: string;
  contentKey: string;
  expireAt: Date;
}

/** A decision's reason as stored on the scan: evidence is left out to keep the document small. */
export type StoredReason = Pick<Reason, 'engine' | 'findingId' | 'severity' | 'title' | 'score' | 'rule'>;

export interface ScanRecord extends NewScan {
  createdAt: Date;
  status: ScanStatus;
  decided: boolean;
  verdict: VerdictLabel | null;
  score: number | null;
  /** The decision's finding ids, most important first, without repeats (for array-contains hunts). */
  reasons: string[];
  reasonDetails: StoredReason[];
  engines: Record<string, { status: EngineResult['status']; score: number }>;
  iocUrls: string[];
  iocDomains: string[];
  iocSha256: string[];
  action: Action | null;
  /** What the policy wanted; differs from `action` only in passive mode (where `action` is none). */
  intendedAction: Action | null;
  actionStatus: ActionStatus | null;
  actionAttempts: number;
  actionError: string | null;
  policyVersion: string | null;
  passive: boolean | null;
  decidedAt: Date | null;
  latencyMs: number | null;
}

export interface AuditEntry {
  at: Date;
  mailbox: string;
  scanId: string;
  gmailMessageId: string;
  action: Action;
  labelsAdded: string[];
  labelsRemoved: string[];
  /** `passive`: the policy runs in passive mode, so nothing was applied; `intendedAction` says what it would have done. */
  outcome: 'applied' | 'failed' | 'already-applied' | 'passive';
  /** Set with outcome `passive`. */
  intendedAction?: Action;
  error?: string;
  actor: 'aggregator' | 'sweeper';
}

/** Who is fetching a message, and until when that holds. */
export interface FetchClaim {
  mailbox: string;
  gmailMessageId: string;
  /** An id of the claiming invocation (instance and event), for logs and takeovers. */
  owner: string;
  now: Date;
  /** How long the claim holds; a claim older than this is presumed abandoned (its owner died). */
  leaseMs: number;
}

/**
 * - `claimed`: the caller now holds the claim (it was absent, expired, or already the caller's).
 * - `held`: another owner holds an unexpired claim; `until` is when it expires.
 */
export type FetchClaimOutcome =
  | { status: 'claimed'; tookOver: boolean }
  | { status: 'held'; owner: string; until: Date }
  /** The owner fetched the message and found nothing to scan (a draft, a direction not scanned, deleted). */
  | { status: 'skipped'; owner: string };

export interface ScanRepository {
  getMailbox(mailbox: string): Promise<MailboxState | null>;
  /** Creates the mailbox document when absent and merges `patch` into it. */
  upsertMailbox(mailbox: string, patch: Partial<Omit<MailboxState, 'mailbox'>>): Promise<void>;
  listMailboxes(options?: { enrolledOnly?: boolean }): Promise<MailboxState[]>;
  /**
   * Compare-and-set of the history cursor: moves it to `next` only if it still equals
   * `expected` (null = never synced) and `next` is newer. Returns whether it moved.
   */
  advanceCursor(mailbox: string, expected: string | null, next: string): Promise<boolean>;

  /**
   * Claims the right to fetch a message before its scan exists, so separate function instances
   * handling overlapping notifications fetch it once between them: create-if-absent on a claim
   * keyed like the scan, taken over only once its lease has expired. Keyed by `scanId`.
   */
  claimFetch(scanId: string, claim: FetchClaim): Promise<FetchClaimOutcome>;
  /** Drops the caller's own claim (after a failed fetch, so a retry need not wait for the lease). */
  releaseFetch(scanId: string, owner: string): Promise<void>;
  /** Marks the caller's claim as settled without a scan (nothing to scan), so waiters stop waiting. */
  settleFetchSkipped(scanId: string, owner: string): Promise<void>;

  /** Creates the scan document unless it exists (dedupe on mailbox + message id). Returns whether it was created. */
  createScan(scan: NewScan): Promise<boolean>;
  getScan(scanId: string): Promise<ScanRecord | null>;
  /**
   * Writes one engine's result subdocument unless present. Returns whether it was written.
   * `expireAt` is the scan's: TTL does not delete subcollections, so each result carries its own.
   */
  putEngineResult(scanId: string, result: EngineResult, options: { cached: boolean; expireAt: Date }): Promise<boolean>;
  listEngineResults(scanId: string): Promise<EngineResult[]>;
  /**
   * The scan (null when absent) and whether `engine` already stored its result on it, in one
   * read: what an engine function needs before it runs.
   */
  getScanForEngine(scanId: string, engine: string): Promise<{ scan: ScanRecord | null; reported: boolean }>;
  /** Which of `engines` have a stored result for the scan: existence only, no result bodies. */
  reportedEngines(scanId: string, engines: readonly string[]): Promise<string[]>;
  /** The cached result, or null when absent or expired at `now` (TTL deletion lags by up to a day). */
  getCachedEngineResult(engine: string, version: string, contentKey: string, now: Date): Promise<EngineResult | null>;
  putCachedEngineResult(engine: string, version: string, contentKey: string, result: EngineResult, expireAt: Date): Promise<void>;

  /**
   * Decides exactly once: reads the scan and the results of its expected engines; if the
   * scan is not decided yet, calls `decide` and, when it returns a decision, stores it with
   * decided=true and actionStatus pending (or skipped for action none). Returns the stored
   * decision when this call decided, null when the scan was already decided or `decide` declined.
   * `decide` may run more than once (a check before the transaction, a retried transaction), so it must be pure.
   * Throws ScanNotFoundError when the scan does not exist.
   */
  decideOnce(
    scanId: string,
    decide: (scan: ScanRecord, results: EngineResult[]) => Decision | null,
    now: Date,
  ): Promise<{ scan: ScanRecord; decision: Decision } | null>;
  /** Records the outcome of applying the action (attempt count incremented). Throws ScanNotFoundError when absent. */
  recordActionOutcome(scanId: string, outcome: { status: ActionStatus; error?: string }): Promise<void>;
  appendAudit(entry: AuditEntry): Promise<void>;

  /** Undecided scans created before `createdBefore` (the sweeper finalises them). */
  listOverdueScans(createdBefore: Date, limit: number): Promise<ScanRecord[]>;
  /** Decided scans whose action failed and may be retried. */
  listFailedActions(maxAttempts: number, limit: number): Promise<ScanRecord[]>;
  /** Scans decided before `decidedBefore` whose action is still pending (the decider died before recording an outcome), oldest first. */
  listStalePendingActions(decidedBefore: Date, limit: number): Promise<ScanRecord[]>;
}

/** The scan an operation needs does not exist (never created, or expired by TTL). */
export class ScanNotFoundError extends StrataError {
  constructor(scanId: string, operation: string) {
    super('repository.scan_not_found', `${operation}: scan ${scanId} does not exist`, { scanId, operation });
  }
}

/** A Gmail history id that is not a decimal unsigned 64-bit number, so it cannot be ordered. */
export class InvalidHistoryIdError extends StrataError {
  constructor(mailbox: string, historyId: string) {
    super('repository.invalid_history_id', `history id ${JSON.stringify(historyId)} of ${mailbox} is not a decimal number`, {
      mailbox,
      historyId,
    });
  }
}

/** A mailbox, scan id or engine name that cannot be a Firestore document id. */
export class InvalidKeyError extends StrataError {
  constructor(kind: string, key: string, problem: string) {
    super('repository.invalid_key', `${kind} ${JSON.stringify(key)} cannot be a document id: ${problem}`, { kind, key });
  }
}

/** The store failed (unavailable, contention beyond the retries, quota); the context names the operation and key. */
export class RepositoryError extends StrataError {
  constructor(operation: string, context: Record<string, unknown>, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('repository.failed', `${operation} failed: ${detail}`, { operation, ...context }, { cause });
  }
}

/** Non-sequential scan id: 32 hex of SHA-256(mailbox ':' gmailMessageId), so ids never hot-spot. */
export { scanIdFor } from './ids';
