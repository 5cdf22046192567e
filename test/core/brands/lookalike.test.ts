import {
  BUILTIN_BRANDS,
  domainParts,
  editDistance,
  LookalikeDetector,
  registrableOf,
  skeleton,
  type Brand,
} from '../../../functions/src/core/brands';

const detector = new LookalikeDetector(BUILTIN_BRANDS, ['acme.com']);

describe('domain helpers', () => {
  it('splits hosts at the ICANN public suffix', () => {
    expect(domainParts('Mail.PayPal.co.uk.')).toEqual({ host: 'mail.paypal.co.uk', registrable: 'paypal.co.uk', label: 'paypal', subdomain: 'mail' });
    // Private suffixes do not count: the blog's owner is blogspot.com.
    expect(registrableOf('amazon-xms.blogspot.com')).toBe('blogspot.com');
    expect(domainParts('198.51.100.7').registrable).toBe('');
    expect(domainParts('intranet').registrable).toBe('');
  });

  it('folds confusables into one skeleton', () => {
    expect(skeleton('paypa1')).toBe(skeleton('paypal'));
    expect(skeleton('rnicrosoft')).toBe(skeleton('microsoft'));
    expect(skeleton('p\u0430ypal')).toBe(skeleton('paypal'));
    expect(skeleton('vvellsfargo')).toBe(skeleton('wellsfargo'));
  });

  it('bounds the edit distance', () => {
    expect(editDistance('microsfot', 'microsoft', 1)).toBe(1);
    expect(editDistance('netfliix', 'netflix', 1)).toBe(1);
    expect(editDistance('example', 'paypal', 2)).toBe(3);
  });
});

describe('LookalikeDetector', () => {
  it.each([
    ['paypa1.com', 'homoglyph', 'PayPal'],
    ['p\u0430ypal.com', 'homoglyph', 'PayPal'],
    ['microsfot.com', 'edit_distance', 'Microsoft'],
    ['rnicrosfot.com', 'edit_distance', 'Microsoft'],
    ['secure-paypa1-verify.com', 'embedded', 'PayPal'],
    ['paypal-login24.com', 'embedded', 'PayPal'],
    ['amazonsupportcenter.com', 'embedded', 'Amazon'],
    ['paypal.com.account-verify.net', 'domain_in_subdomain', 'PayPal'],
    ['acme.co', 'other_suffix', 'acme.com'],
    ['acme-payroll.com', 'embedded', 'acme.com'],
  ])('%s is a %s lookalike of %s', (domain, technique, owner) => {
    expect(detector.match(domain)).toMatchObject({ technique, owner });
  });

  it.each([
    // Real domains, their subdomains and country variants.
    'paypal.com',
    'www.paypal.com',
    'paypal.de',
    'www.amazon.co.uk',
    'images-na.ssl-images-amazon.com',
    'www.google-analytics.com',
    'cvws.icloud-content.com',
    'epl.paypal-communication.com',
    'acme.com',
    'billing.acme.com',
    // Ordinary names near short or word-like brand labels.
    'groups.io',
    'supsplus.com',
    'adhlgroup.com',
    'startups.com',
    'chase-realty.com',
    'intuitivesurgical.com',
    'bancoamazonia.com.br',
    'huaweicloud.com',
    'outlookindia.com',
  ])('%s is not a lookalike', (domain) => {
    expect(detector.match(domain)).toBeNull();
  });

  it('does not read an English form of a brand that is also a word as a typo', () => {
    for (const domain of ['amazons.com', 'googles.com', 'googled.com', 'outlooks.com']) expect([domain, detector.match(domain)]).toEqual([domain, null]);
    expect(detector.match('googel.com')).toMatchObject({ technique: 'edit_distance' });
  });

  it('compares skeleton distances only for labels spelled with confusables', () => {
    // i/l and cl/d fold in skeletons; plain words must not ride on that (insult ~ intuit, loud ~ icloud).
    for (const domain of ['insult.com', 'loud.com', 'goodie.com']) expect([domain, detector.match(domain)]).toEqual([domain, null]);
    expect(detector.match('rnicrosfot.com')).toMatchObject({ technique: 'edit_distance', owner: 'Microsoft' });
  });

  it('does not take a single letter as a filler word', () => {
    expect(detector.match('atwitter.com')).toBeNull();
    expect(detector.match('mytwitter.com')).toMatchObject({ technique: 'embedded', owner: 'Twitter / X' });
  });

  it('reports only homoglyphs of ambiguous labels', () => {
    const brands: Brand[] = [{ name: 'Chase', keywords: [], domains: ['chase.com'], lookalikeLabels: [], ambiguousLabels: ['chase'] }];
    const chase = new LookalikeDetector(brands, []);
    expect(chase.match('chase-realty.com')).toBeNull();
    expect(chase.match('chose.com')).toBeNull();
    expect(chase.match('c\u04bbase.com')).toMatchObject({ technique: 'homoglyph' });
  });
});
