import { buildScanSubject } from '../../../functions/src/core/parse';
import { extractLinks, MAX_VISIBLE_TEXT_CHARS } from '../../../functions/src/core/parse/links';
import { VisibleTextCollector } from '../../../functions/src/core/parse/links/visible-text';
import type { ExtractedLink } from '../../../functions/src/core/subject/types';
import { CRLF, bytes, entity, multipartBody } from './builders';

/** Synthetic messages only: an HTML-only message, or text and HTML alternatives. */
function htmlMail(html: string): Buffer {
  return bytes(
    entity(
      [
        ['From', 'Sender <sender@example.org>'],
        ['To', 'reader@example.net'],
        ['Subject', 'Links typed as text'],
        ['MIME-Version', '1.0'],
        ['Content-Type', 'text/html; charset=utf-8'],
      ],
      html + CRLF,
    ),
  );
}

function alternativeMail(text: string, html: string): Buffer {
  return bytes(
    entity(
      [
        ['From', 'sender@example.org'],
        ['Subject', 'Both parts'],
        ['MIME-Version', '1.0'],
        ['Content-Type', 'multipart/alternative; boundary="alt"'],
      ],
      multipartBody('alt', [
        entity([['Content-Type', 'text/plain; charset=utf-8']], text),
        entity([['Content-Type', 'text/html; charset=utf-8']], html),
      ]),
    ),
  );
}

function fromHtml(html: string, maxLinks = 100): ExtractedLink[] {
  return extractLinks({ text: '', html, origin: 'body-html' }, maxLinks).links;
}

function pairs(links: readonly ExtractedLink[]): string[][] {
  return links.map((link) => [link.source, link.url]);
}

describe('buildScanSubject: web addresses typed in the visible text of HTML', () => {
  it('extracts a URL written in a paragraph or a table cell without an anchor', async () => {
    const subject = await buildScanSubject(
      htmlMail('<html><body><p>Sign in at https://login.example.com/verify?id=7 today</p>' +
        '<table><tr><td>https://portal.example.net/account</td></tr></table></body></html>'),
    );
    expect(subject.links).toEqual([
      { url: 'https://login.example.com/verify?id=7', host: 'login.example.com', registrableDomain: 'example.com', source: 'text', origin: 'body-html' },
      { url: 'https://portal.example.net/account', host: 'portal.example.net', registrableDomain: 'example.net', source: 'text', origin: 'body-html' },
    ]);
  });

  it('extracts bare hosts with a path (forms.gle/…, bit.ly/…) as http links, like the plain-text part', async () => {
    const subject = await buildScanSubject(htmlMail('<div>Open forms.gle/abc123XyZ to claim, or bit.ly/3xYz.</div>'));
    expect(pairs(subject.links)).toEqual([
      ['text', 'http://forms.gle/abc123XyZ'],
      ['text', 'http://bit.ly/3xYz'],
    ]);
    expect(subject.links[0]?.registrableDomain).toBe('forms.gle');

    const plain = await buildScanSubject(bytes(`Subject: t${CRLF}${CRLF}Open forms.gle/abc123XyZ to claim${CRLF}`));
    expect(pairs(plain.links)).toEqual([['text', 'http://forms.gle/abc123XyZ']]);
  });

  it('does not repeat an anchor’s own text, nor an address the part already links to', async () => {
    const subject = await buildScanSubject(
      htmlMail('<p><a href="https://shop.example.com/offer">https://shop.example.com/offer</a></p>' +
        '<p>Or copy shop.example.com/offer into your browser. Help: https://help.example.com/faq</p>'),
    );
    expect(pairs(subject.links)).toEqual([
      ['href', 'https://shop.example.com/offer'],
      ['text', 'https://help.example.com/faq'],
    ]);
    expect(subject.links[0]?.displayText).toBe('https://shop.example.com/offer');
  });

  it('reads text outside an anchor that has no href', async () => {
    const subject = await buildScanSubject(htmlMail('<a name="top">Visit https://named.example.com/x</a>'));
    expect(pairs(subject.links)).toEqual([['text', 'https://named.example.com/x']]);
  });

  it('keeps text URLs of both parts of multipart/alternative, each once per part', async () => {
    const subject = await buildScanSubject(
      alternativeMail('Pay at https://pay.example.com/i/9', '<p>Pay at https://pay.example.com/i/9 or https://pay.example.com/i/9</p>'),
    );
    expect(subject.links.map((link) => [link.source, link.origin, link.url])).toEqual([
      ['text', 'body-text', 'https://pay.example.com/i/9'],
      ['text', 'body-html', 'https://pay.example.com/i/9'],
    ]);
  });
});

describe('extractLinks: what visible-text extraction leaves out', () => {
  it('skips script, style, title, noscript and template content', () => {
    const links = fromHtml(
      '<head><title>https://title.example.com/t</title><style>.a{background:url(https://style.example.com/bg.png)}</style></head>' +
        '<script>location = "https://script.example.com/go";</script><noscript>https://noscript.example.com/</noscript>' +
        '<template>https://template.example.com/</template><p>shown https://shown.example.com/ok</p>',
    );
    expect(pairs(links)).toEqual([['text', 'https://shown.example.com/ok']]);
  });

  it('skips elements hidden by display:none, visibility:hidden or the hidden attribute, and their descendants', () => {
    const links = fromHtml(
      '<div style="color:red; DISPLAY : none !important"><p>https://none.example.com/<b>bit.ly/hidden1</b></p><br></div>' +
        '<span style="visibility:hidden">https://invisible.example.com/</span>' +
        '<div hidden><div>https://attr.example.com/</div></div>' +
        '<div style="display:block">after https://after.example.com/shown</div>',
    );
    expect(pairs(links)).toEqual([['text', 'https://after.example.com/shown']]);
  });

  it('does not join words across cells, paragraphs or line breaks into one address', () => {
    const links = fromHtml('<table><tr><td>example.com</td><td>/reset</td></tr></table><p>www.example.org</p><p>/path</p>x.example.com<br>/y');
    expect(pairs(links)).toEqual([
      ['text', 'http://example.com'],
      ['text', 'http://www.example.org'],
      ['text', 'http://x.example.com'],
    ]);
  });

  it('treats bare words like the plain-text scanner: file names and unknown suffixes are not hosts', () => {
    const links = fromHtml('<p>Run setup.py, read README.md and notes.zip, see node.js/docs, mail bob.smith@example.com, e.g. v1.2.3.</p>');
    expect(links).toEqual([]);
    expect(pairs(fromHtml('<p>Visit example.com or example.co.uk#top, then paypal.com.evil-login.info/x.</p>'))).toEqual([
      ['text', 'http://example.com'],
      ['text', 'http://example.co.uk#top'],
      ['text', 'http://paypal.com.evil-login.info/x'],
    ]);
  });
});

describe('extractLinks: visible-text extraction stays bounded', () => {
  const manyUrls = Array.from({ length: 10_000 }, (_, i) => `https://u${i}.example.com/p`).join(' ');

  it('keeps at most maxLinks of 10,000 typed URLs and reports the truncation', () => {
    const started = performance.now();
    const result = extractLinks({ text: '', html: `<p>${manyUrls}</p>`, origin: 'body-html' }, 2_000);
    expect(result.links).toHaveLength(2_000);
    expect(result.truncated).toBe(true);
    expect(result.links.at(-1)?.url).toBe('https://u1999.example.com/p');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('shares the budget with the part’s anchors: anchors first, typed URLs fill what is left', () => {
    const anchors = Array.from({ length: 5 }, (_, i) => `<a href="https://a${i}.example.com/">go</a>`).join('');
    const result = extractLinks({ text: '', html: `${anchors}<p>${manyUrls}</p>`, origin: 'body-html' }, 8);
    expect(result.links.map((link) => link.source)).toEqual(['href', 'href', 'href', 'href', 'href', 'text', 'text', 'text']);
    expect(result.truncated).toBe(true);
  });

  it('applies the message link limit to a message with 10,000 typed URLs', async () => {
    const subject = await buildScanSubject(htmlMail(`<p>${manyUrls}</p>`), { limits: { maxLinks: 500 } });
    expect(subject.links).toHaveLength(500);
    expect(subject.anomalies.map((anomaly) => anomaly.code)).toContain('limit.links');
  });

  it('caps the collected visible text at its character limit', () => {
    const collector = new VisibleTextCollector(10);
    collector.addText('0123456789abcdef');
    expect(collector.finish()).toBe('0123456789');
    expect(collector.truncated).toBe(true);
    expect(MAX_VISIBLE_TEXT_CHARS).toBeGreaterThanOrEqual(1024 * 1024);
  });

  it('stays linear on long dotted and hyphenated runs', () => {
    const started = performance.now();
    expect(fromHtml(`<p>${'a.'.repeat(200_000)}_ ${'b-'.repeat(200_000)}</p>`)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
