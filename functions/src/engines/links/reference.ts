import { domainToASCII } from 'node:url';
import { getDomain } from 'tldts';
import {
  BRAND_DOMAIN_GROUPS,
  CLICK_TRACKER_DOMAINS,
  FILE_EXTENSION_TLDS,
  FREE_HOSTING,
  SHORTENER_DOMAINS,
  SUSPICIOUS_TLDS,
  type FreeHostingEntry,
} from './lists';

/** Lists extended by config and turned into lookup structures once, at engine creation. */
export interface ReferenceData {
  shorteners: ReadonlySet<string>;
  trackers: ReadonlySet<string>;
  suspiciousTlds: ReadonlySet<string>;
  fileExtensionTlds: ReadonlySet<string>;
  /** Free-hosting entries by their domain. */
  freeHosting: ReadonlyMap<string, readonly FreeHostingEntry[]>;
  /** Registrable domain → index of its brand group. */
  brandGroupOf: ReadonlyMap<string, number>;
  /** Names (label before the public suffix, ≥ 3 characters) of brand domains, for look-alike checks. */
  brandLabels: ReadonlySet<string>;
  allowlist: ReadonlySet<string>;
}

export interface ReferenceExtensions {
  shorteners: string[];
  clickTrackers: string[];
  suspiciousTlds: string[];
  freeHosting: FreeHostingEntry[];
  brandDomainGroups: string[][];
  allowlistDomains: string[];
}

export function asciiDomain(domain: string): string {
  const trimmed = domain.trim().toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '');
  return domainToASCII(trimmed) || trimmed;
}

export function buildReferenceData(extra: ReferenceExtensions): ReferenceData {
  const freeHosting = new Map<string, FreeHostingEntry[]>();
  for (const entry of [...FREE_HOSTING, ...extra.freeHosting]) {
    const domain = asciiDomain(entry.domain);
    freeHosting.set(domain, [...(freeHosting.get(domain) ?? []), { ...entry, domain }]);
  }
  const brandGroupOf = new Map<string, number>();
  const brandLabels = new Set<string>();
  [...BRAND_DOMAIN_GROUPS, ...extra.brandDomainGroups].forEach((group, index) => {
    for (const domain of group) {
      const ascii = asciiDomain(domain);
      brandGroupOf.set(ascii, index);
      const registrable = getDomain(ascii) ?? ascii;
      const label = registrable.split('.')[0] ?? '';
      if (label.length >= 3) brandLabels.add(label);
    }
  });
  return {
    shorteners: new Set([...SHORTENER_DOMAINS, ...extra.shorteners].map(asciiDomain)),
    trackers: new Set([...CLICK_TRACKER_DOMAINS, ...extra.clickTrackers].map(asciiDomain)),
    suspiciousTlds: new Set([...SUSPICIOUS_TLDS, ...extra.suspiciousTlds].map((tld) => asciiDomain(tld))),
    fileExtensionTlds: new Set(FILE_EXTENSION_TLDS),
    freeHosting,
    brandGroupOf,
    brandLabels,
    allowlist: new Set(extra.allowlistDomains.map(asciiDomain)),
  };
}

/** The entry of `set` that is `asciiHost` or one of its parent domains, or null. */
export function matchDomainSuffix(set: ReadonlySet<string> | ReadonlyMap<string, unknown>, asciiHost: string): string | null {
  if (asciiHost === '') return null;
  if (set.has(asciiHost)) return asciiHost;
  for (let dot = asciiHost.indexOf('.'); dot >= 0; dot = asciiHost.indexOf('.', dot + 1)) {
    const parent = asciiHost.slice(dot + 1);
    if (set.has(parent)) return parent;
  }
  return null;
}
