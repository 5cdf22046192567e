import type { ScanSubject } from '../../core/subject/types';

/** One stream sent to clamd. */
export interface ScanPart {
  /** Where it came from, for evidence: `attachment "invoice.zip"`, `message body`. */
  label: string;
  bytes: Uint8Array;
  /** SHA-256 of an attachment (an IOC when infected); null for the body. */
  sha256: string | null;
}

/** A part that exists but was not sent, and why: it must show in the result, not vanish. */
export interface UnscannedPart {
  label: string;
  reason: string;
}

export function attachmentLabel(filename: string, index: number): string {
  if (!filename) return `attachment #${index + 1} (no file name)`;
  const shown = filename.length > 100 ? `${filename.slice(0, 99)}…` : filename;
  return `attachment ${JSON.stringify(shown)}`;
}

const BASE64_LINE_CHARS = 76;

/**
 * A fixed boundary is safe: every body line is base64 (letters, digits, `+/=`), so no line can
 * start with the `--` of a delimiter. A random one cost a CSPRNG call per message for nothing.
 */
const BODY_BOUNDARY = 'strata-body-boundary';

function base64Lines(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += BASE64_LINE_CHARS) lines.push(encoded.slice(at, at + BASE64_LINE_CHARS));
  return lines.join('\r\n');
}

/**
 * The text and HTML bodies as one small MIME message, so clamd treats them as mail: it decodes
 * the parts and applies its HTML normalisation and phishing checks to the HTML, which a bare
 * stream of text would not get. The parts are base64 so no body line can be too long for
 * clamd's mail parser or be read as a MIME boundary.
 */
export function bodyStream(text: string, html: string): Uint8Array | null {
  if (!text && !html) return null;
  const boundary = BODY_BOUNDARY;
  const part = (type: string, content: string) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(content)}\r\n`;
  const mime = [
    'From: body@strata.invalid\r\n',
    'Subject: message body\r\n',
    'MIME-Version: 1.0\r\n',
    `Content-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n`,
    text ? part('text/plain', text) : '',
    html ? part('text/html', html) : '',
    `--${boundary}--\r\n`,
  ].join('');
  // Pure ASCII (headers and base64): latin1 converts it byte for byte, without UTF-8 encoding work.
  return Buffer.from(mime, 'latin1');
}

/**
 * What the engine sends to clamd for one message: every attachment's decoded bytes (one stream
 * each; clamd unpacks archives, documents and encodings itself) and the bodies as one stream.
 * Attachments whose content the parser did not keep, and parts over `maxStreamBytes` (clamd's
 * StreamMaxLength would refuse them), are listed as unscanned.
 */
export function messageParts(subject: ScanSubject, options: { maxStreamBytes: number; scanBodies: boolean }): { parts: ScanPart[]; unscanned: UnscannedPart[] } {
  const parts: ScanPart[] = [];
  const unscanned: UnscannedPart[] = [];
  const add = (label: string, bytes: Uint8Array, sha256: string | null) => {
    if (bytes.length > options.maxStreamBytes) {
      unscanned.push({ label, reason: `${bytes.length} bytes, over the ${options.maxStreamBytes}-byte stream limit` });
    } else {
      parts.push({ label, bytes, sha256 });
    }
  };
  subject.attachments.forEach((attachment, index) => {
    const label = attachmentLabel(attachment.filename, index);
    if (attachment.content) {
      if (attachment.content.length > 0) add(label, attachment.content, attachment.sha256);
    } else if (attachment.size > 0) {
      unscanned.push({ label, reason: `content not kept by the parser (${attachment.size} bytes)` });
    }
  });
  if (options.scanBodies) {
    const body = bodyStream(subject.text, subject.html);
    if (body) add('message body', body, null);
  }
  return { parts, unscanned };
}
