/**
 * Text as the content analysers read it: one folded form for every language and every trick
 * that keeps the words readable to a person while changing their code points.
 */

/**
 * Characters that render as nothing and are used to split words invisibly: zero-width spaces and
 * joiners, soft hyphens, direction marks, fillers, variation selectors (Unicode's
 * Default_Ignorable_Code_Point).
 */
export const INVISIBLE_CHARS = /\p{Default_Ignorable_Code_Point}/gu;

/** Cyrillic and Greek letters that look like Latin ones, used to dodge word filters ("Pаypal"). */
const CONFUSABLE_TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', г: 'r', һ: 'h', і: 'i', ї: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', н: 'h', о: 'o',
  п: 'n', р: 'p', с: 'c', ѕ: 's', т: 't', у: 'y', х: 'x', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g', ь: 'b',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ϲ: 'c', ω: 'w',
};
const CONFUSABLE_CLASS = /[авеёгһіїјкӏмнопрсѕтухԁԛԝɡьαβεηικνορτυχϲω]/g;
const LATIN_LETTER = /[a-z]/;
const CYRILLIC_OR_GREEK = /[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]/;
const NON_ASCII = /[\u0080-\uffff]/;
/**
 * Characters that compatibility decomposition changes in ways the matcher needs: accented
 * Latin, Greek and Cyrillic, combining marks, ligatures, super/subscripts, enclosed, fullwidth and mathematical
 * letters. Words without them skip normalisation, which is costly per call.
 */
const NEEDS_DECOMPOSITION =
  /[\u00a0-\u024f\p{M}\u0370-\u04ff\u1f00-\u1fff\u1d00-\u1eff\u2070-\u209f\u2100-\u214f\u2460-\u24ff\ufb00-\ufb06\uff00-\uffef\u{1d400}-\u{1d7ff}\u{1f100}-\u{1f1ff}]/u;

export interface FoldedText {
  /** Lower-case words with diacritics dropped, confusables of mixed-script words mapped to Latin. */
  tokens: string[];
  /** Words that mixed Latin with Cyrillic or Greek look-alikes before folding (bounded sample). */
  mixedScriptWords: string[];
  mixedScriptCount: number;
}

/**
 * Lower-cases, drops invisible characters and diacritics ("não" → "nao", "𝙔𝙊𝙐𝙍" → "your"
 * through compatibility decomposition) and splits into words of letters and digits. A word
 * that mixes Latin letters with Cyrillic or Greek ones is read as the Latin word it imitates.
 * Only words with non-ASCII characters are normalised (Unicode normalisation of a whole body
 * costs more than everything else together). Stops after `maxTokens` words.
 */
export function foldText(text: string, maxTokens: number): FoldedText {
  const lower = text.replace(INVISIBLE_CHARS, '').toLowerCase();
  const ascii = !NON_ASCII.test(lower);
  const words = ascii ? lower.split(/[^a-z0-9]+/) : lower.split(/[^\p{L}\p{N}\p{M}]+/u);
  const tokens: string[] = [];
  const mixedScriptWords: string[] = [];
  let mixedScriptCount = 0;
  for (const word of words) {
    if (tokens.length >= maxTokens) break;
    if (word === '') continue;
    if (ascii || !NON_ASCII.test(word)) {
      tokens.push(word);
      continue;
    }
    let folded = NEEDS_DECOMPOSITION.test(word) ? word.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase() : word;
    if (CYRILLIC_OR_GREEK.test(folded) && LATIN_LETTER.test(folded)) {
      const latin = folded.replace(CONFUSABLE_CLASS, (char) => CONFUSABLE_TO_LATIN[char] ?? char);
      if (!CYRILLIC_OR_GREEK.test(latin)) {
        mixedScriptCount++;
        if (mixedScriptWords.length < 5) mixedScriptWords.push(word);
        folded = latin;
      }
    }
    // Decomposition can yield separators ("½" → "1⁄2"): split again.
    for (const part of folded.split(/[^\p{L}\p{N}]+/u)) if (part !== '' && tokens.length < maxTokens) tokens.push(part);
  }
  return { tokens, mixedScriptWords, mixedScriptCount };
}

/** Numeric character references ("&#243;", "&#xE9;"). */
const NUMERIC_REFERENCE = /&#(?:x([0-9a-f]{1,6})|([0-9]{1,7}));/gi;

/**
 * Decodes numeric character references left in a plain-text part ("dep&#243;sito"): senders
 * that paste HTML-escaped text into text/plain show them raw, and the reader still reads the
 * word. Anything that is not a valid, visible code point is left as it is.
 */
export function decodeNumericReferences(text: string): string {
  if (!text.includes('&#')) return text;
  return text.replace(NUMERIC_REFERENCE, (reference, hex: string | undefined, decimal: string | undefined) => {
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(decimal);
    if (!Number.isInteger(code) || code < 0x20 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return reference;
    return String.fromCodePoint(code);
  });
}

/** Lower case without diacritics, for phrase definitions and small strings. */
export function simpleFold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Evidence strings stay short and on one line. */
export function clip(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
