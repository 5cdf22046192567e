import { domainToASCII, domainToUnicode } from 'node:url';
import type { EngineContext, EngineOutput } from '../../core/engine/types';
import type { AuthenticationSummary, AuthMethodResult, EmailAddress, ScanSubject } from '../../core/subject/types';
import {
  domainParts,
  hasMixedScriptLabel,
  isInternationalised,
  LookalikeDetector,
  registrableOf,
  type Brand,
  type DomainParts,
  type LookalikeMatch,
  type LookalikeTechnique,
} from '../../core/brands';
import { BrandClaimMatcher, PersonMatcher, type BrandClaim, type PersonMatcherEntry } from './display-name';
import { AUTH_SCORES as S, AuthFindings } from './findings';
import { isFreemail } from './freemail';

export interface AuthCheckerOptions {
  brands: readonly Brand[];
  protectedDomains: readonly string[];
  protectedPeople: readonly PersonMatcherEntry[];
  organisationDomains: readonly string[];
}

/** Findings at or above this score put the From address into the IOCs. */
const SENDER_IOC_MIN_SCORE = 30;

const LOOKALIKE_SCORES: Readonly<Record<LookalikeTechnique, number>> = {
  homoglyph: S.lookalikeHomoglyph,
  other_suffix: S.lookalikeOtherSuffix,
  edit_distance: S.lookalikeEditDistance,
  embedded: S.lookalikeEmbedded,
  domain_in_subdomain: S.lookalikeDomainInSubdomain,
};

/** What the organisation-dependent matchers are built from; rebuilt only when the context's domains change. */
interface OwnMatchers {
  key: string;
  /** Registrable domains of the organisation and of protected domains. */
  own: Set<string>;
  lookalikes: LookalikeDetector;
  claims: BrandClaimMatcher;
}

/** How an ARC chain that the provider validated speaks for the message. */
interface ArcView {
  /** The provider validated the chain (arc=pass). */
  pass: boolean;
  /** The first hop saw DMARC (or aligned DKIM) pass for this very From domain: a forwarded original. */
  vouched: boolean;
  /** Registrable domain of the From the first hop authenticated, '' when none. */
  originalDomain: string;
}

interface MessageFacts {
  from: EmailAddress | null;
  fromParts: DomainParts;
  /** From's registrable domain, '' when unknown. */
  fromDomain: string;
  fromIsOwn: boolean;
  fromIsBrand: boolean;
  fromIsFreemail: boolean;
  arc: ArcView;
  dmarcPass: boolean;
  own: Set<string>;
}

/**
 * The auth engine's judgement of one message: the provider's SPF/DKIM/DMARC/ARC verdicts, From
 * alignment, Reply-To and Return-Path domains, and impersonation through display names and
 * lookalike domains. Reference data is prepared once per engine; scanning is pure.
 */
export class AuthChecker {
  private readonly people: PersonMatcher;
  private readonly brandDomains = new Set<string>();
  private matchers: OwnMatchers;

  constructor(private readonly options: AuthCheckerOptions) {
    this.people = new PersonMatcher(options.protectedPeople);
    for (const brand of options.brands) {
      for (const domain of brand.domains) {
        const registrable = registrableOf(domain);
        if (registrable !== '') this.brandDomains.add(registrable);
      }
    }
    this.matchers = this.buildMatchers([]);
  }

  scan(subject: ScanSubject, context: EngineContext): EngineOutput {
    const findings = new AuthFindings();
    const matchers = this.matchersFor(context.organisationDomains);
    const facts = this.factsOf(subject, matchers.own);

    this.checkAuthentication(subject.auth, facts, findings);
    const claim = this.checkDisplayName(facts, matchers, findings);
    this.checkReplyTo(subject, facts, claim, findings);
    this.checkReturnPath(subject, facts, findings);
    this.checkLookalikes(subject, facts, matchers.lookalikes, findings);

    const output = findings.output();
    const sender = facts.from?.address ?? '';
    if (sender !== '' && output.findings.some((finding) => finding.score >= SENDER_IOC_MIN_SCORE)) {
      output.iocs = { ...output.iocs, senders: [sender] };
    }
    return output;
  }

  private factsOf(subject: ScanSubject, own: Set<string>): MessageFacts {
    const from = subject.from;
    const fromParts = domainParts(from === null ? '' : unicodeDomain(from.domain));
    const fromDomain = fromParts.registrable;
    const dmarc = subject.auth.dmarc;
    // A pass counts only for the From we judge: header.from names another domain when the
    // message carries several From fields or the results describe a pre-forwarding original.
    const dmarcPass = dmarc?.result === 'pass' && (fromDomain === '' || registrableOf(dmarc.domain) === fromDomain);
    return {
      from,
      fromParts,
      fromDomain,
      fromIsOwn: fromDomain !== '' && own.has(fromDomain),
      fromIsBrand: fromDomain !== '' && this.brandDomains.has(fromDomain),
      fromIsFreemail: fromDomain !== '' && isFreemail(fromDomain, fromParts.label),
      arc: arcViewOf(subject.auth, fromDomain),
      dmarcPass,
      own,
    };
  }

  private checkAuthentication(auth: AuthenticationSummary, facts: MessageFacts, findings: AuthFindings): void {
    if (auth.source === 'none') {
      findings.add('auth.no_authentication', S.noAuthentication, [`no Authentication-Results from ${auth.authority}`]);
      return;
    }
    const { arc, fromDomain } = facts;

    if (auth.arc?.result === 'fail') findings.add('auth.arc_fail', S.arcFail, [describe('arc', auth.arc)]);

    const dmarc = auth.dmarc;
    if (dmarc?.result === 'fail') {
      const policy = effectiveDmarcPolicy(dmarc);
      const enforced = policy === 'reject' || policy === 'quarantine';
      let score: number;
      if (arc.vouched) score = S.dmarcFailArcVouched;
      else if (arc.pass) score = enforced ? S.dmarcFailEnforcedArcPass : S.dmarcFailUnenforcedArcPass;
      else score = enforced ? S.dmarcFailEnforced : S.dmarcFailUnenforced;
      if (facts.fromIsOwn && !arc.vouched) {
        score = Math.max(score, enforced ? S.dmarcFailOwnDomainEnforced : S.dmarcFailOwnDomainUnenforced);
      }
      const notes = [`policy ${policy ?? 'unknown'}`];
      if (dmarc.properties.dis !== undefined) notes.push(`disposition ${dmarc.properties.dis}`);
      if (arc.pass) notes.push(arc.vouched ? 'ARC pass, first hop saw DMARC pass' : 'ARC pass');
      findings.add('auth.dmarc_fail', score, [`${describe('dmarc', dmarc)} (${notes.join(', ')})`]);
    }
    if (facts.dmarcPass) return;

    const spf = auth.spf;
    if (spf !== null && (spf.result === 'fail' || spf.result === 'softfail')) {
      const aligned = fromDomain !== '' && registrableOf(spf.domain) === fromDomain;
      if (spf.result === 'fail') {
        const score = arc.pass ? S.spfFailArcPass : aligned ? S.spfFailAligned : S.spfFailUnaligned;
        findings.add('auth.spf_fail', score, [describe('spf', spf)]);
      } else {
        const score = arc.pass ? S.spfSoftfailArcPass : aligned ? S.spfSoftfailAligned : S.spfSoftfailUnaligned;
        findings.add('auth.spf_softfail', score, [describe('spf', spf)]);
      }
    }

    const failedSignatures = auth.dkim.filter((result) => result.result === 'fail');
    if (failedSignatures.length > 0 && !auth.dkim.some((result) => result.result === 'pass')) {
      findings.add(
        'auth.dkim_fail',
        arc.pass ? S.dkimFailArcPass : S.dkimFail,
        failedSignatures.map((result) => describe('dkim', result)),
      );
    }

    // A DMARC fail already says the From is not aligned; this covers domains DMARC gave no
    // verdict for (no record, temporary errors, a provider that does not evaluate DMARC).
    if (dmarc?.result !== 'fail' && fromDomain !== '' && !arc.vouched && !isAligned(auth, fromDomain)) {
      const passing = [
        ...auth.dkim.filter((result) => result.result === 'pass').map((result) => `dkim d=${result.domain}`),
        ...(auth.spf?.result === 'pass' ? [`spf ${auth.spf.domain}`] : []),
      ];
      const claimed = facts.fromIsOwn || facts.fromIsBrand;
      findings.add('auth.not_aligned', claimed ? S.notAlignedOwnOrBrandDomain : S.notAligned, [
        `From domain ${fromDomain}; passing: ${passing.length > 0 ? passing.join(', ') : 'none'}`,
      ]);
    }
  }

  /** Person and brand impersonation and addresses written into the display name. Returns the brand claim, if any. */
  private checkDisplayName(facts: MessageFacts, matchers: OwnMatchers, findings: AuthFindings): BrandClaim | null {
    const from = facts.from;
    const name = from?.name.trim() ?? '';
    if (from === null || name === '') return null;
    const shown = `"${name}" <${from.address}>`;

    const person = this.people.match(name);
    if (person !== null && !person.addresses.has(from.address)) {
      const known = [...person.addresses].slice(0, 3).join(', ') || 'none listed';
      // A group re-sending the person's own post arrives with a chain naming their domain as the
      // original author. Anyone can seal a chain, so this lowers the score instead of clearing it.
      const forwarded = person.domains.has(facts.arc.originalDomain);
      let score: number = facts.fromIsOwn ? S.personInternal : S.personOutside;
      if (forwarded) score = Math.min(score, S.personForwarded);
      findings.add('auth.display_name_impersonation', score, [
        `${shown} uses the name of ${person.name} (known addresses: ${known})${
          forwarded ? `; ARC chain names ${facts.arc.originalDomain} as the original author` : ''
        }`,
      ]);
    }

    for (const embedded of embeddedAddresses(name)) {
      if (embedded === from.address) continue;
      const embeddedDomain = registrableOf(embedded.slice(embedded.lastIndexOf('@') + 1));
      // Same organisation ("support@acme.com" <noreply@acme.com>).
      if (embeddedDomain === '' || embeddedDomain === facts.fromDomain) continue;
      const known = facts.own.has(embeddedDomain) || this.brandDomains.has(embeddedDomain);
      // The original author a validated ARC chain names (a list re-sending "'bob@x.com' via
      // list"): ordinary for unknown domains; for the organisation's or a brand's, only lowered,
      // since anyone can seal a chain.
      const forwarded = embeddedDomain === facts.arc.originalDomain;
      if (forwarded && !known) continue;
      findings.add('auth.display_name_address_mismatch', known && !forwarded ? S.embeddedAddressOfKnownDomain : S.embeddedAddress, [
        `${shown} shows ${embedded}`,
      ]);
    }

    if (facts.fromIsOwn) return null;
    const claim = matchers.claims.claim(name);
    if (claim === null || claim.isLegitimateSender(facts.fromDomain, facts.fromParts.label)) return null;
    let score: number;
    if (claim.protectedTarget) {
      score = claim.strength === 'strong' ? S.organisationStrong : S.organisationWeak;
    } else {
      score = claim.strength === 'strong' ? S.brandStrong : S.brandWeak;
      if (facts.fromIsFreemail) score += S.brandFreemailBonus;
    }
    findings.add('auth.brand_impersonation', score, [
      `${shown} claims ${claim.owner} ("${claim.keyword}", ${claim.strength}) from ${facts.fromDomain || 'no domain'}`,
    ]);
    return claim;
  }

  private checkReplyTo(subject: ScanSubject, facts: MessageFacts, claim: BrandClaim | null, findings: AuthFindings): void {
    if (facts.fromDomain === '' || subject.replyTo.length === 0) return;
    const recipients = new Set([...subject.to, ...subject.cc].map((recipient) => recipient.address));
    for (const replyTo of subject.replyTo) {
      const parts = domainParts(unicodeDomain(replyTo.domain));
      const domain = parts.registrable;
      if (domain === '' || domain === facts.fromDomain) continue;
      const freemail = isFreemail(domain, parts.label);
      // Replies into the organisation or to a list that is already a recipient: ordinary list
      // traffic. A free mailbox copied in as a recipient is no list, so it earns no exemption.
      if (facts.own.has(domain) || (recipients.has(replyTo.address) && !freemail)) continue;
      let score: number = S.replyToOther;
      // Replies to the original author a validated ARC chain names (Google Groups' "reply to
      // author") stay at the base score even on free mail.
      if (freemail && !facts.fromIsFreemail && domain !== facts.arc.originalDomain) {
        const companyVoice = facts.fromIsOwn || facts.fromIsBrand || claim !== null;
        score = companyVoice ? S.replyToFreemailFromCompany : S.replyToFreemail;
      }
      findings.add('auth.reply_to_mismatch', score, [`From ${facts.fromDomain}, Reply-To ${replyTo.address}`]);
    }
  }

  private checkReturnPath(subject: ScanSubject, facts: MessageFacts, findings: AuthFindings): void {
    // With DMARC passing, a different bounce domain is an ESP or a list doing its job; behind a
    // validated ARC chain it is the forwarder's.
    if (facts.dmarcPass || facts.arc.pass || facts.fromDomain === '' || subject.returnPath === null) return;
    const parts = domainParts(unicodeDomain(subject.returnPath.domain));
    const domain = parts.registrable;
    if (domain === '' || domain === facts.fromDomain || facts.own.has(domain)) return;
    const score = isFreemail(domain, parts.label) && !facts.fromIsFreemail ? S.returnPathFreemail : S.returnPathOther;
    findings.add('auth.return_path_mismatch', score, [`From ${facts.fromDomain}, Return-Path ${subject.returnPath.address}`]);
  }

  private checkLookalikes(subject: ScanSubject, facts: MessageFacts, detector: LookalikeDetector, findings: AuthFindings): void {
    const candidates: { header: string; domain: string }[] = [];
    if (facts.from !== null && facts.from.domain !== '') candidates.push({ header: 'From', domain: unicodeDomain(facts.from.domain) });
    for (const replyTo of subject.replyTo) {
      if (replyTo.domain !== '') candidates.push({ header: 'Reply-To', domain: unicodeDomain(replyTo.domain) });
    }
    const seen = new Set<string>();
    for (const { header, domain } of candidates) {
      if (seen.has(domain)) continue;
      seen.add(domain);
      const parts = domainParts(domain);
      if (parts.registrable === '' || isFreemail(parts.registrable, parts.label)) continue;
      const match: LookalikeMatch | null = detector.match(domain);
      if (match !== null) {
        findings.add('auth.lookalike_domain', LOOKALIKE_SCORES[match.technique], [
          `${header} ${domain} imitates ${match.imitated} (${match.owner}; ${match.technique.replace(/_/g, ' ')})`,
        ]);
        findings.addDomain(domain);
      }
    }

    const fromDomain = facts.from?.domain ?? '';
    if (fromDomain !== '' && isInternationalised(fromDomain)) {
      const unicode = unicodeDomain(fromDomain);
      const mixed = hasMixedScriptLabel(unicode);
      findings.add('auth.punycode_sender', mixed ? S.punycodeMixedScript : S.punycode, [
        `${unicode} (${domainToASCII(unicode) || fromDomain})${mixed ? ': mixes look-alike scripts in one label' : ''}`,
      ]);
      if (mixed) findings.addDomain(unicode);
    }
  }

  private matchersFor(contextDomains: readonly string[]): OwnMatchers {
    const key = [...contextDomains].sort().join(',');
    if (key !== this.matchers.key) this.matchers = this.buildMatchers(contextDomains);
    return this.matchers;
  }

  private buildMatchers(contextDomains: readonly string[]): OwnMatchers {
    const ownList = [...new Set([...this.options.organisationDomains, ...contextDomains, ...this.options.protectedDomains])];
    const own = new Set(ownList.map((domain) => registrableOf(domain)).filter((domain) => domain !== ''));
    return {
      key: [...contextDomains].sort().join(','),
      own,
      lookalikes: new LookalikeDetector(this.options.brands, ownList),
      claims: new BrandClaimMatcher(this.options.brands, ownList),
    };
  }
}

/** Domains from addresses are Unicode already; this also converts any `xn--` the parser left. */
function unicodeDomain(domain: string): string {
  const lower = domain.toLowerCase();
  if (!lower.split('.').some((label) => label.startsWith('xn--'))) return lower;
  return domainToUnicode(lower) || lower;
}

function arcViewOf(auth: AuthenticationSummary, fromDomain: string): ArcView {
  const arcResult = auth.arc;
  // Gmail also notes an ARC override inside the DMARC clause: `dmarc=fail (...) arc=pass`.
  const pass = arcResult?.result === 'pass' || auth.dmarc?.properties.arc === 'pass';
  if (!pass || arcResult === null) return { pass, vouched: false, originalDomain: '' };
  const chain = arcResult.properties;
  const dmarcDomain = chain['chain.dmarc'] === 'pass' ? registrableOf(chain['chain.fromdomain'] ?? '') : '';
  const dkimDomain = chain['chain.dkim'] === 'pass' ? registrableOf(chain['chain.dkdomain'] ?? '') : '';
  const originalDomain = dmarcDomain;
  const vouched = fromDomain !== '' && (dmarcDomain === fromDomain || dkimDomain === fromDomain);
  return { pass, vouched, originalDomain };
}

/**
 * The DMARC policy that applies to the From domain: the subdomain policy (sp) for a subdomain
 * when published, else p. Falls back to a provider's `action` property. Lower case, or null.
 */
export function effectiveDmarcPolicy(dmarc: AuthMethodResult): string | null {
  const { p, sp, action } = dmarc.properties;
  const isSubdomain = dmarc.domain !== '' && registrableOf(dmarc.domain) !== dmarc.domain;
  const policy = isSubdomain && sp !== undefined ? sp : p;
  if (policy !== undefined) return policy;
  if (action === undefined) return null;
  const lower = action.toLowerCase();
  if (lower.includes('reject')) return 'reject';
  if (lower.includes('quarantine')) return 'quarantine';
  return null;
}

/** Relaxed DMARC alignment: a passing DKIM d= or SPF domain in the From's registrable domain. */
function isAligned(auth: AuthenticationSummary, fromDomain: string): boolean {
  if (auth.dkim.some((result) => result.result === 'pass' && registrableOf(result.domain) === fromDomain)) return true;
  return auth.spf?.result === 'pass' && registrableOf(auth.spf.domain) === fromDomain;
}

function describe(method: string, result: AuthMethodResult): string {
  const subject = method === 'dkim' ? `d=${result.domain || '?'}` : result.domain;
  return `${method}=${result.result}${subject ? ` ${subject}` : ''}`;
}

/** Addresses written inside a display name ("ceo@acme.com" <x@evil.example>), lower-cased. */
function embeddedAddresses(name: string): string[] {
  const found = name.normalize('NFKC').toLowerCase().match(/[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/g);
  return found === null ? [] : [...new Set(found)];
}
