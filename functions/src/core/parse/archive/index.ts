import { crc32 } from 'node:zlib';
import type { ParseLimits } from '../../config/limits';
import type { ArchiveMember } from '../../subject/types';
import type { AnomalyLog } from '../anomalies';
import { asBuffer, sha256Hex } from '../bytes';
import type { Deadline } from '../deadline';
import { detectType } from '../detect-type';
import { isGzip, listGzip } from './gzip';
import { isTar, listTar } from './tar';
import { type ArchiveEntry, type ArchiveListing, ArchiveOutputLimitError } from './types';
import { isZip, listZip } from './zip';

export type ArchiveLimits = Pick<ParseLimits, 'maxArchiveBytes' | 'maxArchiveEntries' | 'maxArchiveDepth' | 'maxCompressionRatio'>;

/**
 * Budgets shared by every archive of one message, so that many small archives cannot add up
 * to what one large archive may not do.
 */
export class ArchiveBudget {
  bytesLeft: number;
  entriesLeft: number;

  constructor(
    readonly limits: ArchiveLimits,
    readonly anomalies: AnomalyLog,
    readonly deadline: Deadline,
  ) {
    this.bytesLeft = limits.maxArchiveBytes;
    this.entriesLeft = limits.maxArchiveEntries;
  }
}

export type ArchiveFormat = 'zip' | 'gzip' | 'tar';

export function archiveFormat(bytes: Uint8Array): ArchiveFormat | null {
  if (isZip(bytes)) return 'zip';
  if (isGzip(bytes)) return 'gzip';
  if (isTar(bytes)) return 'tar';
  return null;
}

/** The entries of an archive of a known format, at most `maxEntries` (the attachments engine walks them too). */
export function listArchive(format: ArchiveFormat, buf: Buffer, label: string, maxEntries: number): ArchiveListing {
  switch (format) {
    case 'zip':
      return listZip(buf, maxEntries);
    case 'gzip':
      return listGzip(buf, label);
    case 'tar':
      return listTar(buf, maxEntries);
  }
}

/** Extracts one entry within the ratio and byte budgets; null (plus an anomaly) when it may not or cannot be. */
function extractWithinBudget(entry: ArchiveEntry, label: string, budget: ArchiveBudget): Buffer | null {
  const { anomalies, limits } = budget;
  const where = `${label}: ${entry.path}`;
  if (!entry.extract) return null;
  const ratioCap = Math.max(entry.compressedSize, 1) * limits.maxCompressionRatio;
  if (entry.declaredSize > ratioCap) {
    anomalies.add('archive.bomb_ratio', `${where} declares ${entry.declaredSize} bytes from ${entry.compressedSize} (ratio over ${limits.maxCompressionRatio}); not inflated`);
    return null;
  }
  if (entry.declaredSize > budget.bytesLeft) {
    anomalies.add('limit.archive_bytes', `${where} (${entry.declaredSize} bytes) exceeds the ${limits.maxArchiveBytes}-byte archive budget left; not inflated`);
    return null;
  }
  const cap = Math.min(ratioCap, budget.bytesLeft);
  try {
    const data = entry.extract(cap);
    budget.bytesLeft -= data.length;
    // gzip declares the size modulo 2^32; for every other format this is plain equality.
    if (data.length % 2 ** 32 !== entry.declaredSize) {
      anomalies.add('archive.corrupt', `${where} inflates to ${data.length} bytes but declares ${entry.declaredSize}`);
    } else if (entry.crc32 !== null && crc32(data) !== entry.crc32) {
      anomalies.add('archive.corrupt', `${where} fails its CRC-32 check`);
    }
    return data;
  } catch (error) {
    if (error instanceof ArchiveOutputLimitError) {
      // The work was done, so it is charged: repeated attempts cannot exceed the budget either.
      budget.bytesLeft = Math.max(0, budget.bytesLeft - cap);
      if (ratioCap <= cap) {
        anomalies.add('archive.bomb_ratio', `${where} inflates past ${cap} bytes from ${entry.compressedSize} (ratio over ${limits.maxCompressionRatio}); stopped`);
      } else {
        anomalies.add('limit.archive_bytes', `${where} inflates past the ${limits.maxArchiveBytes}-byte archive budget; stopped`);
      }
    } else {
      anomalies.add('archive.corrupt', `${where}: ${(error as Error).message ?? String(error)}`.slice(0, 300));
    }
    return null;
  }
}

/**
 * Lists and inspects an archive's members: path, sizes, encryption, and for members that could
 * be extracted within the budgets, detected type, SHA-256 and (for nested archives, up to
 * maxArchiveDepth levels counting this one as level 1) their own members.
 */
export async function inspectArchive(bytes: Uint8Array, label: string, budget: ArchiveBudget, level = 1): Promise<ArchiveMember[]> {
  const format = archiveFormat(bytes);
  if (!format) return [];
  const { anomalies, limits } = budget;
  if (budget.entriesLeft <= 0) {
    anomalies.add('limit.archive_entries', `${label}: the ${limits.maxArchiveEntries}-entry budget is used up; not listed`);
    return [];
  }
  const listing = listArchive(format, asBuffer(bytes), label, budget.entriesLeft);
  if (listing.corrupt) anomalies.add('archive.corrupt', `${label}: ${listing.corrupt}`);
  budget.entriesLeft -= listing.entries.length;
  if (listing.truncated) {
    anomalies.add('limit.archive_entries', `${label} has more entries than the ${limits.maxArchiveEntries}-entry budget; only ${listing.entries.length} were listed`);
  }

  const members: ArchiveMember[] = [];
  for (const entry of listing.entries) {
    if (entry.path.endsWith('/') && entry.declaredSize === 0) continue; // directory
    const member: ArchiveMember = {
      path: entry.path,
      size: entry.declaredSize,
      compressedSize: entry.compressedSize,
      encrypted: entry.encrypted,
      detectedType: null,
      sha256: null,
      members: [],
    };
    members.push(member);
    if (budget.deadline.expired()) continue;
    if (entry.encrypted) {
      anomalies.add('archive.encrypted', `${label}: ${entry.path} is encrypted`);
      continue;
    }
    const data = extractWithinBudget(entry, label, budget);
    if (!data) continue;
    member.size = data.length;
    member.sha256 = sha256Hex(data);
    member.detectedType = (await detectType(data))?.mime ?? null;
    const nested = archiveFormat(data);
    if (nested) {
      // A .tar.gz is one archive to its author: the tar inside a gzip does not count as a level.
      const nestedLevel = format === 'gzip' && nested === 'tar' ? level : level + 1;
      if (nestedLevel > limits.maxArchiveDepth) {
        anomalies.add('limit.archive_depth', `${label}: ${entry.path} is an archive nested deeper than ${limits.maxArchiveDepth} levels; not opened`);
      } else {
        member.members = await inspectArchive(data, `${label}/${entry.path}`, budget, nestedLevel);
      }
    }
  }
  return members;
}
