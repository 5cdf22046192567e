import { createEngines } from '../../functions/src/engines/registry';
import { ALICE, Harness, mail } from './harness';

/** The whole in-memory pipeline with the engines Strata ships. */
describe('pipeline with the shipped engines', () => {
  it('scans a clean message and a phishing message end to end', async () => {
    const harness = new Harness({ config: { engines: ['auth', 'links'], policy: undefined } });
    harness.engines = createEngines(['auth', 'links'], {});
    await harness.enroll(ALICE);
    const clean = harness.gmail.deliver(
      ALICE,
      mail({
        from: 'Carol <carol@partner.test>',
        subject: 'Agenda for Thursday',
        body: 'Hi Alice, the agenda is attached to the invite. See you Thursday.',
        headers: [['Authentication-Results', 'mx.google.com; dkim=pass header.d=partner.test; spf=pass smtp.mailfrom=carol@partner.test; dmarc=pass header.from=partner.test']],
      }),
    );
    const phish = harness.gmail.deliver(
      ALICE,
      mail({
        from: 'PayPal Security <security@paypa1-support.test>',
        subject: 'Your account is suspended',
        messageId: 'phish@x',
        body: 'Verify now: http://192.0.2.7/paypal/login or https://bit.ly/3abcd',
        headers: [
          ['Reply-To', 'helpdesk.paypal@gmail.com'],
          ['Authentication-Results', 'mx.google.com; spf=fail smtp.mailfrom=paypa1-support.test; dmarc=fail header.from=paypa1-support.test'],
        ],
      }),
    );

    await harness.notify(ALICE);
    await harness.drain();

    const scans = harness.repository.allScans();
    const byId = new Map(scans.map((scan) => [scan.gmailMessageId, scan]));
    expect(byId.get(clean)).toMatchObject({ decided: true, verdict: 'clean', engines: { auth: { status: 'ok' }, links: { status: 'ok' } } });
    expect(byId.get(phish)).toMatchObject({ decided: true, engines: { auth: { status: 'ok' }, links: { status: 'ok' } } });
    expect(byId.get(phish)?.verdict).not.toBe('clean');
    expect(harness.gmail.labelNamesOf(ALICE, phish).some((name) => name.startsWith('Strata/'))).toBe(true);
    expect(harness.gmail.labelNamesOf(ALICE, clean)).toEqual(['INBOX', 'UNREAD']);
  });
});
