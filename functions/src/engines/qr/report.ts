import { describeUrl } from '../../core/parse/links';
import type { EngineContext, EngineOutput } from '../../core/engine/types';
import type { ExtractedLink, ScanSubject } from '../../core/subject/types';
import type { LinkAnalyser } from '../links';
import { clip, qrLinkFindingId, QR_SCORES, QrFindingCollector } from './findings';
import type { FoundCode, SearchStats } from './image-search';
import { classifyPayload } from './payload';
import type { SkipReason } from './sources';

export interface ReportOptions {
  shortMessageChars: number;
  maxEvidencePerFinding: number;
  maxIocs: number;
}

const SKIP_DESCRIPTIONS: Readonly<Record<SkipReason, (count: number) => string>> = {
  too_large: (count) => `${images(count)} over the byte or pixel cap`,
  over_cap: (count) => `${images(count)} over the per-message image caps`,
  unsupported: (count) => `${images(count)} in a format the engine cannot read`,
  unreadable: (count) => `${images(count)} unreadable (corrupt, truncated or unsupported data)`,
  unreadable_pdf: (count) => `${count} PDF${count === 1 ? '' : 's'} that could not be parsed`,
  encrypted_pdf: (count) => `${count} encrypted PDF${count === 1 ? '' : 's'} (images not readable without decrypting)`,
  out_of_time: (count) => `${images(count)} left when the time budget ran out`,
};

function images(count: number): string {
  return `${count} image${count === 1 ? '' : 's'}`;
}

/** Kinds whose content may be secret (Wi-Fi keys, 2FA seeds, bank details): described, never quoted. */
const QUOTABLE_KINDS = new Set(['text', 'contact', 'geo', 'calendar']);

/**
 * Turns the QR codes found in a message into findings: every web address is a `qr.url`, judged
 * again by the links engine's rules (`qr.link.*`) and checked for the recipient's address; other
 * payloads are noted; images that could not be searched are reported as `qr.scan_incomplete`.
 */
export function buildReport(
  subject: ScanSubject,
  codes: readonly FoundCode[],
  stats: SearchStats,
  analyseLinks: LinkAnalyser,
  context: EngineContext,
  options: ReportOptions,
): EngineOutput {
  const collector = new QrFindingCollector(options.maxEvidencePerFinding, options.maxIocs);
  // Measured only when a code carries a web address (rare): most messages have no code, and
  // collapsing the whitespace of a long body is not free.
  let short: boolean | undefined;
  const isShort = (): boolean => (short ??= visibleTextLength(subject.text) < options.shortMessageChars);
  const analysed = new Set<string>();

  for (const code of codes) {
    const payload = classifyPayload(code.payload);
    if (payload.kind !== 'url' || payload.url === undefined) {
      collector.add('qr.non_url_payload', QR_SCORES.nonUrlPayload, describeOtherPayload(payload.kind, code));
      continue;
    }
    const url = payload.url;
    const facts = describeUrl(url);
    const where = `QR code in ${code.label}`;
    const written = payload.form ? ` (${payload.form})` : '';
    const shortMessage = isShort();
    collector.add('qr.url', urlScore(subject, facts.registrableDomain, code, shortMessage), `${clip(url, 200)}${written} — ${where}${shortMessage ? '; short message' : ''}`);
    collector.addIocs([url], facts.host ? [facts.host] : []);

    const recipient = recipientIn(url, subject);
    if (recipient !== null) {
      collector.add('qr.recipient_in_url', QR_SCORES.recipientInUrl, `${clip(url, 200)} carries ${recipient} — ${where}`);
    }

    const key = `${url}\u0000${code.label}`;
    if (analysed.has(key)) continue;
    analysed.add(key);
    const link: ExtractedLink = { url, host: facts.host, registrableDomain: facts.registrableDomain, source: 'attachment', origin: where };
    const judged = analyseLinks(subject, [link], context);
    for (const finding of judged.findings) {
      for (const evidence of finding.evidence) collector.add(qrLinkFindingId(finding.id), finding.score, `${evidence} [${where}]`);
      if (finding.evidence.length === 0) collector.add(qrLinkFindingId(finding.id), finding.score, `[${where}]`);
    }
    collector.addIocs(judged.iocs?.urls ?? [], judged.iocs?.domains ?? []);
  }

  const incomplete = Object.entries(stats.skipped).filter(([, count]) => count > 0) as [SkipReason, number][];
  for (const [reason, count] of incomplete) {
    collector.add('qr.scan_incomplete', QR_SCORES.scanIncomplete, SKIP_DESCRIPTIONS[reason](count));
  }
  return collector.output();
}

function urlScore(subject: ScanSubject, registrableDomain: string, code: FoundCode, short: boolean): number {
  const scores = QR_SCORES.url;
  if (isSendersVerifiedSite(subject, registrableDomain)) return scores.sendersOwnSite;
  const inAttachment = code.placement !== 'body';
  if (inAttachment && short) return scores.attachmentOfShortMessage;
  return inAttachment || short ? scores.prominent : scores.inBody;
}

/**
 * The URL is on the From domain and DMARC passed for it: the sender links to its own site. A
 * spoofed From fails DMARC, so this cannot be borrowed by an attacker.
 */
function isSendersVerifiedSite(subject: ScanSubject, registrableDomain: string): boolean {
  const from = subject.from?.registrableDomain ?? '';
  const dmarc = subject.auth.dmarc;
  return from !== '' && registrableDomain === from && dmarc?.result === 'pass';
}

/** Characters of visible text, whitespace collapsed: what the reader has besides the images. */
function visibleTextLength(text: string): number {
  return text.replace(/\s+/g, ' ').trim().length;
}

/**
 * One of the recipients' addresses inside the URL, plain, %-encoded or base64-encoded: quishing
 * kits pre-fill the victim's address on the fake sign-in page and track who scanned.
 */
function recipientIn(url: string, subject: ScanSubject): string | null {
  const lowerUrl = url.toLowerCase();
  let decoded = lowerUrl;
  try {
    decoded = decodeURIComponent(lowerUrl);
  } catch {
    // Keep the raw form.
  }
  const compactUrl = url.replace(/%3d/gi, '=');
  for (const recipient of [...subject.to, ...subject.cc]) {
    const address = recipient.address;
    if (!address.includes('@')) continue;
    if (lowerUrl.includes(address) || decoded.includes(address)) return address;
    for (const encoded of base64Forms(address)) if (compactUrl.includes(encoded)) return `${address} (base64)`;
  }
  return null;
}

/** Base64 and base64url of the address, cut to whole 4-character groups so padding does not matter. */
function base64Forms(address: string): string[] {
  const standard = Buffer.from(address, 'utf8').toString('base64');
  const whole = standard.slice(0, Math.floor((address.length / 3)) * 4);
  if (whole.length < 8) return [];
  return [whole, whole.replace(/\+/g, '-').replace(/\//g, '_')];
}

function describeOtherPayload(kind: string, code: FoundCode): string {
  const length = code.payload.length;
  const preview = QUOTABLE_KINDS.has(kind) ? `: "${clip(code.payload.replace(/\p{Cc}+/gu, ' ').trim(), 60)}"` : '';
  return `${kind} payload (${length} characters)${preview} — QR code in ${code.label}`;
}
