import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import sharp from 'sharp';
import type { EngineContext, EngineOutput, Finding } from '../../../functions/src/core/engine/types';
import { parseAuthenticationResults } from '../../../functions/src/core/parse/authentication-results';
import type { AttachmentInfo, AuthenticationSummary, ScanSubject } from '../../../functions/src/core/subject/types';
import { createQrEngine, type QrConfigInput } from '../../../functions/src/engines/qr';
import { address, makeSubject } from '../../support/subject';

export const PHISH_URL = 'https://secure-docs.example.net/auth/review?id=8f2c1';

export function context(signal: AbortSignal = new AbortController().signal): EngineContext {
  return { signal, organisationDomains: [] };
}

/** A QR code PNG as a generator would write it (4-module quiet zone unless `margin` says otherwise). */
export function qrPng(text: string, options: QRCode.QRCodeToBufferOptions = {}): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', ...options });
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const TYPES: Readonly<Record<string, [string, string]>> = {
  png: ['image/png', 'png'],
  jpg: ['image/jpeg', 'jpg'],
  gif: ['image/gif', 'gif'],
  webp: ['image/webp', 'webp'],
  bmp: ['image/bmp', 'bmp'],
  pdf: ['application/pdf', 'pdf'],
};

/** An attachment as the parser describes it; the type is taken from the file name's extension. */
export function attachment(
  bytes: Uint8Array,
  filename: string,
  options: { inline?: boolean; declaredType?: string; detectedType?: string | null } = {},
): AttachmentInfo {
  const extension = filename.slice(filename.lastIndexOf('.') + 1).toLowerCase();
  const [mime, ext] = TYPES[extension] ?? [null, null];
  return {
    filename,
    declaredType: options.declaredType ?? mime ?? 'application/octet-stream',
    detectedType: options.detectedType !== undefined ? options.detectedType : mime,
    detectedExtension: ext,
    size: bytes.length,
    sha256: sha256(bytes),
    disposition: options.inline ? 'inline' : 'attachment',
    contentId: options.inline ? `${filename}@01D0` : null,
    members: [],
    content: bytes,
  };
}

/** A few lines of ordinary prose, long enough that the message is not "short". */
export const LONG_TEXT = Array.from(
  { length: 12 },
  (_, line) => `Paragraph ${line + 1}: the spring programme has talks, workshops and a picnic; details and times are on our website.`,
).join('\n');

export function subjectWith(parts: { attachments?: AttachmentInfo[]; html?: string; text?: string; to?: string; from?: string; auth?: AuthenticationSummary }): ScanSubject {
  return makeSubject({
    attachments: parts.attachments ?? [],
    html: parts.html ?? '',
    text: parts.text ?? 'Please scan the code to review the document.',
    to: [address(parts.to ?? 'bob@example.org', 'Bob')],
    from: address(parts.from ?? 'notify@sender.example.com', 'Notifications'),
    ...(parts.auth ? { auth: parts.auth } : {}),
  });
}

export function dmarcPass(domain: string): AuthenticationSummary {
  const raw = `mx.google.com; dkim=pass header.i=@${domain}; spf=pass smtp.mailfrom=bounce@${domain}; dmarc=pass (p=REJECT) header.from=${domain}`;
  return parseAuthenticationResults([{ name: 'authentication-results', raw, decoded: raw }], 'mx.google.com');
}

export async function scan(subject: ScanSubject, config: QrConfigInput = {}, signal?: AbortSignal): Promise<EngineOutput> {
  return createQrEngine(config).scan(subject, context(signal));
}

export function finding(output: EngineOutput, id: string): Finding | undefined {
  return output.findings.find((item) => item.id === id);
}

export function ids(output: EngineOutput): string[] {
  return output.findings.map((item) => item.id).sort();
}

/** A picture with no QR code: gradient, shapes and text, like a banner or a photo. */
export async function pictureWithoutQr(width = 640, height = 400, seed = 0): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#${(0x3366aa + seed * 0x010203).toString(16).slice(-6)}"/><stop offset="1" stop-color="#f0c060"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width / 3}" cy="${height / 2}" r="${height / 4}" fill="#ffffff" opacity="0.6"/>
    <rect x="${width / 2}" y="${height / 5}" width="${width / 3}" height="${height / 6}" fill="#222"/>
    <text x="30" y="${height - 40}" font-size="36" fill="#111">Spring sale ${seed}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Writes an uncompressed BMP (24-bit, or 8-bit grey palette) from grey pixels. */
export function bmpFromGrey(grey: Uint8Array, width: number, height: number, bitsPerPixel: 8 | 24): Buffer {
  const stride = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  const paletteBytes = bitsPerPixel === 8 ? 256 * 4 : 0;
  const dataOffset = 14 + 40 + paletteBytes;
  const file = Buffer.alloc(dataOffset + stride * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(dataOffset, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22); // positive: bottom-up rows
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(bitsPerPixel, 28);
  for (let index = 0; index < 256 && bitsPerPixel === 8; index++) {
    file.writeUInt8(index, 54 + index * 4);
    file.writeUInt8(index, 54 + index * 4 + 1);
    file.writeUInt8(index, 54 + index * 4 + 2);
  }
  for (let row = 0; row < height; row++) {
    const target = dataOffset + (height - 1 - row) * stride;
    for (let column = 0; column < width; column++) {
      const value = grey[row * width + column] as number;
      if (bitsPerPixel === 8) file.writeUInt8(value, target + column);
      else file.fill(value, target + column * 3, target + column * 3 + 3);
    }
  }
  return file;
}

/** Grey pixels of an encoded image. */
export async function greyPixels(bytes: Buffer): Promise<{ pixels: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

/** ASCII85 encoding (Adobe, without the `<~` prefix, with the `~>` end marker). */
export function ascii85(bytes: Uint8Array): Buffer {
  let out = '';
  for (let index = 0; index < bytes.length; index += 4) {
    const chunk = [0, 1, 2, 3].map((offset) => bytes[index + offset] ?? 0);
    const count = Math.min(4, bytes.length - index);
    let value = ((chunk[0] as number) * 2 ** 24 + ((chunk[1] as number) << 16) + ((chunk[2] as number) << 8) + (chunk[3] as number)) >>> 0;
    if (value === 0 && count === 4) {
      out += 'z';
      continue;
    }
    const digits: string[] = [];
    for (let digit = 0; digit < 5; digit++) {
      digits.unshift(String.fromCharCode(33 + (value % 85)));
      value = Math.floor(value / 85);
    }
    out += digits.slice(0, count + 1).join('');
  }
  return Buffer.from(`${out}~>`, 'latin1');
}

/** PNG rows with the Sub filter (type 1) on every row, as PDF writers do with Predictor 15. */
export function pngPredicted(grey: Uint8Array, width: number, height: number): Buffer {
  const out = Buffer.alloc((width + 1) * height);
  for (let row = 0; row < height; row++) {
    out[row * (width + 1)] = 1;
    for (let column = 0; column < width; column++) {
      const value = grey[row * width + column] as number;
      const left = column > 0 ? (grey[row * width + column - 1] as number) : 0;
      out[row * (width + 1) + 1 + column] = (value - left) & 0xff;
    }
  }
  return out;
}

/** Packs grey pixels into 1 bit per pixel (1 = white), rows padded to whole bytes. */
export function packBits(grey: Uint8Array, width: number, height: number, darkBit: 0 | 1): Buffer {
  const rowBytes = Math.ceil(width / 8);
  const out = Buffer.alloc(rowBytes * height);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const dark = (grey[row * width + column] as number) < 128;
      const bit = dark ? darkBit : 1 - darkBit;
      if (bit) out[row * rowBytes + (column >> 3)] = (out[row * rowBytes + (column >> 3)] as number) | (0x80 >> (column & 7));
    }
  }
  return out;
}

/** A PNG whose header declares `width`×`height` grey pixels, with almost no pixel data behind it. */
export function declaredPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlibCrc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
