import { parse } from 'tldts';
import unhomoglyph from 'unhomoglyph';

export interface DomainParts {
  /** The domain as given, lower-cased, without a trailing dot. */
  host: string;
  /** eTLD+1 (`paypal.co.uk`), '' for IP literals and names without a public suffix. */
  registrable: string;
  /** The registrable domain without its public suffix (`paypal`). */
  label: string;
  /** Labels left of the registrable domain (`mail` for mail.paypal.com), '' when none. */
  subdomain: string;
}

/** Splits a host name at its public suffix. Only ICANN suffixes count: a private suffix such as
 * `blogspot.com` would make every blog its own "registrable" domain and hide the owner. */
export function domainParts(domain: string): DomainParts {
  const host = domain.trim().toLowerCase().replace(/\.$/, '');
  const parsed = parse(host, { allowPrivateDomains: false });
  if (parsed.isIp === true || parsed.domain === null) return { host, registrable: '', label: '', subdomain: '' };
  return {
    host,
    registrable: parsed.domain,
    label: parsed.domainWithoutSuffix ?? '',
    subdomain: parsed.subdomain ?? '',
  };
}

/** Registrable domain of a host, '' when it has none. */
export function registrableOf(domain: string): string {
  return domainParts(domain).registrable;
}

/**
 * A comparison key under which visually confusable strings collide: diacritics dropped,
 * Unicode confusables (Cyrillic а, Greek ο, fullwidth letters, `0`, `1`, `I`) mapped to their
 * prototype per Unicode TR39 (via unhomoglyph, which also maps `m` to `rn`), lower-cased, and
 * the look-alike pairs TR39 leaves out folded (`i`/`l`, `vv`/`w`, `cl`/`d`). Only for equality
 * and distance tests, never for display.
 */
export function skeleton(text: string): string {
  const withoutMarks = text.normalize('NFKD').replace(/\p{M}+/gu, '');
  return unhomoglyph(unhomoglyph(withoutMarks).toLowerCase())
    .toLowerCase()
    .replace(/i/g, 'l')
    .replace(/vv/g, 'w')
    .replace(/cl/g, 'd');
}

/** DP rows reused by every call (single-threaded): the distance is computed per target and host. */
let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Damerau-Levenshtein distance (optimal string alignment: insertions, deletions,
 * substitutions, adjacent transpositions), giving up once it must exceed `max`.
 * Returns `max + 1` in that case.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const width = b.length + 1;
  if (rows[0].length < width) rows = [new Int32Array(width), new Int32Array(width), new Int32Array(width)];
  let [beforePrevious, previous, current] = rows;
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let best = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        best = Math.min(best, (beforePrevious[j - 2] as number) + 1);
      }
      current[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > max) return max + 1;
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  const distance = previous[b.length] as number;
  return distance > max ? max + 1 : distance;
}

const CONFUSABLE_SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Cherokee', 'Coptic'] as const;
const SCRIPT_PATTERNS = CONFUSABLE_SCRIPTS.map((script) => ({
  script,
  pattern: new RegExp(`\\p{Script=${script}}`, 'u'),
}));

/**
 * Whether one label mixes letters of scripts that share look-alike glyphs (Latin with
 * Cyrillic, Greek…): "pаypal" with a Cyrillic а. A single-script IDN ("müller", "пример") is
 * not mixed; neither is Latin with Han or Kana, which look nothing alike.
 */
export function hasMixedScriptLabel(domain: string): boolean {
  for (const label of domain.split('.')) {
    if (isAscii(label)) continue;
    let seen = 0;
    for (const { pattern } of SCRIPT_PATTERNS) {
      if (pattern.test(label)) seen++;
      if (seen > 1) return true;
    }
  }
  return false;
}

/** Whether a domain holds non-ASCII labels (it travelled as punycode `xn--`). */
export function isInternationalised(domain: string): boolean {
  return !isAscii(domain) || domain.split('.').some((label) => label.startsWith('xn--'));
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
