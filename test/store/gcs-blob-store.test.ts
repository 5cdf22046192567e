import { Storage } from '@google-cloud/storage';
import { ConfigError } from '../../functions/src/core/errors';
import { InvalidBlobKeyError } from '../../functions/src/store/blob-store-errors';
import { GcsBlobStore } from '../../functions/src/store/gcs-blob-store';

/**
 * Configuration and key handling of the Cloud Storage store, which need no endpoint. Its
 * behaviour against a bucket is the shared contract in test/integration/blob-store-gcs.test.ts.
 */
describe('GcsBlobStore configuration', () => {
  const storage = new Storage({ projectId: 'demo-config-only' });
  const key = 'ab'.repeat(32);

  it('names objects prefix + key', () => {
    expect(new GcsBlobStore({ bucket: 'strata-blobs', prefix: 'raw/', storage }).objectName(key)).toBe(`raw/${key}`);
    expect(new GcsBlobStore({ bucket: 'strata-blobs', storage }).objectName(key)).toBe(key);
  });

  it.each(['', 'ab', 'Upper-Case', 'bad/bucket', '-leading-dash'])('refuses bucket name %j', (bucket) => {
    expect(() => new GcsBlobStore({ bucket, storage })).toThrow(ConfigError);
  });

  it('refuses a prefix starting with a slash', () => {
    expect(() => new GcsBlobStore({ bucket: 'strata-blobs', prefix: '/raw/', storage })).toThrow(ConfigError);
  });

  it('refuses a non-hash key before any request, naming the bucket', async () => {
    const store = new GcsBlobStore({ bucket: 'strata-blobs', prefix: 'raw/', storage });
    await expect(store.get('../other-object')).rejects.toThrow(InvalidBlobKeyError);
    await expect(store.get('../other-object')).rejects.toThrow(/^gs:\/\/strata-blobs\/raw\/: /);
    expect(() => store.objectName('x')).toThrow(InvalidBlobKeyError);
  });
});
