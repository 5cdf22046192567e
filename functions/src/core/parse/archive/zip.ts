import { inflateRawBounded } from './inflate';
import { type ArchiveEntry, type ArchiveListing, ArchiveCorruptError, ArchiveOutputLimitError, cleanArchivePath } from './types';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const EOCD_SIZE = 22;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;
const MAX_COMMENT = 0xffff;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;

/** Local file header, empty archive, or spanned-archive marker. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5 || bytes[2] === 7) && bytes[3] === bytes[2] + 1;
}

interface Directory {
  entries: number;
  size: number;
  offset: number;
  /** Bytes in front of the archive (self-extractors): added to every recorded offset. */
  shift: number;
}

function readUint64(buf: Buffer, offset: number): number {
  const value = buf.readBigUInt64LE(offset);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** The central directory's location, from the end record (and the ZIP64 one when fields overflow). */
function findDirectory(buf: Buffer): Directory | null {
  if (buf.length < EOCD_SIZE) return null;
  const searchFrom = buf.length - EOCD_SIZE;
  const searchTo = Math.max(0, searchFrom - MAX_COMMENT);
  let eocd = buf.lastIndexOf(END_OF_CENTRAL_DIRECTORY, searchFrom);
  if (eocd < searchTo) eocd = -1;
  if (eocd < 0) return null;
  const directory: Directory = {
    entries: buf.readUInt16LE(eocd + 10),
    size: buf.readUInt32LE(eocd + 12),
    offset: buf.readUInt32LE(eocd + 16),
    shift: 0,
  };
  const overflowed = directory.entries === 0xffff || directory.size === 0xffffffff || directory.offset === 0xffffffff;
  const locator = eocd - 20;
  if (overflowed && locator >= 0 && buf.readUInt32LE(locator) === ZIP64_LOCATOR) {
    const zip64End = readUint64(buf, locator + 8);
    if (zip64End + 56 <= buf.length && buf.readUInt32LE(zip64End) === ZIP64_END) {
      directory.entries = readUint64(buf, zip64End + 32);
      directory.size = readUint64(buf, zip64End + 40);
      directory.offset = readUint64(buf, zip64End + 48);
    }
  }
  // Self-extracting archives and mail-mangled zips carry bytes in front of the archive; the
  // directory then sits `shift` bytes later than recorded (the end record is authoritative).
  const expected = eocd - directory.size;
  if (expected >= 0 && expected !== directory.offset && buf.readUInt32LE(expected) === CENTRAL_HEADER) {
    return { ...directory, offset: expected, shift: expected - directory.offset };
  }
  return directory;
}

/** Sizes and offset from a ZIP64 extended-information extra field, for fields that overflowed. */
function applyZip64Extra(buf: Buffer, start: number, end: number, sizes: { size: number; compressed: number; offset: number }): void {
  let p = start;
  while (p + 4 <= end) {
    const id = buf.readUInt16LE(p);
    const length = buf.readUInt16LE(p + 2);
    const dataEnd = p + 4 + length;
    if (dataEnd > end) return;
    if (id === 0x0001) {
      let q = p + 4;
      if (sizes.size === 0xffffffff && q + 8 <= dataEnd) {
        sizes.size = readUint64(buf, q);
        q += 8;
      }
      if (sizes.compressed === 0xffffffff && q + 8 <= dataEnd) {
        sizes.compressed = readUint64(buf, q);
        q += 8;
      }
      if (sizes.offset === 0xffffffff && q + 8 <= dataEnd) sizes.offset = readUint64(buf, q);
      return;
    }
    p = dataEnd;
  }
}

function extractor(buf: Buffer, method: number, localOffset: number, compressedSize: number, path: string): ArchiveEntry['extract'] {
  if (method !== METHOD_STORED && method !== METHOD_DEFLATE) return null;
  return (maxOutput: number): Buffer => {
    if (localOffset + LOCAL_HEADER_SIZE > buf.length || buf.readUInt32LE(localOffset) !== LOCAL_HEADER) {
      throw new ArchiveCorruptError('local file header missing', { path, localOffset });
    }
    const dataStart = localOffset + LOCAL_HEADER_SIZE + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > buf.length) {
      throw new ArchiveCorruptError('entry data runs past the end of the archive', { path, dataStart, compressedSize });
    }
    const data = buf.subarray(dataStart, dataStart + compressedSize);
    if (method === METHOD_DEFLATE) return inflateRawBounded(data, maxOutput);
    if (data.length > maxOutput) throw new ArchiveOutputLimitError(maxOutput, { path });
    return data;
  };
}

/**
 * Lists a zip from its central directory (the authoritative index; local headers may carry
 * zero sizes when a data descriptor follows). At most `maxEntries` records are read.
 */
export function listZip(buf: Buffer, maxEntries: number): ArchiveListing {
  const directory = findDirectory(buf);
  if (!directory) return { entries: [], truncated: false, corrupt: 'no end of central directory record' };
  const shift = directory.shift;
  const entries: ArchiveEntry[] = [];
  const end = Math.min(buf.length, directory.offset + directory.size);
  let p = directory.offset;
  let corrupt: string | null = null;
  while (entries.length < Math.min(directory.entries, maxEntries)) {
    if (p + CENTRAL_HEADER_SIZE > end || buf.readUInt32LE(p) !== CENTRAL_HEADER) {
      corrupt = `central directory ends after ${entries.length} of ${directory.entries} entries`;
      break;
    }
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc32 = buf.readUInt32LE(p + 16);
    const sizes = { compressed: buf.readUInt32LE(p + 20), size: buf.readUInt32LE(p + 24), offset: buf.readUInt32LE(p + 42) };
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const nameStart = p + CENTRAL_HEADER_SIZE;
    const extraStart = nameStart + nameLength;
    if (extraStart + extraLength > end) {
      corrupt = 'central directory record runs past the directory';
      break;
    }
    applyZip64Extra(buf, extraStart, extraStart + extraLength, sizes);
    const name = flags & FLAG_UTF8 ? buf.toString('utf8', nameStart, extraStart) : buf.toString('latin1', nameStart, extraStart);
    const path = cleanArchivePath(name);
    entries.push({
      path,
      declaredSize: sizes.size,
      compressedSize: sizes.compressed,
      encrypted: (flags & FLAG_ENCRYPTED) !== 0,
      crc32,
      extract: extractor(buf, method, sizes.offset + shift, sizes.compressed, path),
    });
    p = extraStart + extraLength + commentLength;
  }
  return { entries, truncated: corrupt === null && directory.entries > entries.length, corrupt };
}
