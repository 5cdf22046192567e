import { domainParts } from '../../core/brands';
import { isFreemail } from '../auth/freemail';
import { CLICK_TRACKER_DOMAINS } from '../links/lists';
import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import type { MessageView } from './view';

const CLICK_TRACKERS: ReadonlySet<string> = new Set(CLICK_TRACKER_DOMAINS);

/** Distinct link domains from which a message with no image still reads as a bulk layout. */
const BULK_LINK_DOMAINS = 2;

/**
 * Commercial-looking HTML (images, or links to several sites) from a sender that is not
 * authenticated for its From domain and none of whose links lead to that domain. Honest
 * companies send bulk mail from their own authenticated domain and link to it (or through their
 * email provider's click tracker); affiliate spam and lures are sent from throw-away or borrowed
 * domains and link to a third party's landing page. A consumer mailbox sender (a person) is not
 * judged here: people link to anything.
 */
export function analyseUnrelatedLinks(view: MessageView): Scored | null {
  if (view.html === null || view.senderAuthenticated || view.fromDomain === '') return null;
  const fromParts = domainParts(view.fromDomain);
  if (isFreemail(fromParts.registrable, fromParts.label)) return null;
  const destinations = new Set<string>();
  for (const link of view.clickable) {
    // A link without a registrable domain (an IP, a relative URL) belongs to nobody either.
    if (link.registrableDomain === '') continue;
    // An email provider's click tracker hides where the link lands: it may be the sender's own site.
    if (view.senderFamily.has(link.registrableDomain) || CLICK_TRACKERS.has(link.registrableDomain)) return null;
    destinations.add(link.registrableDomain);
  }
  if (destinations.size === 0) return null;
  if (view.imageCount === 0 && destinations.size < BULK_LINK_DOMAINS) return null;
  const shown = [...destinations].slice(0, 3).join(', ');
  return {
    score: S.unrelatedLinks,
    evidence: [`sender ${view.fromDomain} (not authenticated) links only to ${shown}${destinations.size > 3 ? ', …' : ''}`],
  };
}
