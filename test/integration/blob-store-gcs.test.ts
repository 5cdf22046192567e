import { randomBytes, randomUUID } from 'node:crypto';
import { freePort } from '../../functions/src/dev/emulators';
import { blobKeyOf } from '../../functions/src/store/blob-store';
import { BlobStoreAccessError } from '../../functions/src/store/blob-store-errors';
import { createStorageClient, GcsBlobStore } from '../../functions/src/store/gcs-blob-store';
import { describeBlobStoreContract } from '../store/blob-store-contract';

/**
 * The Cloud Storage store. Its contract runs only where Cloud Storage can be reached: a Storage
 * emulator (STORAGE_EMULATOR_HOST) or a real bucket (GOOGLE_APPLICATION_CREDENTIALS plus
 * STRATA_TEST_GCS_BUCKET). Neither exists offline (the Firebase Storage emulator downloads
 * its jar on first start), so elsewhere this file runs one real test instead: that the store
 * fails fast, with a typed error naming the bucket, when its endpoint is unreachable.
 */

const emulatorHost = process.env.STORAGE_EMULATOR_HOST;
const realBucket = process.env.GOOGLE_APPLICATION_CREDENTIALS ? process.env.STRATA_TEST_GCS_BUCKET : undefined;
const reachable = Boolean(emulatorHost) || Boolean(realBucket);

if (reachable) {
  const bucketName = realBucket ?? 'strata-test-blobs';
  const storage = createStorageClient();
  const bucket = storage.bucket(bucketName);
  // Everything this run writes lives under one prefix, removed at the end (a real bucket is shared).
  const runPrefix = `strata-blob-store-test/${randomUUID()}/`;

  beforeAll(async () => {
    console.info(`GCS blob store contract: running against ${emulatorHost ? `emulator ${emulatorHost}` : 'Cloud Storage'}, bucket ${bucketName}`);
    if (emulatorHost && !(await bucket.exists())[0]) await bucket.create();
  });
  afterAll(async () => {
    await bucket.deleteFiles({ prefix: runPrefix, force: true });
  });

  const underTest = () => {
    const prefix = `${runPrefix}${randomUUID()}/`;
    return {
      store: new GcsBlobStore({ bucket: bucketName, prefix, storage }),
      tamper: async (key: string) => {
        const file = bucket.file(prefix + key);
        const [contents] = await file.download();
        contents[0] = (contents[0] ?? 0) ^ 0xff;
        await file.save(contents, { resumable: false });
      },
      countStoredBlobs: async () => (await bucket.getFiles({ prefix }))[0].length,
    };
  };

  describeBlobStoreContract(`GcsBlobStore (${emulatorHost ? 'Storage emulator' : 'Cloud Storage'})`, {
    create: underTest,
    multiChunkBytes: 3_000_000,
    largeBlob: { bytes: 25_000_000, create: underTest, timeoutMs: 180_000 },
  });
} else {
  describe('GcsBlobStore without a reachable Cloud Storage', () => {
    beforeAll(() => {
      // Not a pass for the contract: say plainly that it did not run here.
      console.info(
        'GCS blob store contract NOT run: set STORAGE_EMULATOR_HOST, or GOOGLE_APPLICATION_CREDENTIALS and STRATA_TEST_GCS_BUCKET, to run it.',
      );
    });

    it('fails fast with a BlobStoreAccessError naming the bucket when the endpoint refuses connections', async () => {
      const closedPort = await freePort();
      const bucket = 'strata-unreachable-bucket';
      process.env.STORAGE_EMULATOR_HOST = `http://127.0.0.1:${closedPort}`;
      let store: GcsBlobStore;
      try {
        // The client reads STORAGE_EMULATOR_HOST when it is built, exactly as in the demo.
        store = new GcsBlobStore({ bucket, prefix: 'blobs/' });
      } finally {
        delete process.env.STORAGE_EMULATOR_HOST;
      }
      const bytes = randomBytes(1000);
      const key = blobKeyOf(bytes);
      const started = Date.now();
      const outcomes = await Promise.allSettled([store.put(bytes), store.get(key), store.has(key), store.delete(key)]);
      const elapsedMs = Date.now() - started;

      expect(elapsedMs).toBeLessThan(15_000);
      outcomes.forEach((outcome, index) => {
        expect(outcome.status).toBe('rejected');
        const error = (outcome as PromiseRejectedResult).reason as unknown;
        expect(error).toBeInstanceOf(BlobStoreAccessError);
        const access = error as BlobStoreAccessError;
        expect(access.operation).toBe(['put', 'get', 'has', 'delete'][index]);
        expect(access.message).toContain(`gs://${bucket}/blobs/`);
        expect(access.message).toContain(key);
        expect(access.message).toMatch(/ECONNREFUSED/);
      });
    });
  });
}
