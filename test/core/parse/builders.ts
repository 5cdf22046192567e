import { constants, crc32, deflateRawSync } from 'node:zlib';

/** Helpers that generate MIME messages and archives for parser tests (no corpus data involved). */

export const CRLF = '\r\n';

export type HeaderList = [string, string][];

/** One MIME entity: header lines, a blank line, the body. */
export function entity(headers: HeaderList, body: string): string {
  return headers.map(([name, value]) => `${name}: ${value}${CRLF}`).join('') + CRLF + body;
}

/** A multipart body with the given boundary and parts, closed properly unless `terminate` is false. */
export function multipartBody(boundary: string, parts: string[], terminate = true): string {
  const delimited = parts.map((part) => `--${boundary}${CRLF}${part}${CRLF}`).join('');
  return delimited + (terminate ? `--${boundary}--${CRLF}` : '');
}

export function bytes(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** Base64 folded at 76 characters, as mailers write it. */
export function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

export interface ZipEntrySpec {
  name: string;
  /** Uncompressed content; compressed with deflate unless `method` is 0. */
  data?: Buffer;
  /** Deflate (8, the default) or stored (0); also the method written beside `compressed`. */
  method?: 0 | 8;
  /** Bytes to store as they are (crafted streams, encrypted data); `data` then only sets the CRC and size. */
  compressed?: Buffer;
  /** Overrides the uncompressed size written to the headers (to craft lying archives). */
  declaredSize?: number;
  crc?: number;
  /** General purpose flags; bit 0 marks the entry encrypted. */
  flags?: number;
}

/** A minimal but valid zip: local headers, data, central directory, end record. */
export function zip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of entries) {
    const data = spec.data ?? Buffer.alloc(0);
    const method = spec.method ?? 8;
    const compressed = spec.compressed ?? (method === 8 ? deflateRawSync(data) : data);
    const size = spec.declaredSize ?? data.length;
    const crc = spec.crc ?? crc32(data);
    const name = Buffer.from(spec.name, 'utf8');
    const flags = (spec.flags ?? 0) | 0x0800;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A raw deflate stream of `megabytes` MiB of zeros, built without compressing them all: one MiB
 * compressed with a full flush ends byte-aligned with an empty history, so the same bytes are a
 * valid continuation any number of times; an empty final block closes the stream. 1 GiB of
 * zeros comes out at about 1 MiB.
 */
export function deflatedZeros(megabytes: number): Buffer {
  const chunk = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_FULL_FLUSH });
  const finalBlock = deflateRawSync(Buffer.alloc(0));
  return Buffer.concat([...Array.from({ length: megabytes }, () => chunk), finalBlock]);
}

/** Deterministic pseudo-random bytes (xorshift32), so hostile-input tests are reproducible. */
export function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}

export interface Measured<T> {
  value: T;
  millis: number;
  /** Growth of the resident set while the call ran, in MiB (an upper bound on what it kept or spiked to). */
  rssGrowthMb: number;
}

/** Runs the call and reports wall time and resident-memory growth. */
export async function measure<T>(run: () => Promise<T>): Promise<Measured<T>> {
  const before = process.memoryUsage().rss;
  const start = performance.now();
  const value = await run();
  const millis = performance.now() - start;
  const rssGrowthMb = (process.memoryUsage().rss - before) / (1024 * 1024);
  return { value, millis, rssGrowthMb };
}

export interface AttachedFile {
  filename: string;
  type: string;
  content: Buffer;
}

/** A multipart/mixed message with a text body and base64 attachments, as a mail client sends it. */
export function messageWithAttachments(text: string, files: readonly AttachedFile[], from = 'sender@outside.example'): Buffer {
  const boundary = 'b0undary';
  const parts = [
    entity([['Content-Type', 'text/plain; charset=utf-8']], text),
    ...files.map((file) =>
      entity(
        [
          ['Content-Type', `${file.type}; name="${file.filename}"`],
          ['Content-Disposition', `attachment; filename="${file.filename}"`],
          ['Content-Transfer-Encoding', 'base64'],
        ],
        base64Lines(file.content),
      ),
    ),
  ];
  const raw = entity(
    [
      ['From', `Sender <${from}>`],
      ['To', 'bob@example.org'],
      ['Subject', 'Documents'],
      ['MIME-Version', '1.0'],
      ['Content-Type', `multipart/mixed; boundary="${boundary}"`],
    ],
    multipartBody(boundary, parts),
  );
  return Buffer.from(raw, 'utf8');
}
