import { decodeCharset } from './charset';

// `=?charset?B|Q?text?=`; the charset may carry an RFC 2231 language suffix (`utf-8*en`).
const ENCODED_WORD = /=\?([^?\s]{1,80})\?([bBqQ])\?([^?]*)\?=/g;

function decodeQ(text: string): Buffer {
  const bytes = Buffer.alloc(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5f /* _ */) {
      bytes[length++] = 0x20;
    } else if (code === 0x3d /* = */ && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes[length++] = parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      bytes[length++] = code & 0xff;
    }
  }
  return bytes.subarray(0, length);
}

export interface EncodedWordsResult {
  text: string;
  /** Charsets named by encoded words that could not be decoded as named. */
  unknownCharsets: string[];
}

/**
 * Decodes RFC 2047 encoded words. Whitespace between adjacent encoded words is dropped, and
 * adjacent words in the same charset are joined as bytes first, because senders split
 * multi-byte characters across words.
 */
export function decodeEncodedWords(value: string): EncodedWordsResult {
  if (!value.includes('=?')) return { text: value, unknownCharsets: [] };
  const unknownCharsets: string[] = [];
  const out: string[] = [];
  let pendingBytes: Buffer[] = [];
  let pendingCharset = '';
  let last = 0;

  const flush = (): void => {
    if (pendingBytes.length === 0) return;
    const decoded = decodeCharset(Buffer.concat(pendingBytes), pendingCharset);
    if (!decoded.known) unknownCharsets.push(pendingCharset);
    out.push(decoded.text);
    pendingBytes = [];
  };

  for (const match of value.matchAll(ENCODED_WORD)) {
    const index = match.index ?? 0;
    const gap = value.slice(last, index);
    const charset = (match[1] ?? '').split('*')[0] ?? '';
    const adjacent = pendingBytes.length > 0 && /^\s*$/.test(gap);
    if (!adjacent || charset.toLowerCase() !== pendingCharset.toLowerCase()) {
      flush();
      if (!adjacent) out.push(gap);
    }
    pendingCharset = charset;
    const payload = match[3] ?? '';
    pendingBytes.push((match[2] ?? 'B').toUpperCase() === 'B' ? Buffer.from(payload, 'base64') : decodeQ(payload));
    last = index + match[0].length;
  }
  flush();
  out.push(value.slice(last));
  return { text: out.join(''), unknownCharsets };
}
