import { decodeCharset } from './charset';

export interface StructuredValue {
  /** The main value (e.g. `multipart/mixed`), trimmed, case kept. */
  value: string;
  /** Parameters keyed by lower-cased name, RFC 2231 continuations joined and decoded. */
  params: Map<string, string>;
}

/** Removes RFC 5322 comments outside quoted strings in one linear pass (nesting honoured). */
function stripComments(input: string): string {
  if (!input.includes('(')) return input;
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (ch === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += input.slice(i, i + 2);
      i++;
    } else if (quoted) {
      if (ch === '"') quoted = false;
      out += ch;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      if (ch === '"') quoted = true;
      out += ch;
    }
  }
  return out;
}

/** Splits on `;` outside quoted strings. */
function splitParams(input: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch === '\\' && quoted) {
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ';' && !quoted) {
      parts.push(input.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(input.slice(start));
  return parts;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return trimmed;
}

function percentDecode(value: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(value.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

interface Rfc2231Segment {
  index: number;
  encoded: boolean;
  value: string;
}

/**
 * Parses a MIME structured header (`Content-Type`, `Content-Disposition`): value, quoted
 * parameters, comments, and RFC 2231 continuations (`name*0*=utf-8''a%20b`).
 */
export function parseStructuredHeader(input: string): StructuredValue {
  const [head = '', ...rest] = splitParams(stripComments(input));
  const params = new Map<string, string>();
  const continued = new Map<string, Rfc2231Segment[]>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1);
    // `name*` (encoded), `name*0` (continuation), `name*0*` (encoded continuation).
    const rfc2231 = /^([^*]+)\*(\d{1,3})?(\*)?$/.exec(name);
    if (!rfc2231) {
      if (!params.has(name)) params.set(name, unquote(value));
      continue;
    }
    const base = rfc2231[1] ?? name;
    const segments = continued.get(base) ?? [];
    if (segments.length < 64) {
      const encoded = rfc2231[2] === undefined || rfc2231[3] !== undefined;
      segments.push({ index: Number(rfc2231[2] ?? 0), encoded, value: unquote(value) });
    }
    continued.set(base, segments);
  }
  for (const [name, segments] of continued) {
    segments.sort((a, b) => a.index - b.index);
    let charset = '';
    const bytes: Buffer[] = [];
    segments.forEach((segment, position) => {
      let value = segment.value;
      if (segment.encoded) {
        if (position === 0) {
          const match = /^([^']*)'[^']*'(.*)$/s.exec(value);
          if (match) {
            charset = match[1] ?? '';
            value = match[2] ?? '';
          }
        }
        bytes.push(percentDecode(value));
      } else {
        bytes.push(Buffer.from(value, 'utf8'));
      }
    });
    params.set(name, decodeCharset(Buffer.concat(bytes), charset).text);
  }
  return { value: head.trim(), params };
}
