import type { ScanSubject } from '../../../functions/src/core/subject/types';
import { recipientInUrl, storagePage } from '../../../functions/src/engines/links/pages';
import { STORAGE_HOSTS } from '../../../functions/src/engines/links/lists';
import { createLinkAnalyser } from '../../../functions/src/engines/links';
import { describeUrl } from '../../../functions/src/core/parse/links';
import { address } from '../../support/subject';
import { context, finding, ids, scan, subjectWith } from './helpers';

/** A subject addressed to one recipient, links from the real extractor. */
function toRecipient(parts: Parameters<typeof subjectWith>[0], recipient = 'jane.doe@corp.example.org'): ScanSubject {
  return { ...subjectWith(parts), to: [address(recipient, 'Jane Doe')] };
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('links.storage_page', () => {
  it('fires for a web page served from a storage bucket, higher when the page is handed data in its #fragment', () => {
    const plain = scan(subjectWith({ html: '<a href="https://files-7731.s3.us-east-1.amazonaws.com/index.html">View statement</a>' }));
    expect(finding(plain, 'links.storage_page')).toMatchObject({ severity: 'medium', score: 40 });
    expect(finding(plain, 'links.storage_page')?.evidence[0]).toContain('Amazon S3 bucket');
    expect(plain.iocs?.domains).toContain('files-7731.s3.us-east-1.amazonaws.com');

    const scripted = scan(subjectWith({ text: 'Open https://storage.googleapis.com/some-bucket/doc.html#am9obkBleGFtcGxlLm9yZw== now' }));
    expect(finding(scripted, 'links.storage_page')).toMatchObject({ score: 50 });
    expect(finding(scripted, 'links.storage_page')?.evidence[0]).toContain('#fragment');
  });

  it('replaces the bare free-hosting note for the same URL, and covers static-website roots, SVG and CDN default hosts', () => {
    const output = scan(subjectWith({ html: '<a href="https://storage.googleapis.com/some-bucket/doc.html">Open</a>' }));
    expect(ids(output)).toEqual(['links.storage_page']);
    expect(finding(scan(subjectWith({ html: '<a href="https://abcd1234.z13.web.core.windows.net/">Open</a>' })), 'links.storage_page')?.score).toBe(40);
    expect(finding(scan(subjectWith({ html: '<a href="https://d111111abcdef8.cloudfront.net/a/b/page.svg">Open</a>' })), 'links.storage_page')?.score).toBe(40);
  });

  it('does not fire for files, images or anchors on storage hosts, nor for pages on ordinary sites', () => {
    const html = [
      '<a href="https://files-7731.s3.amazonaws.com/reports/q3.pdf">Q3 report</a>',
      '<img src="https://storage.googleapis.com/some-bucket/banner.html">',
      '<a href="https://d111111abcdef8.cloudfront.net/">CDN root</a>',
      '<a href="https://www.example.org/about.html#team">About us</a>',
    ].join('');
    const output = scan(subjectWith({ html }));
    expect(finding(output, 'links.storage_page')).toBeUndefined();
    // The S3 download keeps its ordinary free-hosting note.
    expect(finding(output, 'links.free_hosting')?.score).toBe(20);
  });

  it('reads the page kind from the path only, and short fragments as anchors', () => {
    expect(storagePage(describeUrl('https://storage.googleapis.com/b/page.html#top'), STORAGE_HOSTS)).toEqual({ label: 'Google Cloud Storage bucket', fragmentData: false });
    expect(storagePage(describeUrl('https://storage.googleapis.com/b/data.json?x=page.html'), STORAGE_HOSTS)).toBeNull();
    expect(storagePage(describeUrl('https://s3.example.com/page.html'), STORAGE_HOSTS)).toBeNull();
  });
});

describe('links.recipient_in_url', () => {
  it('fires when a third-party page is handed the recipient address in clear, percent-encoded or base64', () => {
    const clear = scan(toRecipient({ html: '<a href="https://portal.example.net/auth/start.php?email=jane.doe@corp.example.org">Sign in</a>' }));
    expect(finding(clear, 'links.recipient_in_url')).toMatchObject({ severity: 'medium', score: 30 });
    expect(finding(clear, 'links.recipient_in_url')?.evidence[0]).toContain('jane.doe@corp.example.org');
    expect(clear.iocs?.domains).toContain('portal.example.net');

    const encoded = scan(toRecipient({ html: '<a href="https://portal.example.net/?u=jane.doe%40corp.example.org">Review</a>' }));
    expect(finding(encoded, 'links.recipient_in_url')).toBeDefined();

    const hidden = scan(toRecipient({ html: `<a href="https://portal.example.net/doc/#${b64('jane.doe@corp.example.org')}">Open document</a>` }));
    expect(finding(hidden, 'links.recipient_in_url')).toBeDefined();
  });

  it('judges the landing page behind a security gateway, not the gateway that names the recipient itself', () => {
    const wrapped = `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://docs.example.org/page')}&data=05%7C01%7Cjane.doe%40corp.example.org%7C00`;
    expect(finding(scan(toRecipient({ html: `<a href="${wrapped}">Docs</a>` })), 'links.recipient_in_url')).toBeUndefined();
    const wrappedKit = `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://portal.example.net/?mail=jane.doe@corp.example.org')}&data=1`;
    expect(finding(scan(toRecipient({ html: `<a href="${wrappedKit}">Sign in</a>` })), 'links.recipient_in_url')).toBeDefined();
  });

  it('does not fire on the sender’s own site, trackers, brands, the recipient’s own domain, unsubscribe links or archive paths', () => {
    const html = [
      '<a href="https://www.shop.example.com/account?email=jane.doe@corp.example.org">Your account</a>',
      '<a href="https://u123.ct.sendgrid.net/ls/click?upn=abc&e=jane.doe@corp.example.org">Offer</a>',
      '<a href="https://www.facebook.com/n/?mid=1&n_m=jane.doe@corp.example.org">See post</a>',
      '<a href="https://intranet.example.org/reset?user=jane.doe@corp.example.org">Reset</a>',
      '<a href="https://lists.example.info/unsubscribe?email=jane.doe@corp.example.org">Unsubscribe</a>',
      '<a href="https://archive.example.info/msgid/20240101.123-jane.doe%40corp.example.org">Archived message</a>',
    ].join(' ');
    const output = scan(toRecipient({ html, from: 'news@shop.example.com' }));
    expect(finding(output, 'links.recipient_in_url')).toBeUndefined();
  });

  it('needs a recipient: the same link in mail without To or Cc raises nothing', () => {
    const html = '<a href="https://portal.example.net/?email=jane.doe@corp.example.org">Sign in</a>';
    expect(finding(scan(toRecipient({ html })), 'links.recipient_in_url')).toBeDefined();
    expect(finding(scan({ ...toRecipient({ html }), to: [], cc: [] }), 'links.recipient_in_url')).toBeUndefined();
  });

  it('is left to the caller of the link analyser (the QR engine checks recipients itself)', () => {
    const subject = toRecipient({});
    const links = subjectWith({ html: '<a href="https://portal.example.net/?email=jane.doe@corp.example.org">Sign in</a>' }).links;
    const output = createLinkAnalyser()(subject, links, context());
    expect(finding(output, 'links.recipient_in_url')).toBeUndefined();
    expect(finding(scan({ ...subject, links }), 'links.recipient_in_url')).toBeDefined();
  });

  it('finds the address only in query and fragment, bounded', () => {
    const facts = (url: string) => describeUrl(url);
    expect(recipientInUrl(facts('https://a.example.net/x?id=abc'), ['jane.doe@corp.example.org'])).toBeNull();
    expect(recipientInUrl(facts('https://a.example.net/jane.doe@corp.example.org/'), ['jane.doe@corp.example.org'])).toBeNull();
    expect(recipientInUrl(facts(`https://a.example.net/?h=${b64('id:jane.doe@corp.example.org')}`), ['jane.doe@corp.example.org'])).toBe('jane.doe@corp.example.org');
    expect(recipientInUrl(facts(`https://a.example.net/?h=${'A'.repeat(100_000)}`), ['jane.doe@corp.example.org'])).toBeNull();
  });
});

describe('links.hidden_destinations', () => {
  it('fires when every web link of the message goes through a URL shortener', () => {
    const html = '<a href="https://bit.ly/3AbCdEf">Claim now</a> <a href="https://t.co/xYz123">Unsubscribe</a> <a href="mailto:x@example.org">mail us</a>';
    const output = scan(subjectWith({ html }));
    expect(finding(output, 'links.hidden_destinations')).toMatchObject({ severity: 'low', score: 25 });
    expect(finding(output, 'links.hidden_destinations')?.evidence[0]).toContain('bit.ly');
    expect(finding(output, 'links.shortener')?.score).toBe(15);
  });

  it('does not fire when any link shows a real destination, or when there are no web links', () => {
    const html = '<a href="https://bit.ly/3AbCdEf">Slides</a> <a href="https://www.shop.example.com/">Our shop</a>';
    expect(finding(scan(subjectWith({ html })), 'links.hidden_destinations')).toBeUndefined();
    expect(finding(scan(subjectWith({ html: '<a href="mailto:x@example.org">mail us</a>' })), 'links.hidden_destinations')).toBeUndefined();
    expect(finding(scan(subjectWith({ html: '<img src="https://bit.ly/3AbCdEf">' })), 'links.hidden_destinations')).toBeUndefined();
  });
});

describe('links: list additions', () => {
  it('notes published Google Docs, Apps Script web apps and Yandex Forms as free hosting, and .shop as an abused TLD', () => {
    const score = (href: string, id = 'links.free_hosting') => finding(scan(subjectWith({ html: `<a href="${href}">x</a>` })), id)?.score;
    expect(score('https://docs.google.com/presentation/d/e/2PACX-1vAbC/pub?start=false')).toBe(20);
    expect(score('https://script.google.com/macros/s/AKfycbAbC/exec')).toBe(30);
    expect(score('https://forms.yandex.com/cloud/0123abcd/')).toBe(15);
    expect(score('https://docs.google.com/presentation/d/1AbC/edit')).toBeUndefined();
    expect(score('https://deals.example.shop/', 'links.suspicious_tld')).toBe(10);
  });
});
