import { domainToUnicode } from 'node:url';
import { parseAddressHeader } from 'mailparser';
import type { EmailAddress as ParsedAddress } from 'mailparser';
import { parse as parseDomain } from 'tldts';
import type { EmailAddress } from '../subject/types';

/** Hostile headers can list thousands of recipients; engines never need more than this many. */
const MAX_ADDRESSES_PER_HEADER = 1000;

/** Lower-cased Unicode form of a domain; punycode labels are decoded when they are valid. */
export function normaliseDomain(domain: string): string {
  const lower = domain.trim().replace(/\.$/, '').toLowerCase();
  if (!lower.includes('xn--')) return lower;
  const unicode = domainToUnicode(lower);
  return unicode ? unicode.toLowerCase() : lower;
}

/** Registrable domain (eTLD+1), '' for IP literals and anything the public suffix list rejects. */
export function registrableDomain(domain: string): string {
  if (!domain || domain.startsWith('[')) return '';
  try {
    return parseDomain(domain).domain ?? '';
  } catch {
    return '';
  }
}

// A host name (any script, for Unicode domains) or an address literal; no spaces, quotes or separators.
const DOMAIN = /^(?:[^\s@,;:<>()[\]\\"]+|\[[^\s\]]+\])$/;

/**
 * An EmailAddress from a parsed name and address. Whatever is not `local@domain` with a
 * plausible domain counts as no address ('' fields), so engines never match on parser debris.
 */
export function toEmailAddress(name: string, address: string): EmailAddress {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  const domain = at > 0 ? normaliseDomain(lower.slice(at + 1)) : '';
  if (!domain || !DOMAIN.test(domain) || /\s/.test(lower.slice(0, at))) {
    return { name: name.trim(), address: '', domain: '', registrableDomain: '' };
  }
  return { name: name.trim(), address: `${lower.slice(0, at)}@${domain}`, domain, registrableDomain: registrableDomain(domain) };
}

function flatten(entries: ParsedAddress[], out: EmailAddress[]): void {
  for (const entry of entries) {
    if (out.length >= MAX_ADDRESSES_PER_HEADER) return;
    if (entry.group) {
      flatten(entry.group, out);
    } else if (entry.address || entry.name) {
      out.push(toEmailAddress(entry.name ?? '', entry.address ?? ''));
    }
  }
}

/**
 * Parses raw address header values (several when the header repeats) with mailparser's address
 * parser, which decodes RFC 2047 display names and refuses encoded words inside the address.
 * Garbage yields entries with an empty address rather than an error.
 */
export function parseAddressList(rawValues: string[]): EmailAddress[] {
  const out: EmailAddress[] = [];
  for (const raw of rawValues) {
    if (out.length >= MAX_ADDRESSES_PER_HEADER) break;
    try {
      flatten(parseAddressHeader(raw, { flatten: false }).value, out);
    } catch {
      out.push(toEmailAddress(raw.slice(0, 200), ''));
    }
  }
  return out;
}

/** The first address of a single-address header (From, Sender, Return-Path), null when absent. */
export function parseSingleAddress(rawValue: string | undefined): EmailAddress | null {
  if (rawValue === undefined) return null;
  const [first] = parseAddressList([rawValue]);
  return first ?? toEmailAddress('', '');
}
