/** What searching one image found, remembered by the image's SHA-256. */
export type CachedResult = { status: 'found'; payload: string } | { status: 'none' } | { status: 'unreadable' };

/**
 * A small LRU of decode results across messages. The same logo, signature banner or campaign
 * image arrives in many messages; decoding it once is the largest saving the engine has.
 * Map iteration order is insertion order, so re-inserting on a hit keeps the LRU order.
 */
export class ResultCache {
  private readonly entries = new Map<string, CachedResult>();

  constructor(private readonly capacity: number) {}

  get(key: string): CachedResult | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, result: CachedResult): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, result);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
