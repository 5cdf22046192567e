import type { EmailAddress, ScanSubject } from '../../functions/src/core/subject/types';
import { parse as parseDomain } from 'tldts';

/** Builds an EmailAddress the way the parser does (lower-cased, registrable domain). */
export function address(addr: string, name = ''): EmailAddress {
  const lower = addr.toLowerCase();
  const domain = lower.includes('@') ? lower.slice(lower.lastIndexOf('@') + 1) : '';
  return { name, address: lower, domain, registrableDomain: parseDomain(domain).domain ?? '' };
}

/**
 * A complete, benign ScanSubject for unit tests of engines and policy; override what the test is about.
 * Integration tests build subjects from raw .eml through the real parser instead.
 */
export function makeSubject(overrides: Partial<ScanSubject> = {}): ScanSubject {
  return {
    ids: { messageId: 'test@example.com', inReplyTo: '', references: [], rawSha256: '0'.repeat(64) },
    headers: [],
    from: address('alice@example.com', 'Alice Example'),
    sender: null,
    replyTo: [],
    returnPath: address('alice@example.com'),
    to: [address('bob@example.org', 'Bob')],
    cc: [],
    subject: 'Lunch on Thursday?',
    date: '2026-11-02T10:00:00.000Z',
    auth: { authority: 'mx.google.com', source: 'none', spf: null, dkim: [], dmarc: null, arc: null },
    text: 'Are you free for lunch on Thursday?',
    html: '',
    links: [],
    attachments: [],
    anomalies: [],
    rawSize: 512,
    mimePartCount: 1,
    mimeMaxDepth: 0,
    ...overrides,
  };
}
