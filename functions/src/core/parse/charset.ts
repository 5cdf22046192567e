import { TextDecoder } from 'node:util';
import { decodeUnlabelled } from './bytes';

/**
 * Charsets a body is never decoded from, matched the way mailparser matches them: UTF-7 can carry
 * markup past a filter (`+ADw-script+AD4-`), base64 and hex are transfer encodings, not charsets.
 */
const REFUSED_CHARSET = /^(?:(?:cs)?unicode11)?utf7(?:imap)?$|^base64$|^hex$/;

/** Labels libmime/iconv-lite decode that the WHATWG Encoding Standard does not name. */
const CHARSET_ALIASES: Record<string, string> = {
  cp936: 'gbk',
  cp949: 'euc-kr',
  ks_c_5601: 'euc-kr',
  cp932: 'shift_jis',
  cp950: 'big5',
  'cp-1252': 'windows-1252',
  'win-1252': 'windows-1252',
};

const decoders = new Map<string, TextDecoder | null>();

export function normaliseCharset(label: string): string {
  return label.trim().replace(/^["']+|["']+$/g, '').toLowerCase();
}

/** A decoder for the charset, or null when it is unknown or refused. Decoders are cached per label. */
export function charsetDecoder(label: string): TextDecoder | null {
  const name = normaliseCharset(label);
  const cached = decoders.get(name);
  if (cached !== undefined) return cached;
  let decoder: TextDecoder | null = null;
  if (name && !REFUSED_CHARSET.test(name.replace(/[^a-z0-9]/g, ''))) {
    try {
      decoder = new TextDecoder(CHARSET_ALIASES[name] ?? name);
    } catch {
      decoder = null;
    }
  }
  // Bounded: hostile mail can name arbitrary charsets, and an unbounded cache would grow forever.
  if (decoders.size < 512) decoders.set(name, decoder);
  return decoder;
}

export function isKnownCharset(label: string): boolean {
  return charsetDecoder(label) !== null;
}

/**
 * Decodes bytes in the named charset. An unknown or empty charset falls back to UTF-8 when
 * the bytes are valid UTF-8 and to latin1 otherwise, so text is never lost to a bad label.
 */
export function decodeCharset(bytes: Uint8Array, label: string): { text: string; known: boolean } {
  const decoder = label ? charsetDecoder(label) : null;
  if (decoder) return { text: decoder.decode(bytes), known: true };
  return { text: decodeUnlabelled(bytes), known: label === '' };
}
