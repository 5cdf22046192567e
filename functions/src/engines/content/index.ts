import { z } from 'zod';
import { BUILTIN_BRANDS, registrableOf } from '../../core/brands';
import type { Engine } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';
import { ConfigError } from '../../core/errors';
import { ContentAnalyser } from './analyser';
import { watchedBrandsOf, type WatchedBrand } from './brand-lure';
import { CONTENT_FINDING_TITLES } from './findings';
import { BUILTIN_LEXICONS, LURE_CATEGORIES, type Lexicon, type LureCategory } from './lexicon';
import { LexiconError, PhraseMatcher } from './matcher';

export { CONTENT_FINDING_TITLES, CONTENT_SCORES, CATEGORY_CAPS, TIER_VALUES, type ContentFindingId } from './findings';
export { LURE_CATEGORIES, type LureCategory } from './lexicon';

const phraseList = z.array(z.string().trim().min(1).max(300)).max(500);

/** Extra phrases for one category, by tier, in the lexicon phrase syntax (docs/engines/content.md). */
const phraseSet = z
  .object({ strong: phraseList.default([]), medium: phraseList.default([]), weak: phraseList.default([]) })
  .strict();

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .refine((domain) => /^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u.test(domain) && registrableOf(domain) !== '', {
    message: 'expected a domain name with a public suffix, such as example.com',
  });

const protectedBrand = z
  .object({
    /** Shown in findings. */
    name: z.string().trim().min(1),
    /** How the brand is written in running text ("acme pay"); distinctive names only. */
    keywords: z.array(z.string().trim().min(2)).min(1),
    /** Every domain the brand really sends from. */
    domains: z.array(domainName).min(1),
  })
  .strict();

const findingId = z.enum(Object.keys(CONTENT_FINDING_TITLES) as [keyof typeof CONTENT_FINDING_TITLES, ...(keyof typeof CONTENT_FINDING_TITLES)[]]);

export const ContentConfigSchema = z
  .object({
    /** Phrases added to the shipped lists, per category (credential, payment, giftcard, …). */
    extraPhrases: z.partialRecord(z.enum(LURE_CATEGORIES), phraseSet).default({}),
    /** Brands (the organisation's own, partners) whose name in a lure from another domain is reported. */
    protectedBrands: z.array(protectedBrand).default([]),
    /** Watch the shared list of often-impersonated brands too. */
    useBuiltinBrands: z.boolean().default(true),
    /** Findings never raised (e.g. `content.spam_offer` where marketing is not wanted as a signal). */
    disabledFindings: z.array(findingId).default([]),
    /** Characters of each body read (visible HTML text and plain text). */
    maxTextChars: z.number().int().min(1000).max(1_000_000).default(60_000),
    /** Characters of HTML analysed for hidden text, images and scripts (the body text is read from them too). */
    maxHtmlChars: z.number().int().min(10_000).max(10_000_000).default(300_000),
    /** Words compared with the phrase lists. */
    maxWords: z.number().int().min(100).max(200_000).default(12_000),
    /** Hidden characters from which hidden text counts as salting. */
    hiddenTextMinChars: z.number().int().min(50).max(100_000).default(300),
    /** Words of text at most for an image-and-link message to count as image-only. */
    imageOnlyMaxWords: z.number().int().min(0).max(500).default(25),
  })
  .strict();

export type ContentConfig = z.infer<typeof ContentConfigSchema>;
export type ContentConfigInput = z.input<typeof ContentConfigSchema>;

export const CONTENT_ENGINE_VERSION = '1.2.0';

/**
 * The content engine: judges what the message says. Multilingual phrase lists for credential
 * theft, business-email compromise, gift cards, callback scams, advance-fee, prize, crypto,
 * sextortion, parcel, romance and job/task-scam lures, urgency and impersonal greetings; brand names used by
 * other domains; and structure that hides or replaces words (hidden text, invisible and
 * look-alike characters (other scripts, I for l, digits for letters), image-only bodies, a lone button, HTML smuggling). Deterministic rules,
 * every finding carrying the matched words. See docs/engines/content.md.
 */
export function createContentEngine(input: unknown = {}): Engine<ContentConfig> {
  const config = parseEngineConfig(ContentConfigSchema, input, 'content');
  const extra = extraLexicon(config.extraPhrases);
  const brands: WatchedBrand[] = [
    ...(config.useBuiltinBrands ? watchedBrandsOf(BUILTIN_BRANDS) : []),
    ...config.protectedBrands.map((brand) => ({ name: brand.name, keywords: brand.keywords, domains: brand.domains })),
  ];
  const analyser = new ContentAnalyser({
    lexicons: [...BUILTIN_LEXICONS, extra],
    brands,
    maxTextChars: config.maxTextChars,
    maxHtmlChars: config.maxHtmlChars,
    maxTokens: config.maxWords,
    hiddenTextMinChars: config.hiddenTextMinChars,
    imageOnlyMaxWords: config.imageOnlyMaxWords,
    disabledFindings: config.disabledFindings,
  });
  return {
    name: 'content',
    version: CONTENT_ENGINE_VERSION,
    defaultTimeoutMs: 2000,
    config,
    scan: (subject, context) => analyser.scan(subject, context),
  };
}

/** The configured extra phrases as a lexicon, each checked so a bad phrase names itself. */
function extraLexicon(extraPhrases: ContentConfig['extraPhrases']): Lexicon {
  const lexicon: Lexicon = {};
  for (const category of LURE_CATEGORIES) {
    const set = extraPhrases[category as LureCategory];
    if (set === undefined) continue;
    for (const [tier, phrases] of Object.entries(set)) {
      for (const phrase of phrases) {
        try {
          new PhraseMatcher([{ [category]: { [tier]: [phrase] } }]);
        } catch (error) {
          if (!(error instanceof LexiconError)) throw error;
          throw new ConfigError(`invalid content engine config: extraPhrases.${category}.${tier}: ${error.message}`, { engine: 'content' });
        }
      }
    }
    lexicon[category as LureCategory] = set;
  }
  return lexicon;
}
