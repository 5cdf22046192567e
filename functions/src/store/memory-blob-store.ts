import { assertBlobKey, blobKeyOf, type BlobStore, ownedCopy, verifyBlobContent } from './blob-store';

const STORE_NAME = 'memory blob store';

/**
 * A BlobStore in a Map, for unit tests of the modules that take a BlobStore. It keeps the same
 * contract as the real stores (copies in and out, hash verified on read), so a test passing
 * against it says something about production. Pass your own Map to look at or tamper with
 * what was stored.
 */
export class MemoryBlobStore implements BlobStore {
  constructor(private readonly entries: Map<string, Buffer> = new Map()) {}

  async put(bytes: Uint8Array): Promise<string> {
    const key = blobKeyOf(bytes);
    if (!this.entries.has(key)) this.entries.set(key, ownedCopy(bytes));
    return key;
  }

  async get(key: string): Promise<Buffer | null> {
    assertBlobKey(key, STORE_NAME);
    const stored = this.entries.get(key);
    if (!stored) return null;
    verifyBlobContent(STORE_NAME, key, stored);
    return ownedCopy(stored);
  }

  async has(key: string): Promise<boolean> {
    assertBlobKey(key, STORE_NAME);
    return this.entries.has(key);
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key, STORE_NAME);
    this.entries.delete(key);
  }
}
