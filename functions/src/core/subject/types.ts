/**
 * The normalised message every engine reads. Built once per message from raw RFC 5322 bytes
 * by `buildScanSubject` (core/parse). Plain data: serialisable to JSON so it can cross worker
 * threads and, later, Pub/Sub (minus the bulky parts, which go to a blob store).
 */

export type AnomalyCode =
  | 'limit.total_size'
  | 'limit.header_bytes'
  | 'limit.mime_parts'
  | 'limit.mime_depth'
  | 'limit.links'
  | 'limit.body_text'
  | 'limit.attachments'
  | 'limit.archive_bytes'
  | 'limit.archive_entries'
  | 'limit.archive_depth'
  | 'limit.parse_time'
  | 'mime.not_mime'
  | 'mime.missing_boundary'
  | 'mime.unterminated_multipart'
  | 'mime.bad_base64'
  | 'mime.bad_quoted_printable'
  | 'mime.unknown_charset'
  | 'mime.charset_mismatch'
  | 'mime.bad_header'
  | 'mime.duplicate_header'
  | 'archive.corrupt'
  | 'archive.encrypted'
  | 'archive.bomb_ratio'
  | 'parse.failed';

export interface ParseAnomaly {
  code: AnomalyCode;
  /** Human-readable detail: which limit, which part, which charset. */
  detail: string;
}

export interface HeaderField {
  /** Lower-cased header name. */
  name: string;
  /** The field value exactly as it appeared (unfolded lines joined with CRLF kept out). */
  raw: string;
  /** RFC 2047 decoded, unfolded value. */
  decoded: string;
}

export interface EmailAddress {
  /** Display name, RFC 2047 decoded; '' when absent. */
  name: string;
  /** Lower-cased address; '' when the header held no parseable address. */
  address: string;
  /** Lower-cased domain part ('' when unknown), in Unicode when it was punycode. */
  domain: string;
  /** Registrable domain (eTLD+1) per the public suffix list, '' when none (IP literal, bad domain). */
  registrableDomain: string;
}

export type AuthOutcome =
  | 'pass'
  | 'fail'
  | 'softfail'
  | 'neutral'
  | 'none'
  | 'temperror'
  | 'permerror'
  | 'policy'
  | 'unknown';

export interface AuthMethodResult {
  result: AuthOutcome;
  /** The domain the result is about: smtp.mailfrom for SPF, header.d / header.i for DKIM, header.from for DMARC. */
  domain: string;
  /** Free-form properties from the result (e.g. `header.s`, `smtp.helo`, `policy.dmarc`). */
  properties: Record<string, string>;
}

export interface AuthenticationSummary {
  /** The authserv-id trusted for this message (config, default mx.google.com). */
  authority: string;
  /** Which header the results came from; 'none' when no trusted result was present. */
  source: 'authentication-results' | 'arc-authentication-results' | 'none';
  spf: AuthMethodResult | null;
  /** All DKIM results (a message may carry several signatures). */
  dkim: AuthMethodResult[];
  dmarc: AuthMethodResult | null;
  arc: AuthMethodResult | null;
}

export type LinkSource = 'text' | 'href' | 'form_action' | 'image' | 'attachment';

export interface ExtractedLink {
  /** The URL as written (after HTML entity decoding), trimmed. */
  url: string;
  /** Lower-cased host ('' when the URL has none, e.g. mailto:). Unicode form when it was punycode. */
  host: string;
  /** Registrable domain of the host ('' for IP literals or unparseable hosts). */
  registrableDomain: string;
  /** Where the link was found. */
  source: LinkSource;
  /** For `href` links: the visible anchor text (collapsed whitespace, bounded length). */
  displayText?: string;
  /** For `form_action`: whether the form has a password input. */
  formHasPassword?: boolean;
  /** Which part it came from: 'body-text', 'body-html' or an attachment's filename. */
  origin: string;
}

export interface ArchiveMember {
  /** Path inside the archive. */
  path: string;
  size: number;
  compressedSize: number;
  encrypted: boolean;
  detectedType: string | null;
  sha256: string | null;
  /** Members of a nested archive, depth-limited. */
  members: ArchiveMember[];
}

export interface AttachmentInfo {
  filename: string;
  /** Content-Type as declared by the sender, lower-cased, without parameters. */
  declaredType: string;
  /** MIME type detected from magic bytes, null when unknown. */
  detectedType: string | null;
  /** Extension detected from magic bytes (e.g. 'exe', 'zip'), null when unknown. */
  detectedExtension: string | null;
  size: number;
  sha256: string;
  /** 'attachment' | 'inline' as declared by Content-Disposition. */
  disposition: 'attachment' | 'inline';
  contentId: string | null;
  /** Archive members (recursively), empty for non-archives. */
  members: ArchiveMember[];
  /**
   * The decoded bytes, kept for engines that inspect content (AV, YARA, attachments).
   * Bounded by the total-size limit; omitted when serialising for storage.
   */
  content?: Uint8Array;
}

export interface MessageIds {
  /** Message-ID header without angle brackets, '' when absent. */
  messageId: string;
  inReplyTo: string;
  references: string[];
  /** SHA-256 of the raw message bytes: stable content key even without a Message-ID. */
  rawSha256: string;
}

export interface ScanSubject {
  ids: MessageIds;
  /** All header fields of the top-level message, in order. */
  headers: HeaderField[];
  from: EmailAddress | null;
  sender: EmailAddress | null;
  replyTo: EmailAddress[];
  returnPath: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  /** Date header as ISO 8601, null when absent or unparseable. */
  date: string | null;
  auth: AuthenticationSummary;
  /** Plain-text body (bounded). When the message is HTML-only, derived from the HTML. */
  text: string;
  /** HTML body (bounded), '' when none. */
  html: string;
  links: ExtractedLink[];
  attachments: AttachmentInfo[];
  anomalies: ParseAnomaly[];
  /** Size of the raw message in bytes. */
  rawSize: number;
  /** Number of MIME parts seen (bounded by the parts limit). */
  mimePartCount: number;
  /** Deepest MIME nesting seen. */
  mimeMaxDepth: number;
}
