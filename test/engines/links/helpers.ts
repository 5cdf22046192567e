import { extractLinks } from '../../../functions/src/core/parse/links';
import type { EngineContext, EngineOutput, Finding } from '../../../functions/src/core/engine/types';
import type { ScanSubject } from '../../../functions/src/core/subject/types';
import { createLinksEngine, type LinksConfigInput } from '../../../functions/src/engines/links';
import { address, makeSubject } from '../../support/subject';

export function context(organisationDomains: string[] = []): EngineContext {
  return { signal: new AbortController().signal, organisationDomains };
}

/** A subject whose links come from the real extractor, as the parser would build it. */
export function subjectWith(parts: { html?: string; text?: string; from?: string; attachmentHtml?: [string, string] }): ScanSubject {
  const html = parts.html ?? '';
  const text = parts.text ?? '';
  const links = [
    ...extractLinks({ text, html: '', origin: 'body-text' }, 2000).links,
    ...extractLinks({ text: '', html, origin: 'body-html' }, 2000).links,
  ];
  if (parts.attachmentHtml) {
    const [filename, markup] = parts.attachmentHtml;
    links.push(...extractLinks({ text: '', html: markup, origin: filename }, 2000).links);
  }
  return makeSubject({ html, text, links, from: address(parts.from ?? 'news@shop.example.com', 'Sender') });
}

export function scan(subject: ScanSubject, config: LinksConfigInput = {}, organisationDomains: string[] = []): EngineOutput {
  return createLinksEngine(config).scan(subject, context(organisationDomains)) as EngineOutput;
}

export function finding(output: EngineOutput, id: string): Finding | undefined {
  return output.findings.find((item) => item.id === id);
}

export function ids(output: EngineOutput): string[] {
  return output.findings.map((item) => item.id).sort();
}
