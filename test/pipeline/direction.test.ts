import type { AuthenticationSummary } from '../../functions/src/core/subject/types';
import { classifyDirection, isOrganisationDomain } from '../../functions/src/pipeline/direction';
import { address, makeSubject } from '../support/subject';

const ORG = ['example.org'];

function auth(partial: Partial<AuthenticationSummary>): AuthenticationSummary {
  return { authority: 'mx.google.com', source: 'authentication-results', spf: null, dkim: [], dmarc: null, arc: null, ...partial };
}

const pass = (domain: string) => ({ result: 'pass' as const, domain, properties: {} });
const fail = (domain: string) => ({ result: 'fail' as const, domain, properties: {} });

function classify(from: string, summary: AuthenticationSummary, labelIds: string[] = ['INBOX']) {
  return classifyDirection({ labelIds, subject: makeSubject({ from: address(from), auth: summary }), organisationDomains: ORG });
}

describe('classifyDirection', () => {
  it('ignores drafts, whatever else they carry', () => {
    expect(classify('bob@example.org', auth({ dmarc: pass('example.org') }), ['DRAFT'])).toBeNull();
    expect(classify('bob@example.org', auth({}), ['DRAFT', 'SENT'])).toBeNull();
  });

  it('calls mail the mailbox sent outbound, even to itself or from a send-as address', () => {
    expect(classify('alice@example.org', auth({}), ['SENT'])).toBe('outbound');
    expect(classify('alice@example.org', auth({}), ['SENT', 'INBOX'])).toBe('outbound');
    expect(classify('alice@personal.test', auth({}), ['SENT'])).toBe('outbound');
  });

  it('calls mail from an organisation domain internal only with a trusted, aligned pass', () => {
    expect(classify('bob@example.org', auth({ dmarc: pass('example.org') }))).toBe('internal');
    expect(classify('bob@example.org', auth({ dkim: [fail('other.test'), pass('example.org')] }))).toBe('internal');
    expect(classify('bob@example.org', auth({ spf: pass('example.org') }))).toBe('internal');
    expect(classify('bob@eu.example.org', auth({ dkim: [pass('example.org')] }))).toBe('internal');
    expect(classify('bob@example.org', auth({ dkim: [pass('mail.example.org')] }))).toBe('internal');
  });

  it('calls forged or unauthenticated "internal" mail inbound', () => {
    expect(classify('ceo@example.org', auth({ dmarc: fail('example.org'), spf: fail('example.org') }))).toBe('inbound');
    expect(classify('ceo@example.org', auth({ source: 'none' }))).toBe('inbound');
    // A pass for someone else's domain, or for a public suffix, is no pass for ours.
    expect(classify('ceo@example.org', auth({ dkim: [pass('attacker.test')] }))).toBe('inbound');
    expect(classify('ceo@example.org', auth({ spf: pass('org') }))).toBe('inbound');
    // Results present but not from the trusted authority: the parser reports source none.
    expect(classify('ceo@example.org', auth({ source: 'none', dmarc: pass('example.org') }))).toBe('inbound');
  });

  it('calls mail from outside inbound, whatever its authentication', () => {
    expect(classify('news@vendor.test', auth({ dmarc: pass('vendor.test') }))).toBe('inbound');
    expect(classify('someone@notexample.org', auth({ dmarc: pass('notexample.org') }))).toBe('inbound');
    expect(classifyDirection({ labelIds: [], subject: makeSubject({ from: null }), organisationDomains: ORG })).toBe('inbound');
  });

  it('matches organisation domains and their subdomains only', () => {
    expect(isOrganisationDomain('example.org', ORG)).toBe(true);
    expect(isOrganisationDomain('Mail.Example.org', ORG)).toBe(true);
    expect(isOrganisationDomain('badexample.org', ORG)).toBe(false);
    expect(isOrganisationDomain('example.org.attacker.test', ORG)).toBe(false);
  });
});
