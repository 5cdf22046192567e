import unhomoglyph from 'unhomoglyph';

/**
 * IPv4 ranges that are not on the public internet (RFC 6890 special-purpose registry). Links to
 * them appear in technical mail (router consoles, lab machines) and cannot reach an attacker's
 * server from a recipient's browser anyway.
 */
const NON_PUBLIC_IPV4: readonly [number, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
].map(([address, bits]) => [ipv4ToInt(address as string), bits as number]);

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

export function isPublicIpv4(address: string): boolean {
  const value = ipv4ToInt(address);
  const inRange = ([network, bits]: [number, number]): boolean => {
    const size = 2 ** (32 - bits);
    return Math.floor(value / size) === Math.floor(network / size);
  };
  return !NON_PUBLIC_IPV4.some(inRange);
}

/** `[::1]`, `[fe80::…]` and friends: loopback, unspecified, link-local, unique-local, documentation. */
export function isPublicIpv6(bracketed: string): boolean {
  const address = bracketed.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return isPublicIpv4(mapped[1] as string);
  if (address === '::' || address === '::1') return false;
  return !/^(?:f[cd]|fe[89ab]|2001:0?db8:|ff)/.test(address);
}

export interface IdnAssessment {
  /** The host has at least one non-ASCII label (it was, or would be, punycode on the wire). */
  isIdn: boolean;
  /** A label mixing Latin with Cyrillic/Greek/Armenian/Cherokee/Georgian, or Cyrillic with Greek. */
  mixedScriptLabel: string | null;
  /** A non-ASCII label made only of characters that look like ASCII (`аррӏе`), under an ASCII TLD. */
  wholeScriptConfusable: string | null;
  /** ASCII look-alike skeleton of every non-ASCII label, for comparison with brand names. */
  skeletons: string[];
}

const SCRIPTS: readonly [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Georgian', /\p{Script=Georgian}/u],
];
/** Scripts whose letters pass for Latin ones; mixing them with Latin in one label has no honest use. */
const LATIN_LOOKALIKE_SCRIPTS = new Set(['Cyrillic', 'Greek', 'Armenian', 'Cherokee', 'Georgian']);

function scriptsOf(label: string): Set<string> {
  const found = new Set<string>();
  for (const char of label) {
    if (!/\p{L}/u.test(char)) continue;
    for (const [name, pattern] of SCRIPTS) {
      if (pattern.test(char)) {
        found.add(name);
        break;
      }
    }
  }
  return found;
}

/**
 * The ASCII skeleton used to compare look-alikes: Unicode confusables folded (unhomoglyph), then
 * lower-cased with the digit/letter swaps phishers use (`1`/`i` → `l`, `0` → `o`).
 */
export function confusableSkeleton(text: string): string {
  // NFKD + dropping combining marks turns `paypál` into `paypal` before confusables are folded.
  const withoutMarks = text.normalize('NFKD').replace(/\p{M}/gu, '');
  return unhomoglyph(withoutMarks).toLowerCase().replace(/[1i|]/g, 'l').replace(/0/g, 'o');
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

export function assessIdn(host: string): IdnAssessment {
  const result: IdnAssessment = { isIdn: false, mixedScriptLabel: null, wholeScriptConfusable: null, skeletons: [] };
  if (ASCII.test(host)) return result;
  result.isIdn = true;
  const labels = host.split('.');
  const tldIsAscii = ASCII.test(labels.at(-1) ?? '');
  for (const label of labels) {
    if (ASCII.test(label)) continue;
    const scripts = scriptsOf(label);
    const skeleton = confusableSkeleton(label);
    result.skeletons.push(skeleton);
    const lookalikes = [...scripts].filter((script) => LATIN_LOOKALIKE_SCRIPTS.has(script));
    if ((scripts.has('Latin') && lookalikes.length > 0) || (scripts.has('Cyrillic') && scripts.has('Greek'))) {
      result.mixedScriptLabel ??= label;
    } else if (!scripts.has('Latin') && lookalikes.length > 0 && tldIsAscii && /^[a-z0-9-]+$/.test(skeleton)) {
      // A Cyrillic word under .рф is ordinary Russian; the same letters under .com imitate an ASCII name.
      // Accented Latin (café) is left to the brand comparison: it is everyday spelling in many languages.
      result.wholeScriptConfusable ??= label;
    }
  }
  return result;
}
