import type { ExtractedLink, LinkSource } from '../subject/types';
import { scanHtmlLinks, type HtmlLinkCandidate } from './links/html';
import { scanTextUrls } from './links/text';
import { cleanUrl, describeUrl, schemeOf } from './links/url-facts';

export { describeUrl, type UrlFacts, type HostKind } from './links/url-facts';

export interface LinkExtractionInput {
  /** Plain text to search for URLs ('' when none). */
  text: string;
  /** HTML to walk for link-bearing elements ('' when none); the caller bounds its size. */
  html: string;
  /** Recorded on every link: 'body-text', 'body-html' or an attachment's filename. */
  origin: string;
}

export interface LinkExtractionResult {
  links: ExtractedLink[];
  /** True when more distinct links existed than `maxLinks`. */
  truncated: boolean;
}

/** URLs longer than this are cut; no mail client shows more and redirect targets fit well inside. */
export const MAX_URL_CHARS = 8 * 1024;
/** `data:` URLs keep only their start: the media type is what matters, the payload can be megabytes. */
export const MAX_DATA_URL_CHARS = 256;

/**
 * Schemes that carry no destination worth judging. `javascript:`/`vbscript:` are dropped too:
 * Gmail strips them from mail it renders, they have no host, and script in HTML attachments is
 * the attachment engines' business.
 */
const IGNORED_SCHEMES = new Set(['cid', 'mid', 'javascript', 'vbscript', 'about']);

/**
 * Turns an attribute value into the URL a click would open, or null when it leads nowhere.
 * Relative URLs resolve against `<base href>` when there is one; without it they only survive as
 * form actions (a relative or empty action is itself worth noting) and are kept as written.
 */
function resolveCandidate(candidate: HtmlLinkCandidate, base: URL | null): string | null {
  let url = cleanUrl(candidate.url);
  const isForm = candidate.source === 'form_action';
  // A form without an action submits to the document itself, which in mail is nowhere known.
  if (url === '') return isForm ? '' : null;
  if (url.startsWith('#')) return isForm ? url : null;

  const scheme = schemeOf(url);
  if (scheme) {
    if (IGNORED_SCHEMES.has(scheme)) return null;
    // Inline images are content, not destinations; a data: link or form target is a finding.
    if (scheme === 'data') return candidate.source === 'image' ? null : url.slice(0, MAX_DATA_URL_CHARS);
  } else if (url.startsWith('//')) {
    // Scheme-relative: mail is read over https.
    url = `https:${url}`;
  } else if (/^www\./i.test(url) && base === null) {
    // Webmail treats a scheme-less `www.` href as a web address; so do readers copying it.
    url = `http://${url}`;
  } else if (base !== null) {
    try {
      url = new URL(url, base).href;
    } catch {
      return isForm ? url : null;
    }
  } else {
    return isForm ? url : null;
  }
  return url.length > MAX_URL_CHARS ? url.slice(0, MAX_URL_CHARS) : url;
}

/**
 * Extracts links from a message part: URLs in plain text, and from HTML every `a`/`area` href
 * (with visible anchor text), `form` action (with whether it asks for a password), `img` src and
 * `meta refresh` target. Entities are decoded, hosts normalised (lower case, Unicode for punycode,
 * integer/hex/octal IPv4 forms rewritten as dotted decimal), duplicates of (url, source,
 * displayText) dropped, and at most `maxLinks` kept.
 */
export function extractLinks(input: LinkExtractionInput, maxLinks: number): LinkExtractionResult {
  const links: ExtractedLink[] = [];
  const seen = new Set<string>();
  let truncated = false;

  /** Adds a link unless already seen; returns false once the list is full (extraction stops). */
  const add = (url: string, source: LinkSource, extra: Pick<ExtractedLink, 'displayText' | 'formHasPassword'>): boolean => {
    const key = `${source}\u0000${url}\u0000${extra.displayText ?? ''}\u0000${extra.formHasPassword ?? ''}`;
    if (seen.has(key)) return true;
    if (links.length >= maxLinks) {
      truncated = true;
      return false;
    }
    seen.add(key);
    const facts = describeUrl(url);
    const link: ExtractedLink = {
      url,
      host: facts.host,
      registrableDomain: facts.registrableDomain,
      source,
      origin: input.origin,
    };
    if (extra.displayText !== undefined) link.displayText = extra.displayText;
    if (extra.formHasPassword !== undefined) link.formHasPassword = extra.formHasPassword;
    links.push(link);
    return true;
  };

  if (input.text !== '') {
    scanTextUrls(input.text, (url) => add(url, 'text', {}), MAX_URL_CHARS);
  }

  if (input.html !== '' && !truncated) {
    let base: URL | null = null;
    scanHtmlLinks(
      input.html,
      (candidate) => {
        const url = resolveCandidate(candidate, base);
        if (url === null) return true;
        return add(url, candidate.source, {
          displayText: candidate.displayText,
          formHasPassword: candidate.formHasPassword,
        });
      },
      (href) => {
        try {
          base = new URL(cleanUrl(href));
        } catch {
          base = null;
        }
      },
    );
  }

  return { links, truncated };
}
