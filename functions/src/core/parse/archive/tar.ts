import { type ArchiveEntry, type ArchiveListing, ArchiveOutputLimitError, cleanArchivePath } from './types';

const BLOCK = 512;

export function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= BLOCK && Buffer.from(bytes.buffer, bytes.byteOffset + 257, 5).toString('latin1') === 'ustar';
}

function field(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('latin1', start, end === -1 || end > start + length ? start + length : end);
}

/** Octal size, or GNU base-256 when the high bit is set; NaN when unreadable. */
function parseSize(block: Buffer): number {
  if ((block[124] ?? 0) & 0x80) {
    let value = 0;
    for (let i = 125; i < 136; i++) value = value * 256 + (block[i] ?? 0);
    return value;
  }
  const text = field(block, 124, 12).trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : text === '' ? 0 : NaN;
}

function checksumMatches(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  const recorded = parseInt(field(block, 148, 8).trim(), 8);
  return recorded === sum;
}

function paxPath(data: Buffer): string | null {
  for (const record of data.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/s.exec(record);
    if (match) return match[1] ?? null;
  }
  return null;
}

/** Lists a ustar/GNU/pax tar; regular files become entries (stored, so extraction is a slice). */
export function listTar(buf: Buffer, maxEntries: number): ArchiveListing {
  const entries: ArchiveEntry[] = [];
  let offset = 0;
  let records = 0;
  let longName: string | null = null;
  let corrupt: string | null = null;
  while (offset + BLOCK <= buf.length && records < maxEntries) {
    const block = buf.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    if (!checksumMatches(block)) {
      corrupt = `tar header checksum mismatch at offset ${offset}`;
      break;
    }
    const size = parseSize(block);
    const dataStart = offset + BLOCK;
    if (!Number.isFinite(size) || dataStart + size > buf.length) {
      corrupt = `tar entry at offset ${offset} runs past the end of the archive`;
      break;
    }
    records++;
    const data = buf.subarray(dataStart, dataStart + size);
    const type = String.fromCharCode(block[156] ?? 0);
    const prefix = field(block, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    if (type === 'L') {
      longName = field(data, 0, data.length);
    } else if (type === 'x') {
      longName = paxPath(data);
    } else {
      longName = null;
      if (type === '0' || type === '\0' || type === '7') {
        entries.push({
          path: cleanArchivePath(name),
          declaredSize: size,
          compressedSize: size,
          encrypted: false,
          crc32: null,
          extract: (maxOutput: number) => {
            if (data.length > maxOutput) throw new ArchiveOutputLimitError(maxOutput, { path: name });
            return data;
          },
        });
      }
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
    // Stopped by the record limit with a further, non-empty header block still to come.
  const truncated = corrupt === null && records >= maxEntries && offset + BLOCK <= buf.length && buf.subarray(offset, offset + BLOCK).some((byte) => byte !== 0);
  return { entries, truncated, corrupt };
}
