import { StrataError } from '../errors';

/**
 * A bounded reader of Compound File Binary (OLE2) containers, MS-CFB: legacy Office documents,
 * vbaProject.bin, MSI, embedded OLE objects.
 *
 * Why not the `cfb` package: it follows sector chains and the directory tree without loop
 * checks (`get_sector_list`, `build_full_paths`), so a crafted file with a cyclic FAT chain
 * hangs it forever in synchronous code, where no timeout can fire. Every walk here marks what
 * it has visited and stops at a cycle, a bad index or a size bound.
 */

const SIGNATURE = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const HEADER_DIFAT_ENTRIES = 109;
const DIRECTORY_ENTRY_SIZE = 128;
const MAX_REGULAR_SECTOR = 0xfffffffa;
const NO_STREAM = 0xffffffff;

export type CfbEntryType = 'storage' | 'stream' | 'root';

export interface CfbEntry {
  /** Directory index. */
  readonly index: number;
  readonly name: string;
  /** Full path from the root, `/`-separated, without the root's own name ("Macros/VBA/dir"). */
  readonly path: string;
  readonly type: CfbEntryType;
  readonly size: number;
  /** Class id as lower-case hex in file byte order (32 digits); all zeros when unset. */
  readonly clsid: string;
  readonly start: number;
}

export interface CfbLimits {
  /** Directory entries read. */
  maxEntries: number;
  /** Bytes returned by one stream read. */
  maxStreamBytes: number;
}

export const DEFAULT_CFB_LIMITS: CfbLimits = { maxEntries: 4096, maxStreamBytes: 32 * 1024 * 1024 };

export class CfbError extends StrataError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('document.cfb_corrupt', message, context);
  }
}

export function isCfb(bytes: Uint8Array): boolean {
  return bytes.length >= 512 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(SIGNATURE);
}

export class CfbFile {
  readonly entries: CfbEntry[];
  /** True when a chain or the directory was cut at a cycle, a bad index or a bound. */
  damaged = false;
  private readonly buf: Buffer;
  private readonly sectorSize: number;
  private readonly sectorCount: number;
  private readonly fat: Uint32Array;
  private readonly miniSectorSize: number;
  private readonly miniCutoff: number;
  private miniFat: Uint32Array = new Uint32Array(0);
  private miniStream: Buffer = Buffer.alloc(0);

  /** Parses header, FAT, directory and mini stream; throws CfbError when the container is unusable. */
  constructor(
    bytes: Uint8Array,
    private readonly limits: CfbLimits = DEFAULT_CFB_LIMITS,
  ) {
    if (!isCfb(bytes)) throw new CfbError('not a compound file (signature missing)');
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const shift = this.buf.readUInt16LE(0x1e);
    const miniShift = this.buf.readUInt16LE(0x20);
    if (shift !== 9 && shift !== 12) throw new CfbError(`unsupported sector shift ${shift}`);
    if (miniShift !== 6) throw new CfbError(`unsupported mini sector shift ${miniShift}`);
    this.sectorSize = 1 << shift;
    this.miniSectorSize = 1 << miniShift;
    this.miniCutoff = this.buf.readUInt32LE(0x38);
    this.sectorCount = Math.max(0, Math.floor((this.buf.length - this.sectorSize) / this.sectorSize));
    this.fat = this.readFat();
    this.entries = this.readDirectory();
    const root = this.entries.find((entry) => entry.type === 'root');
    if (root) {
      this.miniStream = this.readChain(root.start, root.size, this.fat, this.sectorSize, (sector) => this.sectorBytes(sector));
      const miniFatStart = this.buf.readUInt32LE(0x3c);
      const miniFatBytes = this.buf.readUInt32LE(0x40) * this.sectorSize;
      const raw = this.readChain(miniFatStart, miniFatBytes, this.fat, this.sectorSize, (sector) => this.sectorBytes(sector));
      this.miniFat = toUint32Array(raw);
    }
  }

  /** The stream's bytes, at most `maxBytes` (and the reader's stream bound). */
  read(entry: CfbEntry, maxBytes = this.limits.maxStreamBytes): Buffer {
    if (entry.type !== 'stream') return Buffer.alloc(0);
    const size = Math.min(entry.size, maxBytes, this.limits.maxStreamBytes);
    if (entry.size < this.miniCutoff) {
      return this.readChain(entry.start, size, this.miniFat, this.miniSectorSize, (sector) => this.miniSectorBytes(sector));
    }
    return this.readChain(entry.start, size, this.fat, this.sectorSize, (sector) => this.sectorBytes(sector));
  }

  /** The entry at a path relative to the root, compared without regard to case (as Office does). */
  find(path: string): CfbEntry | undefined {
    const wanted = path.toLowerCase();
    return this.entries.find((entry) => entry.path.toLowerCase() === wanted);
  }

  private sectorBytes(sector: number): Buffer | null {
    if (sector >= this.sectorCount) return null;
    const offset = (sector + 1) * this.sectorSize;
    return this.buf.subarray(offset, offset + this.sectorSize);
  }

  private miniSectorBytes(sector: number): Buffer | null {
    const offset = sector * this.miniSectorSize;
    if (offset + this.miniSectorSize > this.miniStream.length) return null;
    return this.miniStream.subarray(offset, offset + this.miniSectorSize);
  }

  /** Follows a chain from `start`, stopping at its end, a cycle, a bad index or `size` bytes. */
  private readChain(start: number, size: number, table: Uint32Array, unit: number, sectorAt: (sector: number) => Buffer | null): Buffer {
    const parts: Buffer[] = [];
    const visited = new Set<number>();
    let collected = 0;
    let sector = start;
    while (collected < size && sector <= MAX_REGULAR_SECTOR) {
      if (visited.has(sector) || sector >= table.length) {
        this.damaged = true;
        break;
      }
      visited.add(sector);
      const bytes = sectorAt(sector);
      if (!bytes) {
        this.damaged = true;
        break;
      }
      parts.push(bytes);
      collected += unit;
      sector = table[sector] as number;
    }
    return Buffer.concat(parts).subarray(0, size);
  }

  /** The FAT, from the header's 109 DIFAT slots and the DIFAT chain (bounded by the sectors present). */
  private readFat(): Uint32Array {
    const fatSectorCount = Math.min(this.buf.readUInt32LE(0x2c), this.sectorCount);
    const fatSectors: number[] = [];
    for (let i = 0; i < HEADER_DIFAT_ENTRIES && fatSectors.length < fatSectorCount; i++) {
      const sector = this.buf.readUInt32LE(0x4c + i * 4);
      if (sector <= MAX_REGULAR_SECTOR) fatSectors.push(sector);
    }
    let difat = this.buf.readUInt32LE(0x44);
    const seen = new Set<number>();
    const perDifat = this.sectorSize / 4 - 1;
    while (fatSectors.length < fatSectorCount && difat <= MAX_REGULAR_SECTOR && !seen.has(difat)) {
      seen.add(difat);
      const bytes = this.sectorBytes(difat);
      if (!bytes) break;
      for (let i = 0; i < perDifat && fatSectors.length < fatSectorCount; i++) {
        const sector = bytes.readUInt32LE(i * 4);
        if (sector <= MAX_REGULAR_SECTOR) fatSectors.push(sector);
      }
      difat = bytes.readUInt32LE(perDifat * 4);
    }
    const parts = fatSectors.map((sector) => this.sectorBytes(sector)).filter((bytes): bytes is Buffer => bytes !== null);
    if (parts.length === 0) throw new CfbError('no readable FAT sector');
    return toUint32Array(Buffer.concat(parts));
  }

  private readDirectory(): CfbEntry[] {
    const maxBytes = this.limits.maxEntries * DIRECTORY_ENTRY_SIZE;
    const raw = this.readChain(this.buf.readUInt32LE(0x30), maxBytes, this.fat, this.sectorSize, (sector) => this.sectorBytes(sector));
    const count = Math.floor(raw.length / DIRECTORY_ENTRY_SIZE);
    if (count === 0) throw new CfbError('empty directory');
    const records = Array.from({ length: count }, (_, index) => parseDirectoryRecord(raw, index));
    if (records[0]?.type !== 'root') throw new CfbError('first directory entry is not the root');

    // Walk the tree: siblings hang off left/right, children off `child`. Each index once.
    const entries: CfbEntry[] = [];
    const visited = new Set<number>();
    const stack: { index: number; parent: string }[] = [{ index: 0, parent: '' }];
    while (stack.length > 0) {
      const { index, parent } = stack.pop() as { index: number; parent: string };
      const record = records[index];
      if (!record || visited.has(index)) {
        if (index !== NO_STREAM) this.damaged = true;
        continue;
      }
      visited.add(index);
      if (record.type === null) continue;
      const path = record.type === 'root' ? '' : parent ? `${parent}/${record.name}` : record.name;
      entries.push({ index, name: record.name, path, type: record.type, size: record.size, clsid: record.clsid, start: record.start });
      for (const sibling of [record.left, record.right]) if (sibling !== NO_STREAM) stack.push({ index: sibling, parent });
      if (record.child !== NO_STREAM) stack.push({ index: record.child, parent: path });
    }
    return entries;
  }
}

interface DirectoryRecord {
  name: string;
  type: CfbEntryType | null;
  left: number;
  right: number;
  child: number;
  clsid: string;
  start: number;
  size: number;
}

function parseDirectoryRecord(raw: Buffer, index: number): DirectoryRecord {
  const at = index * DIRECTORY_ENTRY_SIZE;
  const nameBytes = Math.min(64, raw.readUInt16LE(at + 64));
  const name = raw.toString('utf16le', at, at + Math.max(0, nameBytes - 2));
  const typeByte = raw[at + 66];
  const type: CfbEntryType | null = typeByte === 1 ? 'storage' : typeByte === 2 ? 'stream' : typeByte === 5 ? 'root' : null;
  // Version 4 files have a 64-bit size; anything over 4 GiB is beyond any mail anyway.
  const high = raw.readUInt32LE(at + 124);
  return {
    name,
    type,
    left: raw.readUInt32LE(at + 68),
    right: raw.readUInt32LE(at + 72),
    child: raw.readUInt32LE(at + 76),
    clsid: raw.toString('hex', at + 80, at + 96),
    start: raw.readUInt32LE(at + 116),
    size: high === 0 ? raw.readUInt32LE(at + 120) : Number.MAX_SAFE_INTEGER,
  };
}

function toUint32Array(bytes: Buffer): Uint32Array {
  const out = new Uint32Array(Math.floor(bytes.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}
