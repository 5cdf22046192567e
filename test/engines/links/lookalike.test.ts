import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildScanSubject } from '../../../functions/src/core/parse';
import { ConfigError } from '../../../functions/src/core/errors';
import type { EngineOutput } from '../../../functions/src/core/engine/types';
import { createLinksEngine, LINK_SCORES } from '../../../functions/src/engines/links';
import { context, finding, scan, subjectWith } from './helpers';

const S = LINK_SCORES.lookalike;

const direct = (url: string): string => url;
const viaGoogle = (url: string): string => `https://www.google.com/url?q=${encodeURIComponent(url)}&sa=D&source=editors`;
const viaSafeLinks = (url: string): string =>
  `https://eur02.safelinks.protection.outlook.com/?url=${encodeURIComponent(url)}&data=05%7C02%7C%7Cabc&reserved=0`;

function linkTo(href: string, config = {}, organisation: string[] = [], from = 'news@shop.example.com'): EngineOutput {
  return scan(subjectWith({ html: `<p><a href="${href.replace(/&/g, '&amp;')}">Review your account</a></p>`, from }), config, organisation);
}

describe('links.lookalike_domain: fires for each technique, linked directly or behind a redirector', () => {
  const techniques: [string, string, string, number, { organisation?: string[]; config?: object }][] = [
    ['homoglyph', 'https://paypa1.com/signin', 'paypal.com', S.homoglyph, {}],
    ['homoglyph', 'https://www.arnazon.com/gp/css/order-history', 'amazon.com', S.homoglyph, {}],
    ['edit distance', 'https://microsfot.com/login', 'microsoft.com', S.editDistance, {}],
    ['edit distance', 'https://netfliix.com/account', 'netflix.com', S.editDistance, {}],
    ['embedded', 'https://secure-paypa1-verify.com/login', 'paypal.com', S.embedded, {}],
    ['embedded', 'https://securepaypal.net/', 'paypal.com', S.embedded, {}],
    ['embedded', 'https://dhl-express-tracking.com/parcel?id=1', 'dhl.com', S.embedded, {}],
    ['domain in subdomain', 'https://paypal.com.account-verify.net/session', 'paypal.com', S.domainInSubdomain, {}],
    ['other suffix', 'https://acme.co/payroll', 'acme.com', S.otherSuffix, { organisation: ['acme.com'] }],
    ['embedded', 'https://acme-payroll.com/portal', 'acme.com', S.embedded, { organisation: ['acme.com'] }],
    ['homoglyph', 'https://northwlnd-traders.com/invoice', 'northwind-traders.com', S.homoglyph, { config: { protectedDomains: ['northwind-traders.com'] } }],
  ];
  const wrappers: [string, (url: string) => string][] = [
    ['directly', direct],
    ['via the Google redirector', viaGoogle],
    ['via Microsoft Safe Links', viaSafeLinks],
  ];

  describe.each(wrappers)('%s', (_how, wrap) => {
    it.each(techniques)('%s: %s imitates %s', (technique, url, imitated, score, setup) => {
      const output = linkTo(wrap(url), setup.config ?? {}, setup.organisation ?? []);
      const lookalike = finding(output, 'links.lookalike_domain');
      const host = new URL(url).hostname;
      expect(lookalike).toMatchObject({ score, severity: score >= 60 ? 'high' : 'medium' });
      expect(lookalike?.evidence[0]).toContain(`${host} imitates ${imitated}`);
      expect(lookalike?.evidence[0]).toContain(technique);
      expect(output.iocs?.domains).toContain(host);
      expect(output.iocs?.urls).toContain(url);
    });
  });

  it('names the redirector chain in the evidence', () => {
    const google = finding(linkTo(viaGoogle('https://paypa1.com/signin')), 'links.lookalike_domain');
    expect(google?.evidence[0]).toContain('unwrapped via Google redirect');
    const safeLinks = finding(linkTo(viaSafeLinks('https://paypa1.com/signin')), 'links.lookalike_domain');
    expect(safeLinks?.evidence[0]).toContain('unwrapped via Microsoft Safe Links');
  });

  it('checks URLs embedded in the query of unknown sites, plain-text links, form targets and images', () => {
    const embedded = linkTo('https://tracker.example.org/r?target=https://paypa1.com/x');
    expect(finding(embedded, 'links.lookalike_domain')?.evidence[0]).toContain('embedded in');
    expect(finding(scan(subjectWith({ text: 'Sign in at https://paypa1.com/ today' })), 'links.lookalike_domain')).toBeDefined();
    const form = scan(subjectWith({ html: '<form action="https://paypal-login-secure.com/post"><input name="email"></form>' }));
    expect(finding(form, 'links.lookalike_domain')?.score).toBe(S.embedded);
    const image = scan(subjectWith({ html: '<img src="https://paypal.com.cdn-assets.example.net/logo.png">' }));
    expect(finding(image, 'links.lookalike_domain')?.score).toBe(S.domainInSubdomain);
  });

  it('reports a homoglyph IDN host as a lookalike besides links.punycode_host', () => {
    const output = linkTo('https://xn--pypal-4ve.com/signin');
    expect(finding(output, 'links.punycode_host')?.score).toBe(85);
    expect(finding(output, 'links.lookalike_domain')).toMatchObject({ score: S.homoglyph });
    expect(finding(output, 'links.lookalike_domain')?.evidence[0]).toContain('pаypal.com imitates paypal.com');
  });

  it('still reports the link when the sender is the same lookalike domain (the auth engine reports the sender)', () => {
    const output = linkTo('https://www.paypa1.com/resolve', {}, [], 'service@paypa1.com');
    expect(finding(output, 'links.lookalike_domain')?.score).toBe(S.homoglyph);
  });

  it('reports each lookalike host once in the evidence however often it is linked', () => {
    const html = ['a', 'b', 'c'].map((page) => `<a href="https://paypa1.com/${page}">x</a>`).join(' ');
    const lookalike = finding(scan(subjectWith({ html })), 'links.lookalike_domain');
    expect(lookalike?.evidence).toHaveLength(3);
    expect(lookalike?.score).toBe(S.homoglyph);
  });
});

describe('links.lookalike_domain: real and ordinary domains do not fire', () => {
  it.each([
    'https://paypal.com/signin',
    'https://www.paypal.com/myaccount/summary',
    'https://www.paypal.com/',
    'https://epl.paypal-communication.com/H/2/v600/abc',
    'https://www.paypalobjects.com/digitalassets/c/website/logo/full-text/pp_fc_hl.svg',
    'https://mail.google.com/mail/u/0/',
    'https://www.google-analytics.com/collect?v=1&t=event',
    'https://accounts.google.com/ServiceLogin',
    'https://www.amazon.de/gp/your-account',
    'https://images-na.ssl-images-amazon.com/images/G/01/logo.png',
    'https://m.media-amazon.com/images/I/logo.jpg',
    'https://cvws.icloud-content.com/B/file',
    'https://login.microsoftonline.com/common/oauth2',
    'https://contoso.sharepoint.com/sites/finance',
    'https://outlook.office365.com/owa/',
    'https://groups.io/g/main/topic/1',
    'https://supsplus.com/',
    'https://www.adhlgroup.com/',
    'https://backups-online.com/',
    'https://chase-realty.com/listings',
    'https://applewood.com/',
    'https://bancoamazonia.com.br/',
    'https://www.intuitivesurgical.com/',
    'https://huaweicloud.com/',
    'https://outlookindia.com/',
    'https://atwitter.com/',
    'https://amazons.com/',
    'https://insult.com/',
    'https://loud.com/',
    'https://github.com/example/project',
    'https://lists.example.org/mailman/listinfo/dev',
  ])('%s', (url) => {
    expect(finding(linkTo(url), 'links.lookalike_domain')).toBeUndefined();
    expect(finding(linkTo(viaGoogle(url)), 'links.lookalike_domain')).toBeUndefined();
  });

  it('does not report the organisation’s or protected domains themselves, nor their subdomains', () => {
    for (const url of ['https://acme.com/', 'https://intranet.acme.com/hr', 'https://northwind-traders.com/', 'https://files.northwind-traders.com/x']) {
      const output = linkTo(url, { protectedDomains: ['northwind-traders.com'] }, ['acme.com']);
      expect([url, finding(output, 'links.lookalike_domain')]).toEqual([url, undefined]);
    }
  });

  it('does not report an allowlisted domain', () => {
    const output = linkTo('https://paypal-partner-program.com/', { allowlistDomains: ['paypal-partner-program.com'] });
    expect(finding(output, 'links.lookalike_domain')).toBeUndefined();
    expect(finding(linkTo('https://paypal-partner-program.com/'), 'links.lookalike_domain')).toBeDefined();
  });

  it('follows the organisation domains of each scan with one engine', () => {
    const engine = createLinksEngine();
    const subject = subjectWith({ html: '<a href="https://acme-payroll.com/portal">Payroll</a>' });
    const withAcme = engine.scan(subject, context(['acme.com'])) as EngineOutput;
    expect(finding(withAcme, 'links.lookalike_domain')).toBeDefined();
    const without = engine.scan(subject, context([])) as EngineOutput;
    expect(finding(without, 'links.lookalike_domain')).toBeUndefined();
    const again = engine.scan(subject, context(['acme.com'])) as EngineOutput;
    expect(finding(again, 'links.lookalike_domain')).toBeDefined();
  });
});

describe('links config: protectedDomains', () => {
  it('defaults to none and normalises entries', () => {
    expect(createLinksEngine().config.protectedDomains).toEqual([]);
    expect(createLinksEngine({ protectedDomains: [' Acme-Partner.COM. '] }).config.protectedDomains).toEqual(['acme-partner.com']);
  });

  it('refuses entries without a public suffix, wildcards and URLs', () => {
    for (const bad of ['localhost', '*.acme.com', 'https://acme.com/', 'acme']) {
      expect(() => createLinksEngine({ protectedDomains: [bad] })).toThrow(ConfigError);
    }
  });
});

describe('links.lookalike_domain: the Google-redirect sample through the real parser', () => {
  it('flags examples/mail/14 for its PayPal lookalike behind www.google.com/url', async () => {
    const raw = readFileSync(join(__dirname, '../../../examples/mail/14-phish-google-redirect-safelinks.eml'));
    const subject = await buildScanSubject(raw);
    const output = createLinksEngine().scan(subject, context(['northwind-labs.com'])) as EngineOutput;
    const lookalike = finding(output, 'links.lookalike_domain');
    expect(lookalike).toMatchObject({ severity: 'high', score: S.embedded });
    expect(lookalike?.evidence[0]).toContain('secure-paypa1-verify.com imitates paypal.com');
    expect(lookalike?.evidence[0]).toContain('unwrapped via Google redirect');
    expect(output.iocs?.domains).toContain('secure-paypa1-verify.com');
  });
});
