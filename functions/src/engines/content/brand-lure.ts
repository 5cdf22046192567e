import { domainParts, registrableOf, type Brand } from '../../core/brands';
import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import { foldText } from './text';
import type { MessageView } from './view';

/** A brand the engine watches for: its name as written in text, and where it really mails from. */
export interface WatchedBrand {
  name: string;
  /** Phrases that name the brand in running text (distinctive ones only: "paypal", "docusign"). */
  keywords: readonly string[];
  domains: readonly string[];
  /** Labels left of the public suffix that are the brand in any country (amazon.de). */
  countryLabels?: readonly string[];
}

/** Body words searched for a brand name: lures name it in the subject or the opening lines. */
const BODY_WORDS_SEARCHED = 300;
/** Words of the longest brand keyword looked back over when asking whether a word is part of one. */
const MAX_KEYWORD_WORDS = 4;

interface BrandEntry {
  name: string;
  words: string[];
  domains: Set<string>;
  countryLabels: Set<string>;
}

/**
 * Builds the watch list from the shared brand list. Ambiguous words ("apple", "chase") are left
 * out, and so are open domains (gmail.com): anyone can mail from those, so they prove nothing.
 */
export function watchedBrandsOf(brands: readonly Brand[]): WatchedBrand[] {
  return brands.map((brand) => ({
    name: brand.name,
    keywords: brand.keywords,
    domains: brand.domains,
    countryLabels: brand.countryVariants === true ? [...brand.lookalikeLabels, ...(brand.ambiguousLabels ?? [])] : [],
  }));
}

/**
 * Brand lures: the subject or the opening of the body names a well-known brand (PayPal,
 * Microsoft 365, DHL…) while the From domain is not the brand's. Only reported when the message
 * also carries a lure, since newsletters and discussions name brands all the time; and not when
 * the display name already claims the brand (the auth engine reports that) or when every link
 * goes to the brand's own domains.
 */
export class BrandLureDetector {
  private readonly byFirstWord = new Map<string, BrandEntry[]>();
  /** Every word of every brand keyword ("paypal", "microsoft", "365"). */
  readonly words = new Set<string>();

  constructor(brands: readonly WatchedBrand[]) {
    for (const brand of brands) {
      const entry = {
        name: brand.name,
        words: [],
        domains: new Set(brand.domains.map((domain) => registrableOf(domain)).filter((domain) => domain !== '')),
        countryLabels: new Set(brand.countryLabels ?? []),
      };
      for (const keyword of brand.keywords) {
        const words = foldText(keyword, 10).tokens;
        for (const word of words) this.words.add(word);
        const first = words[0];
        if (first === undefined) continue;
        const list = this.byFirstWord.get(first) ?? [];
        list.push({ ...entry, words });
        this.byFirstWord.set(first, list);
      }
    }
  }

  /** Whether a brand keyword written in `tokens` covers the word at `index`. */
  namesAt(tokens: readonly string[], index: number): boolean {
    for (let start = Math.max(0, index - MAX_KEYWORD_WORDS + 1); start <= index; start++) {
      for (const brand of this.byFirstWord.get(tokens[start] as string) ?? []) {
        if (start + brand.words.length > index && brand.words.every((word, offset) => tokens[start + offset] === word)) return true;
      }
    }
    return false;
  }

  analyse(view: MessageView, lurePresent: boolean): Scored | null {
    if (!lurePresent) return null;
    const limit = Math.min(view.tokens.length, view.subjectTokenCount + 1 + BODY_WORDS_SEARCHED);
    const sender = domainParts(view.fromDomain);
    const displayName = foldText(view.subject.from?.name ?? '', 40).tokens;
    for (let index = 0; index < limit; index++) {
      for (const brand of this.byFirstWord.get(view.tokens[index] as string) ?? []) {
        if (!brand.words.every((word, offset) => view.tokens[index + offset] === word)) continue;
        if (brand.domains.has(sender.registrable) || brand.countryLabels.has(sender.label)) return null;
        if (containsWords(displayName, brand.words)) return null;
        const clicks = view.clickable;
        if (clicks.length > 0 && clicks.every((link) => brand.domains.has(link.registrableDomain))) return null;
        const where = index < view.subjectTokenCount ? 'subject' : 'body';
        return {
          score: S.brandLure,
          evidence: [`${where} names ${brand.name} ("${brand.words.join(' ')}"); sender domain ${view.fromDomain || 'unknown'}`],
        };
      }
    }
    return null;
  }
}

function containsWords(tokens: readonly string[], words: readonly string[]): boolean {
  for (let start = 0; start + words.length <= tokens.length; start++) {
    if (words.every((word, offset) => tokens[start + offset] === word)) return true;
  }
  return false;
}
