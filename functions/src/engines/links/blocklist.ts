import { readFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import type { UrlFacts } from '../../core/parse/links';
import { ConfigError } from '../../core/errors';

/**
 * A local blocklist: one entry per line, `#` starts a comment. An entry is a domain (matches the
 * domain and every subdomain; a leading `*.` or `.` is accepted), an IP address, a full URL
 * (matches that URL and anything below it), or a SHA-256 hash (matches attachments).
 */
export interface Blocklist {
  /** ASCII (punycode) lower-case domains and IP literals. */
  hosts: Set<string>;
  /** Normalised URLs without fragment. */
  urls: Set<string>;
  /** Lower-case hex SHA-256 hashes. */
  sha256: Set<string>;
  source: string;
}

export function emptyBlocklist(source = '(none)'): Blocklist {
  return { hosts: new Set(), urls: new Set(), sha256: new Set(), source };
}

const SHA256 = /^[a-f0-9]{64}$/i;
const HOST_ENTRY = /^(?:\*\.|\.)?([^\s/:?#@]+)$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * The form links are compared in: WHATWG-normalised, fragment dropped, and `https:` read as
 * `http:` because a phishing page answers on both and lists record whichever they saw.
 */
export function normaliseUrlForMatch(parsed: URL): string {
  const hash = parsed.href.indexOf('#');
  const href = hash >= 0 ? parsed.href.slice(0, hash) : parsed.href;
  return href.replace(/^https:/, 'http:');
}

export function parseBlocklist(text: string, source: string): Blocklist {
  const list = emptyBlocklist(source);
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const entry = line.replace(/(^|\s)#.*$/, '').trim();
    if (entry === '') return;
    const where = `${source}:${index + 1}`;
    if (SHA256.test(entry)) {
      list.sha256.add(entry.toLowerCase());
      return;
    }
    if (entry.includes('://')) {
      let parsed: URL;
      try {
        parsed = new URL(entry);
      } catch {
        throw new ConfigError(`blocklist ${where}: not a valid URL: ${entry}`, { path: source, line: index + 1 });
      }
      list.urls.add(normaliseUrlForMatch(parsed));
      return;
    }
    const host = HOST_ENTRY.exec(entry)?.[1]?.toLowerCase().replace(/\.$/, '');
    const ascii = host ? (IPV4.test(host) ? host : domainToASCII(host)) : '';
    if (!ascii || !ascii.includes('.')) {
      throw new ConfigError(`blocklist ${where}: not a domain, IP, URL or SHA-256: ${entry}`, {
        path: source,
        line: index + 1,
      });
    }
    list.hosts.add(ascii);
  });
  return list;
}

/** Reads the blocklist once at engine creation; an unreadable file is a configuration error. */
export function loadBlocklist(path: string): Blocklist {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`links: cannot read blocklistFile ${path}: ${(cause as Error).message}`, { path }, { cause });
  }
  return parseBlocklist(text, path);
}

/** The blocklist entry a URL hits (its host or a parent domain, or the URL or a URL above it), or null. */
export function matchBlocklistedUrl(list: Blocklist, facts: UrlFacts): string | null {
  if (facts.asciiHost !== '') {
    if (list.hosts.has(facts.asciiHost)) return facts.asciiHost;
    if (facts.kind === 'domain') {
      for (let dot = facts.asciiHost.indexOf('.'); dot >= 0; dot = facts.asciiHost.indexOf('.', dot + 1)) {
        const parent = facts.asciiHost.slice(dot + 1);
        if (list.hosts.has(parent)) return parent;
      }
    }
  }
  if (list.urls.size > 0 && facts.parsed !== null) {
    const url = normaliseUrlForMatch(facts.parsed);
    if (list.urls.has(url)) return url;
    // Walk up: the URL without query, then each parent path, written with and without its final `/`.
    const withoutQuery = url.split('?', 1)[0] as string;
    if (list.urls.has(withoutQuery)) return withoutQuery;
    const pathStart = withoutQuery.indexOf('/', withoutQuery.indexOf('//') + 2);
    let slash = withoutQuery.lastIndexOf('/');
    while (pathStart >= 0 && slash >= pathStart) {
      const withSlash = withoutQuery.slice(0, slash + 1);
      if (list.urls.has(withSlash)) return withSlash;
      const withoutSlash = withoutQuery.slice(0, slash);
      if (list.urls.has(withoutSlash)) return withoutSlash;
      slash = withoutQuery.lastIndexOf('/', slash - 1);
    }
  }
  return null;
}
