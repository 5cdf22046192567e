import { GERMAN } from './de';
import { ENGLISH } from './en';
import { SPANISH } from './es';
import { FRENCH } from './fr';
import { ITALIAN } from './it';
import { DUTCH } from './nl';
import { PORTUGUESE } from './pt';
import type { Lexicon } from './types';

export { LURE_CATEGORIES, TIERS, type Lexicon, type LureCategory, type PhraseSet, type Tier } from './types';

/**
 * Every shipped language. All run on every message: one pass over the words tries only the
 * phrases that can start at each word, so more languages cost memory, not time, and mail that
 * mixes languages (a Portuguese lure with an English footer) is read whole.
 */
export const BUILTIN_LEXICONS: readonly Lexicon[] = [ENGLISH, PORTUGUESE, SPANISH, GERMAN, FRENCH, DUTCH, ITALIAN];
