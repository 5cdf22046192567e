import type { ScanRepository } from '../../pipeline/repository';
import { blobKeyOf, type BlobStore } from '../../store/blob-store';

/**
 * Counts what the pipeline asks of Firestore, by wrapping the repository and the blob store it
 * is given. Document writes are derived from each call and its result, following what the
 * Firestore implementations write (firestore-repository.ts, firestore-blob-store.ts):
 *
 * | call                          | document writes                                          |
 * | ----------------------------- | -------------------------------------------------------- |
 * | upsertMailbox                 | 1 (merge set of the mailbox document)                    |
 * | advanceCursor                 | 1 when the cursor moved (transaction), 0 when refused     |
 * | createScan                    | 1 when created, 0 when the scan existed (create refused) |
 * | putEngineResult               | 1 when written, 0 when the engine had reported already   |
 * | putCachedEngineResult         | 1 (set of the engineCache document)                      |
 * | decideOnce                    | 1 when this call decided (transaction update), else 0    |
 * | recordActionOutcome           | 1 (update of the scan)                                   |
 * | appendAudit                   | 1 (new audit document)                                   |
 * | blob put                      | chunks + 1 (manifest) when the content is new, 0 when present |
 * | every read (get/list)         | 0                                                        |
 *
 * A blob put counts as new when it is the first put of that content the wrapper sees; the
 * collection is fresh for each run and every writer is in this process, so that is when the
 * store found no manifest. Two puts of the same new content racing each other may both write
 * the chunks (only one manifest create succeeds); they are counted apart as racing puts, and
 * their chunk writes are not in the total.
 */

/** Document writes a call made, from its result. Calls not listed write nothing. */
type WriteRule<K extends keyof ScanRepository> = (result: Awaited<ReturnType<ScanRepository[K]>>) => number;

export const REPOSITORY_DOCUMENT_WRITES: { [K in keyof ScanRepository]?: WriteRule<K> } = {
  upsertMailbox: () => 1,
  advanceCursor: (moved) => (moved ? 1 : 0),
  createScan: (created) => (created ? 1 : 0),
  putEngineResult: (written) => (written ? 1 : 0),
  putCachedEngineResult: () => 1,
  decideOnce: (decided) => (decided ? 1 : 0),
  recordActionOutcome: () => 1,
  appendAudit: () => 1,
};

export interface BlobCounts {
  /** Puts that stored new content. */
  newBlobs: number;
  /** Puts of content already stored (a campaign's attachment, a re-stored subject). */
  presentPuts: number;
  /** Puts of new content that started while another put of the same content was under way. */
  racingPuts: number;
  chunkWrites: number;
  manifestWrites: number;
  bytesStored: number;
  gets: number;
}

export class StoreCounters {
  calls: Record<string, number> = {};
  writes: Record<string, number> = {};
  failures: Record<string, number> = {};
  /** Milliseconds each call took, by call, so contention (a transaction waiting on a lock) shows. */
  durationsMs: Record<string, number[]> = {};
  blobs: BlobCounts = emptyBlobCounts();

  reset(): void {
    this.calls = {};
    this.writes = {};
    this.failures = {};
    this.durationsMs = {};
    this.blobs = emptyBlobCounts();
  }

  recordDuration(call: string, startedAt: number): void {
    (this.durationsMs[call] ??= []).push(performance.now() - startedAt);
  }

  totalWrites(): number {
    return sum(Object.values(this.writes)) + this.blobs.chunkWrites + this.blobs.manifestWrites;
  }

  /** Writes by call, blob writes under `blobs.put`. */
  writesByCall(): Record<string, number> {
    const blobWrites = this.blobs.chunkWrites + this.blobs.manifestWrites;
    return { ...this.writes, ...(blobWrites > 0 ? { 'blobs.put': blobWrites } : {}) };
  }
}

/** Sees every repository call that returned, with its arguments and result. */
export type RepositoryObserver = (call: string, args: readonly unknown[], result: unknown) => void;

/**
 * The repository with every call counted and timed, its document writes derived per
 * REPOSITORY_DOCUMENT_WRITES, and each returned call shown to `observe`.
 */
export function countingRepository(inner: ScanRepository, counters: StoreCounters, observe?: RepositoryObserver): ScanRepository {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const rule = (REPOSITORY_DOCUMENT_WRITES as Record<string, ((result: unknown) => number) | undefined>)[property];
      return async (...args: unknown[]) => {
        increment(counters.calls, property);
        const startedAt = performance.now();
        try {
          const result: unknown = await (value as (...callArgs: unknown[]) => Promise<unknown>).apply(target, args);
          const writes = rule ? rule(result) : 0;
          if (writes > 0) increment(counters.writes, property, writes);
          observe?.(property, args, result);
          return result;
        } catch (error) {
          increment(counters.failures, property);
          throw error;
        } finally {
          counters.recordDuration(property, startedAt);
        }
      };
    },
  });
}

/** A BlobStore that counts its puts and the chunk and manifest documents they write. */
export class CountingBlobStore implements BlobStore {
  private readonly stored = new Set<string>();
  private readonly firstPutsUnderWay = new Set<string>();

  constructor(
    private readonly inner: BlobStore,
    /** The inner store's bytes per chunk document. */
    private readonly chunkSize: number,
    private readonly counters: StoreCounters,
  ) {}

  async put(bytes: Uint8Array): Promise<string> {
    const startedAt = performance.now();
    try {
      return await this.countedPut(bytes);
    } finally {
      this.counters.recordDuration('blobs.put', startedAt);
    }
  }

  private async countedPut(bytes: Uint8Array): Promise<string> {
    increment(this.counters.calls, 'blobs.put');
    const key = blobKeyOf(bytes);
    if (this.stored.has(key)) {
      const result = await this.inner.put(bytes);
      this.counters.blobs.presentPuts += 1;
      return result;
    }
    if (this.firstPutsUnderWay.has(key)) {
      const result = await this.inner.put(bytes);
      this.counters.blobs.racingPuts += 1;
      return result;
    }
    this.firstPutsUnderWay.add(key);
    try {
      const result = await this.inner.put(bytes);
      this.stored.add(key);
      this.counters.blobs.newBlobs += 1;
      this.counters.blobs.chunkWrites += Math.ceil(bytes.byteLength / this.chunkSize);
      this.counters.blobs.manifestWrites += 1;
      this.counters.blobs.bytesStored += bytes.byteLength;
      return result;
    } finally {
      this.firstPutsUnderWay.delete(key);
    }
  }

  async get(key: string): Promise<Buffer | null> {
    increment(this.counters.calls, 'blobs.get');
    this.counters.blobs.gets += 1;
    const startedAt = performance.now();
    try {
      return await this.inner.get(key);
    } finally {
      this.counters.recordDuration('blobs.get', startedAt);
    }
  }

  async has(key: string): Promise<boolean> {
    increment(this.counters.calls, 'blobs.has');
    return this.inner.has(key);
  }

  async delete(key: string): Promise<void> {
    increment(this.counters.calls, 'blobs.delete');
    this.stored.delete(key);
    return this.inner.delete(key);
  }
}

function emptyBlobCounts(): BlobCounts {
  return { newBlobs: 0, presentPuts: 0, racingPuts: 0, chunkWrites: 0, manifestWrites: 0, bytesStored: 0, gets: 0 };
}

function increment(counter: Record<string, number>, key: string, by = 1): void {
  counter[key] = (counter[key] ?? 0) + by;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
