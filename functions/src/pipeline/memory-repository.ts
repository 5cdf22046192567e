import type { EngineResult } from '../core/engine/types';
import type { Decision } from '../core/policy';
import {
  ScanNotFoundError,
  type ActionStatus,
  type AuditEntry,
  type FetchClaim,
  type FetchClaimOutcome,
  type MailboxState,
  type NewScan,
  type ScanRecord,
  type ScanRepository,
} from './repository';
import { KeyedSerialiser } from './keyed-serialiser';
import {
  assertDocumentKey,
  auditRecord,
  cursorMayMove,
  decisionFields,
  emptyMailbox,
  engineCacheKey,
  engineResultRecord,
  fetchClaimRecord,
  fetchClaimVerdict,
  mergeMailbox,
  newScanRecord,
  type FetchClaimRecord,
} from './repository-records';

/** An engine result as stored under a scan, with the bookkeeping the Firestore document carries. */
export interface StoredEngineResult {
  result: EngineResult;
  cached: boolean;
  writtenAt: Date;
  expireAt: Date;
}

export interface MemoryRepositoryOptions {
  /** Stamps createdAt, cursorUpdatedAt and writtenAt; tests pass a fixed clock. */
  clock?: () => Date;
}

/**
 * ScanRepository in process memory, for unit tests. Same semantics as the Firestore
 * repository: create-if-absent writes, compare-and-set cursor, exactly-once decisions,
 * the same stored fields (shared through repository-records.ts). Values are copied in and
 * out, so a caller mutating a returned record cannot change what is stored.
 */
export class MemoryRepository implements ScanRepository {
  private readonly clock: () => Date;
  private readonly mailboxes = new Map<string, MailboxState>();
  private readonly scans = new Map<string, ScanRecord>();
  private readonly engineResults = new Map<string, Map<string, StoredEngineResult>>();
  private readonly cache = new Map<string, { result: EngineResult; expireAt: Date }>();
  private readonly audit: AuditEntry[] = [];
  private readonly fetchClaims = new Map<string, FetchClaimRecord>();
  private readonly decisions = new KeyedSerialiser();

  constructor(options: MemoryRepositoryOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
  }

  async getMailbox(mailbox: string): Promise<MailboxState | null> {
    assertDocumentKey('mailbox', mailbox);
    const state = this.mailboxes.get(mailbox);
    return state === undefined ? null : structuredClone(state);
  }

  async upsertMailbox(mailbox: string, patch: Partial<Omit<MailboxState, 'mailbox'>>): Promise<void> {
    assertDocumentKey('mailbox', mailbox);
    const current = this.mailboxes.get(mailbox) ?? emptyMailbox(mailbox);
    this.mailboxes.set(mailbox, mergeMailbox(current, structuredClone(patch)));
  }

  async listMailboxes(options: { enrolledOnly?: boolean } = {}): Promise<MailboxState[]> {
    return [...this.mailboxes.values()]
      .filter((state) => !options.enrolledOnly || state.enrolled)
      .sort((a, b) => compareKeys(a.mailbox, b.mailbox))
      .map((state) => structuredClone(state));
  }

  async advanceCursor(mailbox: string, expected: string | null, next: string): Promise<boolean> {
    assertDocumentKey('mailbox', mailbox);
    const current = this.mailboxes.get(mailbox) ?? emptyMailbox(mailbox);
    if (!cursorMayMove(mailbox, current.historyCursor, expected, next)) return false;
    this.mailboxes.set(mailbox, { ...current, historyCursor: next, cursorUpdatedAt: this.clock() });
    return true;
  }

  async claimFetch(scanId: string, claim: FetchClaim): Promise<FetchClaimOutcome> {
    assertDocumentKey('scan id', scanId);
    const existing = this.fetchClaims.get(scanId) ?? null;
    const held = fetchClaimVerdict(existing, claim);
    if (held !== null) return held;
    this.fetchClaims.set(scanId, fetchClaimRecord(claim));
    return { status: 'claimed', tookOver: existing !== null && existing.owner !== claim.owner };
  }

  async releaseFetch(scanId: string, owner: string): Promise<void> {
    assertDocumentKey('scan id', scanId);
    if (this.fetchClaims.get(scanId)?.owner === owner) this.fetchClaims.delete(scanId);
  }

  async settleFetchSkipped(scanId: string, owner: string): Promise<void> {
    assertDocumentKey('scan id', scanId);
    const claim = this.fetchClaims.get(scanId);
    if (claim?.owner === owner) claim.skipped = true;
  }

  async createScan(scan: NewScan): Promise<boolean> {
    assertDocumentKey('scan id', scan.scanId);
    if (this.scans.has(scan.scanId)) return false;
    this.scans.set(scan.scanId, structuredClone(newScanRecord(scan, this.clock())));
    return true;
  }

  async getScan(scanId: string): Promise<ScanRecord | null> {
    assertDocumentKey('scan id', scanId);
    const scan = this.scans.get(scanId);
    return scan === undefined ? null : structuredClone(scan);
  }

  async putEngineResult(scanId: string, result: EngineResult, { cached, expireAt }: { cached: boolean; expireAt: Date }): Promise<boolean> {
    assertDocumentKey('scan id', scanId);
    assertDocumentKey('engine', result.engine);
    // Like a Firestore subcollection, results may exist before (or without) their scan document.
    const results = this.engineResults.get(scanId) ?? new Map<string, StoredEngineResult>();
    this.engineResults.set(scanId, results);
    if (results.has(result.engine)) return false;
    results.set(result.engine, { result: structuredClone(engineResultRecord(result)), cached, writtenAt: this.clock(), expireAt });
    return true;
  }

  async listEngineResults(scanId: string): Promise<EngineResult[]> {
    assertDocumentKey('scan id', scanId);
    return this.storedEngineResults(scanId).map((stored) => stored.result);
  }

  async getScanForEngine(scanId: string, engine: string): Promise<{ scan: ScanRecord | null; reported: boolean }> {
    assertDocumentKey('engine', engine);
    const scan = await this.getScan(scanId);
    return { scan, reported: this.engineResults.get(scanId)?.has(engine) ?? false };
  }


  async reportedEngines(scanId: string, engines: readonly string[]): Promise<string[]> {
    assertDocumentKey('scan id', scanId);
    for (const engine of engines) assertDocumentKey('engine', engine);
    const stored = this.engineResults.get(scanId);
    return engines.filter((engine) => stored?.has(engine) ?? false);
  }

  async getCachedEngineResult(engine: string, version: string, contentKey: string, now: Date): Promise<EngineResult | null> {
    const cached = this.cache.get(engineCacheKey(engine, version, contentKey));
    return cached === undefined || cached.expireAt.getTime() <= now.getTime() ? null : structuredClone(cached.result);
  }

  async putCachedEngineResult(engine: string, version: string, contentKey: string, result: EngineResult, expireAt: Date): Promise<void> {
    this.cache.set(engineCacheKey(engine, version, contentKey), { result: structuredClone(engineResultRecord(result)), expireAt });
  }

  async decideOnce(
    scanId: string,
    decide: (scan: ScanRecord, results: EngineResult[]) => Decision | null,
    now: Date,
  ): Promise<{ scan: ScanRecord; decision: Decision } | null> {
    assertDocumentKey('scan id', scanId);
    return this.decisions.run(scanId, async () => {
      const scan = await this.getScan(scanId);
      if (scan === null) throw new ScanNotFoundError(scanId, 'decideOnce');
      if (scan.decided) return null;
      const expected = new Set(scan.expectedEngines);
      const results = (await this.listEngineResults(scanId)).filter((result) => expected.has(result.engine));
      // The reads above and the write below are separated by an await, as they are against a
      // real store; only the per-scan serialisation keeps two callers from both deciding.
      await yieldToOtherCallers();
      const decision = decide(structuredClone(scan), structuredClone(results));
      if (decision === null) return null;
      const decided: ScanRecord = { ...scan, ...decisionFields(scan, results, decision, now) };
      this.scans.set(scanId, structuredClone(decided));
      return { scan: decided, decision };
    });
  }

  async recordActionOutcome(scanId: string, outcome: { status: ActionStatus; error?: string }): Promise<void> {
    assertDocumentKey('scan id', scanId);
    const scan = this.scans.get(scanId);
    if (scan === undefined) throw new ScanNotFoundError(scanId, 'recordActionOutcome');
    scan.actionStatus = outcome.status;
    scan.actionError = outcome.error ?? null;
    scan.actionAttempts += 1;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.audit.push(structuredClone(auditRecord(entry)));
  }

  async listOverdueScans(createdBefore: Date, limit: number): Promise<ScanRecord[]> {
    return this.queryScans(
      (scan) => !scan.decided && scan.createdAt.getTime() < createdBefore.getTime(),
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
      limit,
    );
  }

  async listStalePendingActions(decidedBefore: Date, limit: number): Promise<ScanRecord[]> {
    return this.queryScans(
      (scan) => scan.actionStatus === 'pending' && scan.decidedAt !== null && scan.decidedAt.getTime() < decidedBefore.getTime(),
      (a, b) => (a.decidedAt?.getTime() ?? 0) - (b.decidedAt?.getTime() ?? 0),
      limit,
    );
  }

  async listFailedActions(maxAttempts: number, limit: number): Promise<ScanRecord[]> {
    return this.queryScans(
      (scan) => scan.actionStatus === 'failed' && scan.actionAttempts < maxAttempts,
      (a, b) => a.actionAttempts - b.actionAttempts,
      limit,
    );
  }

  /** Every audit entry, oldest first. */
  auditEntries(): AuditEntry[] {
    return structuredClone(this.audit);
  }

  /** Every scan, by scan id. */
  allScans(): ScanRecord[] {
    return [...this.scans.values()].sort((a, b) => compareKeys(a.scanId, b.scanId)).map((scan) => structuredClone(scan));
  }

  /** A scan's engine results with their cached flag and write time, by engine. */
  storedEngineResults(scanId: string): StoredEngineResult[] {
    const results = this.engineResults.get(scanId) ?? new Map<string, StoredEngineResult>();
    return [...results.values()].sort((a, b) => compareKeys(a.result.engine, b.result.engine)).map((stored) => structuredClone(stored));
  }

  /**
   * Like a Firestore query with an equality filter, an inequality on the ordering field and a
   * limit: ordered by that field, then by document id.
   */
  private queryScans(
    matches: (scan: ScanRecord) => boolean,
    order: (a: ScanRecord, b: ScanRecord) => number,
    limit: number,
  ): ScanRecord[] {
    return [...this.scans.values()]
      .filter(matches)
      .sort((a, b) => order(a, b) || compareKeys(a.scanId, b.scanId))
      .slice(0, limit)
      .map((scan) => structuredClone(scan));
  }
}

function yieldToOtherCallers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Document-id order (code units), as Firestore orders ties. */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
