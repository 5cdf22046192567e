import type { EngineOutput } from '../../core/engine/types';
import { rankedFindings } from '../../core/engine/findings';
import { severityFor } from '../../core/engine/findings';

/** Every finding the auth engine can raise, with the title analysts see. */
export const AUTH_FINDING_TITLES = {
  'auth.no_authentication': 'No authentication results from the trusted mail provider',
  'auth.dmarc_fail': 'DMARC failed for the From domain',
  'auth.spf_fail': 'SPF failed',
  'auth.spf_softfail': 'SPF soft-failed',
  'auth.dkim_fail': 'DKIM signature failed and none passed',
  'auth.arc_fail': 'ARC chain failed validation',
  'auth.not_aligned': 'From domain not authenticated by any aligned SPF or DKIM pass',
  'auth.reply_to_mismatch': 'Replies go to a different domain than the From address',
  'auth.return_path_mismatch': 'Bounce address (Return-Path) in a different domain than From',
  'auth.display_name_impersonation': 'Display name of a protected person with an outside address',
  'auth.brand_impersonation': 'Display name claims a brand or organisation the sender domain is not',
  'auth.display_name_address_mismatch': 'Display name shows a different email address than the real sender',
  'auth.lookalike_domain': 'Sender domain imitates a protected or brand domain',
  'auth.punycode_sender': 'Sender domain is internationalised (punycode)',
} as const;

export type AuthFindingId = keyof typeof AUTH_FINDING_TITLES;

/**
 * Scores of every finding variant, 0-100. Kept in one table so docs/engines/auth.md, the tests
 * and the code name the same numbers. The rationale of each is in the doc.
 */
export const AUTH_SCORES = {
  noAuthentication: 5,
  dmarcFailEnforced: 60,
  dmarcFailUnenforced: 30,
  /** DMARC failure while the ARC chain passed: the usual shape of a list or forwarder. */
  dmarcFailEnforcedArcPass: 30,
  dmarcFailUnenforcedArcPass: 15,
  /** The ARC chain says the first hop saw DMARC pass for this very From domain. */
  dmarcFailArcVouched: 10,
  /** Someone mails as the organisation's own (or a protected) domain and fails DMARC. */
  dmarcFailOwnDomainEnforced: 60,
  /** Same, but the domain does not enforce DMARC: its own SaaS senders often fail too. */
  dmarcFailOwnDomainUnenforced: 40,
  spfFailAligned: 25,
  spfFailUnaligned: 15,
  spfFailArcPass: 5,
  spfSoftfailAligned: 10,
  spfSoftfailUnaligned: 5,
  spfSoftfailArcPass: 3,
  dkimFail: 20,
  dkimFailArcPass: 5,
  arcFail: 10,
  notAligned: 15,
  /** Unauthenticated mail in the name of the organisation, a protected domain or a brand's domain. */
  notAlignedOwnOrBrandDomain: 40,
  replyToOther: 5,
  replyToFreemail: 35,
  replyToFreemailFromCompany: 55,
  returnPathOther: 5,
  returnPathFreemail: 20,
  personOutside: 70,
  personInternal: 25,
  /** The person's name re-sent by a group whose ARC chain names the person's domain as author. */
  personForwarded: 25,
  brandStrong: 60,
  brandWeak: 20,
  /** A consumer mailbox claiming a brand: brands never write from one. */
  brandFreemailBonus: 10,
  organisationStrong: 50,
  organisationWeak: 15,
  embeddedAddress: 30,
  embeddedAddressOfKnownDomain: 60,
  lookalikeHomoglyph: 70,
  lookalikeOtherSuffix: 60,
  lookalikeEditDistance: 65,
  lookalikeEmbedded: 60,
  lookalikeDomainInSubdomain: 60,
  punycodeMixedScript: 60,
  punycode: 10,
} as const;

/** The rest of the findings add this fraction of their scores to the strongest one. */
export const SECONDARY_WEIGHT = 0.25;

export { severityFor };

const MAX_EVIDENCE = 5;
const MAX_EVIDENCE_LENGTH = 300;

function clip(text: string): string {
  return text.length <= MAX_EVIDENCE_LENGTH ? text : `${text.slice(0, MAX_EVIDENCE_LENGTH - 1)}…`;
}

/**
 * One Finding per id, scored by its strongest instance. The engine score is the strongest
 * finding plus SECONDARY_WEIGHT of the others, capped at 100: several weak authentication hints
 * (common on forwarded and list mail) stay weak, and one strong impersonation decides.
 */
export class AuthFindings {
  private readonly byId = new Map<AuthFindingId, { score: number; evidence: string[] }>();
  private readonly domains = new Set<string>();

  add(id: AuthFindingId, score: number, evidence: readonly string[]): void {
    const entry = this.byId.get(id) ?? { score: 0, evidence: [] };
    entry.score = Math.max(entry.score, score);
    for (const item of evidence) {
      const clipped = clip(item);
      if (entry.evidence.length < MAX_EVIDENCE && !entry.evidence.includes(clipped)) entry.evidence.push(clipped);
    }
    this.byId.set(id, entry);
  }

  has(id: AuthFindingId): boolean {
    return this.byId.has(id);
  }

  addDomain(domain: string): void {
    if (domain !== '') this.domains.add(domain);
  }

  output(): EngineOutput {
    const findings = rankedFindings(this.byId, (id) => AUTH_FINDING_TITLES[id], severityFor);
    const [strongest, ...rest] = findings;
    const combined = (strongest?.score ?? 0) + SECONDARY_WEIGHT * rest.reduce((sum, finding) => sum + finding.score, 0);
    return {
      score: Math.min(100, Math.round(combined)),
      findings,
      iocs: { domains: [...this.domains] },
    };
  }
}
