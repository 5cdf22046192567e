import type { EngineContext, EngineOutput, Finding } from '../../../functions/src/core/engine/types';
import { parseAuthenticationResults } from '../../../functions/src/core/parse/authentication-results';
import { extractLinks } from '../../../functions/src/core/parse/links';
import type { AttachmentInfo, AuthenticationSummary, ScanSubject } from '../../../functions/src/core/subject/types';
import { createContentEngine, type ContentConfigInput } from '../../../functions/src/engines/content';
import { address, makeSubject } from '../../support/subject';

export function context(signal: AbortSignal = new AbortController().signal): EngineContext {
  return { signal, organisationDomains: ['example.org'] };
}

/** A fully authenticated Gmail verdict for `domain` (DKIM, SPF and DMARC pass, aligned). */
export function passingAuth(domain: string): AuthenticationSummary {
  const results =
    `mx.google.com; dkim=pass header.i=@${domain} header.s=s1 header.b=abc; ` +
    `spf=pass smtp.mailfrom=bounce@${domain}; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=${domain}`;
  return parseAuthenticationResults([{ name: 'authentication-results', raw: results, decoded: results }], 'mx.google.com');
}

export interface MailParts {
  subject?: string;
  text?: string;
  html?: string;
  from?: string;
  fromName?: string;
  to?: string;
  auth?: AuthenticationSummary;
  inReplyTo?: string;
  attachments?: AttachmentInfo[];
}

/**
 * A subject as the parser would build it: links from the real extractor, the plain text derived
 * from the HTML when only HTML is given (so hidden text is in `text` too, as with real mail).
 */
export function mail(parts: MailParts): ScanSubject {
  const html = parts.html ?? '';
  const text = parts.text ?? '';
  const links = [
    ...extractLinks({ text, html: '', origin: 'body-text' }, 2000).links,
    ...extractLinks({ text: '', html, origin: 'body-html' }, 2000).links,
  ];
  return makeSubject({
    subject: parts.subject ?? '',
    text,
    html,
    links,
    from: address(parts.from ?? 'sender@mailer.example.net', parts.fromName ?? 'Sender'),
    to: [address(parts.to ?? 'bob@example.org', 'Bob')],
    auth: parts.auth ?? { authority: 'mx.google.com', source: 'none', spf: null, dkim: [], dmarc: null, arc: null },
    ids: { messageId: 'm@example.net', inReplyTo: parts.inReplyTo ?? '', references: [], rawSha256: '0'.repeat(64) },
    attachments: parts.attachments ?? [],
  });
}

export function scan(subject: ScanSubject, config: ContentConfigInput = {}): EngineOutput {
  const output = createContentEngine(config).scan(subject, context());
  if (output instanceof Promise) throw new Error('the content engine is synchronous');
  return output;
}

export function ids(output: EngineOutput): string[] {
  return output.findings.map((item) => item.id).sort();
}

export function finding(output: EngineOutput, id: string): Finding {
  const found = output.findings.find((item) => item.id === id);
  if (found === undefined) throw new Error(`no ${id} among ${ids(output).join(', ') || 'no findings'}`);
  return found;
}

export function has(output: EngineOutput, id: string): boolean {
  return output.findings.some((item) => item.id === id);
}

/** A link as a reader would see it in HTML. */
export function button(href: string, label: string): string {
  return `<a href="${href}" style="background:#0067b8;color:#ffffff;padding:8px">${label}</a>`;
}
