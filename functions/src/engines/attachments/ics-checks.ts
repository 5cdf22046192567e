import { parse as parseDomain } from 'tldts';
import type { IcsFacts } from '../../core/documents/ics';
import type { Report } from './report';
import { SCORES } from './scores';

export interface SenderContext {
  /** Registrable domain of the From address ('' when unknown). */
  fromDomain: string;
  /** Registrable domains of the organisation. */
  organisationDomains: ReadonlySet<string>;
}

/** Words of account, payment and document lures; one of these is enough with a link. */
const STRONG_LURE =
  /\b(?:passwords?|passcode|verify|verification|suspend(?:ed|ion)?|locked|unlock|voice ?mail|voice message|wallet|bitcoin|docusign|e-?signature|unusual (?:sign-?in|activity|login)|security alert|gift ?card|prize|winner|reactivate|deactivat(?:e|ion))\b/i;
/** Words that are ordinary in invitations but add up: two distinct ones with a link count. */
const WEAK_LURE = /\b(invoice|payment|overdue|refund|urgent(?:ly)?|immediately|expire[sd]?|expiring|account|confirm|tax|payroll|salary|bonus|shared (?:a |the )?(?:document|file)|action required|claim)\b/gi;
/** Hosts of the meeting services invitations link to for joining. */
const MEETING_HOSTS = /(?:^|\.)(?:zoom\.us|zoom\.com|zoomgov\.com|teams\.microsoft\.com|teams\.live\.com|meet\.google\.com|webex\.com|gotomeeting\.com|goto\.com|bluejeans\.com|whereby\.com|chime\.aws|meet\.jit\.si|ringcentral\.com|skype\.com)$/i;

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

function registrable(domain: string): string {
  return parseDomain(domain).domain ?? domain;
}

function lureWords(text: string): string[] {
  const strong = STRONG_LURE.exec(text);
  if (strong) return [strong[0]];
  const weak = new Set([...text.matchAll(WEAK_LURE)].map((match) => (match[1] as string).toLowerCase()));
  return weak.size >= 2 ? [...weak].slice(0, 3) : [];
}

export function icsFindings(facts: IcsFacts, sender: SenderContext, report: Report): void {
  const outside = sender.fromDomain === '' || !sender.organisationDomains.has(sender.fromDomain);
  for (const event of facts.events) {
    const links = event.urls.filter((url) => !MEETING_HOSTS.test(hostOf(url)));
    const words = lureWords(`${event.summary}\n${event.description}\n${event.location}`);
    if (links.length > 0 && words.length > 0) {
      report('attachments.ics_lure', SCORES.ics.lure, `"${event.summary.slice(0, 80)}" (${words.join(', ')}) links to ${links[0]}`, {
        urls: links.slice(0, 5),
        domains: links.slice(0, 5).map(hostOf),
      });
    }
    const organizerDomain = event.organizer?.address.includes('@') ? registrable(event.organizer.address.slice(event.organizer.address.lastIndexOf('@') + 1)) : '';
    if (outside && organizerDomain !== '' && sender.organisationDomains.has(organizerDomain)) {
      report('attachments.ics_spoofed_organizer', SCORES.ics.spoofedOrganizer, `organiser ${event.organizer?.address} but sent from ${sender.fromDomain || 'an unknown domain'}`);
    }
    if (outside) {
      for (const uri of event.attachmentUris.filter((item) => /^https?:/i.test(item)).slice(0, 3)) {
        report('attachments.ics_remote_attachment', SCORES.ics.remoteAttachment, `invitation attaches ${uri}`, { urls: [uri], domains: [hostOf(uri)] });
      }
    }
  }
}
