import type { UrlFacts } from '../../core/parse/links';
import type { StorageHost } from './lists';

/**
 * What a link's URL says about the page it opens, beyond its host: a web page served straight
 * from a storage bucket, or a page that already knows who the reader is. Pure functions over the
 * parsed URL; no I/O.
 */

/** File types a browser renders as an active page (SVG runs script too). */
const PAGE_PATH = /\.(?:s?html?|xhtml|svg)$/i;
/**
 * A fragment long enough to carry data rather than an anchor (`#top`, `#section-2`). Static pages
 * read it by script: it never reaches the server, its logs or a URL scanner's request.
 */
const MIN_DATA_FRAGMENT = 8;
/** Base64 runs worth decoding when looking for an address; bounded in count and length. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{12,512}={0,2}/g;
const MAX_BASE64_RUNS = 16;
/** Query and fragment text examined per URL: tracking URLs can be long, addresses sit early. */
const MAX_HAYSTACK = 4096;

export interface StoragePage {
  label: string;
  /** The URL passes data in its #fragment, read by the page's script. */
  fragmentData: boolean;
}

/**
 * A web page (HTML/SVG document, or the root of a static-website bucket) served from a cloud
 * storage bucket or a CDN's default host. Those hosts serve files; an organisation's web pages
 * live under its own name. Bucket-hosted pages are a staple of credential phishing because the
 * host carries the cloud provider's reputation and the page costs nothing to replace.
 */
export function storagePage(facts: UrlFacts, hosts: readonly StorageHost[]): StoragePage | null {
  if (facts.kind !== 'domain' || facts.parsed === null || (facts.scheme !== 'http' && facts.scheme !== 'https')) return null;
  const host = hosts.find((entry) => entry.pattern.test(facts.asciiHost));
  if (host === undefined) return null;
  const path = safeDecode(facts.parsed.pathname);
  const isPage = PAGE_PATH.test(path) || (host.staticWebsite && path.endsWith('/'));
  if (!isPage) return null;
  return { label: host.label, fragmentData: facts.parsed.hash.length > MIN_DATA_FRAGMENT };
}

/**
 * The recipient address carried in the URL's query or fragment, in clear, percent-encoded or
 * base64: the page will greet the reader by name or prefill a login form, as phishing kits do
 * to look like a real sign-in. Only query and fragment count: archive links name messages by
 * their Message-ID, which holds the author's address, in the path. Returns the address found.
 */
export function recipientInUrl(facts: UrlFacts, recipients: readonly string[]): string | null {
  if (recipients.length === 0 || facts.parsed === null) return null;
  const raw = `${facts.parsed.search}${facts.parsed.hash}`.slice(0, MAX_HAYSTACK);
  if (raw.length < 6) return null;
  const decoded = safeDecode(safeDecode(raw)).toLowerCase();
  const direct = recipients.find((address) => decoded.includes(address));
  if (direct !== undefined) return direct;
  let runs = 0;
  for (const match of raw.matchAll(BASE64_RUN)) {
    if (++runs > MAX_BASE64_RUNS) break;
    const text = decodeBase64(match[0]).toLowerCase();
    const hidden = recipients.find((address) => text.includes(address));
    if (hidden !== undefined) return hidden;
  }
  return null;
}

function decodeBase64(run: string): string {
  // Standard or URL-safe alphabet; an address may sit in any of the three byte alignments, but
  // encoders start at the beginning of the value, which is where the run starts.
  const normalised = run.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return Buffer.from(normalised, 'base64').toString('latin1');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
