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
  /** Words read as another word through I for l or digits for letters ("PayPaI"), bounded sample. */
  lookalikes: LookalikeWord[];
}

/** A word that reads as a known word once its look-alike letters are folded. */
export interface LookalikeWord {
  /** The word as written ("PayPaI"). */
  written: string;
  /** The word it was read as ("paypal"). */
  folded: string;
  /** Index of the word in `tokens`. */
  index: number;
}

/** The words the phrase lists and brand names use: look-alike folds only ever produce one of them. */
export interface WordVocabulary {
  knows(word: string): boolean;
}

/** Look-alike words remembered per text (the finding shows a few; the rest are only counted as matches). */
const MAX_LOOKALIKES = 50;
/** Capital I standing for l: after a lower-case letter ("PayPaI", "AppIe"), or first before lower case ("Iog", "Iimited"). */
const CAPITAL_I_FOR_L = /(?<=[a-z])I(?=[a-z01]|$)|^I(?=[a-z])/g;
/** After folding, a plain, capitalised or CamelCase word ("paypal", "Limited", "PayPal"); not "loT" from "IoT". */
const WORD_SHAPE = /^[A-Z]?[a-z01]+(?:[A-Z][a-z01]+)*$/;
const LETTERS_AND_0_1 = /^[A-Za-z01]{3,30}$/;
const DIGIT_0_1 = /[01]/;
const MAY_HAVE_LOOKALIKES = /[I01]/;
/**
 * Digits read as letters only in words of three letters or more ("1st" stays an ordinal), and a
 * final digit only after five ("paypa1", not "vol1" or "test1", which number things).
 */
const MIN_LETTERS_WITH_DIGITS = 3;
const MIN_LETTERS_BEFORE_FINAL_DIGIT = 5;

/**
 * Lower-cases, drops invisible characters and diacritics ("não" → "nao", "𝙔𝙊𝙐𝙍" → "your"
 * through compatibility decomposition) and splits into words of letters and digits. A word
 * that mixes Latin letters with Cyrillic or Greek ones is read as the Latin word it imitates.
 * Only words with non-ASCII characters are normalised (Unicode normalisation of a whole body
 * costs more than everything else together). Stops after `maxTokens` words.
 */
export function foldText(text: string, maxTokens: number, vocabulary?: WordVocabulary): FoldedText {
  const visible = text.replace(INVISIBLE_CHARS, '');
  const ascii = !NON_ASCII.test(visible);
  // Split before lower-casing: a capital I inside a lower-case word is the look-alike tell.
  const words = ascii ? visible.split(/[^A-Za-z0-9]+/) : visible.split(/[^\p{L}\p{N}\p{M}]+/u);
  const tokens: string[] = [];
  const mixedScriptWords: string[] = [];
  const lookalikes: LookalikeWord[] = [];
  let mixedScriptCount = 0;
  for (const written of words) {
    if (tokens.length >= maxTokens) break;
    if (written === '') continue;
    const word = written.toLowerCase();
    if (ascii || !NON_ASCII.test(word)) {
      const folded = vocabulary === undefined ? null : lookalikeFold(written, word, vocabulary);
      if (folded !== null && lookalikes.length < MAX_LOOKALIKES) lookalikes.push({ written, folded, index: tokens.length });
      tokens.push(folded ?? word);
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
  return { tokens, mixedScriptWords, mixedScriptCount, lookalikes };
}

/**
 * The known word a written word imitates with look-alike characters, or null: a capital I for
 * l inside an otherwise lower-case or CamelCase word ("PayPaI", "AppIe", "Iog", "Iimited") and
 * the digits 0 for o and 1 for l or i between letters ("micr0soft", "1ogin", "s1gn"). Only
 * words that are not known as written and become a known word count, so "Invoice", "Internet",
 * "LinkedIn", "IT", "II", the pronoun I, codes and version numbers stay as they are.
 */
function lookalikeFold(written: string, lower: string, vocabulary: WordVocabulary): string | null {
  // Most words have neither: one cheap test before the others.
  if (!MAY_HAVE_LOOKALIKES.test(written) || !LETTERS_AND_0_1.test(written)) return null;
  const withL = written.replace(CAPITAL_I_FOR_L, 'l');
  const digits = DIGIT_0_1.test(withL);
  if (withL === written && !digits) return null;
  if (withL !== written && !WORD_SHAPE.test(withL)) return null;
  if (digits) {
    const letters = withL.replace(/[01]/g, '').length;
    if (letters < MIN_LETTERS_WITH_DIGITS) return null;
    if (/[01]$/.test(withL) && letters < MIN_LETTERS_BEFORE_FINAL_DIGIT) return null;
  }
  if (vocabulary.knows(lower)) return null;
  const base = withL.toLowerCase().replace(/0/g, 'o');
  const oneAsL = base.replace(/1/g, 'l');
  if (vocabulary.knows(oneAsL)) return oneAsL;
  const oneAsI = base.replace(/1/g, 'i');
  return oneAsI !== oneAsL && vocabulary.knows(oneAsI) ? oneAsI : null;
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
