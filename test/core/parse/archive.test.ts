import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DEFAULT_PARSE_LIMITS } from '../../../functions/src/core/config/limits';
import { AnomalyLog } from '../../../functions/src/core/parse/anomalies';
import { ArchiveBudget, archiveFormat, inspectArchive } from '../../../functions/src/core/parse/archive';
import { listGzip } from '../../../functions/src/core/parse/archive/gzip';
import { listTar } from '../../../functions/src/core/parse/archive/tar';
import { ArchiveCorruptError, ArchiveOutputLimitError } from '../../../functions/src/core/parse/archive/types';
import { listZip } from '../../../functions/src/core/parse/archive/zip';
import { Deadline } from '../../../functions/src/core/parse/deadline';
import { zip } from './builders';

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One ustar entry (header block with checksum, data padded to 512). */
function tarEntry(name: string, data: Buffer, type = '0'): Buffer {
  const header = Buffer.alloc(512);
  header.write(name.slice(0, 100), 0, 'latin1');
  header.write('0000644\0', 100, 'latin1');
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  header.write(type, 156, 'latin1');
  header.write('ustar\0' + '00', 257, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding]);
}

function tar(entries: Buffer[]): Buffer {
  return Buffer.concat([...entries, Buffer.alloc(1024)]);
}

function budget(overrides: Partial<typeof DEFAULT_PARSE_LIMITS> = {}): ArchiveBudget {
  return new ArchiveBudget({ ...DEFAULT_PARSE_LIMITS, ...overrides }, new AnomalyLog(), new Deadline(10_000));
}

describe('listZip', () => {
  it('lists stored and deflated entries from the central directory and extracts them', () => {
    const archive = zip([
      { name: 'stored.txt', data: Buffer.from('stored data'), method: 0 },
      { name: 'dir/deflated.txt', data: Buffer.from('deflated '.repeat(100)) },
      { name: 'ünïcode.txt', data: Buffer.from('u') },
    ]);
    const listing = listZip(archive, 100);
    expect(listing.corrupt).toBeNull();
    expect(listing.truncated).toBe(false);
    expect(listing.entries.map((entry) => [entry.path, entry.declaredSize, entry.encrypted])).toEqual([
      ['stored.txt', 11, false],
      ['dir/deflated.txt', 900, false],
      ['ünïcode.txt', 1, false],
    ]);
    expect(listing.entries[1]?.compressedSize).toBeLessThan(900);
    expect(listing.entries[1]?.extract?.(10_000).toString()).toBe('deflated '.repeat(100));
    expect(listing.entries[0]?.extract?.(10_000).toString()).toBe('stored data');
  });

  it('throws a typed error when extraction would pass the output bound', () => {
    const [entry] = listZip(zip([{ name: 'a', data: Buffer.alloc(10_000) }]), 10).entries;
    expect(() => entry?.extract?.(100)).toThrow(ArchiveOutputLimitError);
  });

  it('finds entries of an archive with bytes in front (self-extractor)', () => {
    const archive = Buffer.concat([Buffer.from('MZ stub that is not part of the zip'), zip([{ name: 'inside.txt', data: Buffer.from('inside') }])]);
    const [entry] = listZip(archive, 10).entries;
    expect(entry?.path).toBe('inside.txt');
    expect(entry?.extract?.(100).toString()).toBe('inside');
  });

  it('reports a missing end record and damaged entry data', () => {
    expect(listZip(Buffer.from('PK\u0003\u0004 and nothing else'), 10).corrupt).toBe('no end of central directory record');
    const archive = zip([{ name: 'a.txt', data: Buffer.from('a'.repeat(500)) }]);
    archive.fill(0xff, 30 + 5, 30 + 5 + 4); // inside the deflate stream
    const [entry] = listZip(archive, 10).entries;
    expect(() => entry?.extract?.(10_000)).toThrow(ArchiveCorruptError);
  });

  it('leaves entries with unsupported methods unextracted', () => {
    const archive = zip([{ name: 'a.bz2', data: Buffer.from('x'), method: 0 }]);
    archive.writeUInt16LE(12, archive.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    expect(listZip(archive, 10).entries[0]?.extract).toBeNull();
  });
});

describe('listGzip and listTar', () => {
  it('reads a gzip as one member named after its FNAME field or the file name', () => {
    const data = Buffer.from('gzip payload');
    const listing = listGzip(gzipSync(data), 'report.txt.gz');
    expect(listing.entries[0]?.path).toBe('report.txt');
    expect(listing.entries[0]?.declaredSize).toBe(data.length);
    expect(listing.entries[0]?.extract?.(1000).toString()).toBe('gzip payload');
    expect(listGzip(Buffer.from([0x1f, 0x8b, 0x08]), 'x.gz').corrupt).not.toBeNull();
  });

  it('lists regular files of a tar, with GNU long names', () => {
    const longName = `${'d/'.repeat(60)}file.txt`;
    const archive = tar([
      tarEntry('dir/', Buffer.alloc(0), '5'),
      tarEntry('a.txt', Buffer.from('alpha')),
      tarEntry('././@LongLink', Buffer.from(`${longName}\0`), 'L'),
      tarEntry(longName.slice(0, 100), Buffer.from('long')),
    ]);
    const listing = listTar(archive, 100);
    expect(listing.corrupt).toBeNull();
    expect(listing.entries.map((entry) => entry.path)).toEqual(['a.txt', longName]);
    expect(listing.entries[1]?.extract?.(100).toString()).toBe('long');
  });

  it('reports a tar header with a bad checksum', () => {
    const archive = tar([tarEntry('a.txt', Buffer.from('alpha'))]);
    archive[0] = 0x41;
    expect(listTar(archive, 10).corrupt).toMatch(/checksum/);
  });
});

describe('inspectArchive', () => {
  it('detects formats by magic bytes only', () => {
    expect(archiveFormat(zip([]))).toBe('zip');
    expect(archiveFormat(gzipSync(Buffer.from('x')))).toBe('gzip');
    expect(archiveFormat(tar([tarEntry('a', Buffer.from('a'))]))).toBe('tar');
    expect(archiveFormat(Buffer.from('%PDF-1.7'))).toBeNull();
  });

  it('opens a .tar.gz as one level and gives members type and hash', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const tgz = gzipSync(tar([tarEntry('bin/tool.exe', exe), tarEntry('img.png', png)]));
    const shared = budget({ maxArchiveDepth: 1 });
    const members = await inspectArchive(tgz, 'bundle.tgz', shared);
    expect(members).toHaveLength(1);
    expect(members[0]?.path).toBe('bundle.tar');
    expect(members[0]?.members.map((member) => [member.path, member.detectedType, member.sha256])).toEqual([
      ['bin/tool.exe', 'application/x-msdownload', sha256(exe)],
      ['img.png', 'image/png', sha256(png)],
    ]);
    expect(shared.anomalies.toArray()).toEqual([]);
  });

  it('charges extracted bytes to the shared budget', async () => {
    const shared = budget();
    const archive = zip([{ name: 'a', data: Buffer.alloc(1000, 1) }, { name: 'b', data: Buffer.alloc(500, 2) }]);
    await inspectArchive(archive, 'x.zip', shared);
    expect(shared.bytesLeft).toBe(DEFAULT_PARSE_LIMITS.maxArchiveBytes - 1500);
    expect(shared.entriesLeft).toBe(DEFAULT_PARSE_LIMITS.maxArchiveEntries - 2);
  });

  it('reports an entry whose data does not match its CRC', async () => {
    const shared = budget();
    const archive = zip([{ name: 'tampered.txt', data: Buffer.from('hello'), crc: 12345 }]);
    const members = await inspectArchive(archive, 'x.zip', shared);
    expect(members[0]?.sha256).toBe(sha256('hello'));
    expect(shared.anomalies.toArray()).toEqual([{ code: 'archive.corrupt', detail: 'x.zip: tampered.txt fails its CRC-32 check' }]);
  });

  it('stops working on entries once the deadline has passed', async () => {
    const expired = new ArchiveBudget(DEFAULT_PARSE_LIMITS, new AnomalyLog(), new Deadline(0));
    const members = await inspectArchive(zip([{ name: 'a', data: Buffer.from('a') }]), 'x.zip', expired);
    expect(members).toEqual([expect.objectContaining({ path: 'a', sha256: null })]);
  });
});
