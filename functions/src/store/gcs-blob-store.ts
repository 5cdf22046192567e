import { type Bucket, type File, Storage } from '@google-cloud/storage';
import { ConfigError } from '../core/errors';
import { assertBlobKey, blobKeyOf, type BlobStore, ownedCopy, verifyBlobContent } from './blob-store';
import { errorCode, withAccessErrors } from './blob-store-errors';

/**
 * How long the store waits on Cloud Storage before giving up. The library's defaults retry for
 * up to 600 s, longer than a scan function may wait for one blob; with these, an unreachable
 * or misconfigured endpoint surfaces as a BlobStoreAccessError in seconds instead of silently
 * eating the function's time budget.
 */
export interface GcsTimeouts {
  /** One HTTP request; sized for a 50 MB message on a slow link. */
  requestTimeoutMs: number;
  maxRetries: number;
  /** All attempts of one operation together. */
  totalTimeoutSeconds: number;
  maxRetryDelaySeconds: number;
}

export const GCS_TIMEOUTS: GcsTimeouts = { requestTimeoutMs: 60_000, maxRetries: 3, totalTimeoutSeconds: 120, maxRetryDelaySeconds: 8 };

/**
 * A Storage client with bounded timeouts and retries. Like every @google-cloud/storage client
 * it talks to STORAGE_EMULATOR_HOST when that is set (without credentials) and otherwise to
 * Cloud Storage with Application Default Credentials.
 */
export function createStorageClient(timeouts: GcsTimeouts = GCS_TIMEOUTS): Storage {
  return new Storage({
    timeout: timeouts.requestTimeoutMs,
    retryOptions: {
      autoRetry: true,
      maxRetries: timeouts.maxRetries,
      totalTimeout: timeouts.totalTimeoutSeconds,
      maxRetryDelay: timeouts.maxRetryDelaySeconds,
    },
  });
}

export interface GcsBlobStoreOptions {
  bucket: string;
  /** Prepended to the key to form the object name, e.g. `blobs/` gives `blobs/{sha}`. */
  prefix?: string;
  /** Defaults to createStorageClient(). */
  storage?: Storage;
}

/**
 * The production BlobStore: one Cloud Storage object per blob, named prefix + SHA-256.
 * Writes are create-if-absent (`ifGenerationMatch: 0`), so concurrent puts of the same content
 * store it once and the losers' 412 means "already there". Reads verify the hash, because a
 * checksum-valid object can still be the wrong content if something overwrote it.
 */
export class GcsBlobStore implements BlobStore {
  readonly bucketName: string;
  readonly prefix: string;
  private readonly bucket: Bucket;
  private readonly name: string;

  constructor(options: GcsBlobStoreOptions) {
    this.bucketName = options.bucket;
    this.prefix = options.prefix ?? '';
    // Bucket names are 3-222 characters of lowercase letters, digits, dots, dashes and underscores.
    if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(this.bucketName)) {
      throw new ConfigError(`not a Cloud Storage bucket name: ${JSON.stringify(this.bucketName)}`, { bucket: this.bucketName });
    }
    if (this.prefix.startsWith('/')) {
      throw new ConfigError(`blob object prefix must not start with '/': ${JSON.stringify(this.prefix)}`, { prefix: this.prefix });
    }
    this.bucket = (options.storage ?? createStorageClient()).bucket(this.bucketName);
    this.name = `gs://${this.bucketName}/${this.prefix}`;
  }

  async put(bytes: Uint8Array): Promise<string> {
    // Hash our own copy, so a caller changing its array during the upload cannot desynchronise bytes and key.
    const data = ownedCopy(bytes);
    const key = blobKeyOf(data);
    return withAccessErrors(this.name, 'put', key, async () => {
      const file = this.file(key);
      // Known content (the same attachment in many mailboxes) costs a metadata call, not an upload.
      const [exists] = await file.exists();
      if (exists) return key;
      try {
        await file.save(data, {
          resumable: false,
          contentType: 'application/octet-stream',
          metadata: { metadata: { sha256: key } },
          preconditionOpts: { ifGenerationMatch: 0 },
        });
      } catch (error) {
        // The object appeared since the check: another put of the same content won.
        if (errorCode(error) !== 412) throw error;
      }
      return key;
    });
  }

  async get(key: string): Promise<Buffer | null> {
    assertBlobKey(key, this.name);
    return withAccessErrors(this.name, 'get', key, async () => {
      let contents: Buffer;
      try {
        [contents] = await this.file(key).download();
      } catch (error) {
        if (errorCode(error) === 404) return null;
        throw error;
      }
      verifyBlobContent(this.name, key, contents);
      return contents;
    });
  }

  async has(key: string): Promise<boolean> {
    assertBlobKey(key, this.name);
    return withAccessErrors(this.name, 'has', key, async () => (await this.file(key).exists())[0]);
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key, this.name);
    await withAccessErrors(this.name, 'delete', key, async () => {
      await this.file(key).delete({ ignoreNotFound: true });
    });
  }

  /** The object a key is stored in; exposed for tests and retention tooling. */
  objectName(key: string): string {
    assertBlobKey(key, this.name);
    return this.prefix + key;
  }

  private file(key: string): File {
    return this.bucket.file(this.objectName(key));
  }
}
