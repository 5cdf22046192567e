import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../functions/src/core/errors';
import type { ArchiveMember, AttachmentInfo } from '../../../functions/src/core/subject/types';
import { createLinksEngine } from '../../../functions/src/engines/links';
import { makeSubject } from '../../support/subject';
import { context, finding, scan, subjectWith } from './helpers';

const EVIL_HASH = 'a'.repeat(64);
const NESTED_HASH = 'B'.repeat(64);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-links-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeBlocklist(lines: string[]): string {
  const path = join(dir, 'blocklist.txt');
  writeFileSync(path, lines.join('\n'));
  return path;
}

function member(path: string, sha256: string | null, members: ArchiveMember[] = []): ArchiveMember {
  return { path, size: 1, compressedSize: 1, encrypted: false, detectedType: null, sha256, members };
}

function attachment(filename: string, sha256: string, members: ArchiveMember[] = []): AttachmentInfo {
  return {
    filename,
    declaredType: 'application/zip',
    detectedType: 'application/zip',
    detectedExtension: 'zip',
    size: 10,
    sha256,
    disposition: 'attachment',
    contentId: null,
    members,
  };
}

describe('links engine config', () => {
  it('rejects unknown keys and wrong types with a ConfigError naming the field', () => {
    expect(() => createLinksEngine({ blocklist: 'x' } as never)).toThrow(ConfigError);
    expect(() => createLinksEngine({ maxUnwrapDepth: 0 })).toThrow(/maxUnwrapDepth/);
    expect(() => createLinksEngine({ extraShorteners: ['not a domain'] })).toThrow(/extraShorteners/);
  });

  it('extends the shipped lists from config', () => {
    const html = '<a href="https://go.example-short.net/x">x</a><a href="https://shop.example.gift/y">y</a>';
    const output = scan(subjectWith({ html }), { extraShorteners: ['example-short.net'], extraSuspiciousTlds: ['gift'] });
    expect(finding(output, 'links.shortener')).toBeDefined();
    expect(finding(output, 'links.suspicious_tld')?.evidence[0]).toContain('.gift');
  });
});

describe('links.blocklisted', () => {
  it('throws a ConfigError with the path when the blocklist file cannot be read', () => {
    const missing = join(dir, 'missing.txt');
    let error: unknown;
    try {
      createLinksEngine({ blocklistFile: missing });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(missing);
    expect((error as ConfigError).context).toMatchObject({ path: missing });
  });

  it('throws a ConfigError naming file and line for an entry that is no domain, IP, URL or hash', () => {
    const path = writeBlocklist(['# phishing kit hosts', 'evil.example.net', 'not_a_domain']);
    expect(() => createLinksEngine({ blocklistFile: path })).toThrow(`${path}:3`);
  });

  it('matches domains with all their subdomains, IPs, and Unicode entries against punycode links', () => {
    const path = writeBlocklist(['*.evil.example.net  # kit', '198.51.7.20', 'pаypal-login.com']);
    const html = [
      '<a href="https://login.evil.example.net/a">a</a>',
      '<a href="http://198.51.7.20/b">b</a>',
      '<a href="https://xn--pypal-login-yij.com/">c</a>',
      '<a href="https://notevil.example.net/">d</a>',
    ].join('');
    const hit = finding(scan(subjectWith({ html }), { blocklistFile: path }), 'links.blocklisted');
    expect(hit).toMatchObject({ severity: 'critical', score: 100 });
    expect(hit?.evidence).toHaveLength(3);
    expect(hit?.evidence.join('\n')).not.toContain('notevil');
  });

  it('matches URL entries exactly and below their path, ignoring fragment and http/https', () => {
    const path = writeBlocklist(['https://files.example.org/kit/index.html', 'http://files.example.org/drop/']);
    const output = (href: string): number | undefined =>
      finding(scan(subjectWith({ html: `<a href="${href}">x</a>` }), { blocklistFile: path }), 'links.blocklisted')?.score;
    expect(output('http://files.example.org/kit/index.html#step2')).toBe(100);
    expect(output('https://files.example.org/kit/index.html?id=7')).toBe(100);
    expect(output('https://files.example.org/drop/payload.zip')).toBe(100);
    expect(output('https://files.example.org/kit/index.html.bak')).toBeUndefined();
    expect(output('https://files.example.org/other')).toBeUndefined();
  });

  it('matches the unwrapped target of a redirector, even on an allowlisted wrapper domain', () => {
    const path = writeBlocklist(['evil.example.net']);
    const href = `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://evil.example.net/x')}&data=1`;
    const output = scan(subjectWith({ html: `<a href="${href}">Open</a>` }), {
      blocklistFile: path,
      allowlistDomains: ['outlook.com', 'evil.example.net'],
    });
    expect(finding(output, 'links.blocklisted')?.evidence[0]).toContain('unwrapped via Microsoft Safe Links');
    expect(output.iocs?.urls).toContain('https://evil.example.net/x');
  });

  it('matches SHA-256 lines against attachments and nested archive members', () => {
    const path = writeBlocklist([EVIL_HASH.toUpperCase(), NESTED_HASH.toLowerCase()]);
    const subject = makeSubject({
      attachments: [
        attachment('invoice.zip', EVIL_HASH),
        attachment('outer.zip', 'c'.repeat(64), [member('inner.zip', 'd'.repeat(64), [member('payload.exe', NESTED_HASH)])]),
        attachment('clean.zip', 'e'.repeat(64)),
      ],
    });
    const output = scan(subject, { blocklistFile: path });
    const hit = finding(output, 'links.blocklisted');
    expect(hit?.evidence).toEqual([
      `attachment invoice.zip has blocklisted SHA-256 ${EVIL_HASH}`,
      `attachment member outer.zip/inner.zip/payload.exe has blocklisted SHA-256 ${NESTED_HASH}`,
    ]);
    expect(output.iocs?.sha256).toEqual([EVIL_HASH, NESTED_HASH.toLowerCase()]);
  });

  it('reads the file once, at engine creation', () => {
    const path = writeBlocklist(['evil.example.net']);
    const engine = createLinksEngine({ blocklistFile: path });
    rmSync(path);
    const output = engine.scan(subjectWith({ html: '<a href="https://evil.example.net/">x</a>' }), context());
    expect('findings' in output && output.findings.map((f) => f.id)).toContain('links.blocklisted');
  });
});
