import type { Brand } from './brands';
import { SERVICE_WORDS } from './brands';
import { domainParts, editDistance, skeleton, type DomainParts } from './domains';

/** How a domain imitates a target, strongest first. */
export type LookalikeTechnique = 'homoglyph' | 'other_suffix' | 'edit_distance' | 'embedded' | 'domain_in_subdomain';

export interface LookalikeMatch {
  /** The examined domain (sender or link host), lower-cased. */
  domain: string;
  /** The domain it imitates (a real domain of the target). */
  imitated: string;
  /** The brand name, or the protected domain. */
  owner: string;
  technique: LookalikeTechnique;
  /** Whether the imitated domain is one of the organisation's own or protected domains. */
  protectedTarget: boolean;
}

interface Target {
  owner: string;
  /** A real domain of the owner, for evidence. */
  imitated: string;
  label: string;
  labelSkeleton: string;
  /** Edit distances and embeddings are checked only for distinctive labels. */
  distinctive: boolean;
  /** Labels this short only match when embedded as a whole token ("acme-payroll"), never as a substring. */
  substringEmbedding: boolean;
  /** Protected domains: the same label under another public suffix (acme.co for acme.com) is a lookalike. */
  otherSuffixIsLookalike: boolean;
  protectedTarget: boolean;
}

const TECHNIQUE_RANK: Readonly<Record<LookalikeTechnique, number>> = {
  homoglyph: 0,
  other_suffix: 1,
  edit_distance: 2,
  embedded: 3,
  domain_in_subdomain: 4,
};

/** Below this length a label is too short to compare at all (fb, me, x). */
const MIN_LABEL_LENGTH = 3;
/** One edit from a 5-letter label lands on real words too often (gmail → email, adobe → adore). */
const MIN_LENGTH_FOR_ONE_EDIT = 6;
const MIN_LENGTH_FOR_TWO_EDITS = 10;
/** Shorter labels inside a longer label are mostly coincidence (ups in groups, dhl in adhl). */
const MIN_LENGTH_FOR_SUBSTRING = 6;

/**
 * Words phishing domains glue to a brand ("securepaypal", "amazonsupportcenter"). A brand run
 * together with anything else is a coincidence of spelling (amazon in bancoamazonia, intuit in
 * intuitive, icloud in huaweicloud) and is not reported.
 */
const FILLER_WORDS: ReadonlySet<string> = new Set([
  // Single letters glue to a brand by chance of spelling (a + twitter = atwitter).
  ...[...SERVICE_WORDS].filter((word) => word.length > 1),
  'access', 'alerts', 'auth', 'bonus', 'check', 'claim', 'confirm', 'gift', 'go', 'hub', 'log', 'logon', 'mobile',
  'offer', 'promo', 'recover', 'recovery', 'refund', 'restore', 'safe', 'signin', 'signon', 'site', 'unlock', 'www',
]);
const FILLER_SKELETONS: ReadonlySet<string> = new Set([...FILLER_WORDS].map(skeleton));
/**
 * What a label must contain for skeleton edit distances to count: characters or pairs that pass
 * for others (digits, non-ASCII letters, rn for m, vv for w, cl for d).
 */
const CONFUSABLE_SPELLING = /[^a-z_.-]|rn|vv|cl/;
/** Endings that turn a brand that is also a word into that word's forms (amazons, googled, outlooks). */
const INFLECTIONS: ReadonlySet<string> = new Set(['s', 'es', 'd', 'ed']);
/** Compounds longer than this are not segmented (bounded work on hostile labels). */
const MAX_COMPOUND_LENGTH = 63;
/** Protected labels shorter than this are not matched as embedded tokens either. */
const MIN_PROTECTED_TOKEN_LENGTH = 4;

/**
 * Finds domains (senders, link hosts) that imitate protected or brand domains. Everything about
 * the targets (labels, skeletons, owned domains) is computed once here; `match` then costs a
 * skeleton of the examined label and a few string comparisons per target.
 */
export class LookalikeDetector {
  private readonly targets: Target[] = [];
  /** Registrable domains of all targets, open ones included: never lookalikes themselves. */
  private readonly owned = new Set<string>();
  /** Labels whose every public suffix belongs to the brand (amazon.*). */
  private readonly familyLabels = new Set<string>();

  constructor(brands: readonly Brand[], protectedDomains: readonly string[]) {
    for (const domain of protectedDomains) this.addProtected(domain);
    for (const brand of brands) this.addBrand(brand);
  }

  /** Whether `domain` is a real target domain or one of its subdomains (paypal.de, mail.acme.com). */
  owns(domain: string): boolean {
    const parts = domainParts(domain);
    return parts.registrable !== '' && this.ownsParts(parts);
  }

  /** The lookalike found for `domain`, or null when it is a real target domain or looks like none. */
  match(domain: string): LookalikeMatch | null {
    const parts = domainParts(domain);
    if (parts.registrable === '' || this.ownsParts(parts)) return null;
    const label = parts.label;
    const labelSkeleton = skeleton(label);
    const tokens = new Set(label.split(/[-_.]+|\d+/).filter((token) => token !== ''));
    const skeletonTokens = new Set(labelSkeleton.split(/[-_.]+/).filter((token) => token !== ''));
    const disguised = CONFUSABLE_SPELLING.test(label);

    let best: LookalikeMatch | null = null;
    const consider = (target: Target, technique: LookalikeTechnique): void => {
      best = stronger(best, { domain: parts.host, imitated: target.imitated, owner: target.owner, technique, protectedTarget: target.protectedTarget });
    };

    for (const target of this.targets) {
      if (label === target.label) {
        // acme.co for acme.com; three-letter names collide with unrelated owners too often.
        if (target.otherSuffixIsLookalike && label.length >= MIN_PROTECTED_TOKEN_LENGTH) consider(target, 'other_suffix');
        continue;
      }
      if (labelSkeleton === target.labelSkeleton) {
        consider(target, 'homoglyph');
        continue;
      }
      if (!target.distinctive) continue;
      const length = target.label.length;
      // Typosquats keep the first letter; dropping it mostly lands on a real word (icloud → cloud).
      if (length >= MIN_LENGTH_FOR_ONE_EDIT && labelSkeleton[0] === target.labelSkeleton[0] && !isInflection(label, target.label)) {
        const allowed = length >= MIN_LENGTH_FOR_TWO_EDITS ? 2 : 1;
        let distance = editDistance(label, target.label, allowed);
        // Skeletons fold i/l and cl/d, which brings plain words closer than they look (insult ~
        // intuit, loud ~ icloud); they only count for labels spelled with confusables (rnicrosfot).
        if (distance > allowed && disguised) distance = editDistance(labelSkeleton, target.labelSkeleton, allowed);
        if (distance <= allowed) {
          consider(target, 'edit_distance');
          continue;
        }
      }
      if (
        tokens.has(target.label) ||
        skeletonTokens.has(target.labelSkeleton) ||
        (target.substringEmbedding &&
          (isFillerCompound(label, target.label, FILLER_WORDS) ||
            isFillerCompound(labelSkeleton, target.labelSkeleton, FILLER_SKELETONS)))
      ) {
        consider(target, 'embedded');
      }
    }
    const found = best as LookalikeMatch | null;
    if (found === null && parts.subdomain !== '') return this.domainInSubdomain(parts.host, parts.subdomain);
    return found;
  }

  /** `paypal.com.account-verify.net`: a real target domain written as the start of the host. */
  private domainInSubdomain(host: string, subdomain: string): LookalikeMatch | null {
    const labels = subdomain.split('.');
    for (let start = 0; start < labels.length - 1; start++) {
      for (let end = start + 2; end <= labels.length; end++) {
        const candidate = labels.slice(start, end).join('.');
        if (this.owned.has(candidate)) {
          const owner = this.ownerOf(candidate);
          return { domain: host, imitated: candidate, owner: owner.name, technique: 'domain_in_subdomain', protectedTarget: owner.protectedTarget };
        }
      }
    }
    return null;
  }

  private ownsParts(parts: DomainParts): boolean {
    return this.owned.has(parts.registrable) || this.familyLabels.has(parts.label);
  }

  private readonly ownerByDomain = new Map<string, { name: string; protectedTarget: boolean }>();

  private ownerOf(domain: string): { name: string; protectedTarget: boolean } {
    return this.ownerByDomain.get(domain) ?? { name: domain, protectedTarget: false };
  }

  private addProtected(domain: string): void {
    const parts = domainParts(domain);
    if (parts.registrable === '') return;
    this.owned.add(parts.registrable);
    if (!this.ownerByDomain.has(parts.registrable)) {
      this.ownerByDomain.set(parts.registrable, { name: parts.registrable, protectedTarget: true });
    }
    if (parts.label.length < MIN_LABEL_LENGTH) return;
    this.targets.push({
      owner: parts.registrable,
      imitated: parts.registrable,
      label: parts.label,
      labelSkeleton: skeleton(parts.label),
      distinctive: parts.label.length >= MIN_PROTECTED_TOKEN_LENGTH,
      substringEmbedding: parts.label.length >= MIN_LENGTH_FOR_SUBSTRING,
      otherSuffixIsLookalike: true,
      protectedTarget: true,
    });
  }

  private addBrand(brand: Brand): void {
    const owned = [...brand.domains, ...(brand.openDomains ?? [])];
    for (const domain of owned) {
      const registrable = domainParts(domain).registrable;
      if (registrable === '') continue;
      this.owned.add(registrable);
      if (!this.ownerByDomain.has(registrable)) this.ownerByDomain.set(registrable, { name: brand.name, protectedTarget: false });
    }
    const imitated = brand.domains[0] ?? owned[0] ?? '';
    const add = (label: string, distinctive: boolean): void => {
      if (label.length < MIN_LABEL_LENGTH) return;
      if (brand.countryVariants === true) this.familyLabels.add(label);
      this.targets.push({
        owner: brand.name,
        imitated,
        label,
        labelSkeleton: skeleton(label),
        distinctive,
        substringEmbedding: distinctive && label.length >= MIN_LENGTH_FOR_SUBSTRING,
        otherSuffixIsLookalike: false,
        protectedTarget: false,
      });
    };
    for (const label of brand.lookalikeLabels) add(label, true);
    for (const label of brand.ambiguousLabels ?? []) add(label, false);
  }
}

function stronger(current: LookalikeMatch | null, candidate: LookalikeMatch): LookalikeMatch {
  if (current === null || TECHNIQUE_RANK[candidate.technique] < TECHNIQUE_RANK[current.technique]) return candidate;
  return current;
}

/** `amazons` for amazon, `googled` for google: an English word form, not a typo. */
function isInflection(label: string, brand: string): boolean {
  return label.startsWith(brand) && INFLECTIONS.has(label.slice(brand.length));
}

/**
 * Whether `label` is `brand` glued to filler words and digits only ("securepaypal",
 * "paypal-login24", "amazonsupportcenter"). Hyphens and dots count as separators.
 */
function isFillerCompound(label: string, brand: string, fillers: ReadonlySet<string>): boolean {
  if (label.length > MAX_COMPOUND_LENGTH) return false;
  for (let at = label.indexOf(brand); at >= 0; at = label.indexOf(brand, at + 1)) {
    if (isFillers(label.slice(0, at), fillers) && isFillers(label.slice(at + brand.length), fillers)) return true;
  }
  return false;
}

/** Word break: can `text` be cut into filler words, digit runs and separators? */
function isFillers(text: string, fillers: ReadonlySet<string>): boolean {
  const reachable = new Array<boolean>(text.length + 1).fill(false);
  reachable[0] = true;
  for (let end = 1; end <= text.length; end++) {
    for (let start = end - 1; start >= 0 && !reachable[end]; start--) {
      if (!reachable[start]) continue;
      const piece = text.slice(start, end);
      reachable[end] = fillers.has(piece) || /^[\d._-]+$/.test(piece);
    }
  }
  return reachable[text.length] as boolean;
}
