import { mitigatedForOwnService, scoreCategory, type Scored } from './lure-score';
import { matchesOf, type MessageView } from './view';

/** A phone number as written for people: separators between the groups, or a leading +. */
const PHONE =
  /(?:\+?1[\s.-]{0,3})?\(?\b[2-9]\d{2}\)?[\s.-]{1,3}\(?\d{3}\)?[\s.-]{1,3}\(?\d{4}\)?(?!\d)|\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]\d{2,4}){2,4}\b|\b0?800[\s.-]?\d{3}[\s.-]?\d{4}\b|\b1[\s.-]?8\d{2}[\s.-]?\d{3}[\s.-]?\d{4}\b/;

/** Value of the phone number as a cue, like a medium phrase. */
const PHONE_CUE = 0.3;

/**
 * Callback ("telephone-oriented attack delivery") scams: a fake charge, renewal or order for
 * antivirus or a payment service, and a number to call to cancel it. Without a phone number in
 * the text there is nothing to call, and no finding; receipts list order numbers and phone
 * numbers too, so at least one strong phrase (the call-to-dispute, the surprise renewal) is
 * needed, and a vendor authenticated for its own domain writing about its own renewals is lowered.
 */
export function analyseCallback(view: MessageView): Scored | null {
  const matches = matchesOf(view, 'callback');
  if (!matches.some((match) => match.tier === 'strong')) return null;
  const telLink = view.subject.links.find((link) => /^tel:/i.test(link.url));
  const phone = telLink?.url.slice(4) ?? PHONE.exec(`${view.subject.subject}\n${view.bodyText}`)?.[0];
  if (phone === undefined) return null;
  const scored = scoreCategory('callback', matches, [{ value: PHONE_CUE, evidence: `phone number ${phone.trim()}` }]);
  return scored === null ? null : mitigatedForOwnService(view, scored, true);
}
