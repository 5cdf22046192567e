import { createHash } from 'node:crypto';
import type { ScanSubject } from '../core/subject/types';
import { canonicalJson } from './canonical-json';

/**
 * Header fields that each delivered copy gets on its way into one mailbox (trace and
 * per-delivery sealing) and that no engine judges. Campaign copies differ in them only.
 */
export const PER_COPY_HEADERS: ReadonlySet<string> = new Set([
  'received',
  'x-received',
  'delivered-to',
  'x-original-to',
  'arc-seal',
  'arc-message-signature',
  'arc-authentication-results',
]);

/** Bumped whenever what the key covers changes, so old cache entries stop matching. */
const CONTENT_KEY_FORMAT = 'strata.content-key.v1';

/**
 * The engine-cache key of a message: SHA-256 (hex) over the canonical JSON of the ScanSubject
 * with exactly these parts left out:
 *
 * - `ids.rawSha256` and `rawSize`: they hash and measure the raw bytes, which include the
 *   per-copy headers below;
 * - header fields named in PER_COPY_HEADERS (Received, X-Received, Delivered-To,
 *   X-Original-To, ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results). The parsed
 *   `auth` summary, which engines do judge and which the parser may have taken from an ARC
 *   header, stays in;
 * - attachments' `content` bytes, which their `sha256` (kept) already stands for.
 *
 * Everything else stays, To and Cc included: the auth engine judges them (a Reply-To that is
 * already a recipient is ordinary list traffic), so leaving them out would let one copy's
 * verdict be served for a differently addressed message. Copies of one campaign sent in one
 * SMTP transaction carry the same To/Cc header fields (Bcc recipients are not in them), so
 * they still share a key; per-recipient personalised copies do not, and are scanned each.
 */
export function contentKeyOf(subject: ScanSubject): string {
  const judged = {
    format: CONTENT_KEY_FORMAT,
    subject: {
      ...subject,
      ids: { ...subject.ids, rawSha256: undefined },
      rawSize: undefined,
      headers: subject.headers.filter((header) => !PER_COPY_HEADERS.has(header.name.toLowerCase())),
      attachments: subject.attachments.map((attachment) => ({ ...attachment, content: undefined })),
    },
  };
  return createHash('sha256').update(canonicalJson(judged)).digest('hex');
}
