import { buildScanSubject } from '../../functions/src/core/parse';
import { contentKeyOf } from '../../functions/src/pipeline/content-key';
import { ALICE, BOB, mail, traceHeaders, type MailSpec } from './harness';

const campaign: MailSpec = {
  to: 'staff@example.org',
  subject: 'Your mailbox is full',
  body: 'Click https://login.attacker.test/reset to keep your mail.',
  messageId: 'blast-9@attacker.test',
  attachment: { filename: 'note.txt', contentType: 'text/plain', content: Buffer.from('hello') },
};

async function keyOf(spec: MailSpec): Promise<string> {
  return contentKeyOf(await buildScanSubject(Buffer.from(mail(spec))));
}

describe('contentKeyOf', () => {
  it('is the same for copies of one message delivered to different mailboxes', async () => {
    const forAlice = await buildScanSubject(Buffer.from(mail({ ...campaign, headers: traceHeaders(ALICE, '11') })));
    const forBob = await buildScanSubject(Buffer.from(mail({ ...campaign, headers: [...traceHeaders(BOB, '2222'), ['ARC-Message-Signature', 'i=1; b=zzz']] })));

    expect(forAlice.ids.rawSha256).not.toBe(forBob.ids.rawSha256);
    expect(forAlice.rawSize).not.toBe(forBob.rawSize);
    expect(contentKeyOf(forAlice)).toBe(contentKeyOf(forBob));
  });

  it('differs when anything engines judge differs', async () => {
    const base = await keyOf(campaign);
    expect(await keyOf({ ...campaign, body: 'Click https://login.attacker2.test/reset to keep your mail.' })).not.toBe(base);
    expect(await keyOf({ ...campaign, subject: 'Your mailbox is nearly full' })).not.toBe(base);
    expect(await keyOf({ ...campaign, from: 'IT <it@attacker.test>' })).not.toBe(base);
    expect(await keyOf({ ...campaign, attachment: { filename: 'note.txt', contentType: 'text/plain', content: Buffer.from('hellO') } })).not.toBe(base);
    expect(await keyOf({ ...campaign, headers: [['Reply-To', 'help@attacker.test']] })).not.toBe(base);
    expect(
      await keyOf({ ...campaign, headers: [['Authentication-Results', 'mx.google.com; dmarc=fail header.from=attacker.test']] }),
    ).not.toBe(base);
  });

  it('keeps To and Cc in, because the auth engine judges recipients', async () => {
    const base = await keyOf(campaign);
    expect(await keyOf({ ...campaign, to: ALICE })).not.toBe(base);
    expect(await keyOf({ ...campaign, cc: BOB })).not.toBe(base);
  });

  it('does not depend on the order the subject was built in', async () => {
    const subject = await buildScanSubject(Buffer.from(mail(campaign)));
    const reordered = Object.fromEntries(Object.entries(subject).reverse()) as typeof subject;
    expect(contentKeyOf(reordered)).toBe(contentKeyOf(subject));
  });
});
