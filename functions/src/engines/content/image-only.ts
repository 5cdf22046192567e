import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import type { MessageView } from './view';

/**
 * Image-only mail: the message is a picture (of a notice, an invoice, a prize) with a link and
 * next to no text, so filters have nothing to read while the reader sees the whole lure.
 */
export function analyseImageOnly(view: MessageView, maxWords: number): Scored | null {
  if (view.imageCount === 0 || view.clickable.length === 0) return null;
  const words = view.bodyWordCount;
  if (words > maxWords) return null;
  return {
    score: S.imageOnly,
    evidence: [`${view.imageCount} image(s), ${view.clickable.length} link(s), ${words} words of text`],
  };
}
