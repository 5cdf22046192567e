import { createHash } from 'node:crypto';
import { BlobIntegrityError, InvalidBlobKeyError } from './blob-store-errors';

/**
 * Content-addressed storage for what must not ride in Pub/Sub or live in a scan document:
 * raw messages, serialised subjects, attachment bytes. The key is the SHA-256 (hex) of the
 * bytes, so a campaign sent to 1,000 mailboxes stores each attachment once.
 * Implementations: Cloud Storage (production) and chunked Firestore documents (emulator-backed
 * tests and the demo, because the Firebase Storage emulator cannot start offline).
 */
export interface BlobStore {
  /** Stores bytes under their SHA-256 and returns it. Idempotent: storing existing content is a no-op. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes for `key`, or null when absent. Verifies the hash on the way out. */
  get(key: string): Promise<Buffer | null>;
  has(key: string): Promise<boolean>;
  /** Removes a blob (retention); absent keys are fine. */
  delete(key: string): Promise<void>;
}

/** A blob key: lowercase hex SHA-256. Anything else is refused before it reaches a path or object name. */
const BLOB_KEY_PATTERN = /^[0-9a-f]{64}$/;

/** The key `bytes` are stored under. */
export function blobKeyOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isBlobKey(key: unknown): key is string {
  return typeof key === 'string' && BLOB_KEY_PATTERN.test(key);
}

/**
 * Refuses keys that are not a SHA-256, because keys become Firestore document ids and Cloud
 * Storage object names: an unchecked key could address another collection or object.
 */
export function assertBlobKey(key: unknown, store: string): asserts key is string {
  if (!isBlobKey(key)) throw new InvalidBlobKeyError(key, store);
}

/** Copies the bytes into a Buffer of their own, so later changes to the caller's array cannot reach the store. */
export function ownedCopy(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes);
}

/**
 * Checks bytes read back from a store against their key (and, where the store keeps one, the
 * recorded size) before anyone sees them.
 */
export function verifyBlobContent(store: string, key: string, bytes: Uint8Array, expectedSize?: number): void {
  if (expectedSize !== undefined && bytes.byteLength !== expectedSize) {
    throw new BlobIntegrityError(store, key, `read ${bytes.byteLength} bytes, manifest says ${expectedSize}`, {
      actualSize: bytes.byteLength,
      expectedSize,
    });
  }
  const actual = blobKeyOf(bytes);
  if (actual !== key) throw new BlobIntegrityError(store, key, 'content hash differs from key', { actualSha256: actual });
}
