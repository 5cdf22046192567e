import { FieldValue, type DocumentReference, type DocumentSnapshot, type Firestore } from '@google-cloud/firestore';
import { ConfigError } from '../core/errors';
import { assertBlobKey, blobKeyOf, type BlobStore, ownedCopy, verifyBlobContent } from './blob-store';
import { BlobIntegrityError, errorCode, withAccessErrors } from './blob-store-errors';

export const DEFAULT_BLOB_COLLECTION = 'blobs';
/** Half of Firestore's 1 MiB document limit: room for the name and field overhead, and fewer bytes lost per retried write. */
export const DEFAULT_CHUNK_SIZE = 512 * 1024;
/** The largest chunk that still fits a 1 MiB document with a long document name (≤ 6 KiB) and field overhead. */
export const MAX_CHUNK_SIZE = 1_000_000;

/**
 * Limits for one batched commit. Firestore allows 500 writes and about 10 MiB of request per
 * commit, but the Firestore emulator refuses any gRPC message over 4 MiB (RESOURCE_EXHAUSTED,
 * which the client then retries for ten minutes). 3 MiB fits both, with room for document
 * names and encoding overhead; at the default chunk size that is 6 chunks per commit.
 */
export interface BatchLimits {
  maxWrites: number;
  maxPayloadBytes: number;
}

export const FIRESTORE_BATCH_LIMITS: BatchLimits = { maxWrites: 500, maxPayloadBytes: 3 * 1024 * 1024 };

/** A run of consecutive chunks written in one commit. */
export interface ChunkBatch {
  firstChunk: number;
  chunkCount: number;
}

/** How many chunks a blob of `size` bytes takes (an empty blob takes none: its manifest says it all). */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** Splits a blob's chunks into commits that each stay within `limits`. Pure, so the arithmetic is tested on its own. */
export function planChunkBatches(size: number, chunkSize: number, limits: BatchLimits = FIRESTORE_BATCH_LIMITS): ChunkBatch[] {
  const total = chunkCount(size, chunkSize);
  const perBatch = Math.max(1, Math.min(limits.maxWrites, Math.floor(limits.maxPayloadBytes / chunkSize)));
  const batches: ChunkBatch[] = [];
  for (let first = 0; first < total; first += perBatch) {
    batches.push({ firstChunk: first, chunkCount: Math.min(perBatch, total - first) });
  }
  return batches;
}

export interface FirestoreChunkedBlobStoreOptions {
  /** Top-level collection of manifests; chunks live in each manifest's `chunks` subcollection. */
  collection?: string;
  /**
   * Bytes per chunk document. Every writer of one collection must use the same size: concurrent
   * first writes of the same content with different sizes would interleave two layouts (which a
   * read then reports as a BlobIntegrityError, never as wrong bytes).
   */
  chunkSize?: number;
}

/** `blobs/{sha}`: written last, so its presence means every chunk is in place. */
interface BlobManifest {
  size: number;
  chunks: number;
  chunkSize: number;
}

/** gRPC status Firestore uses when `create` finds the document already there. */
const GRPC_ALREADY_EXISTS = 6;

/**
 * A BlobStore in Firestore documents, for the emulator-backed tests and the demo (production
 * uses Cloud Storage). Layout, for a blob with key `sha`:
 *
 *   {collection}/{sha}                     manifest {size, chunks, chunkSize, createdAt}
 *   {collection}/{sha}/chunks/{index}      {data: bytes}, index 0..chunks-1 in decimal
 *
 * `put` writes the chunks in commits that respect Firestore's per-commit limits and then creates
 * the manifest, so a reader never sees a manifest whose chunks are not all there. Concurrent
 * puts of the same content write identical chunks and only the first manifest `create` wins.
 * `delete` removes the manifest first (readers stop finding the blob) and then every chunk,
 * including orphans of a put that died before its manifest.
 *
 * Not covered: a put racing a delete of the same content can leave a manifest without chunks;
 * reads then raise BlobIntegrityError. Retention must only delete blobs nothing still writes.
 * Firestore TTL cannot replace `delete`: it removes the manifest but not its chunks.
 */
export class FirestoreChunkedBlobStore implements BlobStore {
  readonly collection: string;
  readonly chunkSize: number;
  private readonly name: string;

  constructor(
    private readonly db: Firestore,
    options: FirestoreChunkedBlobStoreOptions = {},
  ) {
    this.collection = options.collection ?? DEFAULT_BLOB_COLLECTION;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!/^[^/]+$/.test(this.collection) || this.collection.startsWith('__')) {
      throw new ConfigError(`blob collection must be a single top-level collection id, not ${JSON.stringify(this.collection)}`, {
        collection: this.collection,
      });
    }
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1 || this.chunkSize > MAX_CHUNK_SIZE) {
      throw new ConfigError(`blob chunk size must be an integer from 1 to ${MAX_CHUNK_SIZE} bytes, not ${this.chunkSize}`, {
        chunkSize: this.chunkSize,
      });
    }
    this.name = `firestore collection ${this.collection}`;
  }

  async put(bytes: Uint8Array): Promise<string> {
    // Hash our own copy: a caller changing its array while the commits are in flight must not
    // leave chunks that no longer hash to the key.
    const data = ownedCopy(bytes);
    const key = blobKeyOf(data);
    return withAccessErrors(this.name, 'put', key, async () => {
      const manifestRef = this.manifestRef(key);
      // Storing known content is the common case (a campaign hits many mailboxes): skip the chunk writes.
      if ((await manifestRef.get()).exists) return key;
      for (const batch of planChunkBatches(data.byteLength, this.chunkSize)) {
        const writes = this.db.batch();
        for (let index = batch.firstChunk; index < batch.firstChunk + batch.chunkCount; index += 1) {
          const start = index * this.chunkSize;
          writes.set(this.chunkRef(key, index), { data: data.subarray(start, start + this.chunkSize) });
        }
        await writes.commit();
      }
      const manifest: BlobManifest = { size: data.byteLength, chunks: chunkCount(data.byteLength, this.chunkSize), chunkSize: this.chunkSize };
      try {
        await manifestRef.create({ ...manifest, createdAt: FieldValue.serverTimestamp() });
      } catch (error) {
        // Another put of the same content finished first; its chunks are the same bytes.
        if (errorCode(error) !== GRPC_ALREADY_EXISTS) throw error;
      }
      return key;
    });
  }

  async get(key: string): Promise<Buffer | null> {
    assertBlobKey(key, this.name);
    return withAccessErrors(this.name, 'get', key, async () => {
      // The manifest and the first chunk in one batched read (one snapshot), so a blob of one
      // chunk, the usual subject, costs one round trip. The manifest is written after the chunks,
      // so a snapshot that has it has them too.
      const [manifestSnapshot, firstChunk] = await this.db.getAll(this.manifestRef(key), this.chunkRef(key, 0));
      if (!manifestSnapshot?.exists) return null;
      const manifest = this.parseManifest(key, manifestSnapshot);
      const parts: Buffer[] = [];
      // Read in the same groups as written, so one response never carries more than a commit did.
      for (const batch of planChunkBatches(manifest.size, manifest.chunkSize)) {
        // Chunk 0 was read with the manifest; it is the first batch's first chunk.
        const alreadyRead = batch.firstChunk === 0 ? [firstChunk] : [];
        const refs = Array.from({ length: batch.chunkCount - alreadyRead.length }, (_, offset) =>
          this.chunkRef(key, batch.firstChunk + alreadyRead.length + offset),
        );
        const snapshots = [...alreadyRead, ...(refs.length > 0 ? await this.db.getAll(...refs) : [])];
        for (const [offset, snapshot] of snapshots.entries()) {
          const index = batch.firstChunk + offset;
          const data: unknown = snapshot?.get('data');
          if (!snapshot?.exists || !Buffer.isBuffer(data)) {
            // A delete running alongside removes the manifest before the chunks: that is absence, not corruption.
            if (!(await this.manifestRef(key).get()).exists) return null;
            throw new BlobIntegrityError(this.name, key, `chunk ${index} of ${manifest.chunks} is missing or not bytes`, { chunk: index });
          }
          parts.push(data);
        }
      }
      const bytes = Buffer.concat(parts);
      verifyBlobContent(this.name, key, bytes, manifest.size);
      return bytes;
    });
  }

  async has(key: string): Promise<boolean> {
    assertBlobKey(key, this.name);
    return withAccessErrors(this.name, 'has', key, async () => (await this.manifestRef(key).get()).exists);
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key, this.name);
    await withAccessErrors(this.name, 'delete', key, async () => {
      const manifestRef = this.manifestRef(key);
      await manifestRef.delete();
      const chunkRefs = await manifestRef.collection('chunks').listDocuments();
      for (let first = 0; first < chunkRefs.length; first += FIRESTORE_BATCH_LIMITS.maxWrites) {
        const writes = this.db.batch();
        for (const ref of chunkRefs.slice(first, first + FIRESTORE_BATCH_LIMITS.maxWrites)) writes.delete(ref);
        await writes.commit();
      }
    });
  }

  private manifestRef(key: string): DocumentReference {
    return this.db.collection(this.collection).doc(key);
  }

  private chunkRef(key: string, index: number): DocumentReference {
    return this.manifestRef(key).collection('chunks').doc(String(index));
  }

  private parseManifest(key: string, snapshot: DocumentSnapshot): BlobManifest {
    const { size, chunks, chunkSize } = snapshot.data() ?? {};
    const wellFormed =
      Number.isSafeInteger(size) &&
      size >= 0 &&
      Number.isSafeInteger(chunkSize) &&
      chunkSize >= 1 &&
      chunks === chunkCount(size as number, chunkSize as number);
    if (!wellFormed) throw new BlobIntegrityError(this.name, key, 'manifest is malformed', { manifest: { size, chunks, chunkSize } });
    return { size, chunks, chunkSize };
  }
}
