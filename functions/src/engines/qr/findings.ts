import type { EngineOutput } from '../../core/engine/types';
import { rankedFindings } from '../../core/engine/findings';
import { LINK_FINDING_TITLES, type LinkFindingId } from '../links';
import { severityFor } from '../../core/engine/findings';

/** Findings of the qr engine itself; link analysis of decoded URLs adds `qr.link.*` (see below). */
export const QR_FINDING_TITLES = {
  'qr.url': 'QR code in the message opens a web address',
  'qr.recipient_in_url': "QR code's web address carries the recipient's email address",
  'qr.non_url_payload': 'QR code with a payload other than a web address',
  'qr.scan_incomplete': 'Some images could not be searched for QR codes',
} as const;

export type QrOwnFindingId = keyof typeof QR_FINDING_TITLES;
/** `links.display_mismatch` → `qr.link.display_mismatch`: the links engine's finding, about a QR code's URL. */
export type QrLinkFindingId = `qr.link.${string}`;
export type QrFindingId = QrOwnFindingId | QrLinkFindingId;

/**
 * Scores, one place; the reasoning is in docs/engines/qr.md. A QR code that opens a web page
 * asks the reader to leave the protected mailbox for an unprotected phone: a moderate signal
 * alone, raised when the code is most of what the message says, or sits in an attachment.
 */
export const QR_SCORES = {
  url: {
    /** In the body of a message with real text (newsletters, event mail). */
    inBody: 30,
    /** In a short or image-only message, or in an attachment / PDF. */
    prominent: 45,
    /** In an attachment or PDF of a short message: the quishing pattern. */
    attachmentOfShortMessage: 55,
    /** On the From domain, DMARC-verified: a sender pointing to its own site. */
    sendersOwnSite: 10,
  },
  recipientInUrl: 35,
  nonUrlPayload: 0,
  scanIncomplete: 0,
} as const;

export function qrLinkFindingId(linkId: string): QrLinkFindingId {
  return `qr.link.${linkId.startsWith('links.') ? linkId.slice('links.'.length) : linkId}`;
}

function titleOf(id: QrFindingId): string {
  if (id in QR_FINDING_TITLES) return QR_FINDING_TITLES[id as QrOwnFindingId];
  const linkId = `links.${id.slice('qr.link.'.length)}` as LinkFindingId;
  return `QR code link: ${LINK_FINDING_TITLES[linkId] ?? linkId}`;
}

export { severityFor };

export function clip(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * One finding per id (strongest score, distinct evidence up to a bound) and IOCs, combined as
 * independent signals (noisy-OR) like the links engine: 100 × (1 − Π(1 − sᵢ/100)).
 */
export class QrFindingCollector {
  private readonly byId = new Map<QrFindingId, { score: number; evidence: string[] }>();
  private readonly urls = new Set<string>();
  private readonly domains = new Set<string>();

  constructor(
    private readonly maxEvidence: number,
    private readonly maxIocs: number,
  ) {}

  add(id: QrFindingId, score: number, evidence: string): void {
    const entry = this.byId.get(id) ?? { score: 0, evidence: [] };
    entry.score = Math.max(entry.score, score);
    const clipped = clip(evidence, 400);
    if (entry.evidence.length < this.maxEvidence && !entry.evidence.includes(clipped)) entry.evidence.push(clipped);
    this.byId.set(id, entry);
  }

  addIocs(urls: readonly string[], domains: readonly string[]): void {
    for (const url of urls) if (url && this.urls.size < this.maxIocs) this.urls.add(url);
    for (const domain of domains) if (domain && this.domains.size < this.maxIocs) this.domains.add(domain);
  }

  output(): EngineOutput {
    const findings = rankedFindings(this.byId, titleOf, severityFor);
    const remaining = findings.reduce((product, finding) => product * (1 - finding.score / 100), 1);
    return {
      score: Math.min(100, Math.round(100 * (1 - remaining))),
      findings,
      iocs: { urls: [...this.urls], domains: [...this.domains] },
    };
  }
}
