import {
  FieldValue,
  Timestamp,
  type CollectionReference,
  type DocumentData,
  type DocumentSnapshot,
  type Firestore,
  type ReadOptions,
} from '@google-cloud/firestore';
import type { EngineResult } from '../core/engine/types';
import { StrataError } from '../core/errors';
import type { Decision } from '../core/policy';
import {
  RepositoryError,
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
  mailboxPatchRecord,
  newScanRecord,
  type MailboxPatch,
} from './repository-records';

/** Collection names of docs/data-model.md, before the optional prefix. */
export const COLLECTIONS = {
  scans: 'scans',
  engineCache: 'engineCache',
  mailboxes: 'mailboxes',
  audit: 'audit',
  /** `fetchClaims/{scanId}`: who is fetching a message whose scan does not exist yet. */
  fetchClaims: 'fetchClaims',
  /** Subcollection of a scan: `scans/{scanId}/engines/{engine}`. */
  scanEngines: 'engines',
} as const;

// gRPC status codes the client reports on its errors.
const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;
/** gRPC FAILED_PRECONDITION: an update's lastUpdateTime precondition did not hold. */
const FAILED_PRECONDITION = 9;

/**
 * Rounds of decideOnce's read-decide-conditional-update. Each lost round means another caller
 * changed the scan (and the next read then finds it decided), so two rounds are the usual most.
 */
const DECIDE_MAX_ATTEMPTS = 10;

export interface FirestoreRepositoryOptions {
  /** Stamps createdAt, cursorUpdatedAt and writtenAt; defaults to the machine clock. */
  clock?: () => Date;
}

/**
 * ScanRepository on Firestore, laid out as docs/data-model.md describes. Redelivered events
 * are harmless: scans and engine results are written with create(), the cursor and the
 * decision in transactions. Transactions touch only the one document they guard (a mailbox, a
 * scan), never a shared counter, so they contend only with callers racing for the same thing.
 * `collectionPrefix` separates tenants or tests sharing one database.
 */
export class FirestoreRepository implements ScanRepository {
  private readonly clock: () => Date;
  private readonly scans: CollectionReference;
  private readonly engineCache: CollectionReference;
  private readonly mailboxes: CollectionReference;
  private readonly audit: CollectionReference;
  private readonly fetchClaims: CollectionReference;

  constructor(
    private readonly db: Firestore,
    collectionPrefix = '',
    options: FirestoreRepositoryOptions = {},
  ) {
    if (collectionPrefix !== '') assertDocumentKey('collection prefix', collectionPrefix);
    this.clock = options.clock ?? (() => new Date());
    this.scans = db.collection(collectionPrefix + COLLECTIONS.scans);
    this.engineCache = db.collection(collectionPrefix + COLLECTIONS.engineCache);
    this.mailboxes = db.collection(collectionPrefix + COLLECTIONS.mailboxes);
    this.audit = db.collection(collectionPrefix + COLLECTIONS.audit);
    this.fetchClaims = db.collection(collectionPrefix + COLLECTIONS.fetchClaims);
  }

  async getMailbox(mailbox: string): Promise<MailboxState | null> {
    assertDocumentKey('mailbox', mailbox);
    return this.guard('getMailbox', { mailbox }, async () => {
      const snapshot = await this.mailboxes.doc(mailbox).get();
      return snapshot.exists ? mailboxFromDoc(snapshot) : null;
    });
  }

  async upsertMailbox(mailbox: string, patch: MailboxPatch): Promise<void> {
    assertDocumentKey('mailbox', mailbox);
    await this.guard('upsertMailbox', { mailbox }, () =>
      this.mailboxes.doc(mailbox).set(toStored(mailboxPatchRecord(patch)), { merge: true }),
    );
  }

  async listMailboxes(options: { enrolledOnly?: boolean } = {}): Promise<MailboxState[]> {
    return this.guard('listMailboxes', options, async () => {
      const query = options.enrolledOnly ? this.mailboxes.where('enrolled', '==', true) : this.mailboxes;
      return (await query.get()).docs.map(mailboxFromDoc);
    });
  }

  async advanceCursor(mailbox: string, expected: string | null, next: string): Promise<boolean> {
    assertDocumentKey('mailbox', mailbox);
    const ref = this.mailboxes.doc(mailbox);
    return this.guard('advanceCursor', { mailbox, expected, next }, () =>
      this.db.runTransaction(async (tx) => {
        const snapshot = await tx.get(ref);
        const current = snapshot.exists ? mailboxFromDoc(snapshot).historyCursor : null;
        if (!cursorMayMove(mailbox, current, expected, next)) return false;
        tx.set(ref, toStored({ historyCursor: next, cursorUpdatedAt: this.clock() }), { merge: true });
        return true;
      }),
    );
  }

  /**
   * create() wins the common case in one write. Only when a claim exists does a transaction
   * read it, so a takeover of an expired claim is atomic against a second taker.
   */
  async claimFetch(scanId: string, claim: FetchClaim): Promise<FetchClaimOutcome> {
    assertDocumentKey('scan id', scanId);
    const ref = this.fetchClaims.doc(scanId);
    const record = toStored(fetchClaimRecord(claim));
    return this.guard('claimFetch', { scanId, owner: claim.owner }, async () => {
      try {
        await ref.create(record);
        return { status: 'claimed', tookOver: false } as const;
      } catch (error) {
        if (grpcCode(error) !== ALREADY_EXISTS) throw error;
      }
      return this.db.runTransaction(async (tx): Promise<FetchClaimOutcome> => {
        const snapshot = await tx.get(ref);
        const existing = snapshot.exists ? fetchClaimFromDoc(snapshot) : null;
        const held = fetchClaimVerdict(existing, claim);
        if (held !== null) return held;
        tx.set(ref, record);
        return { status: 'claimed', tookOver: existing !== null && existing.owner !== claim.owner };
      });
    });
  }

  async releaseFetch(scanId: string, owner: string): Promise<void> {
    assertDocumentKey('scan id', scanId);
    const ref = this.fetchClaims.doc(scanId);
    await this.guard('releaseFetch', { scanId, owner }, () =>
      this.db.runTransaction(async (tx) => {
        const snapshot = await tx.get(ref);
        if (snapshot.exists && fetchClaimFromDoc(snapshot).owner === owner) tx.delete(ref);
      }),
    );
  }

  async settleFetchSkipped(scanId: string, owner: string): Promise<void> {
    assertDocumentKey('scan id', scanId);
    const ref = this.fetchClaims.doc(scanId);
    await this.guard('settleFetchSkipped', { scanId, owner }, () =>
      this.db.runTransaction(async (tx) => {
        const snapshot = await tx.get(ref);
        if (snapshot.exists && fetchClaimFromDoc(snapshot).owner === owner) tx.update(ref, { skipped: true });
      }),
    );
  }

  async createScan(scan: NewScan): Promise<boolean> {
    assertDocumentKey('scan id', scan.scanId);
    const { scanId: _scanId, ...fields } = newScanRecord(scan, this.clock());
    return this.guard('createScan', { scanId: scan.scanId }, async () => {
      try {
        await this.scans.doc(scan.scanId).create(toStored(fields));
        return true;
      } catch (error) {
        if (grpcCode(error) === ALREADY_EXISTS) return false;
        throw error;
      }
    });
  }

  async getScan(scanId: string): Promise<ScanRecord | null> {
    assertDocumentKey('scan id', scanId);
    return this.guard('getScan', { scanId }, async () => {
      const snapshot = await this.scans.doc(scanId).get();
      return snapshot.exists ? scanFromDoc(snapshot) : null;
    });
  }

  async putEngineResult(scanId: string, result: EngineResult, { cached, expireAt }: { cached: boolean; expireAt: Date }): Promise<boolean> {
    assertDocumentKey('scan id', scanId);
    assertDocumentKey('engine', result.engine);
    const ref = this.engineResults(scanId).doc(result.engine);
    const data = toStored({ ...engineResultRecord(result), cached, writtenAt: this.clock(), expireAt });
    return this.guard('putEngineResult', { scanId, engine: result.engine }, async () => {
      try {
        await ref.create(data);
        return true;
      } catch (error) {
        if (grpcCode(error) === ALREADY_EXISTS) return false;
        throw error;
      }
    });
  }

  async listEngineResults(scanId: string): Promise<EngineResult[]> {
    assertDocumentKey('scan id', scanId);
    return this.guard('listEngineResults', { scanId }, async () =>
      (await this.engineResults(scanId).get()).docs.map(engineResultFromDoc),
    );
  }

  async getScanForEngine(scanId: string, engine: string): Promise<{ scan: ScanRecord | null; reported: boolean }> {
    assertDocumentKey('scan id', scanId);
    assertDocumentKey('engine', engine);
    return this.guard('getScanForEngine', { scanId, engine }, async () => {
      // One batched read of both documents instead of two round trips.
      const [scan, result] = await this.db.getAll(this.scans.doc(scanId), this.engineResults(scanId).doc(engine));
      return { scan: scan?.exists ? scanFromDoc(scan) : null, reported: result?.exists === true };
    });
  }

  async reportedEngines(scanId: string, engines: readonly string[]): Promise<string[]> {
    assertDocumentKey('scan id', scanId);
    for (const engine of engines) assertDocumentKey('engine', engine);
    // One batched get of the named documents with an empty field mask (existence only): on the
    // emulator a collection query cost about 24 ms here against about 5 ms for a document get.
    return this.guard('reportedEngines', { scanId }, async () =>
      (await this.storedEngineResults(scanId, engines, { fieldMask: [] })).map((snapshot) => snapshot.id),
    );
  }

  async getCachedEngineResult(engine: string, version: string, contentKey: string, now: Date): Promise<EngineResult | null> {
    const key = engineCacheKey(engine, version, contentKey);
    return this.guard('getCachedEngineResult', { key }, async () => {
      const snapshot = await this.engineCache.doc(key).get();
      if (!snapshot.exists) return null;
      const expireAt: unknown = snapshot.get('expireAt');
      // An entry without expireAt was written before entries expired: treat it as expired.
      if (!(expireAt instanceof Timestamp) || expireAt.toMillis() <= now.getTime()) return null;
      return engineResultFromDoc(snapshot);
    });
  }

  async putCachedEngineResult(engine: string, version: string, contentKey: string, result: EngineResult, expireAt: Date): Promise<void> {
    const key = engineCacheKey(engine, version, contentKey);
    const data = toStored({ ...engineResultRecord(result), writtenAt: this.clock(), expireAt });
    await this.guard('putCachedEngineResult', { key }, () => this.engineCache.doc(key).set(data));
  }

  async decideOnce(
    scanId: string,
    decide: (scan: ScanRecord, results: EngineResult[]) => Decision | null,
    now: Date,
  ): Promise<{ scan: ScanRecord; decision: Decision } | null> {
    assertDocumentKey('scan id', scanId);
    const scanRef = this.scans.doc(scanId);
    // Errors thrown by `decide` are the caller's, not the store's: they pass through unwrapped.
    const decideErrors = new Set<unknown>();
    const callDecide = (scan: ScanRecord, results: EngineResult[]): Decision | null => {
      try {
        return decide(structuredClone(scan), structuredClone(results));
      } catch (error) {
        decideErrors.add(error);
        throw error;
      }
    };

    return this.guard(
      'decideOnce',
      { scanId },
      async () => {
        // Optimistic, not a transaction: read the scan and its results, decide, and store the
        // decision with an update that applies only if the scan document is unchanged since the
        // read (precondition on its update time). Two completions racing on one scan then cost
        // one failed precondition instead of two transactions holding read locks, which on the
        // Firestore emulator deadlock until its lock timeout (measured: decide p50 2.1 s with
        // transactions, docs/benchmarks.md). Still exactly once: the first update changes the
        // update time, so every other racer's update fails and its re-read finds the scan
        // decided. Engine results are create-only, so once every expected engine has one the set
        // a decision used cannot change under it.
        for (let round = 1; round <= DECIDE_MAX_ATTEMPTS; round += 1) {
          const snapshot = await scanRef.get();
          if (!snapshot.exists || !snapshot.updateTime) throw new ScanNotFoundError(scanId, 'decideOnce');
          const scan = scanFromDoc(snapshot);
          if (scan.decided) return null;
          // The expected engines' documents by name, in one batched get: a collection query
          // costs several times a document read on the emulator.
          const results = await this.expectedEngineResults(scanId, scan.expectedEngines);
          const decision = callDecide(scan, results);
          if (decision === null) return null;
          const fields = decisionFields(scan, results, decision, now);
          try {
            await scanRef.update(toStored(fields), { lastUpdateTime: snapshot.updateTime });
            return { scan: { ...scan, ...fields }, decision };
          } catch (error) {
            if (grpcCode(error) !== FAILED_PRECONDITION) throw error;
          }
        }
        throw new RepositoryError('decideOnce', { scanId }, `the scan kept changing under ${DECIDE_MAX_ATTEMPTS} attempts`);
      },
      (error) => decideErrors.has(error),
    );
  }

  private async expectedEngineResults(scanId: string, engines: readonly string[]): Promise<EngineResult[]> {
    return (await this.storedEngineResults(scanId, engines)).map(engineResultFromDoc);
  }

  /** The existing result documents of the named engines, in one batched get (no collection query). */
  private async storedEngineResults(scanId: string, engines: readonly string[], options: ReadOptions = {}): Promise<DocumentSnapshot[]> {
    if (engines.length === 0) return [];
    const snapshots = await this.db.getAll(...engines.map((engine) => this.engineResults(scanId).doc(engine)), options);
    return snapshots.filter((snapshot) => snapshot.exists);
  }

  async recordActionOutcome(scanId: string, outcome: { status: ActionStatus; error?: string }): Promise<void> {
    assertDocumentKey('scan id', scanId);
    await this.guard('recordActionOutcome', { scanId, status: outcome.status }, async () => {
      try {
        await this.scans.doc(scanId).update({
          actionStatus: outcome.status,
          actionError: outcome.error ?? null,
          // An increment, not read-then-write: the aggregator and the sweeper may both record.
          actionAttempts: FieldValue.increment(1),
        });
      } catch (error) {
        if (grpcCode(error) === NOT_FOUND) throw new ScanNotFoundError(scanId, 'recordActionOutcome');
        throw error;
      }
    });
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    // A stored null rather than a missing field, so every audit document has the same fields.
    const data = toStored({ ...auditRecord(entry), error: entry.error ?? null });
    await this.guard('appendAudit', { scanId: entry.scanId, mailbox: entry.mailbox }, () => this.audit.add(data));
  }

  async listOverdueScans(createdBefore: Date, limit: number): Promise<ScanRecord[]> {
    return this.guard('listOverdueScans', { createdBefore, limit }, async () => {
      const snapshot = await this.scans
        .where('decided', '==', false)
        .where('createdAt', '<', Timestamp.fromDate(createdBefore))
        .orderBy('createdAt')
        .limit(limit)
        .get();
      return snapshot.docs.map(scanFromDoc);
    });
  }

  async listFailedActions(maxAttempts: number, limit: number): Promise<ScanRecord[]> {
    return this.guard('listFailedActions', { maxAttempts, limit }, async () => {
      const snapshot = await this.scans
        .where('actionStatus', '==', 'failed')
        .where('actionAttempts', '<', maxAttempts)
        .orderBy('actionAttempts')
        .limit(limit)
        .get();
      return snapshot.docs.map(scanFromDoc);
    });
  }

  async listStalePendingActions(decidedBefore: Date, limit: number): Promise<ScanRecord[]> {
    return this.guard('listStalePendingActions', { limit }, async () => {
      const snapshot = await this.scans
        .where('actionStatus', '==', 'pending')
        .where('decidedAt', '<', Timestamp.fromDate(decidedBefore))
        .orderBy('decidedAt')
        .limit(limit)
        .get();
      return snapshot.docs.map(scanFromDoc);
    });
  }

  private engineResults(scanId: string): CollectionReference {
    return this.scans.doc(scanId).collection(COLLECTIONS.scanEngines);
  }

  /**
   * Turns failures of the store into RepositoryError naming the operation and key. Strata's
   * own typed errors (not found, invalid key or history id) and errors for which
   * `passThrough` answers true are rethrown as they are.
   */
  private async guard<T>(
    operation: string,
    context: Record<string, unknown>,
    work: () => Promise<T>,
    passThrough: (error: unknown) => boolean = () => false,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StrataError || passThrough(error)) throw error;
      throw new RepositoryError(operation, context, error);
    }
  }
}

function fetchClaimFromDoc(snapshot: DocumentSnapshot): { owner: string; expiresAt: Date; skipped: boolean } {
  const data = fromStored(snapshot.data() ?? {});
  return {
    owner: String(data.owner ?? ''),
    expiresAt: data.expiresAt instanceof Date ? data.expiresAt : new Date(0),
    skipped: data.skipped === true,
  };
}

function grpcCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}

/*
 * The one place where Dates and Firestore Timestamps meet. Every date the repository stores is
 * a top-level field, so converting the top level is enough; undefined fields are dropped
 * because Firestore refuses them.
 */

function toStored(record: object): DocumentData {
  const stored: DocumentData = {};
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue;
    stored[field] = value instanceof Date ? Timestamp.fromDate(value) : value;
  }
  return stored;
}

function fromStored(data: DocumentData): Record<string, unknown> {
  const restored: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    restored[field] = value instanceof Timestamp ? value.toDate() : value;
  }
  return restored;
}

function scanFromDoc(snapshot: DocumentSnapshot): ScanRecord {
  return { ...fromStored(snapshot.data() ?? {}), scanId: snapshot.id } as unknown as ScanRecord;
}

function mailboxFromDoc(snapshot: DocumentSnapshot): MailboxState {
  // A mailbox document may hold only some fields (advanceCursor can create it); the rest default.
  return { ...emptyMailbox(snapshot.id), ...fromStored(snapshot.data() ?? {}), mailbox: snapshot.id } as MailboxState;
}

function engineResultFromDoc(snapshot: DocumentSnapshot): EngineResult {
  // engineResultRecord keeps the contract fields and drops the bookkeeping (cached, writtenAt).
  return engineResultRecord(fromStored(snapshot.data() ?? {}) as unknown as EngineResult);
}
