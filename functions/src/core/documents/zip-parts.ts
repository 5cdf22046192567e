import { isZip, listZip } from '../parse/archive/zip';
import type { ArchiveEntry } from '../parse/archive/types';
import { asBuffer } from '../parse/bytes';

/** Bounds for reading the parts of a zip-based document (OOXML, ODF). */
export interface ZipPartLimits {
  /** Entries listed. */
  maxEntries: number;
  /** Bytes of one part inflated. */
  maxPartBytes: number;
  /** Bytes inflated across all parts read from one document. */
  maxTotalBytes: number;
  /** Inflated-to-compressed ratio over which a part is not inflated. */
  maxCompressionRatio: number;
}

export const DEFAULT_ZIP_PART_LIMITS: ZipPartLimits = {
  maxEntries: 5000,
  maxPartBytes: 8 * 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
  maxCompressionRatio: 200,
};

/** A zip read lazily: the listing up front, part bytes on request within the limits. */
export class ZipParts {
  readonly paths: string[];
  /** Parts that could not be read (over a bound, damaged, encrypted). */
  readonly skipped: string[] = [];
  private readonly byPath = new Map<string, ArchiveEntry>();
  private bytesLeft: number;

  private constructor(
    entries: ArchiveEntry[],
    readonly truncated: boolean,
    private readonly limits: ZipPartLimits,
  ) {
    for (const entry of entries) if (!this.byPath.has(entry.path.toLowerCase())) this.byPath.set(entry.path.toLowerCase(), entry);
    this.paths = entries.map((entry) => entry.path);
    this.bytesLeft = limits.maxTotalBytes;
  }

  /** Null when the bytes are not a readable zip. */
  static open(bytes: Uint8Array, limits: ZipPartLimits = DEFAULT_ZIP_PART_LIMITS): ZipParts | null {
    if (!isZip(bytes)) return null;
    const listing = listZip(asBuffer(bytes), limits.maxEntries);
    if (listing.entries.length === 0) return null;
    return new ZipParts(listing.entries, listing.truncated, limits);
  }

  has(path: string): boolean {
    return this.byPath.has(path.toLowerCase());
  }

  entry(path: string): ArchiveEntry | undefined {
    return this.byPath.get(path.toLowerCase());
  }

  /** The part's bytes (path compared without regard to case), or null when it is absent or may not be read. */
  read(path: string, maxBytes = this.limits.maxPartBytes): Buffer | null {
    const entry = this.byPath.get(path.toLowerCase());
    if (!entry || !entry.extract || entry.encrypted) {
      if (entry) this.skipped.push(entry.path);
      return null;
    }
    const cap = Math.min(maxBytes, this.limits.maxPartBytes, this.bytesLeft, Math.max(entry.compressedSize, 1) * this.limits.maxCompressionRatio);
    if (entry.declaredSize > cap) {
      this.skipped.push(entry.path);
      return null;
    }
    try {
      const data = entry.extract(cap);
      this.bytesLeft -= data.length;
      return data;
    } catch {
      this.skipped.push(entry.path);
      this.bytesLeft = Math.max(0, this.bytesLeft - cap);
      return null;
    }
  }

  /** The part as UTF-8 text (XML parts), or null. */
  text(path: string, maxBytes?: number): string | null {
    return this.read(path, maxBytes)?.toString('utf8') ?? null;
  }
}
