import { CONTENT_SCORES as S } from './findings';
import { mitigatedForOwnService, scaled, scoreCategory, type Scored } from './lure-score';
import { matchesOf, type MessageView } from './view';

/** A web address written in the text ("https://forms.gle/…", "www.example.com/login"). */
const WRITTEN_URL = /\b(?:https?:\/\/|www\.)[^\s<>"']{4,}/i;

/**
 * Credential-theft language: verify or restore an account, password expiry, full mailbox,
 * unusual sign-in, a shared document behind a login. A password field in the body adds to it.
 * Genuine services say the same things about their own accounts, so the finding is lowered when
 * the sender is authenticated and its links stay on its own domains (less when they pass through
 * an ESP click tracker), and when the message offers nothing to click, open or fill in.
 */
export function analyseCredential(view: MessageView): Scored | null {
  const matches = matchesOf(view, 'credential');
  if (matches.length === 0) return null;
  const passwordField = view.subject.links.some((link) => link.source === 'form_action' && link.formHasPassword === true);
  const scored = scoreCategory('credential', matches, passwordField ? [{ value: S.passwordField, evidence: 'password field in the body' }] : []);
  if (scored === null) return null;
  // A mailto: link counts: "report the user" links that mail an outside address harvest replies.
  // So does an address written out in the text: Gmail turns it into a link.
  const actionable =
    view.clickable.length > 0 ||
    WRITTEN_URL.test(view.bodyText) ||
    view.subject.links.some((link) => /^mailto:/i.test(link.url)) ||
    view.subject.attachments.some((attachment) => attachment.disposition === 'attachment');
  if (!actionable) return scaled(scored, S.noActionFactor, 'nothing to click, open or fill in');
  return mitigatedForOwnService(view, scored);
}
