import { MemoryBlobStore } from '../../functions/src/store/memory-blob-store';
import { describeBlobStoreContract } from './blob-store-contract';

describeBlobStoreContract('MemoryBlobStore', {
  create: () => {
    const entries = new Map<string, Buffer>();
    return {
      store: new MemoryBlobStore(entries),
      tamper: async (key) => {
        const stored = entries.get(key);
        if (!stored) throw new Error(`nothing stored under ${key} to tamper with`);
        const changed = Buffer.from(stored);
        changed[0] = (changed[0] ?? 0) ^ 0xff;
        entries.set(key, changed);
      },
      countStoredBlobs: async () => entries.size,
    };
  },
  multiChunkBytes: 3_000_000,
});
