import { parse as parseHost } from 'tldts';

/**
 * Finds URLs in text: plain-text parts and the visible text of HTML parts. Deliberately narrower
 * than a linkifier: only what a mail client turns into a clickable link without doubt –
 * `http(s)://` and `ftp://` URLs, `www.` hosts, IPv4 addresses followed by a path, and bare
 * `name.tld` hosts on an ICANN suffix when a path follows (`forms.gle/abc`, `bit.ly/x`). A bare
 * host without a path counts only on the generic TLDs webmail links on sight (`example.com`) or
 * under a second-level registry (`example.co.uk`): technical mail is full of file names
 * (`setup.py`, `jailhouse.mk`, `notes.zip`) whose extensions are also country-code or new TLDs.
 */

// Characters that never belong to a URL written in running text. Square brackets are legal only
// around IPv6 hosts; in text they are markup (`[image: https://…]`, `[1]https://…`).
const URL_BODY = '[^\\s<>"`{}|\\\\^\\[\\]\\u0000-\\u001f\\u007f]';
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const BARE_HOST = `(?:${LABEL}\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])`;
const TEXT_URL = new RegExp(
  [
    // Not preceded by something that makes it part of a longer token (an address, a path, a word).
    `(?<![\\w.@/-])(?:(?:https?|ftp):\\/\\/${URL_BODY}+`,
    `www\\.[a-z0-9-]${URL_BODY}*`,
    // A bare IPv4 address only with a path that starts with a non-digit: `10.0.0.0/8` is a CIDR block.
    `(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?\\/(?=[^\\d\\s])${URL_BODY}*`,
    // A bare host: labels, an alphabetic TLD, optional port, then a path or the end of the word
    // (not an address's local part, not a longer dotted token). Checked against the suffix list below.
    // Not right after URL syntax: `%40example.com` or `=example.com` is the rest of an encoded or
    // wrapped URL (a `%2F…` escape, a query value), not an address typed on its own.
    `(?<![%=&+?#~])${BARE_HOST}(?::\\d{1,5})?(?:[/?#]${URL_BODY}*|(?![\\w@-]|\\.[\\w-])))`,
  ].join('|'),
  'giu',
);

const TRAILING_PUNCTUATION = /[.,;:!?'"*_~\u2019\u201d]$/u;
const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/**
 * Drops sentence punctuation and unbalanced closing brackets that ended up glued to a URL.
 * Bracket counts are taken once and updated as characters go, so a hostile run of `)))…` stays linear.
 */
export function trimTextUrl(candidate: string): string {
  const open: Record<string, number> = {};
  const close: Record<string, number> = {};
  for (const [closer, opener] of Object.entries(CLOSERS)) {
    open[opener] = count(candidate, opener);
    close[closer] = count(candidate, closer);
  }
  let end = candidate.length;
  while (end > 0) {
    const last = candidate[end - 1] as string;
    const opener = CLOSERS[last];
    if (TRAILING_PUNCTUATION.test(last)) {
      end--;
    } else if (opener !== undefined && (open[opener] as number) < (close[last] as number)) {
      close[last] = (close[last] as number) - 1;
      end--;
    } else {
      break;
    }
  }
  return candidate.slice(0, end);
}

/** Generic TLDs whose bare `name.tld` webmail links even without a path; rarely a file extension. */
const LINKED_BARE_TLDS = new Set(['com', 'net', 'org', 'edu', 'gov', 'info', 'biz']);
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const BARE_AUTHORITY_END = /[:/?#]/;
const BARE_IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}(?:[:/]|$)/;

/**
 * Whether a scheme-less, non-`www.` find is a host a reader would take for a web address: its
 * suffix is on the ICANN list and it has a registrable name; without a path only on a generic
 * TLD or under a multi-label registry suffix (see the file comment).
 */
function isLinkableBareHost(candidate: string): boolean {
  const end = candidate.search(BARE_AUTHORITY_END);
  const host = (end < 0 ? candidate : candidate.slice(0, end)).toLowerCase();
  const facts = parseHost(host);
  if (!facts.isIcann || facts.domain === null || facts.publicSuffix === null) return false;
  // Only a `/` path makes a host-like word an address; `setup.py#L10` is still a file name.
  const hasPath = candidate.includes('/');
  return hasPath || LINKED_BARE_TLDS.has(facts.publicSuffix) || facts.publicSuffix.includes('.');
}

/** Gives scheme-less finds (`www.…`, bare IPs and hosts) the `http://` a mail client would assume. */
function withScheme(url: string): string {
  return HAS_SCHEME.test(url) ? url : `http://${url}`;
}

/**
 * Calls `emit` with every URL found in `text`, in order, until `emit` returns false.
 * URLs are returned with a scheme (`http://` added to `www.`, bare-IP and bare-host finds).
 */
export function scanTextUrls(text: string, emit: (url: string) => boolean, maxUrlChars: number): void {
  TEXT_URL.lastIndex = 0;
  for (let match = TEXT_URL.exec(text); match !== null; match = TEXT_URL.exec(text)) {
    const trimmed = trimTextUrl(match[0].length > maxUrlChars ? match[0].slice(0, maxUrlChars) : match[0]);
    // A bare scheme (`http://`) or `www.` alone is prose, not a link.
    if (/^(?:(?:https?|ftp):\/\/|www\.)$/i.test(trimmed) || /^(?:https?|ftp):\/\/[./]*$/i.test(trimmed)) continue;
    if (!HAS_SCHEME.test(trimmed) && !/^www\./i.test(trimmed) && !BARE_IPV4.test(trimmed) && !isLinkableBareHost(trimmed)) continue;
    if (!emit(withScheme(trimmed))) return;
  }
}
