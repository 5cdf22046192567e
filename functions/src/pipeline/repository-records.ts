import type { EngineResult } from '../core/engine/types';
import type { Decision } from '../core/policy';
import {
  InvalidHistoryIdError,
  InvalidKeyError,
  type AuditEntry,
  type FetchClaim,
  type FetchClaimOutcome,
  type MailboxState,
  type NewScan,
  type ScanRecord,
} from './repository';

/**
 * The record shapes both repositories store, derived in one place so the in-memory stand-in
 * used by unit tests keeps exactly what Firestore keeps (docs/data-model.md).
 */

/** Per IOC kind on a scan: enough for array-contains hunts, small enough to keep documents far below 1 MiB. */
export const MAX_IOCS_PER_KIND = 50;
/**
 * Longer indicators are left out rather than cut: a truncated URL would match nothing a hunter
 * searches for, and queries only see a string's first 1,500 bytes anyway.
 */
export const MAX_IOC_LENGTH = 2048;

/** The scan fields decideOnce writes. */
export type DecisionFields = Pick<
  ScanRecord,
  | 'status'
  | 'decided'
  | 'verdict'
  | 'score'
  | 'reasons'
  | 'reasonDetails'
  | 'engines'
  | 'iocUrls'
  | 'iocDomains'
  | 'iocSha256'
  | 'action'
  | 'intendedAction'
  | 'actionStatus'
  | 'policyVersion'
  | 'passive'
  | 'decidedAt'
  | 'latencyMs'
>;

/**
 * A new scan as first stored. The fields are copied one by one, never spread, so nothing a
 * caller happens to attach (a body, a parsed subject) can reach the store.
 */
export function newScanRecord(scan: NewScan, createdAt: Date): ScanRecord {
  return {
    scanId: scan.scanId,
    mailbox: scan.mailbox,
    gmailMessageId: scan.gmailMessageId,
    direction: scan.direction,
    messageId: scan.messageId,
    fromAddress: scan.fromAddress,
    fromDomain: scan.fromDomain,
    subject: scan.subject,
    receivedAt: scan.receivedAt,
    expectedEngines: [...scan.expectedEngines],
    subjectKey: scan.subjectKey,
    contentKey: scan.contentKey,
    expireAt: scan.expireAt,
    createdAt,
    status: 'scanning',
    decided: false,
    verdict: null,
    score: null,
    reasons: [],
    reasonDetails: [],
    engines: {},
    iocUrls: [],
    iocDomains: [],
    iocSha256: [],
    action: null,
    intendedAction: null,
    actionStatus: null,
    actionAttempts: 0,
    actionError: null,
    policyVersion: null,
    passive: null,
    decidedAt: null,
    latencyMs: null,
  };
}

export function decisionFields(
  scan: ScanRecord,
  results: readonly EngineResult[],
  decision: Decision,
  decidedAt: Date,
): DecisionFields {
  const engines: DecisionFields['engines'] = {};
  for (const result of results) {
    // A retried engine may have reported twice; the policy uses the first result, and so do we.
    if (!Object.hasOwn(engines, result.engine)) engines[result.engine] = { status: result.status, score: result.score };
  }
  return {
    status: 'decided',
    decided: true,
    verdict: decision.verdict,
    score: decision.score,
    reasons: unique(decision.reasons.map((reason) => reason.findingId)),
    reasonDetails: decision.reasons.map(({ engine, findingId, severity, title, score, rule }) => ({
      engine,
      findingId,
      severity,
      title,
      score,
      rule,
    })),
    engines,
    iocUrls: boundedIocs(results.map((result) => result.iocs.urls)),
    iocDomains: boundedIocs(results.map((result) => result.iocs.domains)),
    iocSha256: boundedIocs(results.map((result) => result.iocs.sha256)),
    action: decision.action,
    intendedAction: decision.intendedAction,
    actionStatus: decision.action === 'none' ? 'skipped' : 'pending',
    policyVersion: decision.policyVersion,
    passive: decision.passive,
    decidedAt,
    latencyMs: decidedAt.getTime() - scan.receivedAt.getTime(),
  };
}

function boundedIocs(lists: readonly (readonly string[])[]): string[] {
  const kept = new Set<string>();
  for (const value of lists.flat()) {
    if (kept.size >= MAX_IOCS_PER_KIND) break;
    if (value.length > 0 && value.length <= MAX_IOC_LENGTH) kept.add(value);
  }
  return [...kept];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

export function emptyMailbox(mailbox: string): MailboxState {
  return {
    mailbox,
    enrolled: false,
    historyCursor: null,
    cursorUpdatedAt: null,
    watchExpiration: null,
    lastNotificationAt: null,
    lastNotificationHistoryId: null,
    lastSyncAt: null,
    fullSyncs: 0,
    labelIds: {},
  };
}

export type MailboxPatch = Partial<Omit<MailboxState, 'mailbox'>>;

/**
 * A mailbox patch without undefined values (Firestore refuses them) and without an empty
 * labelIds map (a merge would otherwise replace the stored labels with nothing).
 */
export function mailboxPatchRecord(patch: MailboxPatch): MailboxPatch {
  const { labelIds, ...fields } = withoutUndefined(patch);
  const labels = withoutUndefined(labelIds ?? {});
  return Object.keys(labels).length > 0 ? { ...fields, labelIds: labels } : fields;
}

/** The mailbox after merging a patch the way Firestore's set-with-merge does (labelIds merged key by key). */
export function mergeMailbox(current: MailboxState, patch: MailboxPatch): MailboxState {
  const record = mailboxPatchRecord(patch);
  return { ...current, ...record, mailbox: current.mailbox, labelIds: { ...current.labelIds, ...record.labelIds } };
}

export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

export function auditRecord(entry: AuditEntry): AuditEntry {
  const { at, mailbox, scanId, gmailMessageId, action, labelsAdded, labelsRemoved, outcome, intendedAction, error, actor } = entry;
  const record: AuditEntry = {
    at,
    mailbox,
    scanId,
    gmailMessageId,
    action,
    labelsAdded: [...labelsAdded],
    labelsRemoved: [...labelsRemoved],
    outcome,
    actor,
  };
  if (intendedAction !== undefined) record.intendedAction = intendedAction;
  if (error !== undefined) record.error = error;
  return record;
}

// Gmail history ids are unsigned 64-bit decimals: at most 20 digits.
const HISTORY_ID = /^\d{1,20}$/;

function parseHistoryId(mailbox: string, historyId: string): bigint {
  if (!HISTORY_ID.test(historyId)) throw new InvalidHistoryIdError(mailbox, historyId);
  return BigInt(historyId);
}

/**
 * The compare-and-set rule of advanceCursor: the cursor still equals `expected` (null = never
 * synced) and `next` is newer. Ids compare as numbers: as strings '10' would sort before '9'.
 */
export function cursorMayMove(mailbox: string, current: string | null, expected: string | null, next: string): boolean {
  const nextId = parseHistoryId(mailbox, next);
  const expectedId = expected === null ? null : parseHistoryId(mailbox, expected);
  if (current === null) return expectedId === null;
  if (expectedId === null) return false;
  const currentId = parseHistoryId(mailbox, current);
  return currentId === expectedId && nextId > currentId;
}

const MAX_KEY_BYTES = 1500;

/** Refuses what Firestore refuses as a document id, in both repositories, so tests catch it early. */
export function assertDocumentKey(kind: string, key: string): void {
  let problem: string | null = null;
  if (key.length === 0) problem = 'empty';
  else if (key.includes('/')) problem = "contains '/'";
  else if (key === '.' || key === '..') problem = "is '.' or '..'";
  else if (/^__.*__$/.test(key)) problem = 'is reserved (__…__)';
  else if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) problem = `longer than ${MAX_KEY_BYTES} bytes`;
  if (problem !== null) throw new InvalidKeyError(kind, key, problem);
}

/** `engineCache/{engine}__{version}__{contentKey}`. */
export function engineCacheKey(engine: string, version: string, contentKey: string): string {
  assertDocumentKey('engine', engine);
  assertDocumentKey('engine version', version);
  assertDocumentKey('content key', contentKey);
  const key = `${engine}__${version}__${contentKey}`;
  assertDocumentKey('engine cache key', key);
  return key;
}

/** An engine result reduced to its contract fields, so nothing extra an engine attached is stored. */
/**
 * Bounds of a stored engine result. A Firestore document holds at most 1 MiB, and a hostile
 * message (thousands of links, megabyte URLs) could make an engine return more: its result
 * write would then fail on every redelivery until the sweeper timed the engine out. Engines
 * rank findings most important first, so the cut drops the least important; the score and
 * status are kept whole, so the decision does not change. Worst case about 100 × 10 × 500
 * characters of evidence plus 4 × 200 × 2,048 of IOCs, well under the limit.
 */
export const STORED_RESULT_LIMITS = { findings: 100, evidencePerFinding: 10, evidenceChars: 500, titleChars: 300, iocsPerKind: 200 } as const;

function boundedText(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function storedIocs(values: readonly string[]): string[] {
  return values.filter((value) => value.length <= MAX_IOC_LENGTH).slice(0, STORED_RESULT_LIMITS.iocsPerKind);
}

export function engineResultRecord(result: EngineResult): EngineResult {
  const limits = STORED_RESULT_LIMITS;
  const record: EngineResult = {
    engine: result.engine,
    version: result.version,
    status: result.status,
    score: result.score,
    findings: result.findings.slice(0, limits.findings).map(({ id, severity, title, evidence, score }) => ({
      id,
      severity,
      title: boundedText(title, limits.titleChars),
      evidence: evidence.slice(0, limits.evidencePerFinding).map((line) => boundedText(line, limits.evidenceChars)),
      score,
    })),
    iocs: {
      urls: storedIocs(result.iocs.urls),
      domains: storedIocs(result.iocs.domains),
      sha256: storedIocs(result.iocs.sha256),
      senders: storedIocs(result.iocs.senders),
    },
    elapsedMs: result.elapsedMs,
  };
  if (result.error !== undefined) record.error = boundedText(result.error, 2_000);
  return record;
}

/** The stored claim of `fetchClaims/{scanId}`; `expireAt` is the TTL field that lets Firestore delete it later. */
export interface FetchClaimRecord {
  mailbox: string;
  gmailMessageId: string;
  owner: string;
  claimedAt: Date;
  expiresAt: Date;
  expireAt: Date;
  /** Set by settleFetchSkipped: the owner fetched the message and there was nothing to scan. */
  skipped?: boolean;
}

/** Claims are kept a day after their lease for forensics, then Firestore's TTL deletes them. */
const FETCH_CLAIM_RETENTION_MS = 24 * 60 * 60 * 1000;

export function fetchClaimRecord(claim: FetchClaim): FetchClaimRecord {
  const expiresAt = new Date(claim.now.getTime() + claim.leaseMs);
  return {
    mailbox: claim.mailbox,
    gmailMessageId: claim.gmailMessageId,
    owner: claim.owner,
    claimedAt: claim.now,
    expiresAt,
    expireAt: new Date(expiresAt.getTime() + FETCH_CLAIM_RETENTION_MS),
  };
}

/**
 * Whether a claim may be (re)written over the one stored: the caller's own claim is renewed, an
 * expired one is taken over; a live claim of another owner stands.
 */
export function fetchClaimVerdict(
  existing: Pick<FetchClaimRecord, 'owner' | 'expiresAt' | 'skipped'> | null,
  claim: FetchClaim,
): FetchClaimOutcome | null {
  if (existing?.skipped === true) return { status: 'skipped', owner: existing.owner };
  if (existing === null || existing.owner === claim.owner) return null;
  if (existing.expiresAt.getTime() <= claim.now.getTime()) return null;
  return { status: 'held', owner: existing.owner, until: existing.expiresAt };
}
