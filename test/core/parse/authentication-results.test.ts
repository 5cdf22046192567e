import { parseAuthenticationResults } from '../../../functions/src/core/parse/authentication-results';
import type { HeaderField } from '../../../functions/src/core/subject/types';

function header(name: string, value: string): HeaderField {
  return { name: name.toLowerCase(), raw: value, decoded: value };
}

const AUTHORITY = 'mx.google.com';

const GMAIL_PASS =
  'mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=s1 header.b=abc/De+1;\r\n' +
  '       spf=pass (google.com: domain of x@example.com designates 1.2.3.4 as permitted sender) smtp.mailfrom=x@example.com;\r\n' +
  '       dmarc=pass (p=REJECT sp=QUARANTINE dis=NONE) header.from=example.com';

describe('parseAuthenticationResults', () => {
  it('reads a Gmail header: SPF, DKIM and DMARC with their domains, properties and policy', () => {
    const summary = parseAuthenticationResults([header('Authentication-Results', GMAIL_PASS)], AUTHORITY);

    expect(summary.source).toBe('authentication-results');
    expect(summary.authority).toBe(AUTHORITY);
    expect(summary.spf).toEqual({
      result: 'pass',
      domain: 'example.com',
      properties: {
        'smtp.mailfrom': 'x@example.com',
        comment: 'google.com: domain of x@example.com designates 1.2.3.4 as permitted sender',
      },
    });
    expect(summary.dkim).toEqual([
      {
        result: 'pass',
        domain: 'example.com',
        properties: { 'header.i': '@example.com', 'header.s': 's1', 'header.b': 'abc/De+1' },
      },
    ]);
    expect(summary.dmarc?.result).toBe('pass');
    expect(summary.dmarc?.domain).toBe('example.com');
    expect(summary.dmarc?.properties).toMatchObject({ p: 'reject', sp: 'quarantine', dis: 'none', 'header.from': 'example.com' });
    expect(summary.arc).toBeNull();
  });

  it('keeps every DKIM result in order and prefers header.d over header.i', () => {
    const value =
      'mx.google.com; dkim=pass header.i=@lists.example.org header.s=a header.b=1; ' +
      'dkim=fail (body hash did not verify) header.d=author.example header.i=@mail.author.example header.s=b; ' +
      'dkim=neutral (no key) header.i=alice@sub.third.example';
    const summary = parseAuthenticationResults([header('Authentication-Results', value)], AUTHORITY);

    expect(summary.dkim.map((result) => [result.result, result.domain])).toEqual([
      ['pass', 'lists.example.org'],
      ['fail', 'author.example'],
      ['neutral', 'sub.third.example'],
    ]);
    expect(summary.dkim[1]?.properties).toMatchObject({ 'header.s': 'b', comment: 'body hash did not verify' });
  });

  it('ignores a forged header from the sender placed below the provider header', () => {
    const forged = 'mx.google.com; spf=pass smtp.mailfrom=paypal.com; dkim=pass header.d=paypal.com; dmarc=pass header.from=paypal.com';
    const genuine = 'mx.google.com; spf=fail smtp.mailfrom=evil.example; dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) header.from=paypal.com';
    const summary = parseAuthenticationResults(
      [header('Received', 'from a by b'), header('Authentication-Results', genuine), header('Authentication-Results', forged)],
      AUTHORITY,
    );

    expect(summary.spf?.result).toBe('fail');
    expect(summary.dmarc?.result).toBe('fail');
    expect(summary.dkim).toEqual([]);
  });

  it('ignores results from other authorities even when they come first', () => {
    const other = 'relay.evil.example; dmarc=pass header.from=bank.example; spf=pass smtp.mailfrom=bank.example';
    const genuine = 'MX.Google.COM; spf=softfail smtp.mailfrom=bank.example; dmarc=fail header.from=bank.example';
    const summary = parseAuthenticationResults(
      [header('Authentication-Results', other), header('Authentication-Results', genuine)],
      AUTHORITY,
    );

    expect(summary.source).toBe('authentication-results');
    expect(summary.spf?.result).toBe('softfail');
    expect(summary.dmarc?.result).toBe('fail');
  });

  it('returns source none when only other authorities or headers without authserv-id are present', () => {
    const headers = [
      header('Authentication-Results', 'spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=a.example; dkim=none; dmarc=none header.from=a.example'),
      header('Authentication-Results', 'other.example; dmarc=pass header.from=a.example'),
    ];
    const summary = parseAuthenticationResults(headers, AUTHORITY);

    expect(summary).toEqual({ authority: AUTHORITY, source: 'none', spf: null, dkim: [], dmarc: null, arc: null });
  });

  it('falls back to the highest ARC instance of the trusted authority', () => {
    const headers = [
      header('ARC-Authentication-Results', 'i=1; mx.google.com; spf=fail smtp.mailfrom=old.example; dmarc=fail header.from=old.example'),
      header('ARC-Authentication-Results', 'i=3; other.example; dmarc=pass header.from=forged.example'),
      header(
        'ARC-Authentication-Results',
        'i=2; mx.google.com; dkim=pass header.i=@example.com header.s=k; spf=pass smtp.mailfrom=bounce@example.com; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com',
      ),
    ];
    const summary = parseAuthenticationResults(headers, AUTHORITY);

    expect(summary.source).toBe('arc-authentication-results');
    expect(summary.dmarc?.result).toBe('pass');
    expect(summary.dmarc?.properties.p).toBe('none');
    expect(summary.spf?.domain).toBe('example.com');
    expect(summary.dkim[0]?.domain).toBe('example.com');
  });

  it('prefers a direct Authentication-Results over ARC results', () => {
    const headers = [
      header('ARC-Authentication-Results', 'i=1; mx.google.com; dmarc=pass header.from=example.com'),
      header('Authentication-Results', 'mx.google.com; dmarc=fail header.from=example.com'),
    ];
    expect(parseAuthenticationResults(headers, AUTHORITY).dmarc?.result).toBe('fail');
  });

  it('reads Gmail ARC verdicts with the first hop summary, and an ARC override noted in the DMARC clause', () => {
    const value =
      'mx.google.com; dkim=pass header.i=@googlegroups.com header.s=20230601 header.b=Xy; ' +
      'arc=pass (i=1 spf=pass spfdomain=example.com dkim=pass dkdomain=example.com dmarc=pass fromdomain=example.com); ' +
      'spf=pass (google.com: domain of list+bnc@googlegroups.com designates 2607:f8b0::1 as permitted sender) smtp.mailfrom=list+bnc@googlegroups.com; ' +
      'dmarc=fail (p=REJECT sp=REJECT dis=NONE) arc=pass (as.1.google.com=pass, ams.1.google.com=pass) header.from=example.com';
    const summary = parseAuthenticationResults([header('Authentication-Results', value)], AUTHORITY);

    expect(summary.arc?.result).toBe('pass');
    expect(summary.arc?.properties).toMatchObject({
      'chain.i': '1',
      'chain.dmarc': 'pass',
      'chain.fromdomain': 'example.com',
      'chain.dkdomain': 'example.com',
    });
    expect(summary.dmarc?.properties).toMatchObject({ p: 'reject', arc: 'pass', 'header.from': 'example.com' });
    expect(summary.dmarc?.domain).toBe('example.com');
  });

  it('takes the SPF domain from smtp.helo when there is no smtp.mailfrom, and maps unknown words to unknown', () => {
    const value = 'mx.google.com; spf=hardfail smtp.helo=mail.example.net; dkim=bogus header.d=example.net; dmarc=Pass header.from="example.net"';
    const summary = parseAuthenticationResults([header('Authentication-Results', value)], AUTHORITY);

    expect(summary.spf).toMatchObject({ result: 'fail', domain: 'mail.example.net' });
    expect(summary.dkim[0]?.result).toBe('unknown');
    expect(summary.dmarc).toMatchObject({ result: 'pass', domain: 'example.net' });
  });

  it('handles versions, reason properties, quoted strings with semicolons and nested comments', () => {
    const value =
      'mx.google.com 1 (the receiver (us)); dkim/1=fail reason="signature; verification failed" header.d=example.com; ' +
      'dmarc = fail (p=QUARANTINE) policy.dmarc = quarantine header.from = Example.COM';
    const summary = parseAuthenticationResults([header('Authentication-Results', value)], AUTHORITY);

    expect(summary.dkim).toHaveLength(1);
    expect(summary.dkim[0]).toMatchObject({ result: 'fail', domain: 'example.com' });
    expect(summary.dkim[0]?.properties.reason).toBe('signature; verification failed');
    expect(summary.dmarc).toMatchObject({ result: 'fail', domain: 'example.com' });
    expect(summary.dmarc?.properties.p).toBe('quarantine');
  });

  it('normalises DMARC policy given only as a property', () => {
    const value = 'mx.google.com; dmarc=fail policy.dmarc=REJECT header.from=example.com';
    expect(parseAuthenticationResults([header('Authentication-Results', value)], AUTHORITY).dmarc?.properties.p).toBe('reject');
  });

  it('converts punycode domains to Unicode like parsed addresses', () => {
    const value = 'mx.google.com; spf=pass smtp.mailfrom=a@xn--pypal-4ve.com; dmarc=none header.from=xn--pypal-4ve.com';
    const summary = parseAuthenticationResults([header('Authentication-Results', value)], AUTHORITY);

    expect(summary.spf?.domain).toBe('p\u0430ypal.com');
    expect(summary.dmarc?.domain).toBe('p\u0430ypal.com');
  });

  it('reads a trusted header that says "none" as trusted but empty', () => {
    const summary = parseAuthenticationResults([header('Authentication-Results', 'mx.google.com; none')], AUTHORITY);

    expect(summary.source).toBe('authentication-results');
    expect(summary.spf).toBeNull();
    expect(summary.dkim).toEqual([]);
  });

  it('survives garbage without throwing', () => {
    const garbage = [
      '',
      ';;;;',
      '(((unterminated',
      '"unterminated quote; dmarc=pass',
      'mx.google.com; =pass; dkim=; spf; dmarc=fail header.from=',
      'mx.google.com; ' + 'dkim=pass header.d=x.example; '.repeat(500),
      '\u0000\u0001mx.google.com\u00ff; spf=pass',
    ];
    for (const value of garbage) {
      expect(() => parseAuthenticationResults([header('Authentication-Results', value)], AUTHORITY)).not.toThrow();
    }
    const summary = parseAuthenticationResults(
      [header('Authentication-Results', 'mx.google.com; =pass; dkim=; spf; dmarc=fail header.from=')],
      AUTHORITY,
    );
    expect(summary.dmarc).toEqual({ result: 'fail', domain: '', properties: { 'header.from': '' } });
    expect(summary.dkim).toEqual([]);
    const flood = parseAuthenticationResults(
      [header('Authentication-Results', 'mx.google.com; ' + 'dkim=pass header.d=x.example; '.repeat(500))],
      AUTHORITY,
    );
    expect(flood.dkim.length).toBeLessThanOrEqual(32);
    expect(parseAuthenticationResults([header('Authentication-Results', 'mx.google.com; spf=pass')], '')).toMatchObject({
      source: 'none',
    });
  });

  it('reads the decoded value when raw is empty', () => {
    const summary = parseAuthenticationResults(
      [{ name: 'authentication-results', raw: '', decoded: 'mx.google.com; spf=neutral smtp.mailfrom=example.com' }],
      AUTHORITY,
    );
    expect(summary.spf).toMatchObject({ result: 'neutral', domain: 'example.com' });
  });
});

describe('unquoted property values', () => {
  it('keeps `=` inside an unquoted smtp.mailfrom local-part (ESP bounce addresses)', () => {
    const value =
      'mx.google.com; spf=pass (google.com: domain of bounce designates 192.0.2.1 as permitted sender) ' +
      'smtp.mailfrom=bounces+123-jonas=example.org@em4471.mailer.example; dmarc=pass (p=NONE) header.from=example.org';
    const summary = parseAuthenticationResults([{ name: 'authentication-results', raw: value, decoded: value }], 'mx.google.com');
    expect(summary.spf?.properties['smtp.mailfrom']).toBe('bounces+123-jonas=example.org@em4471.mailer.example');
    expect(summary.spf?.domain).toBe('em4471.mailer.example');
    expect(summary.dmarc?.domain).toBe('example.org');
  });
});
