import { createHash } from 'node:crypto';
import { archiveFormat } from '../../core/parse/archive';
import { listGzip } from '../../core/parse/archive/gzip';
import { listTar } from '../../core/parse/archive/tar';
import type { ArchiveListing } from '../../core/parse/archive/types';
import { listZip } from '../../core/parse/archive/zip';
import { asBuffer } from '../../core/parse/bytes';
import type { ScanSubject } from '../../core/subject/types';

/** One buffer given to the rules. */
export interface YaraPart {
  /** `body-html`, `body-text`, `attachment "a.docm"`, `attachment "a.zip" member "x/y.bin"`. */
  label: string;
  bytes: Buffer;
  /** SHA-256 of the whole part when known or cheap (an IOC when a strong rule matches); null when cut. */
  sha256: () => string | null;
}

export interface PartLimits {
  maxBytesPerItem: number;
  maxBytesPerMessage: number;
  scanBodies: boolean;
  scanArchiveMembers: boolean;
  maxArchiveMembers: number;
  /** A member declaring more than this many bytes per compressed byte is not inflated. */
  maxCompressionRatio: number;
}

/** Reports a part (or the tail of one) that the limits kept from the rules. */
export type PartialScanReporter = (label: string, reason: string) => void;

function attachmentLabel(filename: string, index: number): string {
  if (!filename) return `attachment #${index + 1} (no file name)`;
  return `attachment ${JSON.stringify(filename.length > 100 ? `${filename.slice(0, 99)}…` : filename)}`;
}

function listArchive(bytes: Buffer, maxEntries: number): ArchiveListing | null {
  try {
    switch (archiveFormat(bytes)) {
      case 'zip':
        return listZip(bytes, maxEntries);
      case 'gzip':
        return listGzip(bytes, 'attachment');
      case 'tar':
        return listTar(bytes, maxEntries);
      default:
        return null;
    }
  } catch {
    return null; // unreadable archives are the parser's and ClamAV's business; the raw bytes are still scanned
  }
}

const sha256Of = (bytes: Uint8Array) => () => createHash('sha256').update(bytes).digest('hex');

/**
 * The buffers YARA sees for one message, within byte budgets (yara-x cannot be interrupted, so
 * the bytes scanned bound the time): the HTML and text bodies, every attachment's content, and
 * (one level deep) the members of zip, gzip and tar attachments, e.g. the VBA project inside a
 * .docm. A part over `maxBytesPerItem`, or past the message budget, is scanned only for its
 * beginning; what is left out is reported. Lazy: members are inflated only when reached.
 */
export function* yaraParts(subject: ScanSubject, limits: PartLimits, reportPartial: PartialScanReporter): Generator<YaraPart> {
  let budget = limits.maxBytesPerMessage;
  let membersLeft = limits.maxArchiveMembers;
  const take = (label: string, bytes: Uint8Array, sha256: () => string | null): YaraPart | null => {
    const allowed = Math.min(limits.maxBytesPerItem, budget);
    if (allowed <= 0) {
      reportPartial(label, `not scanned: the ${limits.maxBytesPerMessage}-byte budget per message is used up`);
      return null;
    }
    budget -= Math.min(allowed, bytes.length);
    if (bytes.length <= allowed) return { label, bytes: asBuffer(bytes), sha256 };
    reportPartial(label, `only the first ${allowed} of ${bytes.length} bytes scanned`);
    return { label, bytes: asBuffer(bytes).subarray(0, allowed), sha256 };
  };

  if (limits.scanBodies) {
    for (const [label, text] of [
      ['body-html', subject.html],
      ['body-text', subject.text],
    ] as const) {
      if (!text) continue;
      const part = take(label, Buffer.from(text, 'utf8'), () => null);
      if (part) yield part;
    }
  }

  const archives: { label: string; bytes: Buffer }[] = [];
  for (const [index, attachment] of subject.attachments.entries()) {
    const label = attachmentLabel(attachment.filename, index);
    if (!attachment.content) {
      if (attachment.size > 0) reportPartial(label, `not scanned: content not kept by the parser (${attachment.size} bytes)`);
      continue;
    }
    if (attachment.content.length === 0) continue;
    const part = take(label, attachment.content, () => attachment.sha256);
    if (part) yield part;
    if (limits.scanArchiveMembers && archiveFormat(attachment.content)) archives.push({ label, bytes: asBuffer(attachment.content) });
  }

  for (const archive of archives) {
    if (membersLeft <= 0) break;
    const listing = listArchive(archive.bytes, membersLeft);
    if (!listing) continue;
    for (const entry of listing.entries) {
      if (membersLeft <= 0) break;
      if (entry.path.endsWith('/') && entry.declaredSize === 0) continue;
      const label = `${archive.label} member ${JSON.stringify(entry.path.slice(0, 200))}`;
      if (entry.encrypted) {
        reportPartial(label, 'not scanned: encrypted');
        continue;
      }
      if (!entry.extract) continue;
      membersLeft--;
      const cap = Math.min(limits.maxBytesPerItem, budget);
      if (cap <= 0) {
        reportPartial(label, `not scanned: the ${limits.maxBytesPerMessage}-byte budget per message is used up`);
        break;
      }
      if (entry.declaredSize > Math.max(entry.compressedSize, 1) * limits.maxCompressionRatio) {
        reportPartial(label, `not inflated: declares ${entry.declaredSize} bytes from ${entry.compressedSize} (compression bomb?)`);
        continue;
      }
      let data: Buffer;
      try {
        data = entry.extract(cap);
      } catch {
        reportPartial(label, `not scanned: inflates past ${cap} bytes or is damaged`);
        continue;
      }
      const part = take(label, data, sha256Of(data));
      if (part) yield part;
    }
    if (listing.truncated) reportPartial(archive.label, `members past the first ${limits.maxArchiveMembers} not scanned`);
  }
}
