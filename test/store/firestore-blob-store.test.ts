import { Firestore } from '@google-cloud/firestore';
import { ConfigError } from '../../functions/src/core/errors';
import {
  chunkCount,
  DEFAULT_CHUNK_SIZE,
  FIRESTORE_BATCH_LIMITS,
  FirestoreChunkedBlobStore,
  MAX_CHUNK_SIZE,
  planChunkBatches,
} from '../../functions/src/store/firestore-blob-store';

/** The parts of the Firestore store that need no database; the rest runs against the emulator in test/integration. */

describe('planChunkBatches', () => {
  it('plans nothing for the empty blob', () => {
    expect(planChunkBatches(0, DEFAULT_CHUNK_SIZE)).toEqual([]);
  });

  it('splits a 30 MB blob at the default chunk size into commits within Firestore and emulator limits', () => {
    const size = 30_000_000;
    const batches = planChunkBatches(size, DEFAULT_CHUNK_SIZE);
    expect(batches.length).toBeGreaterThan(1);
    let next = 0;
    for (const batch of batches) {
      expect(batch.firstChunk).toBe(next);
      expect(batch.chunkCount).toBeLessThanOrEqual(FIRESTORE_BATCH_LIMITS.maxWrites);
      expect(batch.chunkCount * DEFAULT_CHUNK_SIZE).toBeLessThanOrEqual(FIRESTORE_BATCH_LIMITS.maxPayloadBytes);
      next += batch.chunkCount;
    }
    expect(next).toBe(chunkCount(size, DEFAULT_CHUNK_SIZE));
    // The emulator refuses gRPC messages over 4 MiB; production allows 10 MiB per commit.
    expect(FIRESTORE_BATCH_LIMITS.maxPayloadBytes).toBeLessThan(4 * 1024 * 1024);
  });

  it('caps a commit at 500 writes when chunks are tiny', () => {
    const batches = planChunkBatches(1200, 1);
    expect(batches).toEqual([
      { firstChunk: 0, chunkCount: 500 },
      { firstChunk: 500, chunkCount: 500 },
      { firstChunk: 1000, chunkCount: 200 },
    ]);
  });

  it('still writes one chunk per commit when a chunk exceeds the byte budget', () => {
    expect(planChunkBatches(10, 4, { maxWrites: 500, maxPayloadBytes: 3 })).toEqual([
      { firstChunk: 0, chunkCount: 1 },
      { firstChunk: 1, chunkCount: 1 },
      { firstChunk: 2, chunkCount: 1 },
    ]);
  });

  it('counts a partial last chunk', () => {
    expect(chunkCount(10, 4)).toBe(3);
    expect(chunkCount(8, 4)).toBe(2);
  });
});

describe('FirestoreChunkedBlobStore configuration', () => {
  // Building a client opens no connection; these tests never touch a database.
  const db = new Firestore({ projectId: 'demo-config-only' });
  afterAll(() => db.terminate());

  it('defaults to the blobs collection and 512 KiB chunks', () => {
    const store = new FirestoreChunkedBlobStore(db);
    expect(store.collection).toBe('blobs');
    expect(store.chunkSize).toBe(512 * 1024);
  });

  it.each([0, -1, 1.5, MAX_CHUNK_SIZE + 1, 1024 * 1024])('refuses chunk size %p', (chunkSize) => {
    expect(() => new FirestoreChunkedBlobStore(db, { chunkSize })).toThrow(ConfigError);
  });

  it.each(['', 'blobs/x/chunks', '__blobs__'])('refuses collection %j', (collection) => {
    expect(() => new FirestoreChunkedBlobStore(db, { collection })).toThrow(ConfigError);
  });
});
