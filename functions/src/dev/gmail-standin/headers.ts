/**
 * Just enough header reading for what Gmail derives at delivery: threading (Message-ID,
 * References, In-Reply-To, Subject), search (From, To, Subject, Message-ID) and format=metadata.
 * Deliberately independent of Strata's own parser, so a parser bug cannot hide behind the stand-in.
 */

export interface HeaderField {
  name: string;
  /** Unfolded, RFC 2047 encoded words decoded. */
  value: string;
}

/** Reads the top-level header block (up to the first empty line) of a raw message. */
export function readHeaderBlock(raw: Buffer): HeaderField[] {
  const end = headerBlockEnd(raw);
  const text = raw.subarray(0, end).toString('latin1');
  const fields: HeaderField[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const last = fields[fields.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return fields.map((field) => ({ name: field.name, value: decodeEncodedWords(utf8IfValid(field.value)) }));
}

function headerBlockEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const candidates = [crlf, lf].filter((index) => index >= 0);
  return candidates.length === 0 ? raw.length : Math.min(...candidates);
}

/** Header bytes were read as latin1; raw UTF-8 (RFC 6532) headers are re-read as UTF-8. */
function utf8IfValid(latin1: string): string {
  if (!/[\x80-\xff]/.test(latin1)) return latin1;
  const bytes = Buffer.from(latin1, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return latin1;
  }
}

const ENCODED_WORD = /=\?([^?*]+)(?:\*[^?]*)?\?([bBqQ])\?([^?]*)\?=/g;

export function decodeEncodedWords(value: string): string {
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
  const joined = value.replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(ENCODED_WORD, (word, charset: string, encoding: string, text: string) => {
    let bytes: Buffer;
    if (encoding.toUpperCase() === 'B') {
      bytes = Buffer.from(text, 'base64');
    } else {
      bytes = Buffer.from(
        text.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      );
    }
    try {
      return new TextDecoder(charset.trim().toLowerCase()).decode(bytes);
    } catch {
      return word;
    }
  });
}

export function headerValue(fields: HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find((field) => field.name.toLowerCase() === lower)?.value;
}

/** Message-IDs in a header value, without angle brackets. */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1] as string);
  if (bracketed.length > 0) return bracketed;
  return value.split(/\s+/).filter((token) => token.length > 0);
}

/** Subject with reply/forward prefixes removed, for thread matching. */
export function normaliseSubject(subject: string | undefined): string {
  let current = (subject ?? '').trim();
  for (;;) {
    const stripped = current.replace(/^(re|fw|fwd|aw|wg|sv|vs)(\[\d+\])?\s*:\s*/i, '').trim();
    if (stripped === current) return current.toLowerCase().replace(/\s+/g, ' ');
    current = stripped;
  }
}
