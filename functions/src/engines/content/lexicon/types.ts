/** The kinds of lure the phrase lists describe; each becomes (part of) one finding. */
export const LURE_CATEGORIES = [
  'credential',
  'payment',
  'giftcard',
  'callback',
  'urgency',
  'advance_fee',
  'prize',
  'crypto',
  'sextortion',
  'delivery',
  'authority',
  'scareware',
  'romance',
  'job',
  'spam_offer',
  'personal_data',
  'generic_greeting',
] as const;

export type LureCategory = (typeof LURE_CATEGORIES)[number];

/** How much one phrase says on its own; the scores per tier live in findings.ts. */
export type Tier = 'strong' | 'medium' | 'weak';

export const TIERS: readonly Tier[] = ['strong', 'medium', 'weak'];

/**
 * Phrases of one category by tier. Phrase syntax (words are matched after folding: lower case,
 * no diacritics, punctuation dropped, so write "sign in" for "sign-in" and "nao" for "não"):
 * - `a|b|c`  one of these single words in this position;
 * - `[a b|c|]` one of these word sequences (an empty one makes the group optional);
 * - `verif*` any word starting with "verif" (at least three letters before the star);
 * - `(a|b)`  an optional word;
 * - `?`      exactly one word, any;
 * - `~` / `~3` up to two / three words, any.
 */
export type PhraseSet = Partial<Record<Tier, readonly string[]>>;

export type Lexicon = Partial<Record<LureCategory, PhraseSet>>;
