import { LURE_CATEGORIES, TIERS, type Lexicon, type LureCategory, type Tier } from './lexicon/types';
import { simpleFold } from './text';

/** One position of a phrase. */
interface Slot {
  words: ReadonlySet<string>;
  prefixes: readonly string[];
  /** Matches any single word. */
  any: boolean;
  /** May be skipped (an optional word, or a gap). */
  optional: boolean;
  /** A gap of up to this many arbitrary words (0 when the slot is a word). */
  gap: number;
}

interface FirstWordEntry {
  any: CompiledPhrase[];
  bySecond: Map<string, CompiledPhrase[]>;
}

interface CompiledPhrase {
  /** Category and source: every variant of one lexicon phrase shares it, so it counts once. */
  key: string;
  source: string;
  category: LureCategory;
  tier: Tier;
  slots: readonly Slot[];
}

export interface PhraseMatch {
  category: LureCategory;
  tier: Tier;
  /** The phrase as written in the lexicon. */
  phrase: string;
  /** The words of the text that matched. */
  matched: string;
  /** Token index of the first word. */
  position: number;
}

export class LexiconError extends Error {
  constructor(
    readonly phrase: string,
    message: string,
  ) {
    super(`bad lexicon phrase "${phrase}": ${message}`);
    this.name = 'LexiconError';
  }
}

const MAX_GAP = 4;
const MIN_PREFIX = 3;
const WORD = /^[\p{L}\p{N}]+$/u;

function compileSlot(piece: string, phrase: string): Slot {
  const gap = /^~(\d)?$/.exec(piece);
  if (gap !== null) {
    const size = gap[1] === undefined ? 2 : Number(gap[1]);
    if (size < 1 || size > MAX_GAP) throw new LexiconError(phrase, `gap ${piece} must be 1..${MAX_GAP}`);
    return { words: new Set(), prefixes: [], any: true, optional: true, gap: size };
  }
  if (piece === '?') return { words: new Set(), prefixes: [], any: true, optional: false, gap: 0 };
  const optional = piece.startsWith('(') && piece.endsWith(')');
  const body = optional ? piece.slice(1, -1) : piece;
  const words = new Set<string>();
  const prefixes: string[] = [];
  for (const alternative of body.split('|')) {
    const folded = simpleFold(alternative);
    if (folded.endsWith('*')) {
      const stem = folded.slice(0, -1);
      if (stem.length < MIN_PREFIX || !WORD.test(stem)) throw new LexiconError(phrase, `prefix "${alternative}" needs ${MIN_PREFIX}+ letters`);
      prefixes.push(stem);
    } else {
      if (!WORD.test(folded)) throw new LexiconError(phrase, `"${alternative}" is not a single word of letters and digits`);
      words.add(folded);
    }
  }
  return { words, prefixes, any: false, optional, gap: 0 };
}

const MAX_VARIANTS = 64;

/**
 * Expands word-sequence groups into plain phrases, so the matcher itself only ever sees
 * single-word slots. A position may mix words and groups: `a|[b c]|d*` is "a", "b c" or a word
 * starting with "d"; an empty option (`[|b c]`) makes the position optional.
 */
export function expandGroups(source: string): string[] {
  const trimmed = source.trim();
  const piece = /(?:\[[^\]]*\]|[^\s[\]])+/g;
  const pieces = trimmed.match(piece) ?? [];
  if (trimmed.replace(piece, '').trim() !== '') throw new LexiconError(source, 'unbalanced brackets');
  let variants = [''];
  for (const position of pieces) {
    let options = position.includes('[') ? optionsOf(position, source) : [position];
    // Single words only: one ordinary alternative slot, no need to multiply phrases.
    if (options.length > 1 && options.every((option) => option !== '' && !/\s/.test(option))) options = [options.join('|')];
    const next: string[] = [];
    for (const prefix of variants) for (const option of options) next.push(option === '' ? prefix : `${prefix} ${option}`.trim());
    if (next.length > MAX_VARIANTS) throw new LexiconError(source, `expands to more than ${MAX_VARIANTS} phrases`);
    variants = next;
  }
  return [...new Set(variants.filter((variant) => variant !== ''))];
}

/** The options of one position: its `|` alternatives, with groups opened up. */
function optionsOf(piece: string, source: string): string[] {
  const options: string[] = [];
  for (const alternative of piece.match(/\[[^\]]*\]|[^|[\]]+|(?<=\|)(?=\||$)/g) ?? []) {
    if (alternative.startsWith('[')) options.push(...alternative.slice(1, -1).split('|').map((option) => option.trim().replace(/\s+/g, ' ')));
    else options.push(alternative);
  }
  if (options.some((option) => /[()]/.test(option) && option.includes(' '))) throw new LexiconError(source, 'optional words go outside groups');
  return options;
}

function slotAccepts(slot: Slot, token: string): boolean {
  if (slot.any) return true;
  if (slot.words.has(token)) return true;
  for (const prefix of slot.prefixes) if (token.startsWith(prefix)) return true;
  return false;
}

/**
 * All phrases of all lexicons compiled into one index keyed by their first word, so the text is
 * walked once whatever the number of phrases: at each word only the phrases that can start there
 * are tried.
 */
export class PhraseMatcher {
  /** Phrases by first word; those whose second position is a plain word also by that word. */
  private readonly byFirstWord = new Map<string, FirstWordEntry>();
  /** Phrases whose first slot has prefixes, keyed by the prefix's first three letters. */
  private readonly byFirstPrefix = new Map<number, CompiledPhrase[]>();
  /** Compiled phrase variants (after group expansion). */
  readonly phraseCount: number;
  /** Every word a phrase names, and every prefix: what a look-alike spelling can be read as. */
  private readonly vocabulary = new Set<string>();
  /** Prefixes by their first three letters, so asking about a word costs one lookup. */
  private readonly vocabularyPrefixes = new Map<number, string[]>();

  constructor(lexicons: readonly Lexicon[]) {
    let count = 0;
    for (const lexicon of lexicons) {
      for (const category of LURE_CATEGORIES) {
        const set = lexicon[category];
        if (set === undefined) continue;
        for (const tier of TIERS) {
          for (const source of set[tier] ?? []) {
            for (const variant of expandGroups(source)) {
              const slots = variant.split(/\s+/).map((piece) => compileSlot(piece, source));
              for (const slot of slots) {
                for (const word of slot.words) this.vocabulary.add(word);
                for (const prefix of slot.prefixes) {
                  const list = this.vocabularyPrefixes.get(prefixKey(prefix));
                  if (list === undefined) this.vocabularyPrefixes.set(prefixKey(prefix), [prefix]);
                  else if (!list.includes(prefix)) list.push(prefix);
                }
              }
              const first = slots[0];
              if (first === undefined || first.any || first.optional) throw new LexiconError(source, 'must start with a word');
              const phrase: CompiledPhrase = { key: `${category}:${source}`, source, category, tier, slots };
              count++;
              const second = slots[1];
              const bySecond = second !== undefined && !second.any && !second.optional && second.prefixes.length === 0;
              for (const word of first.words) {
                const entry = this.byFirstWord.get(word) ?? { any: [], bySecond: new Map<string, CompiledPhrase[]>() };
                this.byFirstWord.set(word, entry);
                if (bySecond) for (const next of second.words) push(entry.bySecond, next, phrase);
                else entry.any.push(phrase);
              }
              for (const prefix of first.prefixes) push(this.byFirstPrefix, prefixKey(prefix), phrase);
            }
          }
        }
      }
    }
    this.phraseCount = count;
  }

  /** Whether some phrase can use this folded word (a listed word, or one a prefix covers). */
  knows(word: string): boolean {
    if (this.vocabulary.has(word)) return true;
    if (word.length < MIN_PREFIX) return false;
    for (const prefix of this.vocabularyPrefixes.get(prefixKey(word)) ?? []) if (word.startsWith(prefix)) return true;
    return false;
  }

  /** Every phrase found in the words, each phrase reported once (at its first occurrence). */
  match(tokens: readonly string[]): PhraseMatch[] {
    const found = new Map<string, PhraseMatch>();
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index] as string;
      const exact = this.byFirstWord.get(token);
      if (exact !== undefined) {
        if (exact.any.length > 0) this.tryAll(exact.any, tokens, index, found);
        const next = tokens[index + 1];
        const bySecond = next === undefined ? undefined : exact.bySecond.get(next);
        if (bySecond !== undefined) this.tryAll(bySecond, tokens, index, found);
      }
      if (token.length >= MIN_PREFIX) {
        const byPrefix = this.byFirstPrefix.get(prefixKey(token));
        if (byPrefix !== undefined) this.tryAll(byPrefix, tokens, index, found);
      }
    }
    return [...found.values()];
  }

  private tryAll(candidates: readonly CompiledPhrase[], tokens: readonly string[], index: number, found: Map<string, PhraseMatch>): void {
    const token = tokens[index] as string;
    for (const phrase of candidates) {
      if (found.has(phrase.key) || !slotAccepts(phrase.slots[0] as Slot, token)) continue;
      const end = matchFrom(phrase.slots, 1, tokens, index + 1);
      if (end < 0) continue;
      found.set(phrase.key, {
        category: phrase.category,
        tier: phrase.tier,
        phrase: phrase.source,
        matched: tokens.slice(index, end).join(' '),
        position: index,
      });
    }
  }
}

/** The first three characters of a word as one number: a map key that needs no substring. */
function prefixKey(word: string): number {
  return word.charCodeAt(0) * 4294967296 + word.charCodeAt(1) * 65536 + word.charCodeAt(2);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Index just past the phrase when slots[slot..] match tokens from `at`, else -1. Backtracks
 * only over optional slots and gaps, which phrases keep few and short, so the work per start
 * position is bounded by the phrase's length times MAX_GAP.
 */
function matchFrom(slots: readonly Slot[], slot: number, tokens: readonly string[], at: number): number {
  if (slot === slots.length) return at;
  const current = slots[slot] as Slot;
  if (current.gap > 0) {
    for (let skip = 0; skip <= current.gap && at + skip <= tokens.length; skip++) {
      const end = matchFrom(slots, slot + 1, tokens, at + skip);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (at < tokens.length && slotAccepts(current, tokens[at] as string)) {
    const end = matchFrom(slots, slot + 1, tokens, at + 1);
    if (end >= 0) return end;
  }
  return current.optional ? matchFrom(slots, slot + 1, tokens, at) : -1;
}
