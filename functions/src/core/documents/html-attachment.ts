import { Parser } from 'htmlparser2';
import { sniffType, type SniffedType } from './sniff';

/**
 * Facts about an HTML or SVG file received as an attachment. Opened from a mail, such a file runs
 * in the browser from the local disk, outside the mail client's sandbox: the classic phishing
 * attachment is a small page that shows a login form, redirects to a website, or assembles a
 * payload in script and hands it to the browser as a download ("HTML smuggling"). Script payloads
 * hidden with `unescape`, `atob`, `decodeURIComponent` or written with `document.write` are
 * decoded (bounded layers) and analysed like the page itself.
 */

export interface HtmlForm {
  action: string;
  method: string;
  hasPassword: boolean;
}

export interface HtmlRedirect {
  how: 'meta_refresh' | 'script_location' | 'window_open';
  target: string;
}

export interface HtmlFacts {
  kind: 'html' | 'svg';
  passwordInputs: number;
  forms: HtmlForm[];
  inlineScripts: number;
  remoteScripts: string[];
  /** `on…=` event-handler attributes and `javascript:` URLs. */
  eventHandlers: number;
  /** SVG `foreignObject` (HTML inside an image). */
  foreignObjects: number;
  iframes: string[];
  redirects: HtmlRedirect[];
  /** Smuggling indicators: Blob/createObjectURL/msSaveOrOpenBlob/download with generated data, large data: payloads. */
  smuggling: string[];
  /** Obfuscation indicators: encoded layers written into the page, eval, long fromCharCode strings. */
  obfuscation: string[];
  /** Credential exfiltration endpoints named in script (Telegram bots, Discord webhooks …). */
  exfiltration: string[];
  /** Encoded layers that were decoded and analysed. */
  decodedLayers: number;
  /** Script text was cut at the bound. */
  truncated: boolean;
}

export interface HtmlLimits {
  /** Characters of markup analysed per layer. */
  maxChars: number;
  /** Characters of script text kept for pattern checks. */
  maxScriptChars: number;
  /** Encoded layers decoded. */
  maxLayers: number;
  /** A data: URI or base64 literal at least this long counts as an embedded payload. */
  largePayloadChars: number;
}

export const DEFAULT_HTML_LIMITS: HtmlLimits = { maxChars: 2 * 1024 * 1024, maxScriptChars: 1024 * 1024, maxLayers: 3, largePayloadChars: 64 * 1024 };

const MAX_LIST = 10;
/** Payload types a browser would save and the reader then open: a data: URI carrying one is smuggling. */
const SMUGGLED_TYPES: ReadonlySet<SniffedType> = new Set(['pe', 'elf', 'macho', 'lnk', 'iso', 'udf', 'vhd', 'vhdx', 'onenote', 'cfb', 'zip', 'rtf']);
const DOWNLOAD_MEDIA_TYPE = /^data:(?:application\/(?:octet-stream|x-msdownload|x-msdos-program|x-dosexec|zip|x-zip-compressed|x-rar-compressed|vnd\.rar|x-7z-compressed|x-iso9660-image|vnd\.ms-[a-z.-]+|msword|java-archive|hta)|application\/x-ms-shortcut)[;,]/i;

/** What a data: URI carries, when it is a file to save rather than something to display. */
function dataUriPayload(value: string): string | null {
  const uri = value.trim();
  const comma = uri.indexOf(',');
  if (comma < 0) return null;
  const header = uri.slice(0, comma);
  if (/;base64$/i.test(header)) {
    const sniffed = sniffType(Buffer.from(uri.slice(comma + 1, comma + 1 + 65536).replace(/\s+/g, ''), 'base64'));
    if (sniffed && SMUGGLED_TYPES.has(sniffed)) return `data: URI carrying a ${sniffed.toUpperCase()} file`;
  }
  return DOWNLOAD_MEDIA_TYPE.test(uri) && uri.length > 1024 ? `data: URI of ${header.slice(5, 60)} (${uri.length} chars)` : null;
}
const EXFILTRATION = /api\.telegram\.org\/bot|discord(?:app)?\.com\/api\/webhooks|hooks\.slack\.com\/services|submit-form\.com|formspree\.io|formsubmit\.co|getform\.io|basin\.usebasin\.com|webhook\.site|pipedream\.net/gi;
const SMUGGLING_SINKS: ReadonlyArray<[RegExp, string]> = [
  [/\bcreateObjectURL\s*\(/, 'URL.createObjectURL'],
  [/\bmsSaveOrOpenBlob\b|\bmsSaveBlob\b/, 'msSaveOrOpenBlob'],
  [/\.download\s*=|setAttribute\s*\(\s*["']download["']/, 'download attribute set by script'],
];
const SMUGGLING_SOURCES: ReadonlyArray<[RegExp, string]> = [
  [/\bnew\s+Blob\s*\(/, 'new Blob'],
  [/\batob\s*\(/, 'atob'],
  [/\bUint8Array\b/, 'Uint8Array'],
  [/\bfromCharCode\b/, 'fromCharCode'],
];
/** Decoders and writers whose string-literal argument is the hidden layer of a page. */
const ENCODED_LAYER_CALL = /\b(unescape|decodeURIComponent|decodeURI|atob|document\.write(?:ln)?)\s*\(\s*(["'`])/g;
const MAX_LAYER_CALLS = 20;
const LOCATION_ASSIGNMENT = /\b(?:window\.|document\.|top\.|self\.|parent\.)?location(?:\.href)?\s*=\s*["'`](https?:\/\/[^"'`\s]+)|\blocation\.(?:replace|assign)\s*\(\s*["'`](https?:\/\/[^"'`\s]+)/gi;
const WINDOW_OPEN = /\bwindow\.open\s*\(\s*["'`](https?:\/\/[^"'`\s]+)/gi;

export function emptyHtmlFacts(kind: HtmlFacts['kind']): HtmlFacts {
  return {
    kind,
    passwordInputs: 0,
    forms: [],
    inlineScripts: 0,
    remoteScripts: [],
    eventHandlers: 0,
    foreignObjects: 0,
    iframes: [],
    redirects: [],
    smuggling: [],
    obfuscation: [],
    exfiltration: [],
    decodedLayers: 0,
    truncated: false,
  };
}

function pushBounded<T>(list: T[], item: T): void {
  if (list.length < MAX_LIST && !list.includes(item)) list.push(item);
}

function refreshTarget(content: string): string | null {
  const match = /^\s*[\d.]*\s*[;,]?\s*url\s*=\s*['"]?([^'"\s]+)/i.exec(content);
  return match?.[1] ?? null;
}

/** Decodes a JavaScript string literal's common escapes (\xNN, \uNNNN, \n, \", \\). */
function unescapeJsLiteral(literal: string): string {
  return literal.replace(/\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|([^]))/gi, (_, hex: string | undefined, unicode: string | undefined, other: string | undefined) => {
    if (hex) return String.fromCharCode(parseInt(hex, 16));
    if (unicode) return String.fromCharCode(parseInt(unicode, 16));
    return other === 'n' ? '\n' : other === 't' ? '\t' : other === 'r' ? '\r' : (other ?? '');
  });
}

/** The string literal starting after `quote` at `start` (escapes kept), or null when it never closes. */
function literalAt(text: string, start: number, quote: string, maxChars: number): string | null {
  const limit = Math.min(text.length, start + maxChars);
  for (let i = start; i < limit; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === quote) return text.slice(start, i);
  }
  return null;
}

/** Length of the longest run of base64 characters (linear scan; a regex would retry inside every run). */
function longestBase64Run(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const base64 = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
    run = base64 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

function decodeLayer(decoder: string, literal: string): string | null {
  const text = unescapeJsLiteral(literal);
  try {
    if (decoder === 'atob') return /^[A-Za-z0-9+/=\s]+$/.test(text) ? Buffer.from(text, 'base64').toString('latin1') : null;
    if (decoder === 'unescape') return text.replace(/%u([0-9a-f]{4})|%([0-9a-f]{2})/gi, (_, u: string | undefined, h: string | undefined) => String.fromCharCode(parseInt(u ?? h ?? '0', 16)));
    if (decoder.startsWith('decodeURI')) return decodeURIComponent(text);
    return text; // document.write of a plain literal
  } catch {
    return null;
  }
}

interface Scan {
  facts: HtmlFacts;
  scripts: string[];
  scriptChars: number;
  limits: HtmlLimits;
}

function walkMarkup(markup: string, scan: Scan): void {
  const { facts, limits } = scan;
  const formStack: HtmlForm[] = [];
  let inScript = false;
  const keepScript = (text: string): void => {
    const room = limits.maxScriptChars - scan.scriptChars;
    if (room <= 0) {
      facts.truncated = true;
      return;
    }
    scan.scripts.push(text.slice(0, room));
    scan.scriptChars += Math.min(room, text.length);
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        for (const [attribute, value] of Object.entries(attributes)) {
          if (/^on[a-z]+$/.test(attribute)) {
            facts.eventHandlers++;
            keepScript(value);
          }
          if (/^\s*javascript:/i.test(value)) {
            facts.eventHandlers++;
            keepScript(value.replace(/^\s*javascript:/i, ''));
          }
          if (/^\s*data:/i.test(value)) {
            const payload = dataUriPayload(value);
            if (payload) pushBounded(facts.smuggling, payload);
            else if (value.length >= limits.largePayloadChars && !/^\s*data:image\/(?!svg)/i.test(value)) {
              pushBounded(facts.smuggling, `large data: URI (${value.slice(0, value.indexOf(',') + 1 || 40).trim().slice(0, 60)} ${value.length} chars)`);
            }
          }
        }
        if (name === 'script') {
          inScript = true;
          if (attributes.src) pushBounded(facts.remoteScripts, attributes.src.slice(0, 300));
          else facts.inlineScripts++;
        } else if (name === 'form') {
          formStack.push({ action: (attributes.action ?? '').trim().slice(0, 2048), method: (attributes.method ?? 'get').toLowerCase(), hasPassword: false });
        } else if (name === 'input' && (attributes.type ?? '').toLowerCase() === 'password') {
          facts.passwordInputs++;
          const form = formStack[formStack.length - 1];
          if (form) form.hasPassword = true;
        } else if (name === 'meta' && (attributes['http-equiv'] ?? '').toLowerCase() === 'refresh') {
          const target = refreshTarget(attributes.content ?? '');
          if (target && facts.redirects.length < MAX_LIST) facts.redirects.push({ how: 'meta_refresh', target: target.slice(0, 2048) });
        } else if ((name === 'iframe' || name === 'embed' || name === 'object') && (attributes.src || attributes.data)) {
          pushBounded(facts.iframes, (attributes.src ?? attributes.data ?? '').slice(0, 300));
        } else if (name === 'foreignobject') {
          facts.foreignObjects++;
        } else if (name === 'a' && attributes.download !== undefined && /^\s*(?:data|blob):/i.test(attributes.href ?? '')) {
          pushBounded(facts.smuggling, 'download link to a data:/blob: payload');
        }
      },
      ontext(text) {
        if (inScript) keepScript(text);
      },
      onclosetag(name) {
        if (name === 'script') inScript = false;
        if (name === 'form') {
          const form = formStack.pop();
          if (form && facts.forms.length < MAX_LIST) facts.forms.push(form);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(markup.slice(0, limits.maxChars));
  parser.end();
  for (const form of formStack) if (facts.forms.length < MAX_LIST) facts.forms.push(form);
  if (markup.length > limits.maxChars) facts.truncated = true;
}

function scriptPatterns(script: string, scan: Scan, depth: number): void {
  const { facts, limits } = scan;
  const sinks = SMUGGLING_SINKS.filter(([pattern]) => pattern.test(script)).map(([, label]) => label);
  const sources = SMUGGLING_SOURCES.filter(([pattern]) => pattern.test(script)).map(([, label]) => label);
  // Smuggling needs both halves: data generated in the page and a sink that hands it over as a file.
  if (sinks.length > 0 && sources.length > 0) pushBounded(facts.smuggling, `${sources.join(' + ')} → ${sinks.join(' + ')}`);
  const base64Run = longestBase64Run(script);
  if (base64Run >= limits.largePayloadChars) pushBounded(facts.smuggling, `base64 payload of ${base64Run} chars in script`);
  for (const match of script.matchAll(EXFILTRATION)) pushBounded(facts.exfiltration, match[0].toLowerCase());
  for (const match of script.matchAll(LOCATION_ASSIGNMENT)) {
    if (facts.redirects.length < MAX_LIST) facts.redirects.push({ how: 'script_location', target: (match[1] ?? match[2] ?? '').slice(0, 2048) });
  }
  for (const match of script.matchAll(WINDOW_OPEN)) if (facts.redirects.length < MAX_LIST) facts.redirects.push({ how: 'window_open', target: (match[1] ?? '').slice(0, 2048) });
  if (/\beval\s*\(/.test(script)) pushBounded(facts.obfuscation, 'eval()');
  if (/eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e/.test(script)) pushBounded(facts.obfuscation, 'packed script (p,a,c,k,e,d)');
  if (/fromCharCode\s*\((?:\s*\d+\s*,){20}/.test(script)) pushBounded(facts.obfuscation, 'long String.fromCharCode list');
  if ((script.match(/\\x[0-9a-f]{2}/gi)?.length ?? 0) > 200) pushBounded(facts.obfuscation, 'heavily \\x-escaped strings');

  if (depth >= limits.maxLayers) return;
  let calls = 0;
  for (const match of script.matchAll(ENCODED_LAYER_CALL)) {
    if (++calls > MAX_LAYER_CALLS) break;
    const [whole, decoder = '', quote = '"'] = match;
    const literal = literalAt(script, match.index + whole.length, quote, limits.maxScriptChars);
    if (literal === null || literal.length < 64) continue;
    const decoded = decodeLayer(decoder, literal);
    if (decoded === null || !/<[a-z!/]/i.test(decoded)) continue;
    facts.decodedLayers++;
    if (decoder !== 'document.write' && decoder !== 'document.writeln') pushBounded(facts.obfuscation, `markup hidden in ${decoder}()`);
    analyseLayer(decoded, scan, depth + 1);
    if (facts.decodedLayers >= 20) break;
  }
}

function analyseLayer(markup: string, scan: Scan, depth: number): void {
  const before = scan.scripts.length;
  walkMarkup(markup, scan);
  const scripts = scan.scripts.slice(before).join('\n');
  scriptPatterns(scripts, scan, depth);
}

export function analyseHtml(markup: string, kind: HtmlFacts['kind'] = 'html', limits: HtmlLimits = DEFAULT_HTML_LIMITS): HtmlFacts {
  const scan: Scan = { facts: emptyHtmlFacts(kind), scripts: [], scriptChars: 0, limits };
  analyseLayer(markup, scan, 0);
  return scan.facts;
}
