import { gunzipBounded } from './inflate';
import { type ArchiveListing, cleanArchivePath } from './types';

const FLAG_HEADER_CRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;
const TRAILER_SIZE = 8;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function zeroTerminatedEnd(buf: Buffer, start: number): number {
  const end = buf.indexOf(0, start);
  return end === -1 ? buf.length : end;
}

/** The member name a gzip stands for: its FNAME field, else the file name without `.gz`. */
function memberName(stored: string, label: string): string {
  if (stored) return stored;
  const base = label.replace(/^.*[\\/]/, '');
  if (/\.tgz$/i.test(base)) return base.replace(/\.tgz$/i, '.tar');
  return base.replace(/\.(gz|gzip)$/i, '') || 'data';
}

/**
 * A gzip file as a one-member archive. The declared size is ISIZE from the trailer: the
 * uncompressed length modulo 2^32, so it can understate; extraction is bounded regardless.
 */
export function listGzip(buf: Buffer, label: string): ArchiveListing {
  if (buf.length < 10 + TRAILER_SIZE || buf[2] !== 8) {
    return { entries: [], truncated: false, corrupt: 'gzip header is truncated or names an unknown method' };
  }
  const flags = buf[3] ?? 0;
  let p = 10;
  if (flags & FLAG_EXTRA) p += 2 + (p + 2 <= buf.length ? buf.readUInt16LE(p) : 0);
  let stored = '';
  if (flags & FLAG_NAME) {
    const end = zeroTerminatedEnd(buf, p);
    stored = buf.toString('latin1', p, Math.min(end, p + 1024));
    p = end + 1;
  }
  if (flags & FLAG_COMMENT) p = zeroTerminatedEnd(buf, p) + 1;
  if (flags & FLAG_HEADER_CRC) p += 2;
  if (p > buf.length - TRAILER_SIZE) return { entries: [], truncated: false, corrupt: 'gzip header runs past the data' };
  return {
    entries: [
      {
        path: cleanArchivePath(memberName(stored, label)),
        declaredSize: buf.readUInt32LE(buf.length - 4),
        compressedSize: buf.length - p - TRAILER_SIZE,
        encrypted: false,
        crc32: buf.readUInt32LE(buf.length - TRAILER_SIZE),
        extract: (maxOutput: number) => gunzipBounded(buf, maxOutput),
      },
    ],
    truncated: false,
    corrupt: null,
  };
}
