import { Timestamp, type DocumentData, type Firestore } from '@google-cloud/firestore';
import type { EngineResult } from '../../core/engine/types';
import type { Decision } from '../../core/policy';
import { COLLECTIONS, FirestoreRepository } from '../../pipeline/firestore-repository';
import { ScanNotFoundError, type ScanRecord } from '../../pipeline/repository';
import { decisionFields, engineResultRecord } from '../../pipeline/repository-records';

/** gRPC FAILED_PRECONDITION: the document changed since it was read. */
const FAILED_PRECONDITION = 9;
/** Each lost race means another caller changed the scan, which then reads as decided; two rounds are the most it takes. */
const MAX_ROUNDS = 5;

/**
 * EXPERIMENT, used only with `--experiment-precondition-decide`: the repository with decideOnce
 * done without a transaction, to measure what docs/benchmarks.md proposes for the pipeline.
 * It reads the scan and its engine results with plain reads, decides, and writes the decision
 * with an update that only applies if the scan document is unchanged since it was read
 * (precondition lastUpdateTime). Two completions racing on one scan then cost one failed
 * precondition instead of two transactions holding read locks: on the emulator those locks
 * cover far more than the scan (a create of another scan's engine result waits on them) and
 * the deadlocked pair waits for the emulator's lock timeout.
 *
 * Why it is still exactly once: the decision is stored only if the scan is unchanged since the
 * read that saw it undecided, and engine results are create-only, so once every expected engine
 * has one the set the decision used can no longer change. The shipped repository is untouched.
 */
export class PreconditionDecideRepository extends FirestoreRepository {
  private readonly scanCollection: string;

  constructor(
    private readonly firestore: Firestore,
    collectionPrefix: string,
  ) {
    super(firestore, collectionPrefix);
    this.scanCollection = collectionPrefix + COLLECTIONS.scans;
  }

  override async decideOnce(
    scanId: string,
    decide: (scan: ScanRecord, results: EngineResult[]) => Decision | null,
    now: Date,
  ): Promise<{ scan: ScanRecord; decision: Decision } | null> {
    const scanRef = this.firestore.collection(this.scanCollection).doc(scanId);
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      const [snapshot, engines] = await Promise.all([scanRef.get(), scanRef.collection(COLLECTIONS.scanEngines).get()]);
      if (!snapshot.exists || !snapshot.updateTime) throw new ScanNotFoundError(scanId, 'decideOnce');
      const scan = { ...restored(snapshot.data() ?? {}), scanId } as unknown as ScanRecord;
      if (scan.decided) return null;
      const results = engines.docs.map((doc) => engineResultRecord(restored(doc.data()) as unknown as EngineResult));
      const decision = decide(structuredClone(scan), structuredClone(results));
      if (decision === null) return null;
      const fields = decisionFields(scan, results, decision, now);
      try {
        await scanRef.update(stored(fields), { lastUpdateTime: snapshot.updateTime });
        return { scan: { ...scan, ...fields }, decision };
      } catch (error) {
        if ((error as { code?: unknown }).code !== FAILED_PRECONDITION) throw error;
      }
    }
    throw new Error(`decideOnce ${scanId}: the scan kept changing under ${MAX_ROUNDS} attempts`);
  }
}

/** Top-level Dates to Timestamps and undefined fields dropped, as the repository stores them. */
function stored(record: object): DocumentData {
  const data: DocumentData = {};
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue;
    data[field] = value instanceof Date ? Timestamp.fromDate(value) : value;
  }
  return data;
}

function restored(data: DocumentData): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([field, value]) => [field, value instanceof Timestamp ? value.toDate() : value]));
}
