import { CR, HTAB, LF, SP } from './bytes';

/** 0 = not base64, 1 = base64 alphabet, 2 = whitespace, 3 = padding. */
const BASE64_CLASS = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_CLASS[ch.charCodeAt(0)] = 1;
for (const code of [SP, HTAB, CR, LF, 0x0b, 0x0c]) BASE64_CLASS[code] = 2;
BASE64_CLASS[0x3d] = 3;

export type Base64Defect = 'invalid_characters' | 'bad_length' | 'data_after_padding' | null;

/**
 * Checks a base64 body the way a strict decoder would read it. Lenient decoders (mailparser's,
 * Node's) skip what they do not understand, so the defect is reported, not fatal: a body that
 * decodes differently in different clients is a known evasion.
 */
export function base64Defect(buf: Uint8Array, start: number, end: number): Base64Defect {
  let data = 0;
  let padding = 0;
  for (let i = start; i < end; i++) {
    const kind = BASE64_CLASS[buf[i] ?? 0];
    if (kind === 1) {
      if (padding > 0) return 'data_after_padding';
      data++;
    } else if (kind === 3) {
      padding++;
    } else if (kind === 0) {
      return 'invalid_characters';
    }
  }
  if (padding > 2 || (data + padding) % 4 !== 0) return 'bad_length';
  return null;
}

function isHexDigit(code: number | undefined): boolean {
  return code !== undefined && ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66));
}

/**
 * Counts `=` sequences that are neither an escape (`=3D`) nor a soft line break (`=` then
 * optional trailing whitespace, then the line ending or the end of the body).
 */
export function quotedPrintableDefects(buf: Buffer, start: number, end: number): number {
  let defects = 0;
  let i = buf.indexOf(0x3d, start);
  while (i !== -1 && i < end) {
    if (i + 2 < end && isHexDigit(buf[i + 1]) && isHexDigit(buf[i + 2])) {
      i = buf.indexOf(0x3d, i + 3);
      continue;
    }
    let j = i + 1;
    while (j < end && (buf[j] === SP || buf[j] === HTAB)) j++;
    const softBreak = j >= end || buf[j] === LF || (buf[j] === CR && (j + 1 >= end || buf[j + 1] === LF));
    if (!softBreak) defects++;
    i = buf.indexOf(0x3d, i + 1);
  }
  return defects;
}

/** Lenient quoted-printable decoder: bad escapes are kept literally, as mail clients do. */
export function decodeQuotedPrintable(buf: Uint8Array): Buffer {
  const out = Buffer.alloc(buf.length);
  let length = 0;
  for (let i = 0; i < buf.length; i++) {
    const code = buf[i] ?? 0;
    if (code !== 0x3d) {
      out[length++] = code;
      continue;
    }
    const high = buf[i + 1];
    const low = buf[i + 2];
    if (isHexDigit(high) && isHexDigit(low)) {
      out[length++] = parseInt(String.fromCharCode(high ?? 0, low ?? 0), 16);
      i += 2;
      continue;
    }
    let j = i + 1;
    while (j < buf.length && (buf[j] === SP || buf[j] === HTAB)) j++;
    if (j >= buf.length) break;
    if (buf[j] === LF) {
      i = j;
    } else if (buf[j] === CR && buf[j + 1] === LF) {
      i = j + 1;
    } else {
      out[length++] = code;
    }
  }
  return out.subarray(0, length);
}

/** Lenient base64 decoder for the fallback path (Node skips characters outside the alphabet). */
export function decodeBase64(buf: Buffer, start: number, end: number): Buffer {
  return Buffer.from(buf.toString('latin1', start, end), 'base64');
}
