import { ConfigError } from '../../../functions/src/core/errors';
import { AUTH_ENGINE_VERSION, AUTH_SCORES as S, createAuthEngine } from '../../../functions/src/engines/auth';
import { address, makeSubject } from '../../support/subject';
import { finding, gmailAuth, ids, passingAuth, scan } from './helpers';

describe('auth engine: identity and config', () => {
  it('describes itself and fills config defaults', () => {
    const engine = createAuthEngine();
    expect(engine.name).toBe('auth');
    expect(engine.version).toBe(AUTH_ENGINE_VERSION);
    expect(engine.defaultTimeoutMs).toBe(2000);
    expect(engine.config).toEqual({ protectedDomains: [], protectedPeople: [], organisationDomains: [], useBuiltinBrands: true });
  });

  it('normalises domains and addresses in the config', () => {
    const engine = createAuthEngine({
      protectedDomains: [' Acme.COM. '],
      protectedPeople: [{ name: ' Jane Doe ', addresses: ['Jane@Acme.com'] }],
    });
    expect(engine.config.protectedDomains).toEqual(['acme.com']);
    expect(engine.config.protectedPeople).toEqual([{ name: 'Jane Doe', addresses: ['jane@acme.com'] }]);
  });

  it.each([
    ['an unknown key', { protectedDomain: ['acme.com'] }, 'protectedDomain'],
    ['a domain without a public suffix', { protectedDomains: ['intranet'] }, 'protectedDomains.0'],
    ['a URL instead of a domain', { organisationDomains: ['https://acme.com/'] }, 'organisationDomains.0'],
    ['a person without letters', { protectedPeople: [{ name: ' -- ', addresses: [] }] }, 'protectedPeople.0.name'],
    ['a person with a bad address', { protectedPeople: [{ name: 'Jane', addresses: ['jane at acme'] }] }, 'protectedPeople.0.addresses.0'],
    ['a non-boolean brand switch', { useBuiltinBrands: 'yes' }, 'useBuiltinBrands'],
  ])('rejects %s with a ConfigError naming the path', (_what, config, path) => {
    expect(() => createAuthEngine(config as never)).toThrow(ConfigError);
    expect(() => createAuthEngine(config as never)).toThrow(path);
  });
});

describe('auth engine: provider verdicts', () => {
  it('reports missing trusted results with a low score', () => {
    const output = scan(makeSubject());
    expect(ids(output)).toEqual(['auth.no_authentication']);
    expect(finding(output, 'auth.no_authentication')).toMatchObject({ severity: 'info', score: S.noAuthentication });
    expect(output.score).toBe(S.noAuthentication);
  });

  it('scores DMARC fail under an enforced policy high', () => {
    const subject = makeSubject({
      from: address('billing@bank.example', 'Bank Billing'),
      returnPath: address('x@mailer.evil.example'),
      auth: gmailAuth('spf=pass smtp.mailfrom=x@mailer.evil.example; dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) header.from=bank.example'),
    });
    const dmarc = finding(scan(subject), 'auth.dmarc_fail');
    expect(dmarc).toMatchObject({ severity: 'high', score: S.dmarcFailEnforced });
    expect(dmarc.evidence[0]).toContain('policy reject');
  });

  it('scores DMARC fail without enforcement medium, and applies the subdomain policy to subdomains', () => {
    const unenforced = makeSubject({
      from: address('a@bank.example'),
      auth: gmailAuth('dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=bank.example'),
    });
    expect(finding(scan(unenforced), 'auth.dmarc_fail')).toMatchObject({ severity: 'medium', score: S.dmarcFailUnenforced });

    const subdomain = makeSubject({
      from: address('a@news.bank.example'),
      auth: gmailAuth('dmarc=fail (p=REJECT sp=NONE dis=NONE) header.from=news.bank.example'),
    });
    expect(finding(scan(subdomain), 'auth.dmarc_fail').score).toBe(S.dmarcFailUnenforced);
  });

  it('lowers DMARC fail behind a passing ARC chain, and further when the chain vouches for the From domain', () => {
    const arcOnly = makeSubject({
      from: address('a@bank.example'),
      auth: gmailAuth('arc=pass (i=2); dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=bank.example'),
    });
    expect(finding(scan(arcOnly), 'auth.dmarc_fail').score).toBe(S.dmarcFailEnforcedArcPass);

    const vouched = makeSubject({
      from: address('a@bank.example'),
      auth: gmailAuth(
        'arc=pass (i=1 spf=pass spfdomain=bank.example dkim=pass dkdomain=bank.example dmarc=pass fromdomain=bank.example); ' +
          'dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=bank.example',
      ),
    });
    const output = scan(vouched);
    expect(finding(output, 'auth.dmarc_fail').score).toBe(S.dmarcFailArcVouched);
    expect(ids(output)).not.toContain('auth.not_aligned');
  });

  it('scores DMARC fail for the organisation’s own domain as spoofing', () => {
    const subject = makeSubject({
      from: address('ceo@acme.example'),
      auth: gmailAuth('spf=pass smtp.mailfrom=x@evil.example; dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=acme.example'),
    });
    expect(finding(scan(subject, {}, ['acme.example']), 'auth.dmarc_fail').score).toBe(S.dmarcFailOwnDomainUnenforced);
    const enforced = makeSubject({
      from: address('ceo@acme.example'),
      auth: gmailAuth('arc=pass (i=1); dmarc=fail (p=QUARANTINE) header.from=acme.example'),
    });
    expect(finding(scan(enforced, { organisationDomains: ['acme.example'] }), 'auth.dmarc_fail').score).toBe(
      S.dmarcFailOwnDomainEnforced,
    );
  });

  it('reports an SPF fail of the From domain when DMARC did not pass', () => {
    const subject = makeSubject({
      from: address('a@shop.example'),
      returnPath: address('a@shop.example'),
      auth: gmailAuth('spf=fail (google.com: domain of a@shop.example does not designate 198.51.100.7) smtp.mailfrom=a@shop.example; dmarc=none header.from=shop.example'),
    });
    expect(finding(scan(subject), 'auth.spf_fail')).toMatchObject({ severity: 'low', score: S.spfFailAligned });
  });

  it('reports an SPF softfail weakly', () => {
    const subject = makeSubject({
      from: address('a@shop.example'),
      auth: gmailAuth('spf=softfail smtp.mailfrom=a@shop.example; dkim=pass header.d=shop.example; dmarc=none header.from=shop.example'),
    });
    const output = scan(subject);
    expect(finding(output, 'auth.spf_softfail')).toMatchObject({ severity: 'low', score: S.spfSoftfailAligned });
    expect(output.score).toBeLessThan(20);
  });

  it('ignores forwarded SPF failures when DMARC passed', () => {
    const subject = makeSubject({
      from: address('a@shop.example'),
      returnPath: address('a@shop.example'),
      auth: gmailAuth(
        'dkim=pass header.d=shop.example; arc=pass (i=1); spf=fail smtp.mailfrom=a@shop.example; dmarc=pass (p=REJECT) header.from=shop.example',
      ),
    });
    expect(scan(subject)).toEqual({ score: 0, findings: [], iocs: { domains: [] } });
  });

  it('reports DKIM failure only when no signature passed', () => {
    const failing = makeSubject({
      from: address('a@shop.example'),
      auth: gmailAuth('dkim=fail (bad signature) header.d=shop.example; spf=pass smtp.mailfrom=a@shop.example; dmarc=none header.from=shop.example'),
    });
    expect(finding(scan(failing), 'auth.dkim_fail')).toMatchObject({ score: S.dkimFail, evidence: ['dkim=fail d=shop.example'] });

    const onePasses = makeSubject({
      from: address('a@shop.example'),
      auth: gmailAuth('dkim=fail header.d=shop.example; dkim=pass header.d=esp.example; spf=pass smtp.mailfrom=a@shop.example; dmarc=none header.from=shop.example'),
    });
    expect(ids(scan(onePasses))).not.toContain('auth.dkim_fail');
  });

  it('reports a failed ARC chain', () => {
    const subject = makeSubject({ auth: gmailAuth('arc=fail (signature failed); dkim=pass header.d=example.com; dmarc=pass header.from=example.com') });
    expect(finding(scan(subject), 'auth.arc_fail')).toMatchObject({ severity: 'low', score: S.arcFail });
  });

  it('reports a From domain that no passing SPF or DKIM aligns with', () => {
    const subject = makeSubject({
      from: address('news@shop.example'),
      returnPath: address('bounce@esp.example'),
      auth: gmailAuth('dkim=pass header.d=esp.example; spf=pass smtp.mailfrom=bounce@esp.example; dmarc=none header.from=shop.example'),
    });
    const aligned = finding(scan(subject), 'auth.not_aligned');
    expect(aligned.score).toBe(S.notAligned);
    expect(aligned.evidence[0]).toBe('From domain shop.example; passing: dkim d=esp.example, spf esp.example');
  });

  it('accepts relaxed alignment through a subdomain signature', () => {
    const subject = makeSubject({
      from: address('news@shop.example'),
      returnPath: address('bounce@mail.shop.example'),
      auth: gmailAuth('dkim=pass header.d=mail.shop.example; spf=pass smtp.mailfrom=bounce@bounces.esp.example; dmarc=none header.from=shop.example'),
    });
    expect(scan(subject).findings).toEqual([]);
  });

  it('scores unaligned mail in the name of the organisation or a brand domain higher', () => {
    const own = makeSubject({
      from: address('it@acme.example'),
      returnPath: null,
      auth: gmailAuth('spf=pass smtp.mailfrom=x@evil.example; dmarc=none header.from=acme.example'),
    });
    expect(finding(scan(own, { protectedDomains: ['acme.example'] }), 'auth.not_aligned').score).toBe(S.notAlignedOwnOrBrandDomain);

    const brand = makeSubject({
      from: address('service@paypal.com', 'PayPal'),
      returnPath: null,
      auth: gmailAuth('spf=pass smtp.mailfrom=x@evil.example; dmarc=temperror header.from=paypal.com'),
    });
    const output = scan(brand);
    expect(finding(output, 'auth.not_aligned').score).toBe(S.notAlignedOwnOrBrandDomain);
    expect(ids(output)).not.toContain('auth.brand_impersonation');
  });
});

describe('auth engine: Reply-To and Return-Path', () => {
  const authenticated = passingAuth('vendor.example');

  it('weighs a Reply-To to another company domain low', () => {
    const subject = makeSubject({
      from: address('news@vendor.example'),
      returnPath: address('bounce@vendor.example'),
      replyTo: [address('support@vendor-help.example')],
      auth: authenticated,
    });
    const output = scan(subject);
    expect(finding(output, 'auth.reply_to_mismatch')).toMatchObject({ severity: 'info', score: S.replyToOther });
    expect(output.score).toBe(S.replyToOther);
  });

  it('weighs a Reply-To to a free mailbox behind a company From as BEC-like', () => {
    const subject = makeSubject({
      from: address('accounts@vendor.example', 'Vendor Accounts'),
      returnPath: address('bounce@vendor.example'),
      replyTo: [address('vendor.accounts@gmail.com')],
      auth: authenticated,
    });
    const reply = finding(scan(subject), 'auth.reply_to_mismatch');
    expect(reply).toMatchObject({ severity: 'medium', score: S.replyToFreemail });
    expect(reply.evidence).toEqual(['From vendor.example, Reply-To vendor.accounts@gmail.com']);
  });

  it('weighs a free-mail Reply-To higher when the From claims a brand or the organisation', () => {
    const brand = makeSubject({
      from: address('noreply@notices.example', 'PayPal Service'),
      replyTo: [address('paypal.help@outlook.com')],
      auth: passingAuth('notices.example'),
    });
    expect(finding(scan(brand), 'auth.reply_to_mismatch').score).toBe(S.replyToFreemailFromCompany);

    const own = makeSubject({
      from: address('ceo@acme.example', 'The CEO'),
      replyTo: [address('ceo.private@gmail.com')],
      auth: passingAuth('acme.example'),
    });
    expect(finding(scan(own, {}, ['acme.example']), 'auth.reply_to_mismatch').score).toBe(S.replyToFreemailFromCompany);
  });

  it('does not report replies to a list among the recipients or into the organisation, and weighs free-mail pairs low', () => {
    const list = makeSubject({
      from: address('dev@lists.example.org', "'Alice' via Dev"),
      to: [address('dev@lists.example.org')],
      replyTo: [address('dev@lists.example.org')],
      auth: passingAuth('lists.example.org'),
    });
    expect(scan(list).findings).toEqual([]);

    const copiedFreemail = makeSubject({
      from: address('accounts@vendor.example'),
      cc: [address('vendor.accounts@gmail.com')],
      replyTo: [address('vendor.accounts@gmail.com')],
      auth: authenticated,
    });
    expect(finding(scan(copiedFreemail), 'auth.reply_to_mismatch').score).toBe(S.replyToFreemail);

    const colleague = makeSubject({
      from: address('events@vendor.example'),
      replyTo: [address('bob@acme.example')],
      auth: authenticated,
    });
    expect(scan(colleague, {}, ['acme.example']).findings).toEqual([]);

    const privateMail = makeSubject({
      from: address('alice@gmail.com', 'Alice'),
      returnPath: address('alice@gmail.com'),
      replyTo: [address('alice@yahoo.com')],
      auth: passingAuth('gmail.com'),
    });
    expect(finding(scan(privateMail), 'auth.reply_to_mismatch').score).toBe(S.replyToOther);
  });

  it('reports a Return-Path in another domain only when DMARC did not pass', () => {
    const unauthenticated = makeSubject({
      from: address('a@shop.example'),
      returnPath: address('bounce@elsewhere.example'),
      auth: gmailAuth('spf=pass smtp.mailfrom=bounce@elsewhere.example; dkim=pass header.d=shop.example; dmarc=none header.from=shop.example'),
    });
    expect(finding(scan(unauthenticated), 'auth.return_path_mismatch')).toMatchObject({ score: S.returnPathOther });

    const freemailBounce = makeSubject({
      from: address('a@shop.example'),
      returnPath: address('someone@gmail.com'),
      auth: gmailAuth('spf=pass smtp.mailfrom=someone@gmail.com; dmarc=fail (p=NONE) header.from=shop.example'),
    });
    expect(finding(scan(freemailBounce), 'auth.return_path_mismatch').score).toBe(S.returnPathFreemail);

    const esp = makeSubject({
      from: address('news@shop.example'),
      returnPath: address('bounce-123@esp-mailer.example'),
      auth: gmailAuth('dkim=pass header.d=shop.example; spf=pass smtp.mailfrom=bounce-123@esp-mailer.example; dmarc=pass header.from=shop.example'),
    });
    expect(scan(esp).findings).toEqual([]);
  });
});

describe('auth engine: display names', () => {
  const people = { protectedPeople: [{ name: 'Jane Doe', addresses: ['jane.doe@acme.example', 'jane@doe-family.example'] }] };

  it.each([
    ['Jane Doe'],
    ['Doe, Jane'],
    ['JANE DOE (CEO)'],
    ['Jáne Dóe'],
    ['Jane Q. Doe'],
    ['JaneDoe'],
  ])('reports the protected name "%s" with an outside address as impersonation', (name) => {
    const subject = makeSubject({ from: address('ceo.office@mail.example', name), auth: passingAuth('mail.example') });
    const output = scan(subject, people);
    expect(finding(output, 'auth.display_name_impersonation')).toMatchObject({ severity: 'high', score: S.personOutside });
    expect(output.iocs?.senders).toEqual(['ceo.office@mail.example']);
  });

  it('does not report the person’s own addresses or other names', () => {
    for (const from of [address('jane.doe@acme.example', 'Jane Doe'), address('jane@doe-family.example', 'Doe, Jane')]) {
      expect(ids(scan(makeSubject({ from, auth: passingAuth(from.domain) }), people))).toEqual([]);
    }
    const janet = makeSubject({ from: address('janet@mail.example', 'Janet Doe'), auth: passingAuth('mail.example') });
    expect(ids(scan(janet, people))).toEqual([]);
  });

  it('scores the protected name from another organisation address lower', () => {
    const subject = makeSubject({ from: address('jdoe@acme.example', 'Jane Doe'), auth: passingAuth('acme.example') });
    expect(finding(scan(subject, { ...people, organisationDomains: ['acme.example'] }), 'auth.display_name_impersonation').score).toBe(
      S.personInternal,
    );
  });

  it('reports an address shown in the display name that is not the sender', () => {
    const subject = makeSubject({ from: address('x@evil.example', 'ceo@company.example'), auth: passingAuth('evil.example') });
    const output = scan(subject);
    expect(finding(output, 'auth.display_name_address_mismatch')).toMatchObject({
      score: S.embeddedAddress,
      evidence: ['"ceo@company.example" <x@evil.example> shows ceo@company.example'],
    });
  });

  it('scores a shown address of the organisation or a brand higher, and ignores one of the sender’s own domain', () => {
    const own = makeSubject({ from: address('x@evil.example', 'CEO (ceo@acme.example)'), auth: passingAuth('evil.example') });
    expect(finding(scan(own, {}, ['acme.example']), 'auth.display_name_address_mismatch').score).toBe(S.embeddedAddressOfKnownDomain);

    const sameDomain = makeSubject({ from: address('noreply@shop.example', 'support@shop.example'), auth: passingAuth('shop.example') });
    expect(scan(sameDomain).findings).toEqual([]);
  });

  it.each([
    ['PayPal Service', 'service@paypal-notice.example'],
    ['Microsoft 365 Admin', 'admin@m365-portal.example'],
    ['Microsoft account team', 'no-reply@access-security.example'],
    ['P\u0430yPal', 'x@sender.example'],
    ['UPS', 'tracking@parcel-info.example'],
    ['Chase Alerts', 'alerts@secure-banking.example'],
    ['Apple Support', 'support@id-help.example'],
    ['Alice via DocuSign', 'dse@sign-docs.example'],
  ])('reports the brand claim "%s" from a foreign domain', (name, from) => {
    const subject = makeSubject({ from: address(from, name), auth: passingAuth(from.split('@')[1] as string) });
    expect(finding(scan(subject), 'auth.brand_impersonation')).toMatchObject({ severity: 'high', score: S.brandStrong });
  });

  it('scores a brand claim from a free mailbox higher and a brand named among other words lower', () => {
    const freemail = makeSubject({ from: address('dropbox.share@gmail.com', 'Dropbox'), auth: passingAuth('gmail.com') });
    expect(finding(scan(freemail), 'auth.brand_impersonation').score).toBe(S.brandStrong + S.brandFreemailBonus);

    const weak = makeSubject({ from: address('tips@seller-hub.example', 'Tips for Amazon Sellers'), auth: passingAuth('seller-hub.example') });
    expect(finding(scan(weak), 'auth.brand_impersonation')).toMatchObject({ severity: 'low', score: S.brandWeak });
  });

  it('does not report brands writing from their own domains, subdomains, country sites and sending domains', () => {
    const genuine = [
      address('service@paypal.com', 'PayPal'),
      address('service@mail.paypal.com', 'PayPal Service'),
      address('service@paypal.de', 'PayPal'),
      address('store-news@amazon.co.uk', 'Amazon.co.uk'),
      address('security@facebookmail.com', 'Facebook'),
      address('dse_na2@docusign.net', 'Alice via DocuSign'),
      address('drive-shares-dm-noreply@google.com', 'Bob (via Google Drive)'),
      address('account-security-noreply@accountprotection.microsoft.com', 'Microsoft account team'),
    ];
    for (const from of genuine) {
      const output = scan(makeSubject({ from, auth: passingAuth(from.domain) }));
      expect([from.address, ids(output)]).toEqual([from.address, []]);
    }
  });

  it('does not read ordinary names and words as ambiguous brands', () => {
    for (const name of ['Chase Miller', 'Start-Ups Weekly', 'Apple Valley School', 'Zoom Photography Club', 'Office', 'Prime Dental', 'Teams', 'Norton Smith']) {
      const output = scan(makeSubject({ from: address('someone@people.example', name), auth: passingAuth('people.example') }));
      expect([name, ids(output)]).toEqual([name, []]);
    }
  });

  it('does not check brands when the built-in list is off', () => {
    const subject = makeSubject({ from: address('service@paypal-notice.example', 'PayPal Service'), auth: passingAuth('paypal-notice.example') });
    expect(scan(subject, { useBuiltinBrands: false }).findings).toEqual([]);
  });

  it('reports the organisation’s name claimed from outside, but not from its own domains', () => {
    const config = { protectedDomains: ['acme-corp.example'] };
    const outside = makeSubject({ from: address('payroll.acme@gmail.com', 'Acme Corp Payroll'), auth: passingAuth('gmail.com') });
    expect(finding(scan(outside, config), 'auth.brand_impersonation')).toMatchObject({ score: S.organisationStrong });

    const inside = makeSubject({ from: address('payroll@acme-corp.example', 'Acme Corp Payroll'), auth: passingAuth('acme-corp.example') });
    expect(scan(inside, config).findings).toEqual([]);
  });
});

describe('auth engine: lookalike and internationalised domains', () => {
  function fromDomain(domain: string, config = {}, organisation: string[] = []) {
    return scan(makeSubject({ from: address(`info@${domain}`, 'Info'), auth: passingAuth(domain) }), config, organisation);
  }

  it.each([
    ['paypa1.com', 'homoglyph', S.lookalikeHomoglyph],
    ['arnazon.com', 'homoglyph', S.lookalikeHomoglyph],
    ['rnicrosoft.com', 'homoglyph', S.lookalikeHomoglyph],
    ['netfliix.com', 'edit distance', S.lookalikeEditDistance],
    ['microsfot.com', 'edit distance', S.lookalikeEditDistance],
    ['paypal-secure-login.com', 'embedded', S.lookalikeEmbedded],
    ['securepaypal.net', 'embedded', S.lookalikeEmbedded],
    ['dhl-express-tracking.com', 'embedded', S.lookalikeEmbedded],
    ['paypal.com.account-verify.net', 'domain in subdomain', S.lookalikeDomainInSubdomain],
  ])('reports %s as a brand lookalike (%s)', (domain, technique, score) => {
    const output = fromDomain(domain);
    const lookalike = finding(output, 'auth.lookalike_domain');
    expect(lookalike).toMatchObject({ severity: 'high', score });
    expect(lookalike.evidence[0]).toContain(technique);
    expect(output.iocs?.domains).toEqual([domain]);
    expect(output.iocs?.senders).toEqual([`info@${domain}`]);
  });

  it.each([
    ['acme.co', 'other suffix'],
    ['acrne.com', 'homoglyph'],
    ['acme-payroll.com', 'embedded'],
    ['acme.com.invoices.example', 'domain in subdomain'],
  ])('reports %s as a lookalike of the protected acme.com (%s)', (domain, technique) => {
    const lookalike = finding(fromDomain(domain, { protectedDomains: ['acme.com'] }), 'auth.lookalike_domain');
    expect(lookalike.evidence[0]).toContain('acme.com');
    expect(lookalike.evidence[0]).toContain(technique);
  });

  it('does not read another suffix of a three-letter protected name as a lookalike', () => {
    expect(ids(fromDomain('ibm.org', { protectedDomains: ['ibm.com'] }))).toEqual([]);
    expect(ids(fromDomain('ibrn.com', { protectedDomains: ['ibm.com'] }))).toEqual(['auth.lookalike_domain']);
  });

  it('uses the organisation domains of the scan context as protected domains', () => {
    expect(ids(fromDomain('acme.co', {}, ['acme.com']))).toContain('auth.lookalike_domain');
    expect(ids(fromDomain('acme.co'))).not.toContain('auth.lookalike_domain');
  });

  it('reports a lookalike Reply-To domain', () => {
    const subject = makeSubject({
      from: address('ceo@acme.com', 'CEO'),
      replyTo: [address('ceo@acme-corp-mail.com')],
      auth: passingAuth('acme.com'),
    });
    const lookalike = finding(scan(subject, {}, ['acme.com']), 'auth.lookalike_domain');
    expect(lookalike.evidence[0]).toMatch(/^Reply-To acme-corp-mail\.com imitates acme\.com/);
  });

  it('does not report real domains, their subdomains, protected domains or ordinary words around short brand names', () => {
    const config = { protectedDomains: ['acme.com'] };
    for (const domain of [
      'paypal.com',
      'mail.paypal.com',
      'amazon.de',
      'email.amazon.co.uk',
      'gmail.com',
      'email.com',
      'mail.com',
      'acme.com',
      'billing.acme.com',
      'groups.io',
      'backups-online.example',
      'startups.example',
      'chase-realty.example',
      'applewood.example',
      'zoomcar.example',
      'dhlawfirm.example',
      'onmicrosoft.com',
      'contoso.onmicrosoft.com',
      'kernel.org',
      'googlegroups.com',
      'bancoamazonia.com.br',
      'intuitivesurgical.example',
      'huaweicloud.com',
      'cloud.example',
      'outlookindia.com',
    ]) {
      expect([domain, ids(fromDomain(domain, config))]).toEqual([domain, []]);
    }
  });

  it('reports a mixed-script internationalised domain high and a single-script one low', () => {
    const mixed = fromDomain('p\u0430ypal.com');
    expect(finding(mixed, 'auth.punycode_sender')).toMatchObject({ severity: 'high', score: S.punycodeMixedScript });
    expect(finding(mixed, 'auth.punycode_sender').evidence[0]).toContain('xn--pypal-4ve.com');
    expect(finding(mixed, 'auth.lookalike_domain').score).toBe(S.lookalikeHomoglyph);

    const german = fromDomain('müller-bau.de');
    expect(finding(german, 'auth.punycode_sender')).toMatchObject({ severity: 'low', score: S.punycode });
    expect(ids(german)).toEqual(['auth.punycode_sender']);
    expect(german.iocs?.senders).toBeUndefined();
  });

  it('reads a From domain the parser left in punycode', () => {
    const output = scan(makeSubject({ from: address('info@xn--pypal-4ve.com', 'Info'), auth: passingAuth('xn--pypal-4ve.com') }));
    expect(finding(output, 'auth.punycode_sender').score).toBe(S.punycodeMixedScript);
  });
});

describe('auth engine: ordinary mail stays quiet', () => {
  it('a Google Groups message with the From rewritten to the list', () => {
    const subject = makeSubject({
      from: address('dev@googlegroups.com', "'Alice Example' via Dev List"),
      to: [address('dev@googlegroups.com', 'Dev List')],
      replyTo: [address('alice@example.com', 'Alice Example')],
      returnPath: address('dev+bncBAABBCC@googlegroups.com'),
      auth: gmailAuth(
        'dkim=pass header.i=@googlegroups.com header.s=20230601 header.b=Ab12; ' +
          'arc=pass (i=1 spf=pass spfdomain=example.com dkim=pass dkdomain=example.com dmarc=pass fromdomain=example.com); ' +
          'spf=pass (google.com: domain of dev+bncBAABBCC@googlegroups.com designates 209.85.220.69 as permitted sender) smtp.mailfrom=dev+bncBAABBCC@googlegroups.com; ' +
          'dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=googlegroups.com',
      ),
    });
    const output = scan(subject);
    expect(output.findings.map((item) => [item.id, item.score])).toEqual([['auth.reply_to_mismatch', S.replyToOther]]);
    expect(output.score).toBe(S.replyToOther);
  });

  it('a Google Groups message replying to the author’s free mailbox that the chain names', () => {
    const subject = makeSubject({
      from: address('dev@googlegroups.com', "'Alice' via Dev List"),
      to: [address('dev@googlegroups.com')],
      replyTo: [address('alice.dev@gmail.com', 'Alice')],
      auth: gmailAuth(
        'dkim=pass header.i=@googlegroups.com; arc=pass (i=1 spf=pass spfdomain=gmail.com dkim=pass dkdomain=gmail.com dmarc=pass fromdomain=gmail.com); ' +
          'spf=pass smtp.mailfrom=dev+bnc@googlegroups.com; dmarc=pass header.from=googlegroups.com',
      ),
    });
    expect(finding(scan(subject), 'auth.reply_to_mismatch').score).toBe(S.replyToOther);
    const unvouched = { ...subject, auth: passingAuth('googlegroups.com') };
    expect(finding(scan(unvouched), 'auth.reply_to_mismatch').score).toBe(S.replyToFreemail);
  });

  it('a group re-sending a protected person’s post (lowered) or an author shown by address (cleared)', () => {
    const groupAuth = gmailAuth(
      'dkim=pass header.i=@googlegroups.com; ' +
        'arc=pass (i=1 spf=pass spfdomain=acme.example dkim=pass dkdomain=acme.example dmarc=pass fromdomain=acme.example); ' +
        'spf=pass smtp.mailfrom=board+bnc@googlegroups.com; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=googlegroups.com',
    );
    const people = { protectedPeople: [{ name: 'Jane Doe', addresses: ['jane.doe@acme.example'] }] };
    const byName = makeSubject({ from: address('board@googlegroups.com', "'Jane Doe' via Board"), auth: groupAuth });
    const lowered = scan(byName, people);
    expect(ids(lowered)).toEqual(['auth.display_name_impersonation']);
    expect(lowered.score).toBe(S.personForwarded);
    const byAddress = makeSubject({
      from: address('board@googlegroups.com', "'bob@partner.example' via Board"),
      auth: gmailAuth(
        'dkim=pass header.i=@googlegroups.com; arc=pass (i=1 dkim=pass dkdomain=partner.example dmarc=pass fromdomain=partner.example); ' +
          'spf=pass smtp.mailfrom=board+bnc@googlegroups.com; dmarc=pass header.from=googlegroups.com',
      ),
    });
    expect(scan(byAddress).findings).toEqual([]);

    // The same display names without a chain naming the author's domain.
    const unvouched = passingAuth('googlegroups.com');
    expect(finding(scan(makeSubject({ from: byName.from, auth: unvouched }), people), 'auth.display_name_impersonation').score).toBe(
      S.personOutside,
    );
    expect(ids(scan(makeSubject({ from: byAddress.from, auth: unvouched })))).toEqual(['auth.display_name_address_mismatch']);
  });

  it('only lowers, never clears, a shown organisation address that a chain names as the author', () => {
    const subject = makeSubject({
      from: address('board@googlegroups.com', "'ceo@acme.example' via Board"),
      auth: gmailAuth(
        'arc=pass (i=1 dkim=pass dkdomain=acme.example dmarc=pass fromdomain=acme.example); spf=pass smtp.mailfrom=b@googlegroups.com; ' +
          'dkim=pass header.d=googlegroups.com; dmarc=pass header.from=googlegroups.com',
      ),
    });
    expect(finding(scan(subject, {}, ['acme.example']), 'auth.display_name_address_mismatch').score).toBe(S.embeddedAddress);
  });

  it('a list message keeping the author’s From, re-signed by the list', () => {
    const subject = makeSubject({
      from: address('alice@example.com', 'Alice Example'),
      to: [address('dev@lists.example.org')],
      returnPath: address('dev-bounces@lists.example.org'),
      auth: gmailAuth(
        'dkim=fail (body hash did not verify) header.i=@example.com header.s=k1; dkim=pass header.i=@lists.example.org; ' +
          'arc=pass (i=1 spf=pass spfdomain=example.com dkim=pass dkdomain=example.com dmarc=pass fromdomain=example.com); ' +
          'spf=pass smtp.mailfrom=dev-bounces@lists.example.org; ' +
          'dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=NONE) arc=pass (as.1.example.org=pass) header.from=example.com',
      ),
    });
    const output = scan(subject);
    expect(ids(output)).toEqual(['auth.dmarc_fail']);
    expect(output.score).toBe(S.dmarcFailArcVouched);
    expect(output.iocs?.senders).toBeUndefined();
  });

  it('a forwarded message whose DKIM survived and whose ARC chain passed', () => {
    const subject = makeSubject({
      from: address('statements@bank.example', 'Bank Statements'),
      returnPath: address('srs0=abc=bank.example=statements@forwarder.example'),
      auth: gmailAuth(
        'dkim=pass header.i=@bank.example header.s=sel; arc=pass (i=1 spf=pass spfdomain=bank.example dkim=pass dkdomain=bank.example dmarc=pass fromdomain=bank.example); ' +
          'spf=fail (google.com: domain of statements@bank.example does not designate 203.0.113.9 as permitted sender) smtp.mailfrom=statements@bank.example; ' +
          'dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=bank.example',
      ),
    });
    expect(scan(subject).findings).toEqual([]);
  });

  it('a newsletter sent through an ESP with its own bounce domain and a support Reply-To', () => {
    const subject = makeSubject({
      from: address('news@shop.example', 'Shop News'),
      replyTo: [address('help@shop.example')],
      returnPath: address('bounce-7f3a@em.esp.example'),
      auth: gmailAuth(
        'dkim=pass header.i=@shop.example header.s=esp1; dkim=pass header.i=@esp.example; ' +
          'spf=pass smtp.mailfrom=bounce-7f3a@em.esp.example; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=shop.example',
      ),
    });
    expect(scan(subject).findings).toEqual([]);
  });
});

describe('auth engine: score and IOCs', () => {
  it('combines findings as the strongest plus a quarter of the rest, capped at 100', () => {
    const subject = makeSubject({
      from: address('security@paypa1-support.com', 'PayPal Service'),
      replyTo: [address('paypal.refunds@gmail.com')],
      returnPath: address('x@bulk.example'),
      auth: gmailAuth('spf=softfail smtp.mailfrom=x@bulk.example; dmarc=fail (p=NONE) header.from=paypa1-support.com'),
    });
    const output = scan(subject);
    const scores = output.findings.map((item) => item.score);
    const [strongest, ...rest] = scores;
    expect(strongest).toBe(Math.max(...scores));
    expect(output.score).toBe(Math.min(100, Math.round((strongest as number) + 0.25 * rest.reduce((a, b) => a + b, 0))));
    expect(output.score).toBeGreaterThanOrEqual(80);
    expect(output.iocs).toEqual({ domains: ['paypa1-support.com'], senders: ['security@paypa1-support.com'] });
  });

  it('caps the score at 100', () => {
    const subject = makeSubject({
      from: address('ceo@p\u0430ypal.com', 'Jane Doe <jane.doe@acme.example>'),
      replyTo: [address('boss@gmail.com')],
      returnPath: address('x@gmail.com'),
      auth: gmailAuth('spf=fail smtp.mailfrom=x@gmail.com; dkim=fail header.d=x.example; arc=fail; dmarc=fail (p=REJECT) header.from=p\u0430ypal.com'),
    });
    const output = scan(subject, { protectedPeople: [{ name: 'Jane Doe', addresses: ['jane.doe@acme.example'] }] }, ['acme.example']);
    expect(output.findings.length).toBeGreaterThanOrEqual(6);
    expect(output.score).toBe(100);
  });

  it('scans a busy message well under a millisecond on average', () => {
    const engine = createAuthEngine({
      protectedDomains: ['acme.com', 'partner-industries.com'],
      protectedPeople: [{ name: 'Jane Doe', addresses: ['jane@acme.com'] }],
    });
    const subject = makeSubject({
      from: address('billing@paypal-secure-login.com', 'PayPal Billing Service'),
      replyTo: [address('refunds@acme-payments.com')],
      auth: gmailAuth('spf=softfail smtp.mailfrom=x@bulk.example; dkim=fail header.d=bulk.example; dmarc=fail (p=NONE) header.from=paypal-secure-login.com'),
    });
    const context = { signal: new AbortController().signal, organisationDomains: ['acme.com'] };
    for (let i = 0; i < 50; i++) engine.scan(subject, context);
    const runs = 500;
    const started = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) engine.scan(subject, context);
    const perScanMs = Number(process.hrtime.bigint() - started) / 1e6 / runs;
    expect(perScanMs).toBeLessThan(1);
  });
});
