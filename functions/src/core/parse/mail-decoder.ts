import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { MailParser } from 'mailparser';
import type { AttachmentStream, MessageText, StructuredHeader } from 'mailparser';

/** An attachment as decoded by mailparser, before type detection and archive inspection. */
export interface DecodedAttachment {
  filename: string;
  /** Declared Content-Type, lower-cased, no parameters; '' when the part declared none. */
  declaredType: string;
  /** The charset parameter of the declared Content-Type, '' when none. */
  charset: string;
  disposition: 'attachment' | 'inline';
  contentId: string | null;
  size: number;
  sha256: string;
  /** The decoded bytes, or null when keeping them would exceed the content budget. */
  content: Buffer | null;
  /** The first bytes, always kept, so the type can be detected even without `content`. */
  head: Buffer;
}

export interface DecodedMail {
  text: string;
  html: string;
  attachments: DecodedAttachment[];
  /** Attachments past maxAttachments: drained and counted, not kept. */
  skippedAttachments: number;
  /** Attachments whose content was not kept because of the content budget. */
  contentDropped: number;
}

export interface DecodeOptions {
  timeoutMillis: number;
  maxAttachments: number;
  /** Bytes of attachment content kept across the message. */
  maxContentBytes: number;
  /** mailparser's own safety nets; the pre-scan keeps real input well below them. */
  maxHeadSize: number;
  maxChildNodes: number;
}

export type DecodeOutcome =
  | { status: 'ok'; mail: DecodedMail }
  | { status: 'timeout'; mail: DecodedMail }
  | { status: 'failed'; mail: DecodedMail; error: unknown };

/** Written in slices so that, once stopped, mailparser has at most one slice left to split. */
const FEED_BYTES = 64 * 1024;
const HEAD_BYTES = 64 * 1024;

interface Destroyable {
  destroy(error?: Error): void;
}

/**
 * Stops mailparser for good: the parser itself plus its internal splitter streams, which would
 * otherwise keep splitting buffered input in the background after a timeout.
 */
function halt(parser: MailParser): void {
  const internals = parser as unknown as { chunkedPassthrough?: Destroyable; splitter?: Destroyable };
  for (const stream of [internals.chunkedPassthrough, internals.splitter, parser]) {
    try {
      stream?.destroy();
    } catch {
      // Already destroyed or half torn down: nothing left to stop.
    }
  }
}

function declaredContentType(attachment: AttachmentStream): { type: string; charset: string } {
  const header = attachment.headers.get('content-type') as StructuredHeader | StructuredHeader[] | undefined;
  const first = Array.isArray(header) ? header[0] : header;
  if (!first || typeof first !== 'object' || typeof first.value !== 'string') return { type: '', charset: '' };
  return { type: first.value.trim().toLowerCase(), charset: first.params?.charset ?? '' };
}

/**
 * Decodes bodies and attachments with mailparser, bounded: a timer races the parser, the input
 * is fed in slices so a stop takes effect quickly, attachment content beyond the budget is hashed
 * and dropped, and attachments past the count limit are drained without being kept.
 */
export function decodeWithMailparser(input: Buffer, options: DecodeOptions): Promise<DecodeOutcome> {
  const mail: DecodedMail = { text: '', html: '', attachments: [], skippedAttachments: 0, contentDropped: 0 };
  let contentBudget = options.maxContentBytes;

  return new Promise<DecodeOutcome>((resolve) => {
    let settled = false;
    const parser = new MailParser({
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
      checksumAlgo: false,
      maxHeadSize: options.maxHeadSize,
      maxChildNodes: options.maxChildNodes,
    });
    const settle = (outcome: DecodeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome.status !== 'ok') halt(parser);
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ status: 'timeout', mail }), Math.max(1, options.timeoutMillis));

    const collect = (attachment: AttachmentStream): void => {
      const stream: Readable = attachment.content;
      const release = (): void => {
        if (attachment.release) attachment.release();
      };
      if (mail.attachments.length >= options.maxAttachments) {
        mail.skippedAttachments++;
        stream.on('end', release);
        stream.on('error', release);
        stream.resume();
        return;
      }
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      const headChunks: Buffer[] = [];
      let headLength = 0;
      let size = 0;
      let keep = true;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
        if (headLength < HEAD_BYTES) {
          headChunks.push(chunk.subarray(0, HEAD_BYTES - headLength));
          headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
        }
        if (keep && size <= contentBudget) {
          chunks.push(chunk);
        } else if (keep) {
          keep = false;
          chunks.length = 0;
        }
      });
      stream.on('error', release);
      stream.on('end', () => {
        const { type, charset } = declaredContentType(attachment);
        let content: Buffer | null = null;
        if (keep) {
          content = Buffer.concat(chunks, size);
          contentBudget -= size;
        } else {
          mail.contentDropped++;
        }
        mail.attachments.push({
          filename: attachment.filename ?? '',
          declaredType: type,
          charset,
          disposition: attachment.contentDisposition === 'inline' ? 'inline' : 'attachment',
          contentId: attachment.cid ?? null,
          size,
          sha256: hash.digest('hex'),
          content,
          head: Buffer.concat(headChunks, headLength),
        });
        release();
      });
    };

    parser.on('error', (error: unknown) => settle({ status: 'failed', mail, error }));
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        mail.text = data.text ?? '';
        mail.html = data.html ?? '';
      } else {
        collect(data);
      }
    });
    parser.on('end', () => settle({ status: 'ok', mail }));

    let offset = 0;
    const feed = (): void => {
      while (!settled && offset < input.length) {
        const slice = input.subarray(offset, offset + FEED_BYTES);
        offset += slice.length;
        if (!parser.write(slice)) {
          parser.once('drain', feed);
          return;
        }
      }
      if (!settled) parser.end();
    };
    try {
      feed();
    } catch (error) {
      settle({ status: 'failed', mail, error });
    }
  });
}
