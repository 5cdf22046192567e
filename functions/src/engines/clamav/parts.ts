import { randomBytes } from 'node:crypto';
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

function base64Lines(text: string): string {
  return (Buffer.from(text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/**
 * The text and HTML bodies as one small MIME message, so clamd treats them as mail: it decodes
 * the parts and applies its HTML normalisation and phishing checks to the HTML, which a bare
 * stream of text would not get. The parts are base64 so no body line can be too long for
 * clamd's mail parser or be read as a MIME boundary.
 */
export function bodyStream(text: string, html: string): Uint8Array | null {
  if (!text && !html) return null;
  const boundary = `strata-body-${randomBytes(12).toString('hex')}`;
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
  return Buffer.from(mime, 'utf8');
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
