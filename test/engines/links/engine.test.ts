import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinksEngine, LINKS_ENGINE_VERSION } from '../../../functions/src/engines/links';
import { makeSubject } from '../../support/subject';
import { context, finding, ids, scan, subjectWith } from './helpers';

const NEWSLETTER = readFileSync(join(__dirname, '../../fixtures/links/newsletter.html'), 'utf8');

describe('links engine: identity', () => {
  it('describes itself and validates an empty config to defaults', () => {
    const engine = createLinksEngine();
    expect(engine.name).toBe('links');
    expect(engine.version).toBe(LINKS_ENGINE_VERSION);
    expect(engine.defaultTimeoutMs).toBeGreaterThan(0);
    expect(engine.config).toMatchObject({ maxUnwrapDepth: 5, allowlistDomains: [] });
    expect(engine.config.blocklistFile).toBeUndefined();
  });

  it('scores a message without links 0 with no findings', () => {
    expect(scan(makeSubject())).toEqual({ score: 0, findings: [], iocs: { urls: [], domains: [], sha256: [] } });
  });
});

describe('links engine: ordinary mail does not fire', () => {
  it('an ESP newsletter with tracked links, matching display text, social links and images', () => {
    const output = scan(subjectWith({ html: NEWSLETTER, from: 'news@shop.example.com' }));
    expect(output.findings).toEqual([]);
    expect(output.score).toBe(0);
  });

  it('personal and technical mail: links to the sender’s own site, code hosting, private IPs and CIDR blocks', () => {
    const text = [
      'Patch is at https://git.example.org/project/commit/abc123 (see also www.example.org/docs).',
      'The target portal is http://192.168.10.5:3260/ and the lab router http://10.0.0.1/admin.',
      'Route 172.16.0.0/12 through the VPN; the docs are in README.md and on https://github.com/example/project.',
    ].join('\n');
    const html = '<p>See <a href="https://www.example.org/docs">https://www.example.org/docs</a> and <a href="https://github.com/example/project/blob/main/README.md">README.md</a>.</p>';
    const output = scan(subjectWith({ text, html, from: 'dev@example.org' }));
    expect(output.findings).toEqual([]);
  });
});

describe('links.display_mismatch', () => {
  it('is high when the text shows a well-known brand and the link goes elsewhere', () => {
    const output = scan(subjectWith({ html: '<a href="https://secure-login.example.net/paypal">https://www.paypal.com/signin</a>' }));
    const mismatch = finding(output, 'links.display_mismatch');
    expect(mismatch).toMatchObject({ severity: 'high', score: 75 });
    expect(mismatch?.evidence[0]).toContain('secure-login.example.net');
    expect(output.iocs?.domains).toContain('secure-login.example.net');
  });

  it('is medium when an ordinary domain is shown and another site opens', () => {
    const output = scan(subjectWith({ html: '<a href="https://files.example.net/x">www.example-partner.org</a>' }));
    expect(finding(output, 'links.display_mismatch')).toMatchObject({ severity: 'medium', score: 35 });
  });

  it('stays low when only an ESP click tracker sits between text and destination', () => {
    const output = scan(subjectWith({ html: '<a href="https://u123.ct.sendgrid.net/ls/click?upn=abc">www.example-partner.org/offer</a>' }));
    expect(finding(output, 'links.display_mismatch')).toMatchObject({ severity: 'low', score: 10 });
  });

  it('treats a brand shown through a tracker as low only when the brand itself sent the mail', () => {
    const html = '<a href="https://u123.ct.sendgrid.net/ls/click?upn=abc">https://www.paypal.com/activity</a>';
    expect(finding(scan(subjectWith({ html, from: 'service@paypal.com' })), 'links.display_mismatch')?.score).toBe(10);
    expect(finding(scan(subjectWith({ html, from: 'service@paypa1-support.example' })), 'links.display_mismatch')?.score).toBe(40);
  });

  it('is high when the link opens a bare IP address or a punycode host', () => {
    const ip = scan(subjectWith({ html: '<a href="http://198.51.7.20/login">www.example-bank.com</a>' }));
    expect(finding(ip, 'links.display_mismatch')).toMatchObject({ severity: 'high', score: 80 });
    const idn = scan(subjectWith({ html: '<a href="https://xn--exmple-4nf.com/">www.example.com</a>' }));
    expect(finding(idn, 'links.display_mismatch')?.score).toBe(80);
  });

  it('is high when the text shows the organisation’s own domain and the link goes elsewhere', () => {
    const output = scan(subjectWith({ html: '<a href="https://portal.example.net/">https://intranet.acme-corp.com/hr</a>' }), {}, ['acme-corp.com']);
    expect(finding(output, 'links.display_mismatch')?.score).toBe(75);
  });

  it('compares the text with the unwrapped destination of a security gateway', () => {
    const wrapped = `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://docs.example.org/guide')}&data=x`;
    const honest = scan(subjectWith({ html: `<a href="${wrapped}">https://docs.example.org/guide</a>` }));
    expect(finding(honest, 'links.display_mismatch')).toBeUndefined();
    const hidden = `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://login.example.net/')}&data=x`;
    const lying = scan(subjectWith({ html: `<a href="${hidden}">https://www.microsoft.com/account</a>` }));
    expect(finding(lying, 'links.display_mismatch')?.score).toBe(75);
  });

  it('does not let an open redirect on the shown site hide where the click lands', () => {
    const html = `<a href="https://www.google.com/url?q=${encodeURIComponent('https://login.example.net/')}">www.google.com</a>`;
    expect(finding(scan(subjectWith({ html })), 'links.display_mismatch')?.score).toBe(75);
  });

  it('ignores link text that is prose, an e-mail address or a file name', () => {
    const html = [
      '<a href="https://files.example.net/a">Click here to review</a>',
      '<a href="https://files.example.net/b">support@example.org</a>',
      '<a href="https://files.example.net/c">setup.py</a>',
      '<a href="https://files.example.net/d">Visit example.org today</a>',
    ].join('');
    expect(finding(scan(subjectWith({ html })), 'links.display_mismatch')).toBeUndefined();
  });

  it('stays low for one organisation under two suffixes', () => {
    const output = scan(subjectWith({ html: '<a href="https://www.example-shop.co.uk/">www.example-shop.com</a>' }));
    expect(finding(output, 'links.display_mismatch')?.score).toBe(10);
  });
});

describe('links.ip_literal', () => {
  it('fires high for a public IP hidden behind link text, higher for an obfuscated one', () => {
    const plain = scan(subjectWith({ html: '<a href="http://198.51.7.20/verify">Verify</a>' }));
    expect(finding(plain, 'links.ip_literal')).toMatchObject({ severity: 'high', score: 60 });
    const hex = scan(subjectWith({ html: '<a href="http://0xC6330714/verify">Verify</a>' }));
    expect(finding(hex, 'links.ip_literal')).toMatchObject({ severity: 'high', score: 75 });
    expect(finding(hex, 'links.ip_literal')?.evidence[0]).toContain('198.51.7.20');
    const decimal = scan(subjectWith({ text: 'Go to http://3325757204/verify now' }));
    expect(finding(decimal, 'links.ip_literal')?.score).toBe(75);
  });

  it('scores a public IP shown openly lower (plain text, autolinked HTML), and ignores private and loopback addresses', () => {
    expect(finding(scan(subjectWith({ text: 'server at http://198.51.7.20/status' })), 'links.ip_literal')?.score).toBe(30);
    const autolinked = scan(subjectWith({ html: '<div>portal <a href="http://198.51.7.20:3260">198.51.7.20:3260</a></div>' }));
    expect(finding(autolinked, 'links.ip_literal')?.score).toBe(30);
    const quiet = scan(subjectWith({ text: 'http://127.0.0.1:8080/ http://10.1.2.3/ http://[::1]/ http://169.254.1.1/' }));
    expect(finding(quiet, 'links.ip_literal')).toBeUndefined();
  });
});

describe('links.punycode_host', () => {
  it('fires high for a punycode host that imitates a brand', () => {
    // xn--pypal-4ve.com is "pаypal.com" with a Cyrillic "а".
    const output = scan(subjectWith({ html: '<a href="https://xn--pypal-4ve.com/signin">Sign in</a>' }));
    const idn = finding(output, 'links.punycode_host');
    expect(idn).toMatchObject({ severity: 'high', score: 85 });
    expect(idn?.evidence[0]).toContain('xn--pypal-4ve.com');
  });

  it('fires high for Latin mixed with Cyrillic and for all-Cyrillic look-alikes under an ASCII TLD', () => {
    const mixed = scan(subjectWith({ html: '<a href="https://xn--exmple-4nf.com/">Open</a>' }));
    expect(finding(mixed, 'links.punycode_host')?.score).toBe(70);
    const whole = scan(subjectWith({ text: 'http://\u0441\u043e\u0440\u0435.com/x' }));
    expect(finding(whole, 'links.punycode_host')?.score).toBe(70);
  });

  it('stays low for ordinary internationalised names', () => {
    const output = scan(subjectWith({ html: '<a href="https://www.m\u00fcnchen.de/">München</a><a href="http://пример.рф/">пример</a>' }));
    expect(finding(output, 'links.punycode_host')).toMatchObject({ severity: 'low', score: 20 });
  });
});

describe('links.shortener, links.suspicious_tld, links.free_hosting', () => {
  it('notes shorteners low', () => {
    const output = scan(subjectWith({ html: '<a href="https://bit.ly/3AbCdEf">Read</a>' }));
    expect(finding(output, 'links.shortener')).toMatchObject({ severity: 'low', score: 15 });
  });

  it('notes heavily abused TLDs low', () => {
    const output = scan(subjectWith({ html: '<a href="https://account-check.top/a">Check</a>' }));
    expect(finding(output, 'links.suspicious_tld')).toMatchObject({ severity: 'low', score: 10 });
  });

  it('scores free hosting by service, path-limited entries only on their path, and not for images', () => {
    expect(finding(scan(subjectWith({ html: '<a href="https://login-portal.web.app/">x</a>' })), 'links.free_hosting')?.score).toBe(25);
    expect(finding(scan(subjectWith({ html: '<a href="https://ipfs.io/ipfs/bafy/index.html">x</a>' })), 'links.free_hosting')?.score).toBe(45);
    expect(finding(scan(subjectWith({ html: '<a href="https://docs.google.com/forms/d/e/abc/viewform">x</a>' })), 'links.free_hosting')?.score).toBe(15);
    expect(finding(scan(subjectWith({ html: '<a href="https://docs.google.com/document/d/abc/edit">x</a>' })), 'links.free_hosting')).toBeUndefined();
    expect(finding(scan(subjectWith({ html: '<img src="https://storage.googleapis.com/bucket/logo.png">' })), 'links.free_hosting')).toBeUndefined();
  });
});

describe('links.redirector', () => {
  it('records a security-gateway chain as information and re-checks the target with every rule', () => {
    const html = `<a href="https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent('http://198.51.7.20/x')}&data=1">Open</a>`;
    const output = scan(subjectWith({ html }));
    expect(finding(output, 'links.redirector')).toMatchObject({ severity: 'info', score: 0 });
    expect(finding(output, 'links.redirector')?.evidence[0]).toMatch(/Microsoft Safe Links.*→ http:\/\/198\.51\.7\.20\/x/);
    expect(finding(output, 'links.ip_literal')?.evidence[0]).toContain('unwrapped via Microsoft Safe Links');
    expect(output.iocs?.urls).toContain('http://198.51.7.20/x');
  });

  it('scores an open redirect low unless the redirecting site sent the mail', () => {
    const html = `<a href="https://www.google.com/url?q=${encodeURIComponent('https://example.net/page')}&sa=D">Agenda</a>`;
    expect(finding(scan(subjectWith({ html, from: 'friend@example.org' })), 'links.redirector')?.score).toBe(15);
    expect(finding(scan(subjectWith({ html, from: 'calendar-notification@google.com' })), 'links.redirector')?.score).toBe(0);
  });

  it('notes an undecodable Mimecast link', () => {
    const output = scan(subjectWith({ html: '<a href="https://protect-eu.mimecast.com/s/AbCdEf">Report</a>' }));
    expect(finding(output, 'links.redirector')?.evidence[0]).toContain('cannot be decoded offline');
  });

  it('checks URLs embedded in the query of unknown sites without taking them as the destination', () => {
    const output = scan(subjectWith({ html: '<a href="https://tracker.example.org/r?target=http://198.51.7.20/x">https://tracker.example.org</a>' }));
    expect(finding(output, 'links.ip_literal')?.evidence[0]).toContain('embedded in');
    expect(finding(output, 'links.display_mismatch')).toBeUndefined();
  });
});

describe('links.credential_form', () => {
  it('fires high for a password form in the body and critical in an HTML attachment', () => {
    const body = scan(subjectWith({ html: '<form action="https://shop.example.com/login"><input type="password"></form>' }));
    expect(finding(body, 'links.credential_form')).toMatchObject({ severity: 'high', score: 85 });
    const attachment = scan(subjectWith({ attachmentHtml: ['invoice.html', '<form action="post.php"><input type=password name=p></form>'] }));
    expect(finding(attachment, 'links.credential_form')).toMatchObject({ severity: 'critical', score: 90 });
    expect(finding(attachment, 'links.credential_form')?.evidence[0]).toContain('invoice.html');
  });

  it('fires for a script-submitted password box and for forms posting to another site, an IP, data: or free hosting', () => {
    expect(finding(scan(subjectWith({ attachmentHtml: ['a.htm', '<input type="password">'] })), 'links.credential_form')?.score).toBe(90);
    const cases: [string, number][] = [
      ['https://collector.example.net/submit', 60],
      ['http://198.51.7.20/submit', 75],
      ['data:text/html,<h1>x</h1>', 80],
      ['https://formspree.io/f/abc', 75],
    ];
    for (const [action, score] of cases) {
      const output = scan(subjectWith({ html: `<form action="${action}"><input name="email"></form>`, from: 'news@shop.example.com' }));
      expect(finding(output, 'links.credential_form')?.score).toBe(score);
    }
  });

  it('does not fire for a password-free form posting to the sender’s own site', () => {
    const output = scan(subjectWith({ html: '<form action="https://survey.shop.example.com/vote"><input name="stars"></form>' }));
    expect(finding(output, 'links.credential_form')).toBeUndefined();
  });
});

describe('links.data_uri, links.userinfo_host, links.obfuscated_url', () => {
  it('fires high for a data: document link and low for other data: links', () => {
    const html = finding(scan(subjectWith({ html: '<a href="data:text/html;base64,PHNjcmlwdD4=">Open document</a>' })), 'links.data_uri');
    expect(html).toMatchObject({ severity: 'high', score: 70 });
    expect(finding(scan(subjectWith({ html: '<a href="data:image/png;base64,AAAA">logo</a>' })), 'links.data_uri')?.score).toBe(20);
  });

  it('fires when a trusted-looking name precedes @ in the authority', () => {
    const output = scan(subjectWith({ html: '<a href="https://www.paypal.com@login.example.net/">Open</a>' }));
    expect(finding(output, 'links.userinfo_host')).toMatchObject({ severity: 'high', score: 60 });
    expect(finding(output, 'links.userinfo_host')?.evidence[0]).toContain('login.example.net');
  });

  it('fires when plain letters are spelled as %-escapes', () => {
    const output = scan(subjectWith({ html: '<a href="https://www.google.com/url?q=%68%74%74%70%3A%2F%2Fexample.net%2F">x</a>' }));
    expect(finding(output, 'links.obfuscated_url')).toMatchObject({ severity: 'medium', score: 45 });
    expect(finding(scan(subjectWith({ html: `<a href="https://example.net/?q=${encodeURIComponent('a b/c?d')}">x</a>` })), 'links.obfuscated_url')).toBeUndefined();
  });
});

describe('links engine: allowlist, scoring and IOCs', () => {
  it('raises nothing for links to allowlisted domains and their subdomains', () => {
    const html =
      '<a href="https://tickets.helpdesk-example.top/x">www.example-partner.org</a>' +
      '<form action="https://tickets.helpdesk-example.top/vote"><input name="stars"></form>';
    expect(ids(scan(subjectWith({ html })))).toEqual(['links.credential_form', 'links.display_mismatch', 'links.suspicious_tld']);
    expect(scan(subjectWith({ html }), { allowlistDomains: ['helpdesk-example.top'] }).findings).toEqual([]);
  });

  it('combines findings as independent signals, strongest first, capped at 100', () => {
    const html = '<a href="https://bit.ly/x">Read</a><a href="https://account-check.top/a">Check</a>';
    const output = scan(subjectWith({ html }));
    // 1 - (1 - .15)(1 - .10) = 0.235
    expect(output.score).toBe(24);
    expect(output.findings.map((f) => f.id)).toEqual(['links.shortener', 'links.suspicious_tld']);
    const strong = scan(
      subjectWith({
        html: '<a href="http://0xC6330714/">https://www.paypal.com</a><form action="x"><input type="password"></form>',
      }),
    );
    expect(strong.score).toBeGreaterThanOrEqual(99);
    expect(strong.score).toBeLessThanOrEqual(100);
  });

  it('reports IOCs only for links behind findings at or above iocMinScore', () => {
    const output = scan(subjectWith({ html: '<a href="https://bit.ly/x">Read</a><a href="http://198.51.7.20/y">Verify</a>' }));
    expect(output.iocs?.urls).toEqual(['http://198.51.7.20/y']);
    expect(output.iocs?.domains).toEqual(['198.51.7.20']);
  });

  it('bounds evidence per finding', () => {
    const html = Array.from({ length: 20 }, (_, i) => `<a href="https://bit.ly/${i}">x</a>`).join('');
    expect(finding(scan(subjectWith({ html }), { maxEvidencePerFinding: 3 }), 'links.shortener')?.evidence).toHaveLength(3);
  });

  it('scans a typical message in well under a millisecond on average', () => {
    const subject = subjectWith({ html: NEWSLETTER.repeat(3), text: 'see https://shop.example.com/a and https://bit.ly/x' });
    const engine = createLinksEngine();
    const ctx = context();
    for (let i = 0; i < 50; i++) engine.scan(subject, ctx);
    const started = performance.now();
    for (let i = 0; i < 200; i++) engine.scan(subject, ctx);
    // The target is well under 1 ms; the bound leaves room for a loaded 2-core CI machine and still
    // catches accidental quadratic work (which costs tens of milliseconds here).
    expect((performance.now() - started) / 200).toBeLessThan(3);
  });
});
