import type { ExtractedLink, LinkSource } from '../subject/types';
import { scanHtmlLinks, type HtmlLinkCandidate } from './links/html';
import { scanTextUrls } from './links/text';
import { VisibleTextCollector } from './links/visible-text';
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
 * Visible text of one HTML part searched for typed addresses. The caller already bounds the HTML
 * to the body-size limit; this keeps the copy bounded on its own too.
 */
export const MAX_VISIBLE_TEXT_CHARS = 2 * 1024 * 1024;

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
 * A URL as a browser would load it, without an http(s) scheme: `example.com/x` typed in the text
 * (read as http) and an anchor to `https://example.com/x` are the same destination.
 */
function comparableUrl(url: string): string {
  let href = url;
  try {
    href = new URL(url).href;
  } catch {
    // Keep the URL as written.
  }
  return href.replace(/^https?:/i, '');
}

/**
 * Extracts links from a message part: URLs in plain text, and from HTML every `a`/`area` href
 * (with visible anchor text), `form` action (with whether it asks for a password), `img` src and
 * `meta refresh` target, then web addresses typed in the HTML's visible text outside anchors
 * (source `text`, as webmail linkifies them; script, style and hidden elements are skipped, and
 * an address the part already links or submits to is not repeated). Entities are decoded, hosts
 * normalised (lower case, Unicode for punycode, integer/hex/octal IPv4 forms rewritten as dotted
 * decimal), duplicates of (url, source, displayText) dropped, and at most `maxLinks` kept.
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
    const visibleText = new VisibleTextCollector(MAX_VISIBLE_TEXT_CHARS);
    /** URLs this part's anchors and forms lead to; typed copies of them add nothing. */
    const clickTargets = new Set<string>();
    scanHtmlLinks(
      input.html,
      (candidate) => {
        const url = resolveCandidate(candidate, base);
        if (url === null) return true;
        if (candidate.source !== 'image') clickTargets.add(comparableUrl(url));
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
      visibleText,
    );
    if (!truncated) {
      scanTextUrls(
        visibleText.finish(),
        (url) => clickTargets.has(comparableUrl(url)) || add(url, 'text', {}),
        MAX_URL_CHARS,
      );
    }
  }

  return { links, truncated };
}
