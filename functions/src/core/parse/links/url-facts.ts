import { domainToUnicode } from 'node:url';
import { getDomain } from 'tldts';

export type HostKind = 'domain' | 'ipv4' | 'ipv6' | 'none';

/** What a URL says about where it goes, normalised the way a browser would read it. */
export interface UrlFacts {
  /** Lower-cased scheme without the colon; '' for relative or scheme-less input. */
  scheme: string;
  /** Lower-cased host, Unicode when it was punycode, no trailing dot; IPv6 in brackets; '' when none. */
  host: string;
  /** ASCII (punycode) form of `host`, what DNS and blocklists use. */
  asciiHost: string;
  /** Registrable domain (ICANN section of the public suffix list), Unicode; '' for IPs and unknown suffixes. */
  registrableDomain: string;
  kind: HostKind;
  /** An IPv4 host written other than as four decimal parts (integer, hex, octal, shortened, percent-encoded). */
  obfuscatedIp: boolean;
  /** The authority carried a `user@` part; browsers ignore it, phishers use it to show a trusted name first. */
  userinfo: string;
  /** The WHATWG parse, null when the URL is relative or a browser would reject it. */
  parsed: URL | null;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
/** Browsers drop ASCII tab and newline anywhere in a URL (WHATWG URL parser). */
const TAB_OR_NEWLINE = /[\t\n\r]/g;
const AUTHORITY = /^[a-z][a-z0-9+.-]*:[/\\]*([^/?#\\]*)/i;
const DOTTED_DECIMAL_IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV4_RESULT = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export function schemeOf(url: string): string {
  const match = SCHEME.exec(url);
  return match ? (match[1] as string).toLowerCase() : '';
}

/** Strips what a browser strips before parsing: surrounding whitespace and inner tabs/newlines. */
export function cleanUrl(raw: string): string {
  return raw.replace(TAB_OR_NEWLINE, '').trim();
}

/** The host as literally written in the authority, lower-cased, port and userinfo removed. */
function writtenHost(url: string): { host: string; userinfo: string } {
  const authority = AUTHORITY.exec(url)?.[1] ?? '';
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : '';
  let host = at >= 0 ? authority.slice(at + 1) : authority;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    host = close >= 0 ? host.slice(0, close + 1) : host;
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) host = host.slice(0, colon);
  }
  return { host: host.toLowerCase().replace(/\.+$/, ''), userinfo };
}

function toUnicode(asciiHost: string): string {
  if (!asciiHost.includes('xn--')) return asciiHost;
  // domainToUnicode returns '' for invalid punycode; keep the ASCII form then so nothing is lost.
  return domainToUnicode(asciiHost) || asciiHost;
}

function registrableOf(asciiHost: string): string {
  // Default options: tldts re-merges an options object on every call, which costs more than it saves.
  const domain = getDomain(asciiHost);
  return domain ? toUnicode(domain) : '';
}

const NO_HOST: Omit<UrlFacts, 'scheme' | 'parsed'> = {
  host: '',
  asciiHost: '',
  registrableDomain: '',
  kind: 'none',
  obfuscatedIp: false,
  userinfo: '',
};

/**
 * Reads a URL the way a browser would: WHATWG parsing normalises integer/hex/octal IPv4 forms,
 * percent-encoded hosts and IDNs, so `http://0x7f000001/` and `http://127.0.0.1/` get the same host.
 * Never throws; unparseable URLs fall back to the host as written.
 */
export function describeUrl(rawUrl: string): UrlFacts {
  const url = cleanUrl(rawUrl);
  const scheme = schemeOf(url);
  if (!scheme) return { scheme, parsed: null, ...NO_HOST };

  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  const written = writtenHost(url);
  // mailto:, data:, tel: and friends have no network host; WHATWG gives them hostname ''.
  // Without a parse, only an authority introduced by slashes counts as a host.
  const hostname = parsed
    ? parsed.hostname.replace(/\.+$/, '')
    : /^[a-z][a-z0-9+.-]*:[/\\]{2}/i.test(url)
      ? written.host
      : '';
  if (!hostname) return { scheme, parsed, ...NO_HOST };

  if (hostname.startsWith('[')) {
    return { ...NO_HOST, scheme, parsed, host: hostname, asciiHost: hostname, kind: 'ipv6', userinfo: written.userinfo };
  }
  if (IPV4_RESULT.test(hostname) && (parsed !== null || DOTTED_DECIMAL_IPV4.test(hostname))) {
    return {
      ...NO_HOST,
      scheme,
      parsed,
      host: hostname,
      asciiHost: hostname,
      kind: 'ipv4',
      obfuscatedIp: written.host !== hostname,
      userinfo: written.userinfo,
    };
  }
  const asciiHost = hostname.toLowerCase();
  return {
    scheme,
    parsed,
    host: toUnicode(asciiHost),
    asciiHost,
    registrableDomain: registrableOf(asciiHost),
    kind: 'domain',
    obfuscatedIp: false,
    userinfo: written.userinfo,
  };
}
