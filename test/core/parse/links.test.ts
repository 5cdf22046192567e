import { describeUrl, extractLinks, MAX_DATA_URL_CHARS, MAX_URL_CHARS } from '../../../functions/src/core/parse/links';
import type { ExtractedLink } from '../../../functions/src/core/subject/types';

function fromText(text: string, maxLinks = 100): ExtractedLink[] {
  return extractLinks({ text, html: '', origin: 'body-text' }, maxLinks).links;
}

function fromHtml(html: string, maxLinks = 100): ExtractedLink[] {
  return extractLinks({ text: '', html, origin: 'body-html' }, maxLinks).links;
}

describe('extractLinks: plain text', () => {
  it('finds http(s) and ftp URLs, www. hosts and bare IPv4 addresses with a path', () => {
    const links = fromText(
      'Docs at https://docs.example.com/guide and ftp://files.example.net/pub, ' +
        'mirror www.example.org/dl, console 203.0.113.9/admin/login.',
    );
    expect(links.map((link) => link.url)).toEqual([
      'https://docs.example.com/guide',
      'ftp://files.example.net/pub',
      'http://www.example.org/dl',
      'http://203.0.113.9/admin/login',
    ]);
    expect(links.every((link) => link.source === 'text' && link.origin === 'body-text')).toBe(true);
  });

  it('leaves out e-mail addresses, CIDR blocks, version numbers, file names and bare schemes', () => {
    const links = fromText(
      'Mail bob@www.example.com or alice@example.com; route 10.0.0.0/8 and 192.168.1.0/24; ' +
        'version 1.2.3.4 of setup.py and jailhouse.mk; the prefix https:// alone.',
    );
    expect(links).toEqual([]);
  });

  it('finds bare hosts with a path on any ICANN suffix, and without one on generic TLDs or registry suffixes', () => {
    const links = fromText('Claim at forms.gle/AbC12 or Bit.ly/x9. Our site: example.com; UK office example.co.uk. Port example.net:8443/admin');
    expect(links.map((link) => link.url)).toEqual([
      'http://forms.gle/AbC12',
      'http://Bit.ly/x9',
      'http://example.com',
      'http://example.co.uk',
      'http://example.net:8443/admin',
    ]);
    expect(links.map((link) => link.host)).toEqual(['forms.gle', 'bit.ly', 'example.com', 'example.co.uk', 'example.net']);
  });

  it('leaves out bare words that are file names, unknown suffixes or the rest of an encoded or wrapped URL', () => {
    const links = fromText(
      'Edit setup.py#L10 and README.md, unzip notes.zip, see node.js/docs, hello.how are you; ' +
        'wrapped ...%40example.com/x and ?next=example.com/y and a&b.example.com/z; v2.0.1/rc',
    );
    expect(links).toEqual([]);
  });

  it('trims sentence punctuation, unbalanced brackets and markup brackets but keeps balanced parentheses', () => {
    const links = fromText(
      'See (https://en.example.org/wiki/Foo_(bar)). Also "https://example.com/a", <https://example.com/b>! ' +
        '[image: https://example.com/c.png][1]https://example.com/d',
    );
    expect(links.map((link) => link.url)).toEqual([
      'https://en.example.org/wiki/Foo_(bar)',
      'https://example.com/a',
      'https://example.com/b',
      'https://example.com/c.png',
      'https://example.com/d',
    ]);
  });
});

describe('extractLinks: HTML', () => {
  it('reads anchors with decoded entities and collapsed, invisible-character-free display text', () => {
    const [link] = fromHtml('<a href="https://evil.example.net/login?a=1&amp;b=2">\n  www.<b>pay\u200bpal</b>.com  \n</a>');
    expect(link).toEqual({
      url: 'https://evil.example.net/login?a=1&b=2',
      host: 'evil.example.net',
      registrableDomain: 'example.net',
      source: 'href',
      displayText: 'www.paypal.com',
      origin: 'body-html',
    });
  });

  it('bounds display text to 200 characters and ignores text of script and style elements', () => {
    const long = 'word '.repeat(100);
    const [first, second] = fromHtml(
      `<a href="https://a.example.com/">${long}</a><a href="https://b.example.com/"><style>.x{}</style>Open</a>`,
    );
    expect(first?.displayText?.length).toBe(200);
    expect(second?.displayText).toBe('Open');
  });

  it('omits displayText for image-only anchors', () => {
    const [link] = fromHtml('<a href="https://example.com/"><img src="cid:logo"></a>');
    expect(link?.url).toBe('https://example.com/');
    expect(link).not.toHaveProperty('displayText');
  });

  it('reads area hrefs, image sources and meta refresh targets', () => {
    const links = fromHtml(
      '<meta http-equiv="Refresh" content="0; URL=\'https://refresh.example.com/next\'">' +
        '<map><area href="https://map.example.com/x"></map><img src="https://img.example.com/p.gif">',
    );
    expect(links.map((link) => [link.source, link.url])).toEqual([
      ['href', 'https://refresh.example.com/next'],
      ['href', 'https://map.example.com/x'],
      ['image', 'https://img.example.com/p.gif'],
    ]);
  });

  it('skips fragments, javascript:, cid: and data: images but keeps mailto: and data: links (bounded)', () => {
    const payload = 'A'.repeat(5000);
    const links = fromHtml(
      '<a href="#top">top</a><a href="javascript:alert(1)">js</a><a href="JavaScript:void(0)">js</a>' +
        '<img src="cid:part1"><img src="data:image/png;base64,AAAA">' +
        `<a href="mailto:help@example.com">mail</a><a href="data:text/html;base64,${payload}">open</a>`,
    );
    expect(links.map((link) => link.url.slice(0, 30))).toEqual(['mailto:help@example.com', 'data:text/html;base64,AAAAAAAA']);
    expect(links[0]).toMatchObject({ host: '', registrableDomain: '' });
    expect(links[1]?.url.length).toBe(MAX_DATA_URL_CHARS);
  });

  it('records forms with whether they hold a password input, including empty, relative and unclosed ones', () => {
    const links = fromHtml(
      '<form action="https://collect.example.net/post"><div><input type=" PassWord " name=p></div></form>' +
        '<form><input name=q></form>' +
        '<form action="login.php"><input type="text">',
    );
    expect(links.map((link) => [link.source, link.url, link.formHasPassword])).toEqual([
      ['form_action', 'https://collect.example.net/post', true],
      ['form_action', '', false],
      ['form_action', 'login.php', false],
    ]);
  });

  it('reports a password input outside any form as an action-less form', () => {
    const links = fromHtml('<div><input type="password"></div><script>fetch("https://x.example")</script>');
    expect(links).toEqual([
      { url: '', host: '', registrableDomain: '', source: 'form_action', formHasPassword: true, origin: 'body-html' },
    ]);
  });

  it('resolves relative URLs against <base href>, drops them without one, and gives scheme-relative URLs https', () => {
    const withBase = fromHtml('<base href="https://base.example.org/dir/"><a href="page.html">p</a><img src="/i.png">');
    expect(withBase.map((link) => link.url)).toEqual(['https://base.example.org/dir/page.html', 'https://base.example.org/i.png']);
    const withoutBase = fromHtml('<a href="page.html">p</a><a href="//cdn.example.com/x">x</a><a href="www.example.com">w</a>');
    expect(withoutBase.map((link) => link.url)).toEqual(['https://cdn.example.com/x', 'http://www.example.com']);
  });

  it('closes an anchor left open at the end of the document', () => {
    const links = fromHtml('<p><a href="https://example.com/x">unterminated text');
    expect(links).toEqual([expect.objectContaining({ url: 'https://example.com/x', displayText: 'unterminated text' })]);
  });
});

describe('extractLinks: hosts', () => {
  it('lower-cases hosts, shows punycode as Unicode and drops trailing dots', () => {
    const links = fromHtml(
      '<a href="HTTPS://WWW.Example.COM./A">a</a><a href="https://xn--pypal-4ve.com/">b</a><a href="http://пример.рф/">c</a>',
    );
    expect(links.map((link) => [link.host, link.registrableDomain])).toEqual([
      ['www.example.com', 'example.com'],
      ['p\u0430ypal.com', 'p\u0430ypal.com'],
      ['пример.рф', 'пример.рф'],
    ]);
    expect(links[0]?.url).toBe('HTTPS://WWW.Example.COM./A');
  });

  it('normalises integer, hex, octal and short IPv4 forms to dotted decimal with no registrable domain', () => {
    const urls = ['http://3232235777/', 'http://0xC0A80101/', 'http://0300.0250.01.01/', 'http://192.168.257/', 'http://%31%39%32.168.1.1/'];
    const links = fromText(urls.join(' '));
    expect(links.map((link) => link.host)).toEqual(['192.168.1.1', '192.168.1.1', '192.168.1.1', '192.168.1.1', '192.168.1.1']);
    expect(links.every((link) => link.registrableDomain === '')).toBe(true);
  });

  it('describeUrl flags obfuscated IPv4, user@ prefixes and IPv6, and never throws on junk', () => {
    expect(describeUrl('http://0x7f000001/')).toMatchObject({ kind: 'ipv4', host: '127.0.0.1', obfuscatedIp: true });
    expect(describeUrl('http://127.0.0.1/')).toMatchObject({ kind: 'ipv4', obfuscatedIp: false });
    expect(describeUrl('https://www.bank.com@evil.example/')).toMatchObject({ host: 'evil.example', userinfo: 'www.bank.com' });
    expect(describeUrl('http://[2001:db8::1]:8080/')).toMatchObject({ kind: 'ipv6', host: '[2001:db8::1]' });
    expect(describeUrl('http://exa mple.com/')).toMatchObject({ kind: 'domain', host: 'exa mple.com', parsed: null });
    expect(describeUrl('mailto:a@b.example')).toMatchObject({ scheme: 'mailto', kind: 'none', host: '' });
    expect(describeUrl('relative/path')).toMatchObject({ scheme: '', kind: 'none' });
  });
});

describe('extractLinks: dedupe and bounds', () => {
  it('drops identical (url, source, displayText) triples but keeps the same URL with other text or source', () => {
    const links = extractLinks(
      {
        text: 'https://example.com/a https://example.com/a',
        html: '<a href="https://example.com/a">Go</a><a href="https://example.com/a">Go</a><a href="https://example.com/a">Again</a>',
        origin: 'body',
      },
      100,
    ).links;
    expect(links.map((link) => [link.source, link.displayText])).toEqual([
      ['text', undefined],
      ['href', 'Go'],
      ['href', 'Again'],
    ]);
  });

  it('stops at maxLinks and reports truncation only when more distinct links existed', () => {
    const html = Array.from({ length: 50 }, (_, i) => `<a href="https://example.com/${i}">${i}</a>`).join('');
    const exact = extractLinks({ text: '', html, origin: 'body-html' }, 50);
    expect(exact.links).toHaveLength(50);
    expect(exact.truncated).toBe(false);
    const cut = extractLinks({ text: '', html, origin: 'body-html' }, 10);
    expect(cut.links.map((link) => link.url)).toEqual(Array.from({ length: 10 }, (_, i) => `https://example.com/${i}`));
    expect(cut.truncated).toBe(true);
  });

  it('stays linear on hostile text: long runs of closing brackets and over-long URLs', () => {
    const started = performance.now();
    const [brackets] = fromText(`https://example.com/x${')'.repeat(200_000)}`);
    expect(brackets?.url).toBe('https://example.com/x');
    const [long] = fromText(`https://example.com/${'a'.repeat(100_000)}`);
    expect(long?.url.length).toBe(MAX_URL_CHARS);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('stops walking the HTML once the link budget is spent', () => {
    const html = Array.from({ length: 100_000 }, (_, i) => `<a href="https://example.com/${i}">${i}</a>`).join('');
    const timed = (maxLinks: number): { ms: number; truncated: boolean } => {
      const started = performance.now();
      const { truncated } = extractLinks({ text: '', html, origin: 'body-html' }, maxLinks);
      return { ms: performance.now() - started, truncated };
    };
    timed(10); // warm up the tokenizer
    const full = timed(200_000);
    const early = timed(10);
    expect(full.truncated).toBe(false);
    expect(early.truncated).toBe(true);
    expect(early.ms).toBeLessThan(full.ms / 4);
  });
});
