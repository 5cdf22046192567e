import type { EmailAddress, HeaderField, MessageIds } from '../subject/types';
import type { AnomalyLog } from './anomalies';
import { parseAddressList, parseSingleAddress } from './addresses';
import { decodeHeaderBytes } from './bytes';
import { decodeEncodedWords } from './encoded-words';
import type { HeaderFieldRange } from './mime-structure';

/**
 * Fields RFC 5322 allows at most once whose repetition changes what a reader is shown (two From
 * lines is a classic spoof). In-Reply-To and References are left out: list software repeats them
 * harmlessly.
 */
const SINGLETON_FIELDS = ['from', 'sender', 'reply-to', 'to', 'cc', 'message-id', 'subject', 'date'];
const MAX_REFERENCES = 200;

/** Header fields of the top-level part, in order: raw value unfolded, decoded value RFC 2047-decoded. */
export function buildHeaderFields(buf: Buffer, ranges: HeaderFieldRange[], anomalies: AnomalyLog): HeaderField[] {
  const fields: HeaderField[] = [];
  const unknownCharsets = new Set<string>();
  for (const range of ranges) {
    const raw = decodeHeaderBytes(buf, range.valueStart, range.end).replace(/\r?\n|\r/g, '').trim();
    const decoded = decodeEncodedWords(raw);
    for (const charset of decoded.unknownCharsets) unknownCharsets.add(charset);
    fields.push({ name: range.name, raw, decoded: decoded.text.trim() });
  }
  for (const charset of unknownCharsets) {
    anomalies.add('mime.unknown_charset', `encoded word in a header declares charset "${charset.slice(0, 60)}"`);
  }
  const counts = new Map<string, number>();
  for (const field of fields) counts.set(field.name, (counts.get(field.name) ?? 0) + 1);
  for (const name of SINGLETON_FIELDS) {
    const count = counts.get(name) ?? 0;
    if (count > 1) anomalies.add('mime.duplicate_header', `${name} appears ${count} times`);
  }
  return fields;
}

export interface Envelope {
  ids: Omit<MessageIds, 'rawSha256'>;
  from: EmailAddress | null;
  sender: EmailAddress | null;
  replyTo: EmailAddress[];
  returnPath: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  date: string | null;
}

function messageIdTokens(value: string, max: number): string[] {
  const ids: string[] = [];
  for (const match of value.matchAll(/<([^<>\s]*)>/g)) {
    if (ids.length >= max) break;
    if (match[1]) ids.push(match[1]);
  }
  if (ids.length === 0) {
    // Some senders omit the angle brackets.
    for (const token of value.split(/[\s,]+/)) {
      if (ids.length >= max) break;
      if (token) ids.push(token.replace(/^<|>$/g, ''));
    }
  }
  return ids;
}

/** RFC 5322 dates, tolerating comments such as `(CEST)`; null when unparseable or out of range. */
export function parseDate(value: string): string | null {
  // Real dates are short; bounding the input keeps the comment stripping linear.
  const text = value.slice(0, 200);
  if (!text) return null;
  for (const candidate of [text, text.replace(/\([^)]*\)/g, ' ').trim()]) {
    const time = Date.parse(candidate);
    if (Number.isFinite(time)) return new Date(time).toISOString();
  }
  return null;
}

/** The identity fields of a message, from its top-level header fields. */
export function buildEnvelope(fields: HeaderField[]): Envelope {
  const raws = (name: string): string[] => fields.filter((field) => field.name === name).map((field) => field.raw);
  const first = (name: string): HeaderField | undefined => fields.find((field) => field.name === name);
  return {
    ids: {
      messageId: messageIdTokens(first('message-id')?.decoded ?? '', 1)[0] ?? '',
      inReplyTo: messageIdTokens(first('in-reply-to')?.decoded ?? '', 1)[0] ?? '',
      references: messageIdTokens(raws('references').join(' '), MAX_REFERENCES),
    },
    from: parseSingleAddress(first('from')?.raw),
    sender: parseSingleAddress(first('sender')?.raw),
    replyTo: parseAddressList(raws('reply-to')),
    returnPath: parseSingleAddress(first('return-path')?.raw),
    to: parseAddressList(raws('to')),
    cc: parseAddressList(raws('cc')),
    subject: first('subject')?.decoded ?? '',
    date: parseDate(first('date')?.decoded ?? ''),
  };
}
