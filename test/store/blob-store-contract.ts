import { createHash, randomBytes } from 'node:crypto';
import type { BlobStore } from '../../functions/src/store/blob-store';
import { BlobIntegrityError, InvalidBlobKeyError } from '../../functions/src/store/blob-store-errors';

/**
 * The behaviour every BlobStore must have, written once and registered for each
 * implementation (memory in the unit project, Firestore and Cloud Storage in the integration
 * project), so the stores cannot drift apart.
 */

/** One store in a fresh, empty namespace (a new Map, collection or object prefix), plus backdoors for the checks. */
export interface BlobStoreUnderTest {
  store: BlobStore;
  /** Changes the stored bytes of `key` behind the store's back, leaving the blob present. */
  tamper(key: string): Promise<void>;
  /** How many blobs the namespace holds, counted in the backend itself (objects, manifests, map entries). */
  countStoredBlobs(): Promise<number>;
}

export interface BlobStoreContractOptions {
  create(): Promise<BlobStoreUnderTest> | BlobStoreUnderTest;
  /** Size of the blob that must span several chunks or requests (Firestore: many chunks at the test chunk size). */
  multiChunkBytes: number;
  /** An additional, production-sized round trip (Firestore: 25 MB at the default chunk size, several commits). */
  largeBlob?: { bytes: number; create(): Promise<BlobStoreUnderTest> | BlobStoreUnderTest; timeoutMs?: number };
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function describeBlobStoreContract(name: string, options: BlobStoreContractOptions): void {
  describe(`BlobStore contract: ${name}`, () => {
    let subject: BlobStoreUnderTest;
    let store: BlobStore;

    beforeEach(async () => {
      subject = await options.create();
      store = subject.store;
    });

    it('round-trips bytes and returns them as a Buffer', async () => {
      const bytes = randomBytes(10_000);
      const key = await store.put(bytes);
      const read = await store.get(key);
      expect(Buffer.isBuffer(read)).toBe(true);
      expect(read?.equals(bytes)).toBe(true);
    });

    it('keys a blob by the lowercase hex SHA-256 of its bytes', async () => {
      const bytes = Buffer.from('Strata blob key\n');
      expect(await store.put(bytes)).toBe(sha256Hex(bytes));
    });

    it('hashes exactly the bytes of a Uint8Array view, not its whole backing buffer', async () => {
      const backing = randomBytes(4096);
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, 1000);
      const key = await store.put(view);
      expect(key).toBe(sha256Hex(backing.subarray(100, 1100)));
      expect((await store.get(key))?.equals(backing.subarray(100, 1100))).toBe(true);
    });

    it('stores the same content once however often it is put', async () => {
      const bytes = randomBytes(5000);
      const first = await store.put(bytes);
      const second = await store.put(Buffer.from(bytes));
      expect(second).toBe(first);
      expect(await subject.countStoredBlobs()).toBe(1);
      expect((await store.get(first))?.equals(bytes)).toBe(true);
    });

    it('stores content once when several puts of it race', async () => {
      const bytes = randomBytes(options.multiChunkBytes);
      const keys = await Promise.all(Array.from({ length: 6 }, () => store.put(bytes)));
      expect(new Set(keys)).toEqual(new Set([sha256Hex(bytes)]));
      expect(await subject.countStoredBlobs()).toBe(1);
      expect((await store.get(keys[0] as string))?.equals(bytes)).toBe(true);
    });

    it('keeps different contents apart', async () => {
      const [a, b] = [randomBytes(3000), randomBytes(3000)];
      const [keyA, keyB] = await Promise.all([store.put(a), store.put(b)]);
      expect(keyA).not.toBe(keyB);
      expect(await subject.countStoredBlobs()).toBe(2);
      expect((await store.get(keyA))?.equals(a)).toBe(true);
      expect((await store.get(keyB))?.equals(b)).toBe(true);
    });

    it('answers null and false for a key that was never stored', async () => {
      const key = sha256Hex(randomBytes(32));
      expect(await store.get(key)).toBeNull();
      expect(await store.has(key)).toBe(false);
    });

    it('reports presence with has', async () => {
      const bytes = randomBytes(100);
      const key = sha256Hex(bytes);
      expect(await store.has(key)).toBe(false);
      await store.put(bytes);
      expect(await store.has(key)).toBe(true);
    });

    it('deletes a blob, accepts deleting it again, and stores it anew afterwards', async () => {
      const bytes = randomBytes(options.multiChunkBytes);
      const key = await store.put(bytes);
      await store.delete(key);
      expect(await store.get(key)).toBeNull();
      expect(await store.has(key)).toBe(false);
      expect(await subject.countStoredBlobs()).toBe(0);
      await expect(store.delete(key)).resolves.toBeUndefined();
      expect(await store.put(bytes)).toBe(key);
      expect((await store.get(key))?.equals(bytes)).toBe(true);
    });

    it('stores the empty blob under the SHA-256 of nothing', async () => {
      const key = await store.put(new Uint8Array(0));
      expect(key).toBe(EMPTY_SHA256);
      expect(await store.has(key)).toBe(true);
      const read = await store.get(key);
      expect(Buffer.isBuffer(read)).toBe(true);
      expect(read?.byteLength).toBe(0);
    });

    it(`round-trips a ${options.multiChunkBytes.toLocaleString('en')}-byte blob that spans many chunks`, async () => {
      const bytes = randomBytes(options.multiChunkBytes);
      const key = await store.put(bytes);
      expect(key).toBe(sha256Hex(bytes));
      expect((await store.get(key))?.equals(bytes)).toBe(true);
    });

    it('refuses to return tampered content, with a typed error naming the key', async () => {
      const bytes = randomBytes(options.multiChunkBytes);
      const key = await store.put(bytes);
      await subject.tamper(key);
      const failure = await store.get(key).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(BlobIntegrityError);
      expect((failure as BlobIntegrityError).key).toBe(key);
      expect((failure as BlobIntegrityError).code).toBe('blob.integrity');
      expect(await store.has(key)).toBe(true);
    });

    it('is not affected by the caller changing its arrays after put or after get', async () => {
      const bytes = randomBytes(2000);
      const original = Buffer.from(bytes);
      const key = await store.put(bytes);
      bytes.fill(0);
      const read = await store.get(key);
      expect(read?.equals(original)).toBe(true);
      read?.fill(1);
      expect((await store.get(key))?.equals(original)).toBe(true);
    });

    it('stores the bytes as they were when put was called, even if the caller reuses its array at once', async () => {
      const bytes = randomBytes(options.multiChunkBytes);
      const original = Buffer.from(bytes);
      const pending = store.put(bytes);
      bytes.fill(7);
      const key = await pending;
      expect(key).toBe(sha256Hex(original));
      expect((await store.get(key))?.equals(original)).toBe(true);
    });

    it.each(['', 'not-a-key', '../escape', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', `${EMPTY_SHA256}/x`])(
      'refuses %j as a key with InvalidBlobKeyError',
      async (badKey) => {
        await expect(store.get(badKey)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.has(badKey)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.delete(badKey)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      },
    );

    if (options.largeBlob) {
      const large = options.largeBlob;
      it(
        `round-trips a ${large.bytes.toLocaleString('en')}-byte blob`,
        async () => {
          const { store: largeStore, countStoredBlobs } = await large.create();
          const bytes = randomBytes(large.bytes);
          const key = await largeStore.put(bytes);
          expect(key).toBe(sha256Hex(bytes));
          expect(await countStoredBlobs()).toBe(1);
          expect((await largeStore.get(key))?.equals(bytes)).toBe(true);
          await largeStore.delete(key);
          expect(await largeStore.has(key)).toBe(false);
        },
        large.timeoutMs,
      );
    }
  });
}
