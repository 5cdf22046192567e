import { archiveFormat, listArchive, type ArchiveFormat } from '../../core/parse/archive';
import type { ArchiveEntry } from '../../core/parse/archive/types';
import { encryptedZipEntries } from '../../core/documents/zip-crypto';
import { asBuffer } from '../../core/parse/bytes';

/**
 * Re-extracts archive members for content analysis. The subject keeps only member metadata, so
 * members are read again from the attachment's bytes with the parser's own archive readers,
 * within the same kind of budget (decompressed bytes and entries per message, ratio per entry,
 * nesting depth). Members over a budget keep their name and flags, without bytes.
 */

export interface WalkLimits {
  maxArchiveBytes: number;
  maxArchiveEntries: number;
  maxArchiveDepth: number;
  maxCompressionRatio: number;
}

export class WalkBudget {
  bytesLeft: number;
  entriesLeft: number;

  constructor(readonly limits: WalkLimits) {
    this.bytesLeft = limits.maxArchiveBytes;
    this.entriesLeft = limits.maxArchiveEntries;
  }
}

export interface WalkedMember {
  path: string;
  declaredSize: number;
  compressedSize: number;
  encrypted: boolean;
  /** An encrypted member opened with a password the message gives. */
  decrypted: boolean;
  /** The member's bytes; null when encrypted (and not opened), over a budget, unsupported or damaged. */
  bytes: Buffer | null;
  /** Why there are no bytes (for evidence); null when there are. */
  unread: string | null;
}

export interface WalkedArchive {
  format: ArchiveFormat;
  members: WalkedMember[];
  /** Listing or extraction stopped at the entry budget. */
  truncated: boolean;
}


function extract(entry: ArchiveEntry, budget: WalkBudget): { bytes: Buffer | null; unread: string | null } {
  if (entry.encrypted) return { bytes: null, unread: 'encrypted' };
  if (!entry.extract) return { bytes: null, unread: 'unsupported compression method' };
  const ratioCap = Math.max(entry.compressedSize, 1) * budget.limits.maxCompressionRatio;
  if (entry.declaredSize > ratioCap) return { bytes: null, unread: 'compression ratio over the limit' };
  if (entry.declaredSize > budget.bytesLeft) return { bytes: null, unread: 'over the archive byte budget' };
  const cap = Math.min(ratioCap, budget.bytesLeft);
  try {
    const bytes = entry.extract(cap);
    budget.bytesLeft -= bytes.length;
    return { bytes, unread: null };
  } catch {
    budget.bytesLeft = Math.max(0, budget.bytesLeft - cap);
    return { bytes: null, unread: 'could not be extracted' };
  }
}

/** Tries the message's passwords on an encrypted zip member (ZipCrypto), within the byte budget. */
function decryptMember(entry: ArchiveEntry, opener: ((path: string, cap: number) => Buffer | null) | null, budget: WalkBudget): Buffer | null {
  if (!opener || entry.compressedSize > budget.bytesLeft) return null;
  const cap = Math.min(Math.max(entry.compressedSize, 1) * budget.limits.maxCompressionRatio, budget.bytesLeft);
  const bytes = opener(entry.path, cap);
  if (bytes) budget.bytesLeft -= bytes.length;
  return bytes;
}

/**
 * Lists and extracts one archive level; null when the bytes are no archive the parser reads.
 * Encrypted zip members are opened when one of `passwords` fits.
 */
export function walkArchive(bytes: Uint8Array, label: string, budget: WalkBudget, passwords: readonly string[] = []): WalkedArchive | null {
  const format = archiveFormat(bytes);
  if (!format) return null;
  if (budget.entriesLeft <= 0) return { format, members: [], truncated: true };
  const listing = listArchive(format, asBuffer(bytes), label, budget.entriesLeft);
  budget.entriesLeft -= listing.entries.length;
  let opener: ((path: string, cap: number) => Buffer | null) | null = null;
  if (format === 'zip' && passwords.length > 0 && listing.entries.some((entry) => entry.encrypted)) {
    const encrypted = encryptedZipEntries(asBuffer(bytes), budget.limits.maxArchiveEntries);
    opener = (path, cap) => {
      const entry = encrypted.get(path);
      for (const password of entry ? passwords : []) {
        const data = entry?.decrypt(password, cap);
        if (data) return data;
      }
      return null;
    };
  }
  const members: WalkedMember[] = [];
  for (const entry of listing.entries) {
    if (entry.path.endsWith('/') && entry.declaredSize === 0) continue; // directory
    const decrypted = entry.encrypted ? decryptMember(entry, opener, budget) : null;
    const content = decrypted ? { bytes: decrypted, unread: null } : extract(entry, budget);
    members.push({ path: entry.path, declaredSize: entry.declaredSize, compressedSize: entry.compressedSize, encrypted: entry.encrypted, decrypted: decrypted !== null, ...content });
  }
  return { format, members, truncated: listing.truncated };
}
