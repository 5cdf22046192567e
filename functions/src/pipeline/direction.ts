import type { AuthMethodResult, ScanSubject } from '../core/subject/types';
import type { Direction } from './messages';

/** Gmail system labels the direction rule reads. */
export const DRAFT_LABEL = 'DRAFT';
export const SENT_LABEL = 'SENT';

/**
 * Which way a message travels, seen from the mailbox it is in, or null for a draft (never
 * scanned: it has not been sent, and every autosave would be a new message).
 *
 * 1. DRAFT label → null.
 * 2. SENT label → outbound. Gmail puts SENT only on mail this mailbox sent, so the From is
 *    the user or one of their send-as addresses; a copy the user also received (mail to
 *    themselves, to a group they are in) is the same message and stays outbound.
 * 3. internal → the From domain is one of the organisation's domains (or a subdomain of one)
 *    AND the trusted authority (the Authentication-Results the parser trusts) reports a pass
 *    aligned with that From domain: DMARC pass for it, or a DKIM or SPF pass for it, its
 *    parent or a subdomain (relaxed alignment), the authenticated domain
 *    being the organisation's too.
 * 4. everything else → inbound. A From in the organisation without such a pass counts as
 *    inbound on purpose: forged "internal" mail is a classic phish, and scanning real internal
 *    mail as inbound costs nothing but strictness. Workspace mail that never crossed Gmail's
 *    MX may carry no Authentication-Results at all and so is inbound too.
 */
export function classifyDirection(input: {
  labelIds: readonly string[];
  subject: Pick<ScanSubject, 'from' | 'auth'>;
  organisationDomains: readonly string[];
}): Direction | null {
  if (input.labelIds.includes(DRAFT_LABEL)) return null;
  if (input.labelIds.includes(SENT_LABEL)) return 'outbound';
  const fromDomain = input.subject.from?.domain.toLowerCase() ?? '';
  if (fromDomain === '' || !isOrganisationDomain(fromDomain, input.organisationDomains)) return 'inbound';
  return hasAlignedPass(input.subject.auth, fromDomain, input.organisationDomains) ? 'internal' : 'inbound';
}

/** Whether a message with these labels is skipped before it is even fetched (labels from history, when Gmail sent them). */
export function skippedByLabels(labelIds: readonly string[] | undefined, scanOutbound: boolean): 'draft' | 'outbound' | null {
  if (!labelIds) return null;
  if (labelIds.includes(DRAFT_LABEL)) return 'draft';
  if (!scanOutbound && labelIds.includes(SENT_LABEL)) return 'outbound';
  return null;
}

export function isOrganisationDomain(domain: string, organisationDomains: readonly string[]): boolean {
  const lower = domain.toLowerCase();
  return organisationDomains.some((own) => {
    const ownLower = own.toLowerCase();
    return lower === ownLower || lower.endsWith(`.${ownLower}`);
  });
}

function hasAlignedPass(auth: ScanSubject['auth'], fromDomain: string, organisationDomains: readonly string[]): boolean {
  if (auth.source === 'none') return false;
  const passes = (result: AuthMethodResult | null): boolean =>
    result !== null && result.result === 'pass' && aligned(result.domain.toLowerCase(), fromDomain, organisationDomains);
  return passes(auth.dmarc) || auth.dkim.some(passes) || passes(auth.spf);
}

/**
 * Relaxed alignment: the same domain, or one a subdomain of the other. The authenticated
 * domain must itself be the organisation's, so a pass for a public suffix never aligns.
 */
function aligned(authDomain: string, fromDomain: string, organisationDomains: readonly string[]): boolean {
  if (authDomain === '' || !isOrganisationDomain(authDomain, organisationDomains)) return false;
  return authDomain === fromDomain || authDomain.endsWith(`.${fromDomain}`) || fromDomain.endsWith(`.${authDomain}`);
}
