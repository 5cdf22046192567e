import { CONTENT_SCORES as S } from './findings';
import { evidenceOf, scoreCategory, type Scored } from './lure-score';
import { clip } from './text';
import { matchesOf, type MessageView } from './view';

/** A greeting word followed by an email address ("Dear jane@example.com,", "Olá, jane@…"). */
const ADDRESS_GREETING =
  /(?:^|[\s>])(?:dear|hello|hi|hey|greetings|attention|hallo|guten tag|liebe[r]?|sehr geehrte[r]?|ola|olá|oi|caro|cara|prezado|prezada|estimado|estimada|hola|bonjour|cher|chère|beste|geachte|gentile|ciao)[\s,:]+([a-z0-9._%+-]+@[a-z0-9.-]+)/i;
const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*/gi;

/**
 * Impersonal greetings: "Dear customer", "Dear valued member" (in every shipped language) and,
 * stronger, the reader's email address used as their name in the greeting or the subject — a
 * bulk sender that knows the address and nothing else.
 */
export function analyseGreeting(view: MessageView): Scored | null {
  const phrases = scoreCategory('generic_greeting', matchesOf(view, 'generic_greeting'));
  const recipients = new Set([...view.subject.to, ...view.subject.cc].map((recipient) => recipient.address).filter((address) => address !== ''));
  let addressCue: string | null = null;
  const greeting = ADDRESS_GREETING.exec(view.bodyText.slice(0, 600));
  if (greeting !== null) addressCue = `greets the reader as ${clip(greeting[1] ?? '', 60)}`;
  else {
    const inSubject = (view.subject.subject.match(EMAIL) ?? []).find((address) => recipients.has(address.toLowerCase()));
    if (inSubject !== undefined) addressCue = `subject names the recipient's address ${clip(inSubject, 60)}`;
  }
  if (addressCue === null) return phrases;
  const score = Math.max(S.addressAsName, phrases?.score ?? 0);
  return { score, evidence: evidenceOf(matchesOf(view, 'generic_greeting'), [addressCue]) };
}
