import { StrataError } from '../../errors';

/** One entry of an archive listing, before any budget is applied. */
export interface ArchiveEntry {
  path: string;
  /** Uncompressed size as the archive declares it (may lie). */
  declaredSize: number;
  compressedSize: number;
  encrypted: boolean;
  /** CRC-32 declared for the entry, null when the format has none per entry. */
  crc32: number | null;
  /**
   * Returns the entry's bytes, throwing ArchiveOutputLimitError past `maxOutput` bytes and
   * ArchiveCorruptError on damaged data; null when the compression method is not supported.
   */
  extract: ((maxOutput: number) => Buffer) | null;
}

export interface ArchiveListing {
  entries: ArchiveEntry[];
  /** True when the listing stopped at the entry limit while the archive had more. */
  truncated: boolean;
  /** Why the archive could not be read completely, null when it could. */
  corrupt: string | null;
}

/** Extraction stopped because the output would pass the allowed size. */
export class ArchiveOutputLimitError extends StrataError {
  constructor(maxOutput: number, context: Record<string, unknown> = {}) {
    super('archive.output_limit', `archive entry inflates past ${maxOutput} bytes`, { maxOutput, ...context });
  }
}

/** The archive's structure or compressed data is damaged. */
export class ArchiveCorruptError extends StrataError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('archive.corrupt', message, context, options);
  }
}

/** Bounds a path taken from an archive before it goes into the subject. */
export function cleanArchivePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  return path.replace(/[\u0000-\u001f]/g, '?').slice(0, 1024);
}
