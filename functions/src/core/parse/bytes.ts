import { TextDecoder } from 'node:util';
import { createHash } from 'node:crypto';

export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const HTAB = 0x09;

/** A Buffer view over the same memory (no copy), so Buffer's fast search and slicing apply. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hasHighBytes(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if ((buf[i] ?? 0) >= 0x80) return true;
  }
  return false;
}

/** The end offset of a line with its trailing line ending (LF or CRLF) taken off. */
export function withoutLineEnding(buf: Uint8Array, start: number, end: number): number {
  let stop = end;
  if (stop > start && buf[stop - 1] === LF) {
    stop--;
    if (stop > start && buf[stop - 1] === CR) stop--;
  }
  return stop;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Header bytes as text: RFC 6532 allows raw UTF-8 in headers, older mail carries raw latin1.
 * UTF-8 is tried only when there are high bytes, and only accepted when it is valid.
 */
export function decodeHeaderBytes(buf: Buffer, start: number, end: number): string {
  if (!hasHighBytes(buf, start, end)) return buf.toString('latin1', start, end);
  try {
    return utf8Strict.decode(buf.subarray(start, end));
  } catch {
    return buf.toString('latin1', start, end);
  }
}

/** Bytes as text when no charset is known: UTF-8 when the bytes are valid UTF-8, else latin1. */
export function decodeUnlabelled(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return asBuffer(bytes).toString('latin1');
  }
}

/** True when the buffer has more than `max` line feeds; stops counting there, so the cost is bounded. */
export function hasMoreLinesThan(buf: Buffer, max: number): boolean {
  let count = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (++count > max) return true;
  }
  return false;
}
