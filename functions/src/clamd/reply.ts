import { ClamdProtocolError, ClamdReplyError } from './errors';
import type { ScanVerdict } from './types';

/** A reply without its NUL or newline terminator and surrounding blanks. */
export function cleanReply(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000\r\n]+$/g, '').trim();
}

/**
 * Reads clamd's answer to INSTREAM: `stream: OK`, `stream: <signature> FOUND`, or an error
 * (`INSTREAM size limit exceeded. ERROR`, `stream: <reason> ERROR`), which throws ClamdReplyError.
 * Anything else throws ClamdProtocolError: a reply we cannot read is never taken as clean.
 */
export function parseScanReply(raw: string): ScanVerdict {
  const reply = cleanReply(raw);
  if (/ ERROR$/.test(reply) || /^ERROR\b/.test(reply)) throw new ClamdReplyError(reply);
  const body = /^(?:\d+: )?stream: (.*)$/.exec(reply)?.[1];
  if (body === 'OK') return { infected: false };
  const found = body === undefined ? null : /^(.+) FOUND$/.exec(body);
  if (found?.[1]) return { infected: true, signature: found[1] };
  throw new ClamdProtocolError(`unexpected clamd reply: ${JSON.stringify(reply.slice(0, 200))}`);
}
