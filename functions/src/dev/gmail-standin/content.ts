import { createHash } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * What the stand-in needs from a message body: the snippet and the attachments, read with
 * mailparser. The summary (snippet, attachment list without bytes) is read lazily and cached per
 * message, so deliveries stay synchronous and cheap; attachment bytes are read again on demand
 * rather than held twice in memory.
 */

export interface AttachmentSummary {
  /** Stable per message and attachment position, opaque like Gmail's. */
  attachmentId: string;
  /** Position among mailparser's attachments (inline parts included). */
  index: number;
  filename: string;
  mimeType: string;
  size: number;
}

export interface MessageContent {
  snippet: string;
  mimeType: string;
  attachments: AttachmentSummary[];
}

const SNIPPET_CHARS = 200;

export function attachmentIdFor(messageId: string, index: number): string {
  return `ANGjdJ${createHash('sha256').update(`${messageId}:${index}`).digest('base64url')}`;
}

/**
 * Gmail serves every message it accepted, however broken its MIME; so does the stand-in: a
 * message mailparser cannot read has an empty snippet and no attachments.
 */
export async function readMessageContent(messageId: string, raw: Buffer): Promise<MessageContent> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  } catch {
    return { snippet: '', mimeType: 'text/plain', attachments: [] };
  }
  const text = (parsed.text ?? '').replace(/\s+/g, ' ').trim();
  const contentType = parsed.headers.get('content-type');
  const mimeType =
    typeof contentType === 'object' && contentType !== null && 'value' in contentType && typeof contentType.value === 'string'
      ? contentType.value
      : 'text/plain';
  return {
    snippet: escapeSnippet(text.slice(0, SNIPPET_CHARS)),
    mimeType,
    attachments: parsed.attachments.map((attachment, index) => ({
      attachmentId: attachmentIdFor(messageId, index),
      index,
      filename: attachment.filename ?? '',
      mimeType: attachment.contentType,
      size: attachment.content.length,
    })),
  };
}

/** The decoded bytes of one attachment, or undefined when the message has no such attachment. */
export async function readAttachment(messageId: string, raw: Buffer, attachmentId: string): Promise<Buffer | undefined> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipHtmlToText: true });
  } catch {
    return undefined;
  }
  const index = parsed.attachments.findIndex((_attachment, position) => attachmentIdFor(messageId, position) === attachmentId);
  return index < 0 ? undefined : parsed.attachments[index]?.content;
}

/** Gmail's snippets are HTML-escaped plain text. */
function escapeSnippet(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
