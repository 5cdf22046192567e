import { createHash } from 'node:crypto';
import { decodeCharset } from './charset';
import { decodeEncodedWords } from './encoded-words';
import type { DecodedAttachment, DecodedMail } from './mail-decoder';
import { type MimePart, type MimeScan, fieldValue } from './mime-structure';
import { parseStructuredHeader } from './structured-header';
import { decodeBase64, decodeQuotedPrintable } from './transfer-encoding';

const HEAD_BYTES = 64 * 1024;

function isDropped(part: MimePart): boolean {
  for (let node: MimePart | null = part; node; node = node.parent) if (node.flattened) return true;
  return false;
}

function transferDecode(buf: Buffer, part: MimePart): Buffer {
  const body = buf.subarray(part.bodyStart, part.bodyEnd);
  if (part.transferEncoding === 'base64') return decodeBase64(buf, part.bodyStart, part.bodyEnd);
  if (part.transferEncoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

function firstValue(buf: Buffer, part: MimePart, name: string): string {
  const field = part.fields.find((candidate) => candidate.name === name);
  return field ? fieldValue(buf, field) : '';
}

/**
 * Decodes bodies and attachments straight from the pre-scanned structure. Used only when
 * mailparser fails, so that one decoder error does not cost the message its text: simpler
 * than mailparser (no format=flowed, no embedded-message summaries) but always available.
 */
export function decodeFromStructure(buf: Buffer, scan: MimeScan, maxAttachments: number, maxContentBytes: number): DecodedMail {
  const mail: DecodedMail = { text: '', html: '', attachments: [], skippedAttachments: 0, contentDropped: 0 };
  const texts: string[] = [];
  const htmls: string[] = [];
  let budget = maxContentBytes;
  for (const part of scan.parts) {
    if (part.kind !== 'leaf' || part.bodyStart < 0 || isDropped(part)) continue;
    const bytes = transferDecode(buf, part);
    const isBody = (part.contentType === 'text/plain' || part.contentType === 'text/html') && part.disposition !== 'attachment';
    if (isBody) {
      const text = decodeCharset(bytes, part.charset).text.replace(/\r\n/g, '\n');
      (part.contentType === 'text/html' ? htmls : texts).push(text);
      continue;
    }
    if (mail.attachments.length >= maxAttachments) {
      mail.skippedAttachments++;
      continue;
    }
    const disposition = parseStructuredHeader(firstValue(buf, part, 'content-disposition'));
    const contentType = parseStructuredHeader(firstValue(buf, part, 'content-type'));
    const filename = disposition.params.get('filename') ?? contentType.params.get('name') ?? '';
    const contentId = firstValue(buf, part, 'content-id').replace(/^<|>$/g, '').trim();
    const keep = bytes.length <= budget;
    if (keep) budget -= bytes.length;
    else mail.contentDropped++;
    const attachment: DecodedAttachment = {
      filename: decodeEncodedWords(filename).text,
      declaredType: part.contentTypeDeclared ? part.contentType : '',
      charset: part.charset,
      disposition: part.disposition === 'inline' ? 'inline' : 'attachment',
      contentId: contentId || null,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      content: keep ? Buffer.from(bytes) : null,
      head: Buffer.from(bytes.subarray(0, HEAD_BYTES)),
    };
    mail.attachments.push(attachment);
  }
  mail.text = texts.join('\n');
  mail.html = htmls.join('<br/>\n');
  return mail;
}
