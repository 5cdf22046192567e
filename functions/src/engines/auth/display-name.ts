import unhomoglyph from 'unhomoglyph';
import { domainParts, SERVICE_WORDS, skeleton, type Brand } from '../../core/brands';

/**
 * Words of a display name for matching: diacritics dropped ("José" → "jose"), non-ASCII
 * letters that imitate ASCII mapped to it ("PаyPal" with a Cyrillic а → "paypal"), lower-cased,
 * split on anything that is not a letter or digit. Other scripts stay as they are, so
 * non-Latin names still match themselves.
 */
export function nameTokens(name: string): string[] {
  let ascii = '';
  for (const char of name.normalize('NFKD').replace(/\p{M}+/gu, '')) {
    if (char.charCodeAt(0) <= 0x7f) {
      ascii += char;
    } else {
      const mapped = unhomoglyph(char);
      ascii += /^[\x20-\x7e]+$/.test(mapped) ? mapped : char;
    }
  }
  return ascii
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token !== '');
}

/** Words that, beside a brand word, still describe the brand's own service desk rather than a
 * third party: "Microsoft 365 Admin", "Acme Payroll". */
const ORGANISATION_ROLE_WORDS: ReadonlySet<string> = new Set([
  'accounting', 'accounts', 'board', 'ceo', 'cfo', 'coo', 'cto', 'director', 'executive', 'finance', 'hr',
  'human', 'legal', 'management', 'manager', 'payable', 'payroll', 'president', 'procurement', 'purchasing',
  'resources', 'sales', 'treasury',
]);

export type ClaimStrength = 'strong' | 'weak';

export interface BrandClaim {
  /** Brand name, or the protected domain whose name was claimed. */
  owner: string;
  /** The words that matched, as written in the keyword list. */
  keyword: string;
  strength: ClaimStrength;
  /** True when the claimed name is a protected (organisation or partner) domain's. */
  protectedTarget: boolean;
  /** Whether a sender on `registrableDomain` (with `label` before the suffix) is the claimed owner. */
  isLegitimateSender(registrableDomain: string, label: string): boolean;
}

interface Phrase {
  /** Skeletons of the phrase's words. */
  words: string[];
  /** Skeleton of the words run together, for names written without spaces ("PayPalService"). */
  compact: string;
  keyword: string;
  /** Ambiguous words claim only when nothing but service words surround them. */
  ambiguous: boolean;
  owner: Owner;
}

interface Owner {
  name: string;
  protectedTarget: boolean;
  /** Words of all the owner's keywords: "Microsoft Outlook" is still only Microsoft. */
  ownWords: Set<string>;
  domains: Set<string>;
  familyLabels: Set<string>;
}

/** Run-together matches need this many characters to mean anything. */
const MIN_COMPACT_LENGTH = 6;

/**
 * Tells whether a display name claims to be a brand or a protected organisation. A strong claim
 * is the brand plus service words only ("PayPal Service", "Microsoft 365 Admin", "Alice via
 * DocuSign"); a weak claim names the brand among other words ("Tips for Amazon sellers").
 */
export class BrandClaimMatcher {
  private readonly phrases: Phrase[] = [];

  constructor(brands: readonly Brand[], protectedDomains: readonly string[]) {
    for (const brand of brands) this.addBrand(brand);
    for (const domain of protectedDomains) this.addProtected(domain);
  }

  /** The strongest claim in a display name, or null. */
  claim(displayName: string): BrandClaim | null {
    const tokens = nameTokens(displayName);
    if (tokens.length === 0) return null;
    const skeletons = tokens.map(skeleton);
    const compact = skeletons.join('');
    let weak: BrandClaim | null = null;
    for (const phrase of this.phrases) {
      const at = indexOfPhrase(skeletons, phrase.words);
      if (at < 0) {
        if (!phrase.ambiguous && weak === null && phrase.compact.length >= MIN_COMPACT_LENGTH && compact.includes(phrase.compact)) {
          weak = toClaim(phrase, 'weak');
        }
        continue;
      }
      const others = tokens.filter((_, index) => index < at || index >= at + phrase.words.length);
      const viaBrand = at > 0 && tokens[at - 1] === 'via' && at + phrase.words.length === tokens.length;
      const onlyService = others.every((token) => isServiceWord(token, phrase.owner));
      if (onlyService || viaBrand) return toClaim(phrase, 'strong');
      if (!phrase.ambiguous && weak === null) weak = toClaim(phrase, 'weak');
    }
    return weak;
  }

  private addBrand(brand: Brand): void {
    const domains = new Set(brand.domains.map((domain) => domainParts(domain).registrable).filter((d) => d !== ''));
    const familyLabels = new Set(
      brand.countryVariants === true ? [...brand.lookalikeLabels, ...(brand.ambiguousLabels ?? [])] : [],
    );
    const allKeywords = [...brand.keywords, ...(brand.ambiguousKeywords ?? [])];
    const ownWords = new Set(allKeywords.flatMap((keyword) => nameTokens(keyword)));
    const owner: Owner = { name: brand.name, protectedTarget: false, ownWords, domains, familyLabels };
    for (const keyword of brand.keywords) this.addPhrase(keyword, false, owner);
    for (const keyword of brand.ambiguousKeywords ?? []) this.addPhrase(keyword, true, owner);
  }

  /** A protected domain's name ("acme" of acme-corp.com → "acme corp") as a brand of its own. */
  private addProtected(domain: string): void {
    const parts = domainParts(domain);
    if (parts.label === '') return;
    const words = nameTokens(parts.label);
    const keyword = words.join(' ');
    if (keyword.replace(/ /g, '').length < 3) return;
    const owner: Owner = {
      name: parts.registrable,
      protectedTarget: true,
      ownWords: new Set(words),
      domains: new Set([parts.registrable]),
      familyLabels: new Set(),
    };
    // Short company names are everyday words too often ("Acme" is fine, "Box" is not).
    this.addPhrase(keyword, keyword.replace(/ /g, '').length < 5, owner);
  }

  private addPhrase(keyword: string, ambiguous: boolean, owner: Owner): void {
    const words = nameTokens(keyword).map(skeleton);
    if (words.length === 0) return;
    this.phrases.push({ words, compact: words.join(''), keyword, ambiguous, owner });
  }
}

/** A word that describes a service desk, a role, or is part of the owner's own product names. */
function isServiceWord(token: string, owner: { ownWords: Set<string> }): boolean {
  return (
    SERVICE_WORDS.has(token) ||
    ORGANISATION_ROLE_WORDS.has(token) ||
    owner.ownWords.has(token) ||
    /^\d+$/.test(token) ||
    token.length === 1
  );
}

function toClaim(phrase: Phrase, strength: ClaimStrength): BrandClaim {
  const owner = phrase.owner;
  return {
    owner: owner.name,
    keyword: phrase.keyword,
    strength,
    protectedTarget: owner.protectedTarget,
    isLegitimateSender: (registrableDomain, label) =>
      owner.domains.has(registrableDomain) || owner.familyLabels.has(label),
  };
}

function indexOfPhrase(tokens: string[], words: string[]): number {
  const first = words[0];
  for (let start = tokens.indexOf(first as string); start >= 0; start = tokens.indexOf(first as string, start + 1)) {
    if (start + words.length > tokens.length) return -1;
    let matches = true;
    for (let k = 1; k < words.length; k++) {
      if (tokens[start + k] !== words[k]) {
        matches = false;
        break;
      }
    }
    if (matches) return start;
  }
  return -1;
}

export interface PersonMatcherEntry {
  name: string;
  addresses: string[];
}

interface Person {
  name: string;
  words: string[];
  /** The name's words run together, both orders: "janedoe", "doejane". */
  compacts: string[];
  addresses: Set<string>;
  /** Registrable domains of the person's addresses (a forwarded message from one is still them). */
  domains: Set<string>;
}

/**
 * Protected people (executives) by name. A display name carrying all the words of the name, in
 * any order and case, with or without diacritics ("Doe, Jane", "JANE DOE (CEO)", "Jane Q. Doe")
 * names that person.
 */
export class PersonMatcher {
  private readonly people: Person[];

  constructor(entries: readonly PersonMatcherEntry[]) {
    this.people = entries
      .map((entry) => {
        const words = nameTokens(entry.name);
        const forward = words.join('');
        const backward = [...words].reverse().join('');
        return {
          name: entry.name,
          words,
          compacts: forward === backward ? [forward] : [forward, backward],
          addresses: new Set(entry.addresses.map((address) => address.toLowerCase())),
          domains: new Set(
            entry.addresses
              .map((address) => domainParts(address.slice(address.lastIndexOf('@') + 1)).registrable)
              .filter((domain) => domain !== ''),
          ),
        };
      })
      .filter((person) => person.words.length > 0);
  }

  get size(): number {
    return this.people.length;
  }

  /** The protected person a display name names, or null. */
  match(displayName: string): { name: string; addresses: Set<string>; domains: Set<string> } | null {
    if (this.people.length === 0) return null;
    const tokens = nameTokens(displayName);
    if (tokens.length === 0) return null;
    const present = new Set(tokens);
    const compact = tokens.join('');
    for (const person of this.people) {
      if (person.words.every((word) => present.has(word))) return person;
      if (person.words.length > 1 && person.compacts.some((joined) => joined.length >= 6 && compact.includes(joined))) {
        return person;
      }
    }
    return null;
  }
}
