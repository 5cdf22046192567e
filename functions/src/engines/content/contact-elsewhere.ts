import { domainParts } from '../../core/brands';
import { isFreemail } from '../auth/freemail';
import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import { clip } from './text';
import type { MessageView } from './view';

/** Characters of body text searched: the request to write elsewhere is part of the pitch, near the top. */
const MAX_SCAN_CHARS = 8000;
/**
 * "reply me at", "contact me on", "write to my private email", "send your details to" followed
 * within a few words by an address. Quoted-reply attributions ("On Monday, Bob <bob@…> wrote")
 * carry no such verb before the address.
 */
const ASK_TO_WRITE = /\b(?:reply|respond|write|contact|email|e-mail|mail|message|reach|send)(?:\s+(?:back|me|to|us|directly|your|details|response|reply))*\s+(?:at|on|to|via|through|with)?[\s:]*(?:my\s+)?(?:(?:private|personal|direct|alternative|other)\s+)?(?:e-?mail|address|mailbox)?(?:\s+(?:address|id))?[\s:]*(?:is\s*)?[(<[]?([a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,24})/gi;

/**
 * The body asks the reader to answer at a consumer mailbox that is not the sender's own address:
 * romance, advance-fee and job scams move the conversation to an address that is not the one
 * their spam came from (which gets blocked), and business-email compromise asks for replies at a
 * "private" mailbox. Honest correspondents reply-to themselves; companies do not hand out
 * Gmail addresses.
 */
export function analyseContactElsewhere(view: MessageView): Scored | null {
  const sender = view.subject.from?.address ?? '';
  const text = view.bodyText.slice(0, MAX_SCAN_CHARS);
  const found: string[] = [];
  for (const match of text.matchAll(ASK_TO_WRITE)) {
    const address = (match[1] ?? '').toLowerCase();
    if (address === sender) continue;
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const parts = domainParts(domain);
    if (!isFreemail(parts.registrable, parts.label)) continue;
    found.push(clip(match[0].replace(/\s+/g, ' '), 120));
    if (found.length >= 3) break;
  }
  if (found.length === 0) return null;
  return { score: S.contactElsewhere, evidence: found };
}
