import { Parser } from 'htmlparser2';
import type { LinkSource } from '../../subject/types';
import type { VisibleTextCollector } from './visible-text';

/** A link as found in HTML, before normalisation: the attribute value after entity decoding. */
export interface HtmlLinkCandidate {
  url: string;
  source: Exclude<LinkSource, 'text' | 'attachment'>;
  displayText?: string;
  formHasPassword?: boolean;
}

/** Visible anchor text kept per link; enough to hold any URL a reader would recognise. */
export const MAX_DISPLAY_TEXT_CHARS = 200;
/** Raw anchor text gathered before collapsing; bounds work on anchors wrapping whole pages. */
const MAX_RAW_ANCHOR_CHARS = 2_000;
/** HTML is fed to the tokenizer in slices so extraction can stop as soon as the caller is full. */
const CHUNK_CHARS = 64 * 1024;

/** Elements whose text content is never shown as link text. */
const INVISIBLE_TEXT_ELEMENTS = new Set(['script', 'style', 'title', 'template', 'noscript']);
/** Zero-width and soft-hyphen characters that phishers insert to break up a displayed domain. */
const INVISIBLE_CHARS = /\u034f|[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]/g;

export function collapseDisplayText(raw: string): string {
  return raw.replace(INVISIBLE_CHARS, '').replace(/\s+/g, ' ').trim().slice(0, MAX_DISPLAY_TEXT_CHARS);
}

/** `0; url=https://…` (quotes optional) → the URL, or null when the refresh only reloads. */
export function refreshTarget(content: string): string | null {
  const match = /^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)$/is.exec(content);
  const target = (match?.[1] ?? '').trim().replace(/^(['"])(.*)\1$/s, '$2').replace(/^['"]/, '');
  return target === '' ? null : target;
}

interface OpenAnchor {
  href: string;
  text: string;
}

interface OpenForm {
  action: string;
  hasPassword: boolean;
}

/**
 * Walks HTML with htmlparser2's streaming tokenizer (no DOM) and reports every link-bearing
 * attribute: `a[href]` with its visible text, `area[href]`, `form[action]` with whether it holds a
 * password input, `img[src]`, `meta http-equiv=refresh`. `base[href]` is returned through
 * `onBase` so the caller can resolve relative URLs. When `visibleText` is given, the same walk
 * feeds it the text shown outside anchors and script/style content, for the caller to search for
 * typed addresses. Stops when `emit` returns false.
 */
export function scanHtmlLinks(
  html: string,
  emit: (candidate: HtmlLinkCandidate) => boolean,
  onBase: (href: string) => void,
  visibleText?: VisibleTextCollector,
): void {
  let stopped = false;
  let anchor: OpenAnchor | null = null;
  const forms: OpenForm[] = [];
  let invisibleDepth = 0;
  let baseSeen = false;
  let orphanPassword = false;

  const report = (candidate: HtmlLinkCandidate): void => {
    if (!stopped && !emit(candidate)) stopped = true;
  };
  const closeAnchor = (): void => {
    if (anchor === null) return;
    // Text on either side of a link is not one word.
    visibleText?.breakWords();
    const displayText = collapseDisplayText(anchor.text);
    report(displayText === '' ? { url: anchor.href, source: 'href' } : { url: anchor.href, source: 'href', displayText });
    anchor = null;
  };
  const closeForm = (): void => {
    const form = forms.pop();
    if (form) report({ url: form.action, source: 'form_action', formHasPassword: form.hasPassword });
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        visibleText?.openElement(name, attributes);
        switch (name) {
          case 'a':
            // Anchors cannot nest; a new one closes the previous, as browsers do.
            closeAnchor();
            if (attributes.href !== undefined) {
              anchor = { href: attributes.href, text: '' };
              visibleText?.breakWords();
            }
            break;
          case 'area':
            if (attributes.href !== undefined) report({ url: attributes.href, source: 'href' });
            break;
          case 'img':
            if (attributes.src !== undefined) report({ url: attributes.src, source: 'image' });
            break;
          case 'form':
            forms.push({ action: attributes.action ?? '', hasPassword: false });
            break;
          case 'input': {
            if ((attributes.type ?? '').trim().toLowerCase() !== 'password') break;
            const form = forms.at(-1);
            if (form) form.hasPassword = true;
            else orphanPassword = true;
            break;
          }
          case 'meta': {
            if ((attributes['http-equiv'] ?? '').trim().toLowerCase() !== 'refresh') break;
            const target = refreshTarget(attributes.content ?? '');
            if (target !== null) report({ url: target, source: 'href' });
            break;
          }
          case 'base':
            // Only the first base with an href counts (HTML spec).
            if (!baseSeen && attributes.href !== undefined) {
              baseSeen = true;
              onBase(attributes.href);
            }
            break;
          default:
            if (INVISIBLE_TEXT_ELEMENTS.has(name)) invisibleDepth++;
        }
      },
      ontext(text) {
        if (invisibleDepth > 0) return;
        if (anchor === null) visibleText?.addText(text);
        else if (anchor.text.length < MAX_RAW_ANCHOR_CHARS) anchor.text += text.slice(0, MAX_RAW_ANCHOR_CHARS - anchor.text.length);
      },
      onclosetag(name) {
        visibleText?.closeElement(name);
        if (name === 'a') closeAnchor();
        else if (name === 'form') closeForm();
        else if (INVISIBLE_TEXT_ELEMENTS.has(name) && invisibleDepth > 0) invisibleDepth--;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );

  for (let offset = 0; offset < html.length && !stopped; offset += CHUNK_CHARS) {
    parser.write(html.slice(offset, offset + CHUNK_CHARS));
  }
  if (!stopped) parser.end();
  // Whatever the document left open still counts.
  closeAnchor();
  while (forms.length > 0) closeForm();
  // A password box outside any form is submitted by script; report it as a form with no action.
  if (orphanPassword) report({ url: '', source: 'form_action', formHasPassword: true });
}
