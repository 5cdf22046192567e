import type { ParseLimits } from '../config/limits';
import type { AttachmentInfo, AuthenticationSummary, ExtractedLink, ScanSubject } from '../subject/types';
import { AnomalyLog, describeError } from './anomalies';
import { ArchiveBudget } from './archive';
import { describeAttachment, inspectArchives } from './attachments';
import { parseAuthenticationResults } from './authentication-results';
import { asBuffer, decodeUnlabelled, hasMoreLinesThan, sha256Hex } from './bytes';
import { decodeCharset } from './charset';
import { Deadline } from './deadline';
import { buildEnvelope, buildHeaderFields } from './envelope';
import { decodeFromStructure } from './fallback-decoder';
import { htmlNestingCut } from './html-depth';
import { htmlToText } from './html-text';
import { documentUrls } from '../documents/links';
import { passwordCandidates } from '../documents/passwords';
import { describeUrl, extractLinks, MAX_URL_CHARS } from './links';
import { type DecodedMail, decodeWithMailparser } from './mail-decoder';
import { decoderInput } from './mime-rebuild';
import { scanMimeStructure } from './mime-structure';
import { type BuildOptions, DEFAULT_TRUSTED_AUTHORITY, resolveLimits } from './options';

export type { BuildOptions } from './options';

/**
 * mailsplit charges every header line at least 64 bytes against its own limit; the pre-scan
 * bounds real header bytes per part, so this factor keeps mailparser's net from ever tripping.
 */
const MAILSPLIT_LINE_COST_FACTOR = 64;
/**
 * mailparser's splitter allocates per line: tens of millions of empty lines cost it seconds and
 * gigabytes. Real mail stays far below this (a 40 MB base64 attachment is about 520,000 lines);
 * above it the linear structure decoder is used instead.
 */
const MAX_DECODER_LINES = 1_000_000;
/** Deeper HTML is cut before link extraction, whose DOM parser is quadratic in the depth. */
const MAX_LINK_HTML_DEPTH = 2_000;
const HTML_ATTACHMENT = /\.(s?html?|xhtml|svg|hta)$/i;
const TEXT_ATTACHMENT = /\.(txt|csv)$/i;

function emptyAuth(authority: string): AuthenticationSummary {
  return { authority, source: 'none', spf: null, dkim: [], dmarc: null, arc: null };
}

function emptySubject(authority: string): ScanSubject {
  return {
    ids: { messageId: '', inReplyTo: '', references: [], rawSha256: '' },
    headers: [],
    from: null,
    sender: null,
    replyTo: [],
    returnPath: null,
    to: [],
    cc: [],
    subject: '',
    date: null,
    auth: emptyAuth(authority),
    text: '',
    html: '',
    links: [],
    attachments: [],
    anomalies: [],
    rawSize: 0,
    mimePartCount: 0,
    mimeMaxDepth: 0,
  };
}

/** Everything one build needs, so the stages below stay small functions. */
interface BuildContext {
  limits: ParseLimits;
  authority: string;
  deadline: Deadline;
  anomalies: AnomalyLog;
  subject: ScanSubject;
}

/** True (and recorded once) when the time budget is spent; stages stop there and keep what they have. */
function outOfTime(context: BuildContext, stage: string): boolean {
  if (!context.deadline.expired()) return false;
  context.anomalies.add('limit.parse_time', `parsing took longer than ${context.limits.maxParseMillis} ms; stopped ${stage}`);
  return true;
}

function bounded(text: string, what: string, context: BuildContext): string {
  const max = context.limits.maxBodyChars;
  if (text.length <= max) return text;
  context.anomalies.add('limit.body_text', `${what} body of ${text.length} characters cut to ${max}`);
  return text.slice(0, max);
}

/** Collects links from every source within one overall maxLinks budget. */
class LinkCollector {
  readonly links: ExtractedLink[] = [];
  private truncated = false;

  constructor(private readonly context: BuildContext) {}

  add(text: string, html: string, origin: string): void {
    if (!text && !html) return;
    const cut = html ? htmlNestingCut(html, MAX_LINK_HTML_DEPTH) : -1;
    if (cut >= 0) {
      this.context.anomalies.add('limit.links', `HTML in ${origin} nests deeper than ${MAX_LINK_HTML_DEPTH} levels; links after character ${cut} were not extracted`);
    }
    const remaining = this.context.limits.maxLinks - this.links.length;
    if (remaining <= 0) {
      this.truncated = true;
      return;
    }
    try {
      const result = extractLinks({ text, html: cut >= 0 ? html.slice(0, cut) : html, origin }, remaining);
      this.links.push(...result.links.slice(0, remaining));
      if (result.truncated) this.truncated = true;
    } catch (error) {
      this.context.anomalies.add('parse.failed', `link extraction from ${origin}: ${describeError(error)}`);
    }
  }

  /** URLs a document attachment (PDF, Office, calendar) leads to, as `source: 'attachment'` links. */
  addDocumentUrls(urls: string[], origin: string): void {
    for (const raw of urls) {
      if (this.links.length >= this.context.limits.maxLinks) {
        this.truncated = true;
        return;
      }
      const url = raw.slice(0, MAX_URL_CHARS);
      if (this.links.some((link) => link.source === 'attachment' && link.origin === origin && link.url === url)) continue;
      const facts = describeUrl(url);
      this.links.push({ url, host: facts.host, registrableDomain: facts.registrableDomain, source: 'attachment', origin });
    }
  }

  finish(): ExtractedLink[] {
    if (this.truncated) this.context.anomalies.add('limit.links', `more than ${this.context.limits.maxLinks} links; the rest were not kept`);
    return this.links;
  }
}

/** Text or HTML carried in an attachment, for link extraction; null for other attachments. */
function attachmentMarkup(attachment: AttachmentInfo, charset: string, maxChars: number): { text: string; html: string } | null {
  const type = attachment.declaredType || attachment.detectedType || '';
  const isHtml = type === 'text/html' || type === 'application/xhtml+xml' || type === 'image/svg+xml' || HTML_ATTACHMENT.test(attachment.filename);
  const isText = !isHtml && (type === 'text/plain' || TEXT_ATTACHMENT.test(attachment.filename));
  if ((!isHtml && !isText) || !attachment.content) return null;
  const decoded = decodeCharset(attachment.content.subarray(0, maxChars * 4), charset).text.slice(0, maxChars);
  return isHtml ? { text: '', html: decoded } : { text: decoded, html: '' };
}

/** Input that is not a MIME message at all still yields its text (and the links in it). */
function buildFromNonMime(input: Buffer, detail: string, context: BuildContext): void {
  context.anomalies.add('mime.not_mime', detail);
  context.subject.text = bounded(decodeUnlabelled(input.subarray(0, context.limits.maxBodyChars * 4)), 'text', context);
  const links = new LinkCollector(context);
  links.add(context.subject.text, '', 'body-text');
  context.subject.links = links.finish();
}

async function decodeBodies(input: Buffer, context: BuildContext): Promise<{ mail: DecodedMail; complete: boolean } | null> {
  const { limits, anomalies, deadline } = context;
  const scan = scanMimeStructure(input, limits, anomalies, deadline);
  if (scan.notMime) {
    buildFromNonMime(input, 'the input does not start with a header block', context);
    return null;
  }
  const subject = context.subject;
  subject.mimePartCount = scan.parts.length;
  subject.mimeMaxDepth = scan.maxDepth;
  subject.headers = buildHeaderFields(input, scan.root.fields, anomalies);
  const { ids, ...envelope } = buildEnvelope(subject.headers);
  Object.assign(subject, envelope);
  subject.ids = { ...ids, rawSha256: subject.ids.rawSha256 };
  try {
    subject.auth = parseAuthenticationResults(subject.headers, context.authority);
  } catch (error) {
    anomalies.add('parse.failed', `authentication results: ${describeError(error)}`);
  }
  if (outOfTime(context, 'before decoding the body')) return null;

  const bodyInput = decoderInput(input, scan);
  if (hasMoreLinesThan(bodyInput, MAX_DECODER_LINES)) {
    anomalies.add('limit.total_size', `more than ${MAX_DECODER_LINES} lines; decoded from the pre-scanned structure instead of by mailparser`);
    return { mail: decodeFromStructure(input, scan, limits.maxAttachments, limits.maxTotalBytes), complete: true };
  }
  const outcome = await decodeWithMailparser(bodyInput, {
    timeoutMillis: deadline.remaining(),
    maxAttachments: limits.maxAttachments,
    maxContentBytes: limits.maxTotalBytes,
    maxHeadSize: limits.maxHeaderBytes * MAILSPLIT_LINE_COST_FACTOR + 64 * 1024,
    maxChildNodes: limits.maxMimeParts * 2 + 10,
  });
  if (outcome.status === 'timeout') {
    anomalies.add('limit.parse_time', `parsing took longer than ${limits.maxParseMillis} ms; stopped while decoding the body`);
    return { mail: outcome.mail, complete: false };
  }
  if (outcome.status === 'failed') {
    anomalies.add('parse.failed', `mailparser: ${describeError(outcome.error)}; decoded from the pre-scanned structure instead`);
    return { mail: decodeFromStructure(input, scan, limits.maxAttachments, limits.maxTotalBytes), complete: true };
  }
  return { mail: outcome.mail, complete: true };
}

async function build(raw: Uint8Array, context: BuildContext): Promise<void> {
  const { limits, anomalies, subject } = context;
  const bytes = asBuffer(raw);
  subject.rawSize = bytes.length;
  subject.ids.rawSha256 = sha256Hex(bytes);
  let input = bytes;
  if (bytes.length > limits.maxTotalBytes) {
    anomalies.add('limit.total_size', `message of ${bytes.length} bytes cut to ${limits.maxTotalBytes}`);
    input = bytes.subarray(0, limits.maxTotalBytes);
  }
  if (input.length === 0) {
    anomalies.add('mime.not_mime', 'empty input');
    return;
  }
  // Some tools save mail with a UTF-8 byte order mark, which would hide the first header field.
  if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) input = input.subarray(3);

  const decoded = await decodeBodies(input, context);
  if (!decoded) return;
  const { mail } = decoded;
  if (mail.skippedAttachments > 0) {
    anomalies.add('limit.attachments', `more than ${limits.maxAttachments} attachments; ${mail.skippedAttachments} were not kept`);
  }
  if (mail.contentDropped > 0) {
    anomalies.add('limit.total_size', `content of ${mail.contentDropped} attachment(s) not kept: over the ${limits.maxTotalBytes}-byte budget`);
  }
  subject.html = bounded(mail.html, 'HTML', context);
  subject.text = bounded(mail.text, 'text', context);
  const textFromHtml = subject.text.trim() === '' && subject.html !== '';
  if (textFromHtml) subject.text = htmlToText(subject.html, limits.maxBodyChars);
  if (!decoded.complete || outOfTime(context, 'before reading attachments')) return;

  const charsets: string[] = [];
  for (const attachment of mail.attachments) {
    if (outOfTime(context, 'while reading attachments')) break;
    subject.attachments.push(await describeAttachment(attachment));
    charsets.push(attachment.charset);
  }

  const links = new LinkCollector(context);
  // Separate calls so each link records which body it came from. Text derived from the HTML is
  // not searched again: its URLs are already in the HTML.
  if (!textFromHtml) links.add(subject.text, '', 'body-text');
  links.add('', subject.html, 'body-html');
  const passwords = passwordCandidates(`${subject.subject}\n${subject.text}`);
  for (const [index, attachment] of subject.attachments.entries()) {
    const origin = attachment.filename || `attachment ${index + 1}`;
    const markup = attachmentMarkup(attachment, charsets[index] ?? '', limits.maxBodyChars);
    if (markup) links.add(markup.text, markup.html, origin);
    else if (attachment.content && !outOfTime(context, 'while reading links from attachments')) links.addDocumentUrls(await documentUrls(attachment.content, passwords), origin);
  }
  subject.links = links.finish();
  if (outOfTime(context, 'before inspecting archives')) return;

  const budget = new ArchiveBudget(limits, anomalies, context.deadline);
  await inspectArchives(subject.attachments, budget);
  outOfTime(context, 'while inspecting archives');
}

/**
 * Builds the normalised subject from raw RFC 5322 bytes. Never throws and stays bounded in
 * time and memory: whatever is over a limit is cut off or left out, recorded as an anomaly,
 * and the rest is still parsed. A failure inside one stage becomes a `parse.failed` anomaly
 * and the subject keeps what the earlier stages produced.
 */
export async function buildScanSubject(raw: Uint8Array, options: BuildOptions = {}): Promise<ScanSubject> {
  const limits = resolveLimits(options?.limits);
  const authority = options?.trustedAuthority || DEFAULT_TRUSTED_AUTHORITY;
  const context: BuildContext = {
    limits,
    authority,
    deadline: new Deadline(limits.maxParseMillis),
    anomalies: new AnomalyLog(),
    subject: emptySubject(authority),
  };
  try {
    if (!(raw instanceof Uint8Array)) throw new TypeError('raw message must be a Uint8Array');
    await build(raw, context);
  } catch (error) {
    context.anomalies.add('parse.failed', describeError(error));
  }
  context.subject.anomalies = context.anomalies.toArray();
  return context.subject;
}
