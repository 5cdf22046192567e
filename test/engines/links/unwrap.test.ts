import { unwrapUrl } from '../../../functions/src/engines/links/unwrap';

/** The innermost destination and the services peeled off on the way. */
function unwrap(url: string, maxDepth = 5): { target: string; via: string[]; domainOnly: boolean[] } {
  const result = unwrapUrl(url, maxDepth);
  return {
    target: result.chain.at(-1) as string,
    via: result.steps.map((step) => step.via),
    domainOnly: result.steps.map((step) => step.domainOnly),
  };
}

const TARGET = 'https://evil.example.net/login?x=1&y=2';
const ENCODED = encodeURIComponent(TARGET);

describe('unwrapUrl: security gateways', () => {
  it('decodes Microsoft Safe Links on any regional host', () => {
    const url = `https://nam12.safelinks.protection.outlook.com/?url=${ENCODED}&data=05%7C01&sdata=abc&reserved=0`;
    expect(unwrap(url)).toEqual({ target: TARGET, via: ['Microsoft Safe Links'], domainOnly: [false] });
  });

  it('decodes Proofpoint URL Defense v1 (percent-encoded u=)', () => {
    const url = `https://urldefense.proofpoint.com/v1/url?u=${ENCODED}&k=abc%3D%0A&r=def&m=ghi&s=123`;
    expect(unwrap(url).target).toBe(TARGET);
  });

  it('decodes Proofpoint URL Defense v2 (- for %, _ for /)', () => {
    const url = 'https://urldefense.proofpoint.com/v2/url?u=https-3A__www.example.org_login-3Fnext-3D-252Fhome-26lang-3Den&d=DwMF&c=abc&r=def';
    expect(unwrap(url)).toEqual({
      target: 'https://www.example.org/login?next=%2Fhome&lang=en',
      via: ['Proofpoint URL Defense'],
      domainOnly: [false],
    });
  });

  it('decodes Proofpoint URL Defense v3 single and run-length replacements', () => {
    // `*` takes one character from the base64 block, `**A` a run of two.
    const single = 'https://urldefense.com/v3/__https://files.example.net/o/owa*2Findex.html?alt=media*victim@example.com__;JSM!!Abc123!xyz$';
    expect(unwrap(single).target).toBe('https://files.example.net/o/owa%2Findex.html?alt=media#victim@example.com');
    const runs = 'https://urldefense.com/v3/__https://example.com/a*b**A*c__;Pz09Jg!!Abc!def$';
    expect(unwrap(runs).target).toBe('https://example.com/a?b==&c');
  });

  it('does not invent a target when a Proofpoint v3 link lacks replacement characters', () => {
    const broken = 'https://urldefense.com/v3/__https://example.com/a*b**Z__;Pw!!Abc$';
    expect(unwrap(broken).via).toEqual([]);
  });

  it('reads the destination domain of Mimecast links and notes undecodable ones as opaque', () => {
    const withDomain = unwrap('https://protect-eu.mimecast.com/s/AbCdEfGh?domain=evil.example.net');
    expect(withDomain).toEqual({ target: 'https://evil.example.net/', via: ['Mimecast URL Protect'], domainOnly: [true] });
    const opaque = unwrapUrl('https://protect-us.mimecast.com/s/AbCdEfGh', 5);
    expect(opaque.steps).toEqual([]);
    expect(opaque.opaque).toEqual({ via: 'Mimecast URL Protect', url: 'https://protect-us.mimecast.com/s/AbCdEfGh' });
  });

  it('decodes Symantec, Sophos, Cisco, Barracuda, Trend Micro and Trellix wrappers', () => {
    const b64 = Buffer.from(TARGET).toString('base64');
    const cases: [string, string][] = [
      [`https://clicktime.symantec.com/3AbCdEf?u=${ENCODED}`, 'Symantec Click-time URL Protection'],
      [`https://eu-west-1.protection.sophos.com/?d=example.net&u=${encodeURIComponent(b64)}&i=1&t=2&h=3`, 'Sophos Time-of-Click'],
      [`https://secure-web.cisco.com/1AbCdEfToken/${ENCODED}`, 'Cisco Secure Email'],
      [`https://linkprotect.cudasvc.com/url?a=${ENCODED}&c=E,1,abc&typo=1`, 'Barracuda Link Protection'],
      [`https://imsva91-ctp.trendmicro.com:443/wis/clicktime/v1/query?url=${ENCODED}&umid=abc`, 'Trend Micro Time-of-Click'],
      [`https://protect2.fireeye.com/v1/url?k=abc&q=def&u=${ENCODED}`, 'Trellix (FireEye) URL Protection'],
    ];
    for (const [url, via] of cases) expect(unwrap(url)).toEqual({ target: TARGET, via: [via], domainOnly: [false] });
  });
});

describe('unwrapUrl: trackers and open redirects', () => {
  it('decodes Amazon SES click tracking', () => {
    const url = `https://abcd1234.r.us-east-1.awstrack.me/L0/${ENCODED}/1/0100018b69130900-e/abc=345`;
    expect(unwrap(url)).toEqual({ target: TARGET, via: ['Amazon SES click tracking'], domainOnly: [false] });
  });

  it('decodes Google /url?q= and /url?url= on google.com and country domains, and AMP links', () => {
    expect(unwrap(`https://www.google.com/url?q=${ENCODED}&sa=D&usg=abc`).target).toBe(TARGET);
    expect(unwrap(`https://www.google.co.uk/url?sa=t&url=${ENCODED}`).target).toBe(TARGET);
    expect(unwrap('https://www.google.com/amp/s/evil.example.net/page').target).toBe('https://evil.example.net/page');
    expect(unwrap('https://www.google.de/amp/evil.example.net/page').target).toBe('http://evil.example.net/page');
  });

  it('does not treat look-alike redirect hosts as the real service', () => {
    expect(unwrap(`https://google.xyz/url?q=${ENCODED}`).via).toEqual([]);
    expect(unwrap(`https://safelinks.protection.outlook.com.evil.example/?url=${ENCODED}`).via).toEqual([]);
    expect(unwrap(`https://www.google.com/search?q=${ENCODED}`).via).toEqual([]);
  });

  it('decodes YouTube, Facebook, LinkedIn, Slack, VK and DuckDuckGo redirects', () => {
    const cases = [
      `https://www.youtube.com/redirect?event=video_description&q=${ENCODED}`,
      `https://l.facebook.com/l.php?u=${ENCODED}&h=AT0abc`,
      `https://www.linkedin.com/redir/redirect?url=${ENCODED}&urlhash=abc`,
      `https://slack-redir.net/link?url=${ENCODED}`,
      `https://vk.com/away.php?utf=1&to=${ENCODED}`,
      `https://duckduckgo.com/l/?uddg=${ENCODED}&rut=abc`,
    ];
    for (const url of cases) expect(unwrap(url).target).toBe(TARGET);
  });

  it('decodes Bing /ck/a links (a1 + base64url) and DoubleClick and Google Ads click URLs', () => {
    const b64url = Buffer.from(TARGET).toString('base64url');
    expect(unwrap(`https://www.bing.com/ck/a?!&&p=abc&ptn=3&u=a1${b64url}&ntb=1`).target).toBe(TARGET);
    expect(unwrap(`https://ad.doubleclick.net/ddm/clk/123;456;x?${TARGET}`).target).toBe(TARGET);
    expect(unwrap(`https://www.googleadservices.com/pagead/aclk?sa=L&ai=abc&adurl=${ENCODED}`).target).toBe(TARGET);
  });

  it('maps Google Translate proxy hosts back to the proxied site', () => {
    expect(unwrap('https://evil--corp-example-net.translate.goog/login?_x_tr_sl=auto&_x_tr_tl=en&id=7').target).toBe(
      'https://evil-corp.example.net/login?id=7',
    );
  });

  it('peels nested wrappers in order and stops at the depth limit', () => {
    const inner = `https://www.google.com/url?q=${ENCODED}`;
    const outer = `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(inner)}&data=x`;
    expect(unwrap(outer)).toEqual({ target: TARGET, via: ['Microsoft Safe Links', 'Google redirect'], domainOnly: [false, false] });
    expect(unwrap(outer, 1).target).toBe(inner);
    let deep = TARGET;
    for (let layer = 0; layer < 8; layer++) deep = `https://www.google.com/url?q=${encodeURIComponent(deep)}`;
    const bounded = unwrapUrl(deep, 5);
    expect(bounded.steps).toHaveLength(5);
    expect(bounded.chain).toHaveLength(6);
  });

  it('leaves ordinary links and redirectors without a destination alone', () => {
    expect(unwrapUrl('https://www.example.com/page?url=https://other.example.org/', 5).steps).toEqual([]);
    expect(unwrapUrl('https://nam12.safelinks.protection.outlook.com/?data=only', 5).steps).toEqual([]);
    expect(unwrapUrl('mailto:someone@example.com', 5).steps).toEqual([]);
  });
});
