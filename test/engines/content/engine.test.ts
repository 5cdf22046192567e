import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineOutput } from '../../../functions/src/core/engine/types';
import { ConfigError } from '../../../functions/src/core/errors';
import { combineFindings } from '../../../functions/src/engines/content/combine';
import { CONTENT_ENGINE_VERSION, CONTENT_FINDING_TITLES, createContentEngine } from '../../../functions/src/engines/content';
import { button, context, finding, has, ids, mail, passingAuth, scan } from './helpers';

describe('content engine: identity and config', () => {
  it('describes itself and fills config defaults', () => {
    const engine = createContentEngine();
    expect(engine.name).toBe('content');
    expect(engine.version).toBe(CONTENT_ENGINE_VERSION);
    expect(engine.defaultTimeoutMs).toBe(2000);
    expect(engine.config).toEqual({
      extraPhrases: {},
      protectedBrands: [],
      useBuiltinBrands: true,
      disabledFindings: [],
      maxTextChars: 60_000,
      maxHtmlChars: 300_000,
      maxWords: 12_000,
      hiddenTextMinChars: 300,
      imageOnlyMaxWords: 25,
    });
  });

  it.each([
    ['an unknown key', { extraPhrase: {} }, 'extraPhrase'],
    ['an unknown category', { extraPhrases: { phishing: { strong: ['x y'] } } }, 'extraPhrases'],
    ['an unknown tier', { extraPhrases: { credential: { critical: ['x y'] } } }, 'extraPhrases.credential'],
    ['an unknown finding', { disabledFindings: ['content.everything'] }, 'disabledFindings.0'],
    ['a brand without domains', { protectedBrands: [{ name: 'Acme', keywords: ['acme'], domains: [] }] }, 'protectedBrands.0.domains'],
    ['a brand domain without suffix', { protectedBrands: [{ name: 'Acme', keywords: ['acme'], domains: ['intranet'] }] }, 'protectedBrands.0.domains.0'],
    ['a tiny text bound', { maxTextChars: 10 }, 'maxTextChars'],
  ])('rejects %s with a ConfigError naming the path', (_case, input, path) => {
    let error: unknown;
    try {
      createContentEngine(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(path);
  });

  it('rejects an extra phrase it cannot read, naming category, tier and phrase', () => {
    expect(() => createContentEngine({ extraPhrases: { payment: { strong: ['pay [now'] } } })).toThrow(
      /extraPhrases\.payment\.strong: bad lexicon phrase "pay \[now": unbalanced/,
    );
  });

  it('adds extra phrases and switches findings off', () => {
    const text = 'Please process the Zorblax settlement via the Quux portal today.';
    expect(has(scan(mail({ text })), 'content.payment_request')).toBe(false);
    const extra = scan(mail({ text }), { extraPhrases: { payment: { strong: ['zorblax settlement'] } } });
    expect(finding(extra, 'content.payment_request').evidence).toEqual(['"zorblax settlement"']);
    const disabled = scan(mail({ text: 'Dear customer, hello' }), { disabledFindings: ['content.generic_greeting'] });
    expect(ids(disabled)).toEqual([]);
  });
});

describe('content engine: scoring', () => {
  it('keeps a clean message clean', () => {
    expect(scan(mail({ subject: 'Lunch on Thursday?', text: 'Are you free for lunch on Thursday? The new place on Main St.' }))).toEqual({
      score: 0,
      findings: [],
    });
  });

  it('keeps one weak cue low and lets independent cues climb', () => {
    const weak = scan(mail({ text: 'This is urgent, please reply.' }));
    expect(weak.score).toBeGreaterThan(0);
    expect(weak.score).toBeLessThan(30);
    const several = scan(
      mail({
        subject: 'RE: Action required',
        html: `<p>Dear customer, your account has been suspended. Verify your account within 24 hours.</p>${button('https://verify.example.top', 'Verify now')}`,
      }),
    );
    expect(ids(several)).toEqual(
      expect.arrayContaining(['content.credential_lure', 'content.urgency', 'content.generic_greeting', 'content.fake_reply', 'content.single_link_body']),
    );
    expect(several.score).toBeGreaterThan(70);
  });

  it('caps supporting cues without a lure below the suspicious threshold', () => {
    const output = combineFindings(
      new Map([
        ['content.urgency', { score: 30, evidence: [] }],
        ['content.obfuscated_text', { score: 35, evidence: [] }],
        ['content.fake_reply', { score: 15, evidence: [] }],
        ['content.prize_lure', { score: 8, evidence: [], weakOnly: true }],
      ]),
    );
    expect(output.score).toBe(40);
    expect(output.findings.map((item) => item.id)).not.toContain('content.prize_lure');
    const withLure = combineFindings(
      new Map([
        ['content.urgency', { score: 30, evidence: [] }],
        ['content.prize_lure', { score: 30, evidence: [] }],
      ]),
    );
    expect(withLure.score).toBe(51);
  });

  it('orders findings strongest first with severities from the score', () => {
    const output = scan(mail({ text: `Next of kin. Business proposal. ${'This is urgent.'}` }));
    expect(output.findings.map((item) => [item.id, item.severity])).toEqual([
      ['content.advance_fee', 'high'],
      ['content.urgency', 'low'],
    ]);
  });
});

describe('content engine: everyday mail stays below suspicious', () => {
  const tracker = (path: string): string => `https://click.e.mailer.example.com/${path}`;
  it.each([
    [
      'a loyalty newsletter through an ESP',
      mail({
        from: 'news@airline.example',
        auth: passingAuth('airline.example'),
        subject: 'Your points are about to expire - redeem them today',
        html: `<p>Dear member, 2,400 of your points expire on 31 May. Redeem your points for flights or exclusive offers. Limited time: double points on hotels!</p>
               ${button('https://u1.ct.sendgrid.net/ls/click?upn=a', 'Redeem now')} <p>Unsubscribe | Privacy</p>`,
      }),
    ],
    [
      'a shipping notice',
      mail({
        from: 'ship@parcel.example',
        subject: 'Your package is out for delivery',
        html: `<p>Hi Bob, your package is out for delivery today. Tracking number 1Z999AA10123456784.</p>${button(tracker('track'), 'Track your package')}`,
      }),
    ],
    [
      'a receipt with a support number',
      mail({
        from: 'orders@shop.example',
        subject: 'Thank you for your order #A1234',
        text: 'Thank you for your purchase. Order number A1234, total $54.20, paid with card ending 4242. Questions about your order? Call 1-800-555-0123.',
      }),
    ],
    [
      'a statement notice from a bank',
      mail({
        from: 'alerts@bank.example',
        auth: passingAuth('bank.example'),
        subject: 'Your statement is ready',
        html: `<p>Your March statement is now available. Sign in to online banking to view it.</p>${button('https://bank.example/login', 'Sign in')}`,
      }),
    ],
    [
      'an IT password-expiry reminder from the organisation',
      mail({
        from: 'it@example.org',
        auth: passingAuth('example.org'),
        subject: 'Password expiry reminder',
        text: 'Your network password expires in 5 days. Change it at https://sso.example.org/password before Friday.',
      }),
    ],
    [
      'a calendar invitation naming the recipient',
      mail({ subject: 'Invitation: Planning @ Wed 10am (bob@example.org)', text: 'Join the planning meeting. Reply yes, no or maybe.' }),
    ],
    [
      'a colleague asking for a quick favour',
      mail({ subject: 'Quick favour', text: 'Hi Bob, could you review my slides before the 3pm meeting? Kindly send comments by noon. Thanks, Alice' }),
    ],
  ])('%s', (_case, subject) => {
    expect(scan(subject).score).toBeLessThan(40);
  });
});

describe('content engine: bounds and failures', () => {
  it('stays fast and bounded on a huge, hostile body', () => {
    const html = `${'<div><span style="display:none">x '.repeat(20_000)}${'<b>'.repeat(50_000)}${'verify your account '.repeat(20_000)}`;
    const text = `${'a\u200Bb '.repeat(100_000)}${'ab'.repeat(200_000)}`;
    const subject = mail({ html, text });
    const engine = createContentEngine();
    const started = Date.now();
    const output = engine.scan(subject, context()) as EngineOutput;
    // Well inside the engine's default timeout even on a loaded test machine (typically < 200 ms).
    expect(Date.now() - started).toBeLessThan(2000);
    expect(output.score).toBeGreaterThanOrEqual(0);
  });

  it('stops when the orchestrator aborts', () => {
    const controller = new AbortController();
    controller.abort(new Error('timeout'));
    expect(() => createContentEngine().scan(mail({ text: 'hi' }), context(controller.signal))).toThrow('timeout');
  });
});

describe('content engine: documentation', () => {
  it('documents every finding it can raise', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/engines/content.md'), 'utf8');
    for (const id of Object.keys(CONTENT_FINDING_TITLES)) expect(doc).toContain(`\`${id}\``);
  });
});
