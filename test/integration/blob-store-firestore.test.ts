import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { blobKeyOf } from '../../functions/src/store/blob-store';
import { BlobIntegrityError } from '../../functions/src/store/blob-store-errors';
import { DEFAULT_CHUNK_SIZE, FirestoreChunkedBlobStore } from '../../functions/src/store/firestore-blob-store';
import { describeBlobStoreContract, type BlobStoreUnderTest } from '../store/blob-store-contract';

/** The chunked Firestore store against the real Firestore emulator started by the global setup. */

const db = new Firestore({ projectId: process.env.GCLOUD_PROJECT });
afterAll(() => db.terminate());

/** Small chunks, so a few megabytes already mean dozens of chunk documents. */
const TEST_CHUNK_SIZE = 64 * 1024;

/** Every test gets a collection of its own, so counts and leftovers never cross tests. */
function freshCollection(): string {
  return `blobs_test_${randomUUID().replace(/-/g, '')}`;
}

function underTest(chunkSize: number): BlobStoreUnderTest {
  const collection = freshCollection();
  return {
    store: new FirestoreChunkedBlobStore(db, { collection, chunkSize }),
    tamper: async (key) => {
      // Flip one byte of the second chunk, as a bad write or a manual edit would.
      const chunk = db.collection(collection).doc(key).collection('chunks').doc('1');
      const data = Buffer.from((await chunk.get()).get('data') as Buffer);
      data[0] = (data[0] ?? 0) ^ 0xff;
      await chunk.set({ data });
    },
    countStoredBlobs: async () => (await db.collection(collection).count().get()).data().count,
  };
}

describeBlobStoreContract('FirestoreChunkedBlobStore (Firestore emulator)', {
  create: () => underTest(TEST_CHUNK_SIZE),
  multiChunkBytes: 3_000_000,
  largeBlob: { bytes: 25_000_000, create: () => underTest(DEFAULT_CHUNK_SIZE), timeoutMs: 120_000 },
});

describe('FirestoreChunkedBlobStore layout and failure handling', () => {
  let collection: string;
  let store: FirestoreChunkedBlobStore;
  beforeEach(() => {
    collection = freshCollection();
    store = new FirestoreChunkedBlobStore(db, { collection, chunkSize: TEST_CHUNK_SIZE });
  });
  const manifest = (key: string) => db.collection(collection).doc(key);
  const chunks = (key: string) => manifest(key).collection('chunks');

  it('writes chunks {index} of at most chunkSize bytes and a manifest {size, chunks, chunkSize, createdAt}', async () => {
    const bytes = randomBytes(3 * TEST_CHUNK_SIZE + 10);
    const key = await store.put(bytes);
    const snapshot = await manifest(key).get();
    expect(snapshot.data()).toEqual({ size: bytes.length, chunks: 4, chunkSize: TEST_CHUNK_SIZE, createdAt: expect.any(Timestamp) });
    const chunkDocs = await chunks(key).get();
    expect(chunkDocs.docs.map((doc) => doc.id).sort()).toEqual(['0', '1', '2', '3']);
    const sizes = Object.fromEntries(chunkDocs.docs.map((doc) => [doc.id, (doc.get('data') as Buffer).length]));
    expect(sizes).toEqual({ '0': TEST_CHUNK_SIZE, '1': TEST_CHUNK_SIZE, '2': TEST_CHUNK_SIZE, '3': 10 });
  });

  it('writes no chunk documents for the empty blob', async () => {
    const key = await store.put(Buffer.alloc(0));
    expect((await manifest(key).get()).get('chunks')).toBe(0);
    expect((await chunks(key).get()).size).toBe(0);
  });

  it('does not rewrite chunks when the content is already stored', async () => {
    const bytes = randomBytes(2 * TEST_CHUNK_SIZE);
    const key = await store.put(bytes);
    const before = (await chunks(key).doc('0').get()).updateTime;
    await store.put(bytes);
    expect((await chunks(key).doc('0').get()).updateTime?.isEqual(before as Timestamp)).toBe(true);
  });

  it('reports a missing chunk behind a present manifest as corruption', async () => {
    const key = await store.put(randomBytes(3 * TEST_CHUNK_SIZE));
    await chunks(key).doc('1').delete();
    await expect(store.get(key)).rejects.toThrow(BlobIntegrityError);
    await expect(store.get(key)).rejects.toThrow(/chunk 1 of 3 is missing/);
  });

  it('reports a truncated chunk as corruption', async () => {
    const bytes = randomBytes(2 * TEST_CHUNK_SIZE);
    const key = await store.put(bytes);
    await chunks(key).doc('1').set({ data: bytes.subarray(TEST_CHUNK_SIZE, TEST_CHUNK_SIZE + 100) });
    await expect(store.get(key)).rejects.toThrow(/read 65636 bytes, manifest says 131072/);
  });

  it('reports a malformed manifest as corruption', async () => {
    const key = await store.put(randomBytes(100));
    await manifest(key).update({ chunks: 7 });
    await expect(store.get(key)).rejects.toThrow(/manifest is malformed/);
  });

  it('reads a blob written with another chunk size, from its manifest', async () => {
    const bytes = randomBytes(5 * TEST_CHUNK_SIZE);
    const key = await new FirestoreChunkedBlobStore(db, { collection, chunkSize: 100_000 }).put(bytes);
    expect((await store.get(key))?.equals(bytes)).toBe(true);
  });

  it('never shows a blob before its manifest: chunks alone read as absent', async () => {
    // What an interrupted put leaves behind.
    const bytes = randomBytes(2 * TEST_CHUNK_SIZE);
    const key = blobKeyOf(bytes);
    await chunks(key).doc('0').set({ data: bytes.subarray(0, TEST_CHUNK_SIZE) });
    expect(await store.has(key)).toBe(false);
    expect(await store.get(key)).toBeNull();
    // A later put completes the blob over the orphan.
    await store.put(bytes);
    expect((await store.get(key))?.equals(bytes)).toBe(true);
  });

  it('delete also removes orphan chunks of an interrupted put', async () => {
    const key = 'a'.repeat(64);
    await chunks(key).doc('0').set({ data: randomBytes(10) });
    await chunks(key).doc('1').set({ data: randomBytes(10) });
    await store.delete(key);
    expect((await chunks(key).get()).size).toBe(0);
  });

  it('answers reads racing a delete with the bytes or null, never an error', async () => {
    const bytes = randomBytes(40 * TEST_CHUNK_SIZE);
    for (let round = 0; round < 3; round += 1) {
      const key = await store.put(bytes);
      const reads = Array.from({ length: 4 }, () => store.get(key));
      await store.delete(key);
      for (const read of await Promise.all(reads)) {
        if (read !== null) expect(read.equals(bytes)).toBe(true);
      }
    }
  });
});

describe('firestore.rules against the emulator', () => {
  const host = process.env.FIRESTORE_EMULATOR_HOST as string;
  const project = process.env.GCLOUD_PROJECT as string;
  const documentsUrl = `http://${host}/v1/projects/${project}/databases/(default)/documents`;

  beforeAll(async () => {
    const rules = readFileSync(join(__dirname, '..', '..', 'firestore.rules'), 'utf8');
    const response = await fetch(`http://${host}/emulator/v1/projects/${project}:securityRules`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content: rules }] } }),
    });
    expect(response.status).toBe(200);
  });

  it('denies a client read and write of a blob that the server library can read', async () => {
    const collection = freshCollection();
    const key = await new FirestoreChunkedBlobStore(db, { collection }).put(Buffer.from('raw mail is not for clients'));
    const read = await fetch(`${documentsUrl}/${collection}/${key}`);
    expect(read.status).toBe(403);
    const write = await fetch(`${documentsUrl}/scans?documentId=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { verdict: { stringValue: 'clean' } } }),
    });
    expect(write.status).toBe(403);
    // The server library authenticates as the owner (IAM in production) and is not subject to rules.
    expect(await new FirestoreChunkedBlobStore(db, { collection }).has(key)).toBe(true);
  });
});
