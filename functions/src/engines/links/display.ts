import { describeUrl, type UrlFacts } from '../../core/parse/links';

/** Wrapping a reader ignores when reading link text as an address. */
const SURROUNDING = /^[\s<([{"'“‘«]+|[\s>)\]}"'”’»]+$/gu;
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** A host-looking token: labels joined by dots, optional port and path. No spaces, no `@`. */
const BARE_HOST = /^(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]{2,}\.?(?::\d+)?(?:[/?#]\S*)?$/u;

/**
 * The host a link text claims to lead to, or null when the text is not an address. Only text that
 * is a single URL or host name counts (`https://paypal.com/signin`, `www.paypal.com`,
 * `paypal.com`); prose that mentions a domain, e-mail addresses and file names do not.
 * `fileExtensionTlds` are TLDs that double as file extensions: `setup.py` is a file, not Paraguay.
 */
export function displayedHost(text: string, fileExtensionTlds: ReadonlySet<string>): UrlFacts | null {
  const token = text.replace(SURROUNDING, '').replace(TRAILING_PUNCTUATION, '');
  if (token === '' || /\s/.test(token) || token.length > 2048) return null;

  let candidate: string;
  if (HAS_SCHEME.test(token)) {
    candidate = token;
  } else {
    if (token.includes('@') || !BARE_HOST.test(token)) return null;
    const hostPart = token.split(/[/?#:]/, 1)[0] as string;
    // Version numbers (`5.10.25`) are not addresses; a bare numeric host must be a dotted quad.
    if (/^[\d.]+$/.test(hostPart) && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostPart)) return null;
    const tld = hostPart.replace(/\.$/, '').split('.').at(-1)?.toLowerCase() ?? '';
    // `www.` is an unmistakable web address; otherwise the TLD must not read as a file extension.
    if (!/^www\./i.test(token) && fileExtensionTlds.has(tld)) return null;
    candidate = `http://${token}`;
  }
  const facts = describeUrl(candidate);
  if (facts.kind === 'none') return null;
  // A domain shown without a known public suffix is not a claim about a real site.
  if (facts.kind === 'domain' && facts.registrableDomain === '') return null;
  return facts;
}
