import { describeUrl, type UrlFacts } from '../../core/parse/links';

/**
 * Decoding of known redirectors: security gateways that rewrite every link in mail, ESP trackers
 * that carry the destination in the URL, and open redirects on big sites that phishers borrow
 * for their reputation. Only services whose destination semantics are known are unwrapped; a
 * `?url=` parameter on an arbitrary site is not trusted to be where the click lands.
 */

export type RedirectorKind = 'security_gateway' | 'tracker' | 'open_redirect';

export interface UnwrapStep {
  /** Human-readable service name, e.g. `Microsoft Safe Links`. */
  via: string;
  kind: RedirectorKind;
  /** The URL the redirector leads to; for `domainOnly` steps a synthetic `https://<domain>/`. */
  target: string;
  /** Only the destination domain is known (Mimecast `?domain=`, Sophos `?d=`). */
  domainOnly: boolean;
}

export interface OpaqueWrapper {
  via: string;
  url: string;
}

export interface UnwrapResult {
  /** The link itself followed by each decoded destination, outermost first. */
  chain: string[];
  /** `describeUrl` of each chain entry, same order. */
  hops: UrlFacts[];
  steps: UnwrapStep[];
  /** A recognised wrapper whose destination cannot be decoded offline, if the chain ends in one. */
  opaque: OpaqueWrapper | null;
}

type Decoder = (facts: UrlFacts & { parsed: URL }, raw: string) => DecodeOutcome | null;
type DecodeOutcome =
  | { target: string; domainOnly?: boolean }
  | { opaque: true };

interface Redirector {
  via: string;
  kind: RedirectorKind;
  /** Cheap host test run before the decoder. */
  matchesHost: (asciiHost: string, registrableDomain: string) => boolean;
  decode: Decoder;
}

const ABSOLUTE_WEB_URL = /^(?:https?:)?\/\//i;

function isWebUrl(value: string | null | undefined): value is string {
  return typeof value === 'string' && ABSOLUTE_WEB_URL.test(value.trim());
}

/** First query parameter (by name, in order) that holds an absolute web URL. */
function urlParam(parsed: URL, ...names: string[]): DecodeOutcome | null {
  for (const name of names) {
    const value = parsed.searchParams.get(name);
    if (isWebUrl(value)) return { target: value.trim() };
  }
  return null;
}

/** The raw (undecoded) value of a query parameter, for encodings that percent-decoding would spoil. */
function rawParam(raw: string, name: string): string | null {
  const match = new RegExp(`[?&]${name}=([^&#]*)`).exec(raw);
  return match ? (match[1] as string) : null;
}

function safeDecodeURIComponent(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** A percent-decoded query parameter that keeps `+` (URLSearchParams would turn base64's `+` into a space). */
function base64Param(raw: string, name: string): string | null {
  const value = rawParam(raw, name);
  return value === null ? null : safeDecodeURIComponent(value);
}

function decodeBase64Text(value: string): string | null {
  const normalised = value.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalised)) return null;
  const text = Buffer.from(normalised, 'base64').toString('utf8');
  return text.includes('\ufffd') ? null : text;
}

function hostIs(...hosts: string[]): Redirector['matchesHost'] {
  const set = new Set(hosts);
  return (asciiHost) => set.has(asciiHost);
}

function hostEndsWith(...suffixes: string[]): Redirector['matchesHost'] {
  return (asciiHost) => suffixes.some((suffix) => asciiHost.endsWith(suffix));
}

function registrableIs(...domains: string[]): Redirector['matchesHost'] {
  const set = new Set(domains);
  return (_host, registrableDomain) => set.has(registrableDomain);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** Proofpoint v2: `-` stands for `%` and `_` for `/`, then ordinary percent-decoding. */
function decodeProofpointV2(raw: string): DecodeOutcome | null {
  const value = rawParam(raw, 'u');
  if (value === null) return null;
  const decoded = safeDecodeURIComponent(value.replace(/-/g, '%').replace(/_/g, '/'));
  if (decoded === null) return null;
  const target = decoded.replace(/&(amp|lt|gt|quot|#39);/g, (_m, name: string) => HTML_ENTITIES[name] ?? '');
  return isWebUrl(target) ? { target } : null;
}

/** Run-length markers of Proofpoint v3: `**A` = 2 characters … `**_` = 65. */
const V3_RUN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Proofpoint v3: `urldefense.com/v3/__<url>__;<base64>!!…`. Characters Proofpoint would not keep
 * in the URL were replaced by `*` (one) or `**X` (a run); the base64 block lists them in order.
 */
function decodeProofpointV3(raw: string): DecodeOutcome | null {
  const match = /\/v3\/__(.+?)__;([^!]*)!/s.exec(raw);
  if (!match) return null;
  let embedded = match[1] as string;
  // Proofpoint collapses `https://` to `https:/` in some versions.
  embedded = embedded.replace(/^([a-z0-9+.-]+:\/)(?!\/)/i, '$1/');
  embedded = safeDecodeURIComponent(embedded) ?? embedded;
  const replacements = Array.from(decodeBase64Text(match[2] as string) ?? '');
  let next = 0;
  let failed = false;
  const target = embedded.replace(/\*(\*.)?/g, (token: string) => {
    const length = token.length === 1 ? 1 : V3_RUN_ALPHABET.indexOf(token[2] as string) + 2;
    if (length < 2 && token.length > 1) {
      failed = true;
      return token;
    }
    const run = replacements.slice(next, next + length);
    next += length;
    if (run.length < length) failed = true;
    return run.join('');
  });
  return !failed && isWebUrl(target) ? { target } : null;
}

/** Google Translate's web proxy: `evil-com.translate.goog` serves `evil.com` (`-` = `.`, `--` = `-`). */
function decodeTranslateProxy(facts: UrlFacts & { parsed: URL }): DecodeOutcome | null {
  const label = facts.asciiHost.slice(0, -'.translate.goog'.length);
  if (label === '' || label.includes('.')) return null;
  const host = label
    .split('--')
    .map((part) => part.replace(/-/g, '.'))
    .join('-');
  const params = new URLSearchParams(facts.parsed.search);
  for (const key of [...params.keys()]) if (key.startsWith('_x_tr_')) params.delete(key);
  const query = params.toString();
  return { target: `https://${host}${facts.parsed.pathname}${query ? `?${query}` : ''}` };
}

export const REDIRECTORS: readonly Redirector[] = [
  {
    via: 'Microsoft Safe Links',
    kind: 'security_gateway',
    matchesHost: hostEndsWith('safelinks.protection.outlook.com', 'safelinks.protection.office365.us'),
    decode: ({ parsed }) => urlParam(parsed, 'url'),
  },
  {
    via: 'Microsoft Teams Safe Links',
    kind: 'security_gateway',
    matchesHost: hostIs('statics.teams.cdn.office.net'),
    decode: ({ parsed }) => (parsed.pathname.includes('/safelinks/') ? urlParam(parsed, 'url') : null),
  },
  {
    via: 'Proofpoint URL Defense',
    kind: 'security_gateway',
    matchesHost: hostIs('urldefense.proofpoint.com', 'urldefense.com', 'urldefense.us'),
    decode: ({ parsed }, raw) => {
      if (parsed.pathname.startsWith('/v1/')) return urlParam(parsed, 'u');
      if (parsed.pathname.startsWith('/v2/')) return decodeProofpointV2(raw);
      if (parsed.pathname.startsWith('/v3/')) return decodeProofpointV3(raw);
      return null;
    },
  },
  {
    via: 'Mimecast URL Protect',
    kind: 'security_gateway',
    matchesHost: (host) => /^protect[a-z0-9-]*\.mimecast(?:-offshore)?\.com$/.test(host),
    decode: ({ parsed }) => {
      // The destination sits on Mimecast's servers; only the `domain` hint travels in the link.
      const domain = parsed.searchParams.get('domain');
      return domain && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain)
        ? { target: `https://${domain.toLowerCase()}/`, domainOnly: true }
        : { opaque: true };
    },
  },
  {
    via: 'Symantec Click-time URL Protection',
    kind: 'security_gateway',
    matchesHost: hostIs('clicktime.symantec.com'),
    decode: ({ parsed }) => urlParam(parsed, 'u'),
  },
  {
    via: 'Sophos Time-of-Click',
    kind: 'security_gateway',
    matchesHost: hostEndsWith('.protection.sophos.com'),
    decode: ({ parsed }, raw) => {
      const encoded = base64Param(raw, 'u');
      const target = encoded ? decodeBase64Text(encoded) : null;
      if (isWebUrl(target)) return { target };
      const domain = parsed.searchParams.get('d');
      return domain && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain)
        ? { target: `https://${domain.toLowerCase()}/`, domainOnly: true }
        : { opaque: true };
    },
  },
  {
    via: 'Cisco Secure Email',
    kind: 'security_gateway',
    matchesHost: hostIs('secure-web.cisco.com'),
    decode: ({ parsed }) => {
      // /<token>/<percent-encoded destination>
      const rest = parsed.pathname.split('/').slice(2).join('/');
      const target = safeDecodeURIComponent(rest);
      return isWebUrl(target) ? { target } : { opaque: true };
    },
  },
  {
    via: 'Barracuda Link Protection',
    kind: 'security_gateway',
    matchesHost: hostIs('linkprotect.cudasvc.com'),
    decode: ({ parsed }) => urlParam(parsed, 'a'),
  },
  {
    via: 'Trend Micro Time-of-Click',
    kind: 'security_gateway',
    matchesHost: hostEndsWith('.trendmicro.com', '.trendmicro.eu'),
    decode: ({ parsed }) => (parsed.pathname.includes('/clicktime/') ? urlParam(parsed, 'url') : null),
  },
  {
    via: 'Trellix (FireEye) URL Protection',
    kind: 'security_gateway',
    matchesHost: hostIs('protect2.fireeye.com'),
    decode: ({ parsed }) => urlParam(parsed, 'u'),
  },
  {
    via: 'Amazon SES click tracking',
    kind: 'tracker',
    matchesHost: hostEndsWith('.awstrack.me'),
    decode: ({ parsed }) => {
      const match = /^\/L0\/([^/]+)\//.exec(parsed.pathname);
      const target = match ? safeDecodeURIComponent(match[1] as string) : null;
      return isWebUrl(target) ? { target } : null;
    },
  },
  {
    via: 'Azure notification redirect',
    kind: 'tracker',
    matchesHost: hostEndsWith('.safelink.emails.azure.net'),
    decode: ({ parsed }) => urlParam(parsed, 'destination'),
  },
  {
    via: 'Google redirect',
    kind: 'open_redirect',
    // google.com and Google's country domains (google.de, google.co.uk, google.com.br); not new
    // gTLDs such as google.xyz, which Google does not hold and which would then pass as a redirect.
    matchesHost: (_host, registrable) => /^google\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$/.test(registrable),
    decode: ({ parsed }) => {
      if (parsed.pathname === '/url') return urlParam(parsed, 'q', 'url');
      const amp = /^\/amp\/(s\/)?(.+)$/.exec(parsed.pathname);
      if (amp) return { target: `${amp[1] ? 'https' : 'http'}://${amp[2] as string}${parsed.search}` };
      return null;
    },
  },
  {
    via: 'Google Ads click',
    kind: 'open_redirect',
    matchesHost: (host, registrable) => registrable === 'googleadservices.com' || host === 'adclick.g.doubleclick.net',
    decode: ({ parsed }) => urlParam(parsed, 'adurl'),
  },
  {
    via: 'DoubleClick Campaign Manager',
    kind: 'open_redirect',
    matchesHost: hostIs('ad.doubleclick.net'),
    decode: ({ parsed }, raw) => {
      if (!parsed.pathname.startsWith('/ddm/')) return null;
      // The destination follows the first `?` verbatim: …/ddm/clk/123;456;x?https://example.com/
      const question = raw.indexOf('?');
      const target = question >= 0 ? raw.slice(question + 1) : '';
      return isWebUrl(target) ? { target } : null;
    },
  },
  {
    via: 'Google Translate proxy',
    kind: 'open_redirect',
    matchesHost: hostEndsWith('.translate.goog'),
    decode: (facts) => decodeTranslateProxy(facts),
  },
  {
    via: 'YouTube redirect',
    kind: 'open_redirect',
    matchesHost: registrableIs('youtube.com'),
    decode: ({ parsed }) => (parsed.pathname === '/redirect' ? urlParam(parsed, 'q') : null),
  },
  {
    via: 'Bing click redirect',
    kind: 'open_redirect',
    matchesHost: registrableIs('bing.com'),
    decode: ({ parsed }, raw) => {
      if (!parsed.pathname.startsWith('/ck/a')) return null;
      const encoded = base64Param(raw, 'u') ?? '';
      // `a1` + URL-safe base64 of the destination.
      const target = encoded.startsWith('a1') ? decodeBase64Text(encoded.slice(2)) : null;
      return isWebUrl(target) ? { target } : null;
    },
  },
  {
    via: 'Facebook link shim',
    kind: 'open_redirect',
    matchesHost: hostIs('l.facebook.com', 'lm.facebook.com', 'l.messenger.com'),
    decode: ({ parsed }) => urlParam(parsed, 'u'),
  },
  {
    via: 'Instagram link shim',
    kind: 'open_redirect',
    matchesHost: hostIs('l.instagram.com'),
    decode: ({ parsed }) => urlParam(parsed, 'u'),
  },
  {
    via: 'LinkedIn redirect',
    kind: 'open_redirect',
    matchesHost: registrableIs('linkedin.com'),
    decode: ({ parsed }) => (parsed.pathname.startsWith('/redir/redirect') ? urlParam(parsed, 'url') : null),
  },
  {
    via: 'Slack redirect',
    kind: 'open_redirect',
    matchesHost: hostIs('slack-redir.net'),
    decode: ({ parsed }) => urlParam(parsed, 'url'),
  },
  {
    via: 'Steam link filter',
    kind: 'open_redirect',
    matchesHost: hostIs('steamcommunity.com'),
    decode: ({ parsed }) => (parsed.pathname.startsWith('/linkfilter') ? urlParam(parsed, 'u', 'url') : null),
  },
  {
    via: 'VK away',
    kind: 'open_redirect',
    matchesHost: hostIs('away.vk.com', 'vk.com'),
    decode: ({ parsed }) => (parsed.pathname === '/away.php' ? urlParam(parsed, 'to') : null),
  },
  {
    via: 'DuckDuckGo redirect',
    kind: 'open_redirect',
    matchesHost: registrableIs('duckduckgo.com'),
    decode: ({ parsed }) => (parsed.pathname.startsWith('/l/') ? urlParam(parsed, 'uddg') : null),
  },
  {
    via: 'Tumblr redirect',
    kind: 'open_redirect',
    matchesHost: hostIs('t.umblr.com'),
    decode: ({ parsed }) => urlParam(parsed, 'z'),
  },
  {
    via: 'Yahoo search redirect',
    kind: 'open_redirect',
    matchesHost: hostIs('r.search.yahoo.com'),
    decode: ({ parsed }) => {
      const match = /\/RU=([^/]+)\//.exec(parsed.pathname);
      const target = match ? safeDecodeURIComponent(match[1] as string) : null;
      return isWebUrl(target) ? { target } : null;
    },
  },
  {
    via: 'href.li anonymiser',
    kind: 'open_redirect',
    matchesHost: hostIs('href.li'),
    decode: ({ parsed }) => {
      const target = parsed.search.slice(1);
      return isWebUrl(target) ? { target } : null;
    },
  },
];

/** One decoding step, or null when the URL is no known redirector (or carries no destination). */
export function unwrapOnce(
  facts: UrlFacts,
  raw: string,
): { redirector: Redirector; outcome: DecodeOutcome } | null {
  if (facts.parsed === null || facts.kind !== 'domain') return null;
  const withParsed = facts as UrlFacts & { parsed: URL };
  for (const redirector of REDIRECTORS) {
    if (!redirector.matchesHost(facts.asciiHost, facts.registrableDomain)) continue;
    const outcome = redirector.decode(withParsed, raw);
    if (outcome) return { redirector, outcome };
  }
  return null;
}

/** Follows known redirectors from `url` inward, at most `maxDepth` steps, stopping on cycles. */
export function unwrapUrl(url: string, maxDepth: number, describe: (url: string) => UrlFacts = describeUrl): UnwrapResult {
  const chain = [url];
  const hops = [describe(url)];
  const steps: UnwrapStep[] = [];
  let opaque: OpaqueWrapper | null = null;
  let current = url;
  for (let depth = 0; depth < maxDepth; depth++) {
    const found = unwrapOnce(hops.at(-1) as UrlFacts, current);
    if (!found) break;
    const { redirector, outcome } = found;
    if ('opaque' in outcome) {
      opaque = { via: redirector.via, url: current };
      break;
    }
    const target = outcome.target.startsWith('//') ? `https:${outcome.target}` : outcome.target;
    if (chain.includes(target)) break;
    steps.push({ via: redirector.via, kind: redirector.kind, target, domainOnly: outcome.domainOnly === true });
    chain.push(target);
    hops.push(describe(target));
    current = target;
  }
  return { chain, hops, steps, opaque };
}
