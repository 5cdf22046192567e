import { LookalikeDetector, type Brand, type LookalikeMatch, type LookalikeTechnique } from '../../core/brands';
import { describeUrl, type UrlFacts } from '../../core/parse/links';
import type { EngineContext, EngineOutput } from '../../core/engine/types';
import type { ArchiveMember, ExtractedLink, ScanSubject } from '../../core/subject/types';
import { matchBlocklistedUrl, type Blocklist } from './blocklist';
import { displayedHost } from './display';
import { clip, FindingCollector } from './findings';
import { assessIdn, confusableSkeleton, isPublicIpv4, isPublicIpv6 } from './hosts';
import { STORAGE_HOSTS, type FreeHostingEntry } from './lists';
import { recipientInUrl, storagePage } from './pages';
import { asciiDomain, matchDomainSuffix, type ReferenceData } from './reference';
import { unwrapUrl, type UnwrapResult } from './unwrap';

/**
 * Scores, one place. The reasoning for each value is in docs/engines/links.md; tests pin the
 * behaviour, not these numbers.
 */
export const SCORES = {
  blocklisted: 100,
  credentialFormPassword: 85,
  credentialFormPasswordInAttachment: 90,
  credentialFormDataTarget: 80,
  credentialFormIpTarget: 75,
  credentialFormFreeHostingTarget: 75,
  credentialFormOtherDomain: 60,
  dataUriDocument: 70,
  dataUriOther: 20,
  ipObfuscated: 75,
  ipPublic: 60,
  ipPublicInPlainText: 30,
  idnBrandLookalike: 85,
  idnMixedScript: 70,
  idnWholeScriptConfusable: 70,
  idnPlain: 20,
  lookalike: {
    homoglyph: 75,
    editDistance: 70,
    embedded: 60,
    domainInSubdomain: 60,
    otherSuffix: 45,
  },
  userinfoLooksLikeHost: 60,
  userinfoOther: 15,
  shortener: 15,
  obfuscatedUrl: 45,
  storagePage: 40,
  storagePageFragmentData: 50,
  recipientInUrl: 30,
  allDestinationsHidden: 25,
  suspiciousTld: 10,
  redirectorOpen: 15,
  redirectorWrapper: 0,
  mismatch: {
    toIpOrIdn: 80,
    brandToRisky: 80,
    brandToOther: 75,
    brandViaTrackerFromBrand: 10,
    brandViaTrackerOrHidden: 40,
    toRisky: 60,
    toOther: 35,
    toHidden: 25,
    viaTrackerOrSender: 10,
    sameNameOtherSuffix: 10,
  },
} as const;

export interface CheckerOptions {
  reference: ReferenceData;
  /** Brands whose lookalikes are reported (the built-in list). */
  brands: readonly Brand[];
  /** Domains whose lookalikes are reported besides the brands' and the organisation's. */
  protectedDomains: readonly string[];
  blocklist: Blocklist;
  maxUnwrapDepth: number;
  maxEvidencePerFinding: number;
  iocMinScore: number;
  maxIocs: number;
}

/** A link's URL and what unwrapping found behind it; computed once per distinct URL per message. */
interface Analysis {
  unwrap: UnwrapResult;
  /** Facts of each URL in `unwrap.chain`, same order. */
  hops: UrlFacts[];
  /**
   * Other-site URLs carried in the landing URL's query (`?redirect=https://…`) on sites not known
   * as redirectors. Checked like the link itself, but never taken as where the click lands.
   */
  embedded: { url: string; facts: UrlFacts }[];
}

/** Embedded URLs checked per link; more is a tracking URL listing alternatives, not a lure. */
const MAX_EMBEDDED_PER_LINK = 3;
/** A percent-escape of a letter or digit: no encoder produces one, obfuscators do. */
const ESCAPED_ALPHANUMERIC = /%(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])/gi;
const MIN_ESCAPED_ALPHANUMERICS = 3;

const LOOKALIKE_SCORES: Readonly<Record<LookalikeTechnique, number>> = {
  homoglyph: SCORES.lookalike.homoglyph,
  edit_distance: SCORES.lookalike.editDistance,
  embedded: SCORES.lookalike.embedded,
  domain_in_subdomain: SCORES.lookalike.domainInSubdomain,
  other_suffix: SCORES.lookalike.otherSuffix,
};

/** Lookalike verdicts of one message, by host: links repeat hosts, the detector need not. */
type LookalikeCache = Map<string, LookalikeMatch | null>;

/** Sources a reader clicks (or a form submits to); images are fetched, not visited. */
const VISITED_SOURCES = new Set<ExtractedLink['source']>(['href', 'text', 'form_action', 'attachment']);
const WEB_SCHEMES = new Set(['http', 'https', 'ftp']);
/** Media types that a browser renders as an active document. */
const ACTIVE_DATA_TYPES = /^data:(?:text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/javascript|application\/(?:x-)?javascript)/i;

type LandingKind = 'ip_or_idn' | 'risky' | 'tracker' | 'sender' | 'hidden' | 'other';
const LANDING_LABELS: Readonly<Record<LandingKind, string>> = {
  ip_or_idn: 'IP/IDN host',
  risky: 'risky host',
  tracker: 'click tracker',
  sender: "sender's own domain",
  hidden: 'hidden destination',
  other: 'other site',
};

export class LinkChecker {
  /** Built for the organisation domains of the last scan; deployments pass the same ones every time. */
  private lookalikes: { key: string; detector: LookalikeDetector };

  constructor(private readonly options: CheckerOptions) {
    this.lookalikes = { key: '', detector: new LookalikeDetector(options.brands, options.protectedDomains) };
  }

  scan(subject: ScanSubject, context: EngineContext): EngineOutput {
    const { options } = this;
    const collector = new FindingCollector(options.maxEvidencePerFinding, options.iocMinScore, options.maxIocs);
    const senderDomain = asciiDomain(subject.from?.registrableDomain ?? '');
    const organisation = new Set(context.organisationDomains.map(asciiDomain));
    const cache = new Map<string, Analysis>();
    const detector = this.lookalikeDetector(context.organisationDomains);
    const lookalikes: LookalikeCache = new Map();
    const { recipients, recipientDomains } = recipientAddresses(subject);

    for (const [index, link] of subject.links.entries()) {
      // Cheap per link, but a hostile message may carry thousands; honour the orchestrator's deadline.
      if (index % 256 === 255 && context.signal.aborted) break;
      let analysis = cache.get(link.url);
      if (!analysis) {
        analysis = this.analyse(link.url);
        cache.set(link.url, analysis);
      }
      this.checkLink(link, analysis, { senderDomain, organisation, recipients, recipientDomains }, { detector, cache: lookalikes }, collector);
    }
    this.checkHiddenDestinations(subject, cache, collector);
    this.checkAttachmentHashes(subject, collector);
    return collector.output();
  }

  private lookalikeDetector(organisationDomains: readonly string[]): LookalikeDetector {
    const key = [...organisationDomains].map((domain) => domain.toLowerCase()).sort().join(',');
    if (key !== this.lookalikes.key) {
      const targets = [...new Set([...this.options.protectedDomains, ...organisationDomains])];
      this.lookalikes = { key, detector: new LookalikeDetector(this.options.brands, targets) };
    }
    return this.lookalikes.detector;
  }

  private analyse(url: string): Analysis {
    const unwrap = unwrapUrl(url, this.options.maxUnwrapDepth);
    return { unwrap, hops: unwrap.hops, embedded: embeddedUrls(unwrap.hops.at(-1) as UrlFacts) };
  }

  private checkLink(
    link: ExtractedLink,
    analysis: Analysis,
    message: MessageFacts,
    lookalikes: { detector: LookalikeDetector; cache: LookalikeCache },
    collector: FindingCollector,
  ): void {
    const { senderDomain, organisation } = message;
    const { hops, unwrap } = analysis;
    const judge = (facts: UrlFacts, url: string, where: string): void => {
      const blockHit = matchBlocklistedUrl(this.options.blocklist, facts);
      if (blockHit !== null) {
        collector.add('links.blocklisted', SCORES.blocklisted, `${where} matches blocklist entry ${blockHit}`, {
          urls: [url],
          domains: [facts.host],
        });
      }
      if (!this.isAllowlisted(facts)) {
        this.checkHost(link, facts, where, url, collector);
        this.checkLookalike(facts, where, url, lookalikes, collector);
      }
    };
    hops.forEach((facts, hopIndex) => judge(facts, unwrap.chain[hopIndex] as string, this.describeHop(analysis, hopIndex)));
    for (const { url, facts } of analysis.embedded) {
      judge(facts, url, `${clip(url)} (embedded in ${clip(unwrap.chain.at(-1) as string, 80)})`);
    }

    const first = hops[0] as UrlFacts;
    if (VISITED_SOURCES.has(link.source) && first.scheme !== 'data') {
      const escapes = link.url.match(ESCAPED_ALPHANUMERIC)?.length ?? 0;
      if (escapes >= MIN_ESCAPED_ALPHANUMERICS) {
        collector.add('links.obfuscated_url', SCORES.obfuscatedUrl, `${clip(link.url)} (${escapes} letters/digits written as %-escapes)`, {
          urls: [unwrap.chain.at(-1) as string],
          domains: [(hops.at(-1) as UrlFacts).host],
        });
      }
    }
    if ((link.source === 'href' || link.source === 'form_action') && first.scheme === 'data') {
      const active = ACTIVE_DATA_TYPES.test(link.url);
      collector.add(
        'links.data_uri',
        active ? SCORES.dataUriDocument : SCORES.dataUriOther,
        `${link.source === 'form_action' ? 'form posts to' : 'link opens'} ${clip(link.url, 80)}`,
      );
    }
    if (VISITED_SOURCES.has(link.source)) this.checkRecipientInUrl(analysis, message, collector);
    if (unwrap.steps.length > 0 || unwrap.opaque !== null) this.checkRedirector(analysis, senderDomain, collector);
    if (link.source === 'form_action') this.checkForm(link, analysis, senderDomain, collector);
    if (link.source === 'href' && link.displayText) {
      this.checkDisplay(link, analysis, senderDomain, organisation, collector);
    }
  }

  /** Host-level rules, run on the link and on every URL unwrapped from it. */
  private checkHost(link: ExtractedLink, facts: UrlFacts, where: string, url: string, collector: FindingCollector): void {
    const { reference } = this.options;
    if (!WEB_SCHEMES.has(facts.scheme) || facts.kind === 'none') return;
    const ioc = { urls: [url], domains: [facts.host] };

    if (facts.kind === 'ipv4' || facts.kind === 'ipv6') {
      if (facts.obfuscatedIp) {
        collector.add('links.ip_literal', SCORES.ipObfuscated, `${where} (host written in obfuscated form of ${facts.host})`, ioc);
      } else if (facts.kind === 'ipv4' ? isPublicIpv4(facts.host) : isPublicIpv6(facts.host)) {
        // Typed addresses (plain text, or HTML whose text is the address itself, as mail clients
        // autolink it) are usually a server under discussion; a lure hides the address behind words.
        const shownOpenly = link.source === 'text' || this.textShowsHost(link, facts);
        collector.add('links.ip_literal', shownOpenly ? SCORES.ipPublicInPlainText : SCORES.ipPublic, where, ioc);
      }
    }

    if (facts.kind === 'domain') {
      const idn = assessIdn(facts.host);
      if (idn.isIdn) {
        const shown = `${where} (${facts.host} = ${facts.asciiHost})`;
        const brandGroup = matchDomainSuffix(reference.brandGroupOf, facts.asciiHost);
        const imitated = idn.skeletons.find((skeleton) => reference.brandLabels.has(skeleton));
        if (imitated !== undefined && brandGroup === null) {
          collector.add('links.punycode_host', SCORES.idnBrandLookalike, `${shown} imitates "${imitated}"`, ioc);
        } else if (idn.mixedScriptLabel !== null) {
          collector.add('links.punycode_host', SCORES.idnMixedScript, `${shown} mixes scripts in "${idn.mixedScriptLabel}"`, ioc);
        } else if (idn.wholeScriptConfusable !== null) {
          const skeleton = confusableSkeleton(idn.wholeScriptConfusable);
          collector.add('links.punycode_host', SCORES.idnWholeScriptConfusable, `${shown} looks like "${skeleton}"`, ioc);
        } else {
          collector.add('links.punycode_host', SCORES.idnPlain, shown, ioc);
        }
      }
    }

    if (facts.userinfo !== '' && (facts.scheme === 'http' || facts.scheme === 'https')) {
      const userinfo = safeDecode(facts.userinfo);
      const looksLikeHost = /[a-z0-9-]\.[a-z]{2,}/i.test(userinfo);
      collector.add(
        'links.userinfo_host',
        looksLikeHost ? SCORES.userinfoLooksLikeHost : SCORES.userinfoOther,
        `${where} (shows "${clip(userinfo, 60)}@" before the real host ${facts.host})`,
        ioc,
      );
    }

    if (!VISITED_SOURCES.has(link.source)) return;
    if (facts.kind === 'domain') {
      const shortener = matchDomainSuffix(reference.shorteners, facts.asciiHost);
      if (shortener !== null) collector.add('links.shortener', SCORES.shortener, where);

      // A page on a storage bucket says more than the bucket host alone; the host note would repeat it.
      const page = storagePage(facts, STORAGE_HOSTS);
      if (page !== null) {
        const fragment = page.fragmentData ? '; passes data to its script in the #fragment' : '';
        const score = page.fragmentData ? SCORES.storagePageFragmentData : SCORES.storagePage;
        collector.add('links.storage_page', score, `${where} (web page on ${page.label}${fragment})`, ioc);
      }
      const hosting = page === null ? this.freeHosting(facts) : null;
      if (hosting !== null) collector.add('links.free_hosting', hosting.score, `${where} (${hosting.label})`, ioc);

      const tld = facts.asciiHost.slice(facts.asciiHost.lastIndexOf('.') + 1);
      if (reference.suspiciousTlds.has(tld)) collector.add('links.suspicious_tld', SCORES.suspiciousTld, `${where} (.${tld})`, ioc);
    }
  }

  /**
   * A host that imitates a brand, the organisation or a protected domain (`secure-paypa1-verify.com`,
   * `paypal.com.account-verify.net`), judged by the shared LookalikeDetector the auth engine uses
   * for sender domains. Real domains of the brands (the detector's and the engine's brand groups)
   * and their subdomains never match.
   */
  private checkLookalike(
    facts: UrlFacts,
    where: string,
    url: string,
    lookalikes: { detector: LookalikeDetector; cache: LookalikeCache },
    collector: FindingCollector,
  ): void {
    if (!WEB_SCHEMES.has(facts.scheme) || facts.kind !== 'domain') return;
    let match = lookalikes.cache.get(facts.host);
    if (match === undefined) {
      const brandDomain = matchDomainSuffix(this.options.reference.brandGroupOf, facts.asciiHost) !== null;
      // `jane%40acme.com` in text, autolinked by a mail client or list archive, opens 40acme.com:
      // a mangled address of the real domain, not a registration that imitates it.
      const mangledAddress = facts.host.startsWith('40') && lookalikes.detector.owns(facts.host.slice(2));
      match = brandDomain || mangledAddress ? null : lookalikes.detector.match(facts.host);
      lookalikes.cache.set(facts.host, match);
    }
    if (match === null) return;
    collector.add(
      'links.lookalike_domain',
      LOOKALIKE_SCORES[match.technique],
      `${where}: ${match.domain} imitates ${match.imitated} (${match.owner}; ${match.technique.replace(/_/g, ' ')})`,
      { urls: [url], domains: [facts.host] },
    );
  }

  /**
   * A landing page on a third-party site that is handed the recipient's address (`?email=`,
   * `#<base64 of the address>`): the page greets the reader or prefills a sign-in form, as
   * phishing kits do. The sender's own site, click trackers, the brands' real sites and the
   * recipient's own domain do this routinely (unsubscribe, preferences, password reset) and
   * are not judged; wrappers before the landing URL are skipped (Safe Links carries the
   * recipient in its own `data=`).
   */
  private checkRecipientInUrl(analysis: Analysis, message: MessageFacts, collector: FindingCollector): void {
    const { reference } = this.options;
    const landing = analysis.hops.at(-1) as UrlFacts;
    if (!WEB_SCHEMES.has(landing.scheme) || landing.kind === 'none' || this.isAllowlisted(landing)) return;
    // Unsubscribe and preference links identify the subscriber by design.
    if (SUBSCRIPTION_PATH.test(`${landing.parsed?.pathname ?? ''}${landing.parsed?.search ?? ''}`)) return;
    const site = asciiDomain(landing.registrableDomain);
    if (site !== '' && (site === message.senderDomain || message.recipientDomains.has(site))) return;
    if (matchDomainSuffix(reference.trackers, landing.asciiHost) !== null) return;
    if (matchDomainSuffix(reference.brandGroupOf, landing.asciiHost) !== null) return;
    const address = recipientInUrl(landing, message.recipients);
    if (address === null) return;
    collector.add(
      'links.recipient_in_url',
      SCORES.recipientInUrl,
      `${clip(analysis.unwrap.chain.at(-1) as string)} carries the recipient address ${address}`,
      { urls: [analysis.unwrap.chain.at(-1) as string], domains: [landing.host] },
    );
  }

  private checkRedirector(analysis: Analysis, senderDomain: string, collector: FindingCollector): void {
    const { unwrap, hops } = analysis;
    const chain = unwrap.chain.map((url) => clip(url, 120)).join(' → ');
    const vias = unwrap.steps.map((step) => step.via);
    let score: number = SCORES.redirectorWrapper;
    unwrap.steps.forEach((step, index) => {
      const owner = asciiDomain((hops[index] as UrlFacts).registrableDomain);
      // An open redirect on the sender's own site (Google Calendar mail through google.com/url) is routine.
      if (step.kind === 'open_redirect' && owner !== senderDomain) score = Math.max(score, SCORES.redirectorOpen);
    });
    if (unwrap.opaque) vias.push(unwrap.opaque.via);
    const opaqueNote = unwrap.opaque ? `; ${unwrap.opaque.via} target cannot be decoded offline` : '';
    const domainOnly = unwrap.steps.some((step) => step.domainOnly) ? '; only the destination domain is known' : '';
    collector.add('links.redirector', score, `unwrapped (${vias.join(', ')}): ${chain}${opaqueNote}${domainOnly}`);
  }

  private checkForm(link: ExtractedLink, analysis: Analysis, senderDomain: string, collector: FindingCollector): void {
    const facts = analysis.hops.at(-1) as UrlFacts;
    const inAttachment = link.origin !== 'body-html' && link.origin !== 'body-text';
    const place = inAttachment ? `form in attachment ${link.origin}` : 'form in the message body';
    const target = describeFormTarget(link.url, facts);
    const ioc = facts.host ? { urls: [link.url], domains: [facts.host] } : { urls: link.url ? [link.url] : [] };

    if (link.formHasPassword) {
      const score = inAttachment ? SCORES.credentialFormPasswordInAttachment : SCORES.credentialFormPassword;
      collector.add('links.credential_form', score, `${place} asks for a password; posts to ${target}`, ioc);
      return;
    }
    // An allowlisted target is trusted with ordinary forms; a password box in mail is flagged regardless.
    if (this.isAllowlisted(facts)) return;
    if (facts.scheme === 'data') {
      collector.add('links.credential_form', SCORES.credentialFormDataTarget, `${place} posts to a data: URL`, ioc);
    } else if (facts.kind === 'ipv4' || facts.kind === 'ipv6') {
      collector.add('links.credential_form', SCORES.credentialFormIpTarget, `${place} posts to IP address ${target}`, ioc);
    } else if (facts.kind === 'domain' && this.freeHosting(facts) !== null) {
      const hosting = this.freeHosting(facts) as FreeHostingEntry;
      collector.add('links.credential_form', SCORES.credentialFormFreeHostingTarget, `${place} posts to ${hosting.label}: ${target}`, ioc);
    } else if (facts.kind === 'domain' && asciiDomain(facts.registrableDomain) !== senderDomain) {
      collector.add(
        'links.credential_form',
        SCORES.credentialFormOtherDomain,
        `${place} posts to ${facts.registrableDomain || facts.host}, not the sender's domain ${senderDomain || '(none)'}: ${target}`,
        ioc,
      );
    }
  }

  private checkDisplay(
    link: ExtractedLink,
    analysis: Analysis,
    senderDomain: string,
    organisation: ReadonlySet<string>,
    collector: FindingCollector,
  ): void {
    const { reference } = this.options;
    const shown = displayedHost(link.displayText ?? '', reference.fileExtensionTlds);
    if (shown === null) return;
    const landing = analysis.hops.at(-1) as UrlFacts;
    if (landing.kind === 'none' && analysis.unwrap.opaque === null) return;
    if (this.isAllowlisted(landing)) return;
    // Text naming a hop is honest when only security gateways and trackers follow it (text showing
    // the original URL of a Safe Links wrapper); an open redirect after it leads somewhere else.
    const named = findLastIndex(analysis.hops, (hop) => sameSite(shown, hop));
    if (named >= 0 && analysis.unwrap.steps.slice(named).every((step) => step.kind !== 'open_redirect')) return;

    const shownGroup = matchDomainSuffix(reference.brandGroupOf, shown.asciiHost);
    const landingGroup = matchDomainSuffix(reference.brandGroupOf, landing.asciiHost);
    const shownBrand = shownGroup !== null ? reference.brandGroupOf.get(shownGroup) : undefined;
    const landingBrand = landingGroup !== null ? reference.brandGroupOf.get(landingGroup) : undefined;
    if (shownBrand !== undefined && landingBrand === shownBrand) return;
    const shownOrganisation = shown.kind === 'domain' && organisation.has(asciiDomain(shown.registrableDomain));
    const claimsTrustedName = shownBrand !== undefined || shownOrganisation;
    const senderGroup = matchDomainSuffix(reference.brandGroupOf, senderDomain);
    const senderIsShownOwner =
      (shownBrand !== undefined && senderGroup !== null && reference.brandGroupOf.get(senderGroup) === shownBrand) ||
      (shownOrganisation && senderDomain === asciiDomain(shown.registrableDomain));

    const kind = this.landingKind(analysis, senderDomain);
    const m = SCORES.mismatch;
    let score: number;
    if (kind === 'ip_or_idn') score = m.toIpOrIdn;
    else if (claimsTrustedName) {
      if (kind === 'tracker' || kind === 'hidden') {
        score = senderIsShownOwner ? m.brandViaTrackerFromBrand : m.brandViaTrackerOrHidden;
      } else {
        score = kind === 'risky' ? m.brandToRisky : m.brandToOther;
      }
    } else if (kind === 'tracker' || kind === 'sender') score = m.viaTrackerOrSender;
    else if (kind === 'hidden') score = m.toHidden;
    else if (kind === 'risky') score = m.toRisky;
    else score = sameName(shown, landing) ? m.sameNameOtherSuffix : m.toOther;

    const destination = landing.host || analysis.unwrap.opaque?.via || clip(link.url, 60);
    const via = analysis.unwrap.steps.length > 0 ? ` (unwrapped from ${clip(link.url, 80)})` : '';
    collector.add(
      'links.display_mismatch',
      score,
      `text "${clip(link.displayText ?? '', 80)}" but opens ${destination} [${LANDING_LABELS[kind]}]${via}`,
      { urls: [analysis.unwrap.chain.at(-1) as string], domains: landing.host ? [landing.host] : [] },
    );
  }

  private landingKind(analysis: Analysis, senderDomain: string): LandingKind {
    const { reference } = this.options;
    const landing = analysis.hops.at(-1) as UrlFacts;
    if (landing.kind === 'ipv4' || landing.kind === 'ipv6') return 'ip_or_idn';
    if (landing.kind === 'domain' && assessIdn(landing.host).isIdn) return 'ip_or_idn';
    const shortened = matchDomainSuffix(reference.shorteners, landing.asciiHost) !== null;
    if (analysis.unwrap.opaque !== null || shortened) return 'hidden';
    const tld = landing.asciiHost.slice(landing.asciiHost.lastIndexOf('.') + 1);
    if (this.freeHosting(landing) !== null || reference.suspiciousTlds.has(tld)) return 'risky';
    if (matchDomainSuffix(reference.trackers, landing.asciiHost) !== null) return 'tracker';
    if (senderDomain !== '' && asciiDomain(landing.registrableDomain) === senderDomain) return 'sender';
    return 'other';
  }

  /**
   * Every web link the reader can click goes through a URL shortener: the message shows no real
   * destination at all, so neither the reader nor the other rules can judge where it leads.
   * Honest mail with one shortened link usually also links its sender's own site.
   */
  private checkHiddenDestinations(subject: ScanSubject, cache: ReadonlyMap<string, Analysis>, collector: FindingCollector): void {
    const { shorteners } = this.options.reference;
    const hosts = new Set<string>();
    for (const link of subject.links) {
      if (link.source !== 'href' && link.source !== 'text') continue;
      const landing = cache.get(link.url)?.hops.at(-1);
      if (landing === undefined || (landing.scheme !== 'http' && landing.scheme !== 'https') || landing.kind === 'none') continue;
      if (landing.kind !== 'domain' || matchDomainSuffix(shorteners, landing.asciiHost) === null) return;
      if (this.isAllowlisted(landing)) return;
      hosts.add(landing.host);
    }
    if (hosts.size === 0) return;
    collector.add('links.hidden_destinations', SCORES.allDestinationsHidden, `every web link goes through a URL shortener (${[...hosts].slice(0, 5).join(', ')})`);
  }

  private checkAttachmentHashes(subject: ScanSubject, collector: FindingCollector): void {
    const { sha256 } = this.options.blocklist;
    if (sha256.size === 0) return;
    const visit = (members: readonly ArchiveMember[], path: string): void => {
      for (const member of members) {
        const memberPath = `${path}/${member.path}`;
        if (member.sha256 && sha256.has(member.sha256.toLowerCase())) {
          collector.add('links.blocklisted', SCORES.blocklisted, `attachment member ${memberPath} has blocklisted SHA-256 ${member.sha256}`, {
            sha256: member.sha256.toLowerCase(),
          });
        }
        visit(member.members, memberPath);
      }
    };
    for (const attachment of subject.attachments) {
      if (sha256.has(attachment.sha256.toLowerCase())) {
        collector.add('links.blocklisted', SCORES.blocklisted, `attachment ${attachment.filename} has blocklisted SHA-256 ${attachment.sha256}`, {
          sha256: attachment.sha256.toLowerCase(),
        });
      }
      visit(attachment.members, attachment.filename);
    }
  }

  private freeHosting(facts: UrlFacts): FreeHostingEntry | null {
    const { freeHosting } = this.options.reference;
    const domain = matchDomainSuffix(freeHosting, facts.asciiHost);
    if (domain === null) return null;
    const path = facts.parsed?.pathname ?? '/';
    const entries = freeHosting.get(domain) ?? [];
    return entries.find((entry) => entry.pathPrefix === undefined || path.startsWith(entry.pathPrefix)) ?? null;
  }

  private textShowsHost(link: ExtractedLink, facts: UrlFacts): boolean {
    if (link.displayText === undefined) return false;
    return displayedHost(link.displayText, this.options.reference.fileExtensionTlds)?.host === facts.host;
  }

  private isAllowlisted(facts: UrlFacts): boolean {
    return matchDomainSuffix(this.options.reference.allowlist, facts.asciiHost) !== null;
  }

  private describeHop(analysis: Analysis, hopIndex: number): string {
    const url = clip(analysis.unwrap.chain[hopIndex] as string);
    if (hopIndex === 0) return url;
    const vias = analysis.unwrap.steps.slice(0, hopIndex).map((step) => step.via).join(' → ');
    return `${url} (unwrapped via ${vias} from ${clip(analysis.unwrap.chain[0] as string, 80)})`;
  }
}

/** What the link rules compare every link with: who sent the message and who receives it. */
interface MessageFacts {
  senderDomain: string;
  organisation: ReadonlySet<string>;
  /** To and Cc addresses, lower-cased. */
  recipients: readonly string[];
  /** Registrable domains of those addresses, ASCII. */
  recipientDomains: ReadonlySet<string>;
}

/** Unsubscribe, opt-out and subscription-preference pages. */
const SUBSCRIPTION_PATH = /unsub|opt-?out|preference/i;

/** Addresses shorter than this would match by accident inside unrelated text. */
const MIN_RECIPIENT_LENGTH = 6;

function recipientAddresses(subject: ScanSubject): { recipients: string[]; recipientDomains: Set<string> } {
  const all = [...subject.to, ...subject.cc].filter((entry) => entry.address.includes('@') && entry.address.length >= MIN_RECIPIENT_LENGTH);
  return {
    recipients: [...new Set(all.map((entry) => entry.address.toLowerCase()))],
    recipientDomains: new Set(all.map((entry) => asciiDomain(entry.registrableDomain)).filter((domain) => domain !== '')),
  };
}

/** Same registrable domain, or the same host when either side has no registrable domain (IPs). */
function sameSite(a: UrlFacts, b: UrlFacts): boolean {
  if (a.kind !== 'domain' || b.kind !== 'domain') return a.host !== '' && a.host === b.host;
  return a.registrableDomain === b.registrableDomain;
}

/** `example.com` vs `example.co.uk`: one organisation under two suffixes is common and rarely a lure. */
function sameName(a: UrlFacts, b: UrlFacts): boolean {
  const name = (facts: UrlFacts): string => facts.registrableDomain.split('.')[0] ?? '';
  return a.kind === 'domain' && b.kind === 'domain' && name(a) !== '' && name(a) === name(b);
}

function describeFormTarget(url: string, facts: UrlFacts): string {
  if (url === '') return 'no action (submitted by script or to the page itself)';
  if (facts.kind === 'none' && facts.scheme === '') return `relative action ${clip(url, 80)}`;
  return clip(url, 160);
}

function embeddedUrls(landing: UrlFacts): { url: string; facts: UrlFacts }[] {
  if (landing.parsed === null || landing.parsed.search === '') return [];
  const found: { url: string; facts: UrlFacts }[] = [];
  for (const value of landing.parsed.searchParams.values()) {
    let candidate = value.trim();
    // Double-encoded (`https%3A%2F%2F…`) once more; anything deeper is not worth the cost.
    if (/^https?%3a/i.test(candidate)) candidate = safeDecode(candidate);
    if (!/^https?:\/\//i.test(candidate)) continue;
    const facts = describeUrl(candidate);
    if (facts.kind === 'none' || sameSite(facts, landing)) continue;
    found.push({ url: candidate, facts });
    if (found.length >= MAX_EMBEDDED_PER_LINK) break;
  }
  return found;
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (predicate(items[index] as T)) return index;
  return -1;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

