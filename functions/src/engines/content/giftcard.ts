import { mitigatedForOwnService, scoreCategory, type Scored } from './lure-score';
import { matchesOf, type MessageView } from './view';

/**
 * Gift-card requests: buy cards, scratch the back, send the codes. Retailers advertise their
 * own gift cards, so an authenticated sender linking only to its own domains is lowered.
 */
export function analyseGiftCard(view: MessageView): Scored | null {
  const scored = scoreCategory('giftcard', matchesOf(view, 'giftcard'));
  if (scored === null) return null;
  return view.clickable.length > 0 ? mitigatedForOwnService(view, scored) : scored;
}
