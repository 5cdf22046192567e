import type { EngineOutput } from '../../core/engine/types';
import { rankedFindings } from '../../core/engine/findings';
import { severityFor } from '../../core/engine/findings';

/** Every finding the links engine can raise, with the title analysts see. */
export const LINK_FINDING_TITLES = {
  'links.blocklisted': 'Link or attachment on the local blocklist',
  'links.credential_form': 'Form that collects input for another site',
  'links.display_mismatch': 'Link text shows a different site than the link opens',
  'links.ip_literal': 'Link to a bare IP address',
  'links.punycode_host': 'Link to an internationalised (punycode) host',
  'links.userinfo_host': 'Link hides its real host behind a user@ prefix',
  'links.lookalike_domain': 'Link to a domain that imitates a brand or protected domain',
  'links.data_uri': 'Link opens an inline data: document',
  'links.obfuscated_url': 'Link spells plain letters and digits as %-escapes',
  'links.storage_page': 'Link opens a web page served from a cloud storage bucket or CDN host',
  'links.recipient_in_url': "Link hands the recipient's address to a third-party page",
  'links.free_hosting': 'Link to a free web-hosting or form service',
  'links.shortener': 'Link through a URL shortener',
  'links.hidden_destinations': 'Every web link of the message goes through a URL shortener',
  'links.suspicious_tld': 'Link to a top-level domain heavily used for phishing',
  'links.redirector': 'Link wrapped in a redirector (unwrapped and re-checked)',
} as const;

export type LinkFindingId = keyof typeof LINK_FINDING_TITLES;

export { severityFor };

/** Evidence strings stay short: long tracking URLs are cut in the middle of nothing useful. */
export function clip(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface Accumulated {
  score: number;
  evidence: string[];
}

/**
 * Collects findings per id while links are checked: one Finding per id, scored by its strongest
 * instance, with distinct evidence up to a bound. The engine score combines the ids as independent
 * signals (noisy-OR): 100 × (1 − Π(1 − sᵢ/100)), so two weak hints stay weak and one strong
 * finding dominates.
 */
export class FindingCollector {
  private readonly byId = new Map<LinkFindingId, Accumulated>();
  private readonly iocUrls = new Set<string>();
  private readonly iocDomains = new Set<string>();
  private readonly iocSha256 = new Set<string>();

  constructor(
    private readonly maxEvidence: number,
    private readonly iocMinScore: number,
    private readonly maxIocs: number,
  ) {}

  add(id: LinkFindingId, score: number, evidence: string, ioc: { urls?: string[]; domains?: string[]; sha256?: string } = {}): void {
    const entry = this.byId.get(id) ?? { score: 0, evidence: [] };
    entry.score = Math.max(entry.score, score);
    const clipped = clip(evidence, 400);
    if (entry.evidence.length < this.maxEvidence && !entry.evidence.includes(clipped)) entry.evidence.push(clipped);
    this.byId.set(id, entry);
    if (score < this.iocMinScore) return;
    for (const url of ioc.urls ?? []) if (url && this.iocUrls.size < this.maxIocs) this.iocUrls.add(url);
    for (const domain of ioc.domains ?? []) if (domain && this.iocDomains.size < this.maxIocs) this.iocDomains.add(domain);
    if (ioc.sha256) this.iocSha256.add(ioc.sha256);
  }

  output(): EngineOutput {
    const findings = rankedFindings(this.byId, (id) => LINK_FINDING_TITLES[id], severityFor);
    const remaining = findings.reduce((product, finding) => product * (1 - finding.score / 100), 1);
    return {
      score: Math.min(100, Math.round(100 * (1 - remaining))),
      findings,
      iocs: { urls: [...this.iocUrls], domains: [...this.iocDomains], sha256: [...this.iocSha256] },
    };
  }
}
