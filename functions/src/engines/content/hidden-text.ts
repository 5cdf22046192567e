import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import { clip } from './text';
import type { MessageView } from './view';

/** Hidden words at least this many: preheaders and hidden alt blocks stay below. */
const MIN_HIDDEN_WORDS = 40;

/**
 * Hidden-text salting: paragraphs the reader never sees (display:none, zero-size boxes, 1px
 * fonts, white on white) stuffed with harmless words to drown the lure for word-based filters.
 * A short hidden preheader, common in newsletters, stays below the thresholds.
 */
export function analyseHiddenText(view: MessageView, minHiddenChars: number): Scored | null {
  const html = view.html;
  if (html === null || html.hiddenChars < minHiddenChars || html.hiddenWords < MIN_HIDDEN_WORDS) return null;
  const visibleChars = html.visibleText.replace(/\s+/g, '').length;
  const score = html.hiddenChars > visibleChars ? S.hiddenTextSalting + 10 : S.hiddenTextSalting;
  return {
    score,
    evidence: [
      `${html.hiddenChars} hidden characters (${html.hiddenWords} words) beside ${visibleChars} visible, by ${html.hidingMethods.join(', ') || 'styling'}`,
      `hidden text starts "${clip(html.hiddenSample, 100)}"`,
    ],
  };
}
