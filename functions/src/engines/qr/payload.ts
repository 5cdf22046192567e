import { parse as parseDomain } from 'tldts';

/** What a decoded QR code asks a phone to do. */
export type PayloadKind =
  | 'url'
  | 'wifi'
  | 'contact'
  | 'email'
  | 'sms'
  | 'phone'
  | 'geo'
  | 'calendar'
  | 'otp'
  | 'payment'
  | 'crypto'
  | 'text';

export interface ClassifiedPayload {
  kind: PayloadKind;
  /** For kind 'url': the web address a phone would open, with a scheme. */
  url?: string;
  /** How the URL was written, when not a plain URL (`MEBKM bookmark`, `bare domain`, `URL inside text`). */
  form?: string;
}

/** Characters of a payload that are examined; QR codes hold at most 7,089 digits / 2,953 bytes. */
const MAX_PAYLOAD_CHARS = 8 * 1024;
const WEB_URL = /^(?:https?|ftp):\/\/\S+$/i;
const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"']+/i;
/** `example.com/path` with no scheme: phone scanners offer to open it. */
const BARE_HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}(?::\d{1,5})?(?:[/?#]\S*)?$/i;

const PREFIX_KINDS: readonly [RegExp, PayloadKind][] = [
  [/^WIFI:/i, 'wifi'],
  [/^(?:BEGIN:VCARD|MECARD:|BIZCARD:)/i, 'contact'],
  [/^(?:mailto:|MATMSG:|SMTP:)/i, 'email'],
  [/^(?:SMSTO:|sms:|smsto:|MMSTO:|mms:)/i, 'sms'],
  [/^tel:/i, 'phone'],
  [/^geo:/i, 'geo'],
  [/^BEGIN:VEVENT|^BEGIN:VCALENDAR/i, 'calendar'],
  [/^otpauth(?:-migration)?:\/\//i, 'otp'],
  // EPC (SEPA credit transfer), Swiss QR-bill, UPI and similar bank payment payloads.
  [/^(?:BCD\r?\n|SPC\r?\n|upi:\/\/pay)/i, 'payment'],
  [/^(?:bitcoin|ethereum|litecoin|monero|bitcoincash|dogecoin|tron|usdt):/i, 'crypto'],
];

/**
 * Classifies a decoded QR payload and, when a phone would open a web page, says which. A QR
 * code's whole payload is a URL in the vast majority of codes; scanners also open `URLTO:` and
 * `MEBKM:` bookmarks, bare host names with a public suffix, and link URLs found inside text.
 */
export function classifyPayload(raw: string): ClassifiedPayload {
  const payload = raw.slice(0, MAX_PAYLOAD_CHARS).replace(/^\uFEFF/, '').trim();
  if (WEB_URL.test(payload)) return { kind: 'url', url: payload };

  const urlTo = /^URLTO:(\S+)$/i.exec(payload);
  if (urlTo) return asWebUrl(urlTo[1] as string, 'URLTO bookmark') ?? { kind: 'text' };
  const bookmark = /^MEBKM:.*?URL:((?:\\.|[^;\\])+)/is.exec(payload);
  if (bookmark) return asWebUrl((bookmark[1] as string).replace(/\\(.)/g, '$1'), 'MEBKM bookmark') ?? { kind: 'text' };

  for (const [pattern, kind] of PREFIX_KINDS) if (pattern.test(payload)) return { kind };

  if (BARE_HOST.test(payload)) {
    const asUrl = asWebUrl(payload, 'bare host name');
    if (asUrl) return asUrl;
  }
  const inText = URL_IN_TEXT.exec(payload);
  if (inText) {
    const asUrl = asWebUrl(inText[0].replace(/[.,;:!?)\]]+$/, ''), 'URL inside text');
    if (asUrl) return asUrl;
  }
  return { kind: 'text' };
}

/** A web URL (scheme added when missing) when the text names a host with a real public suffix. */
function asWebUrl(text: string, form: string): ClassifiedPayload | null {
  const candidate = WEB_URL.test(text) ? text : `http://${text}`;
  let host: string;
  try {
    const parsed = new URL(candidate);
    if (!['http:', 'https:', 'ftp:'].includes(parsed.protocol)) return null;
    host = parsed.hostname;
  } catch {
    return null;
  }
  const facts = parseDomain(host);
  if (!facts.isIp && !(facts.domain && facts.isIcann)) return null;
  return { kind: 'url', url: candidate, form };
}
