import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import type { MessageView } from './view';

/** Mathematical alphanumerics (𝐏𝐀𝐘𝐌𝐄𝐍𝐓), fullwidth, circled and squared letters. */
const STYLED_LETTERS = /[\u{1d400}-\u{1d7ff}\uff21-\uff3a\uff41-\uff5a\u24b6-\u24e9\u{1f130}-\u{1f189}]/gu;
/**
 * Combining marks stacked on Latin letters that no language's accents use (strike-through,
 * overlays, "Zalgo" text: "P͓̽l͓̽e͓̽a͓̽s͓̽e͓̽"), which break words for filters. Ordinary accents
 * (grave, acute, circumflex, tilde, macron, breve, dot, diaeresis, ring, caron, cedilla, ogonek)
 * are not counted. A loop over code points: a regex class of combining marks misreads as text.
 */
function overlaidLetters(text: string): number {
  let count = 0;
  for (let index = 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const overlay =
      (code >= 0x0300 && code <= 0x036f && !ORDINARY_ACCENTS.has(code)) ||
      (code >= 0x1ab0 && code <= 0x1aff) ||
      (code >= 0x1dc0 && code <= 0x1dff) ||
      (code >= 0x20d0 && code <= 0x20ff);
    if (overlay && /[a-z]/i.test(text.charAt(index - 1))) count++;
  }
  return count;
}
const ORDINARY_ACCENTS: ReadonlySet<number> = new Set([
  0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0306, 0x0307, 0x0308, 0x030a, 0x030b, 0x030c, 0x0327, 0x0328,
]);
const MIN_OVERLAY_HEADER = 4;
const MIN_OVERLAY_BODY = 20;
/** Styled letters in the body at least this many (the subject or the name needs only a word's worth). */
const MIN_STYLED_BODY = 20;
const MIN_STYLED_HEADER = 4;
/**
 * A capital word with the digit 0 standing in for the letter O ("IMP0RTANT", "C0NSUMER"): the
 * reader sees the word, a filter sees a code. At least four letters, with the 0 between them.
 */
const ZERO_FOR_O = /^[A-Z]+0[A-Z0]*[A-Z]$/;
const MIN_ZERO_WORD_LETTERS = 4;

/**
 * Words written with look-alike letters: Latin words carrying Cyrillic or Greek letters
 * ("Pаypal", "Gеt"), styled Unicode letters (𝐂𝐎𝐍𝐆𝐑𝐀𝐓𝐒), letters overlaid with combining
 * marks, words of a lure phrase or brand name spelt with a capital I for l or digits for
 * letters ("PayPaI", "Iog in", "micr0soft") and, in the subject or sender name, capital words
 * with 0 for O ("IMP0RTANT"), which read as plain words to a person but not to a filter. Real Russian or Greek text is one script per word and is not counted.
 */
export function analyseObfuscation(view: MessageView): Scored | null {
  const evidence: string[] = [];
  let score = 0;
  if (view.mixedScriptCount >= 2 || (view.mixedScriptCount === 1 && view.subjectTokenCount > 0 && subjectHasMixed(view))) {
    score = S.obfuscatedWords;
    evidence.push(`${view.mixedScriptCount} words mix Latin with look-alike letters: ${view.mixedScriptWords.join(', ')}`);
  }
  const header = `${view.subject.subject} ${view.subject.from?.name ?? ''}`;
  const styledHeader = (header.match(STYLED_LETTERS) ?? []).length;
  const styledBody = (view.bodyText.match(STYLED_LETTERS) ?? []).length;
  if (styledHeader >= MIN_STYLED_HEADER || styledBody >= MIN_STYLED_BODY) {
    score = Math.max(score, S.styledLetters);
    evidence.push(`${styledHeader + styledBody} styled Unicode letters (${styledHeader} in subject or sender name)`);
  }
  const overlayHeader = overlaidLetters(header);
  const overlayBody = overlaidLetters(view.bodyText);
  if (overlayHeader >= MIN_OVERLAY_HEADER || overlayBody >= MIN_OVERLAY_BODY) {
    score = Math.max(score, S.obfuscatedWords);
    evidence.push(`${overlayHeader + overlayBody} letters overlaid with combining marks (${overlayHeader} in subject or sender name)`);
  }
  if (view.lookalikesMatched.length > 0) {
    score = Math.max(score, S.lookalikeLetters);
    const shown = view.lookalikesMatched.slice(0, 4).map((word) => `${word.written} (${word.folded})`);
    evidence.push(`${view.lookalikesMatched.length} words of a lure or brand name spelt with I for l or digits for letters: ${shown.join(', ')}`);
  }
  const zeroWords = zeroForOWords(header);
  if (zeroWords.length > 0) {
    score = Math.max(score, S.digitForLetter);
    evidence.push(`subject or sender name writes 0 for O: ${zeroWords.slice(0, 3).join(', ')}`);
  }
  return score === 0 ? null : { score, evidence };
}

/** Words of the subject or sender name spelt with 0 for O. */
function zeroForOWords(header: string): string[] {
  return header
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => ZERO_FOR_O.test(word) && word.replace(/0/g, '').length >= MIN_ZERO_WORD_LETTERS);
}

function subjectHasMixed(view: MessageView): boolean {
  return /[a-z]/i.test(view.subject.subject) && /[\u0370-\u03ff\u0400-\u052f]/.test(view.subject.subject);
}
