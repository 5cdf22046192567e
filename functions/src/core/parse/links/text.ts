/**
 * Finds URLs in plain text. Deliberately narrower than a linkifier: only what a mail client turns
 * into a clickable link without doubt – `http(s)://` and `ftp://` URLs, `www.` hosts, and IPv4
 * addresses followed by a path. Bare `name.tld` words are left out because technical mail is full
 * of file names (`setup.py`, `jailhouse.mk`) whose extensions are also country-code TLDs.
 */

// Characters that never belong to a URL written in running text. Square brackets are legal only
// around IPv6 hosts; in text they are markup (`[image: https://…]`, `[1]https://…`).
const URL_BODY = '[^\\s<>"`{}|\\\\^\\[\\]\\u0000-\\u001f\\u007f]';
const TEXT_URL = new RegExp(
  [
    // Not preceded by something that makes it part of a longer token (an address, a path, a word).
    `(?<![\\w.@/-])(?:(?:https?|ftp):\\/\\/${URL_BODY}+`,
    `www\\.[a-z0-9-]${URL_BODY}*`,
    // A bare IPv4 address only with a path that starts with a non-digit: `10.0.0.0/8` is a CIDR block.
    `(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?\\/(?=[^\\d\\s])${URL_BODY}*)`,
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

/** Gives scheme-less finds (`www.…`, bare IPs) the `http://` a mail client would assume. */
function withScheme(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

/**
 * Calls `emit` with every URL found in `text`, in order, until `emit` returns false.
 * URLs are returned with a scheme (`http://` added to `www.` and bare-IP finds).
 */
export function scanTextUrls(text: string, emit: (url: string) => boolean, maxUrlChars: number): void {
  TEXT_URL.lastIndex = 0;
  for (let match = TEXT_URL.exec(text); match !== null; match = TEXT_URL.exec(text)) {
    const trimmed = trimTextUrl(match[0].length > maxUrlChars ? match[0].slice(0, maxUrlChars) : match[0]);
    // A bare scheme (`http://`) or `www.` alone is prose, not a link.
    if (/^(?:(?:https?|ftp):\/\/|www\.)$/i.test(trimmed) || /^(?:https?|ftp):\/\/[./]*$/i.test(trimmed)) continue;
    if (!emit(withScheme(trimmed))) return;
  }
}
