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
