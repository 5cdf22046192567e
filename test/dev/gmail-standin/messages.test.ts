import { simpleParser } from 'mailparser';
import { ALICE, BOB, apiFailure, makeRaw, startStandin, type Running } from './support';

describe('gmail stand-in: messages, labels, profile', () => {
  let running: Running;

  beforeEach(async () => {
    running = await startStandin();
  });

  afterEach(async () => {
    await running.standin.stop();
  });

  it('answers users.getProfile with the mailbox totals and history id', async () => {
    running.standin.deliver(ALICE, makeRaw());
    running.standin.deliver(ALICE, makeRaw());
    const { data } = await running.client.users.getProfile({ userId: ALICE });
    expect(data.emailAddress).toBe(ALICE);
    expect(data.messagesTotal).toBe(2);
    expect(data.threadsTotal).toBe(2);
    expect(data.historyId).toBe(running.standin.mailbox(ALICE).historyId);
  });

  it('returns the delivered bytes with format=raw, base64url encoded, with Gmail metadata', async () => {
    const raw = makeRaw({ subject: 'Quarterly report', body: 'Numbers & <figures> inside.' });
    const delivered = running.standin.deliver(ALICE, raw, { internalDate: 1_717_000_000_000 });
    const { data } = await running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'raw' });
    expect(Buffer.from(data.raw as string, 'base64url').equals(raw)).toBe(true);
    expect(data.raw).not.toMatch(/[+/=]/);
    expect(data).toMatchObject({
      id: delivered.id,
      threadId: delivered.threadId,
      labelIds: ['INBOX', 'UNREAD'],
      historyId: delivered.historyId,
      internalDate: '1717000000000',
      sizeEstimate: raw.length,
      snippet: 'Numbers &amp; &lt;figures&gt; inside.',
    });
    const parsed = await simpleParser(Buffer.from(data.raw as string, 'base64url'));
    expect(parsed.subject).toBe('Quarterly report');
  });

  it('serves format=minimal without raw or payload and format=metadata with the chosen headers', async () => {
    const delivered = running.standin.deliver(ALICE, makeRaw({ subject: '=?utf-8?B?w5xiZXJ3ZWlzdW5n?=', from: 'Bank <no-reply@bank.test>' }));
    const minimal = await running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'minimal' });
    expect(minimal.data.raw).toBeUndefined();
    expect(minimal.data.payload).toBeUndefined();
    expect(minimal.data.labelIds).toEqual(['INBOX', 'UNREAD']);

    const metadata = await running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'metadata', metadataHeaders: ['Subject', 'from'] });
    expect(metadata.data.payload?.headers).toEqual([
      { name: 'From', value: 'Bank <no-reply@bank.test>' },
      { name: 'Subject', value: 'Überweisung' },
    ]);
  });

  it('answers 404 for an unknown message id and for another mailbox’s message', async () => {
    const delivered = running.standin.deliver(ALICE, makeRaw());
    const unknown = await apiFailure(running.client.users.messages.get({ userId: ALICE, id: 'ffffffffffffffff', format: 'raw' }));
    expect(unknown).toMatchObject({ status: 404, reason: 'notFound', message: 'Requested entity was not found.' });
    const elsewhere = await apiFailure(running.client.users.messages.get({ userId: BOB, id: delivered.id, format: 'raw' }));
    expect(elsewhere.status).toBe(404);
  });

  it('delivers SENT mail with the SENT label only, outside the inbox', async () => {
    const sent = running.standin.deliver(ALICE, makeRaw({ from: ALICE, to: 'someone@outside.test' }), { labelIds: ['SENT'] });
    expect(running.standin.message(ALICE, sent.id).labelIds).toEqual(['SENT']);
    const inbox = await running.client.users.messages.list({ userId: ALICE, q: 'in:inbox' });
    expect(inbox.data.messages).toBeUndefined();
    expect(inbox.data.resultSizeEstimate).toBe(0);
    const outbox = await running.client.users.messages.list({ userId: ALICE, q: 'in:sent' });
    expect(outbox.data.messages).toEqual([{ id: sent.id, threadId: sent.threadId }]);
  });

  it('threads a reply with the message it references when the subjects agree', async () => {
    const first = running.standin.deliver(ALICE, makeRaw({ subject: 'Invoice 42', messageId: 'root@outside.test' }));
    const reply = running.standin.deliver(ALICE, makeRaw({ subject: 'RE: Invoice 42', messageId: 'reply@outside.test', inReplyTo: 'root@outside.test' }));
    const unrelated = running.standin.deliver(ALICE, makeRaw({ subject: 'Something else', inReplyTo: 'root@outside.test' }));
    expect(reply.threadId).toBe(first.id);
    expect(unrelated.threadId).toBe(unrelated.id);
  });

  describe('labels', () => {
    it('lists the system labels and creates user labels with Label_N ids', async () => {
      const { data } = await running.client.users.labels.list({ userId: ALICE });
      const ids = (data.labels ?? []).map((label) => label.id);
      expect(ids).toEqual(expect.arrayContaining(['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH', 'UNREAD', 'STARRED', 'IMPORTANT', 'CATEGORY_PERSONAL', 'CATEGORY_SOCIAL', 'CATEGORY_PROMOTIONS', 'CATEGORY_UPDATES', 'CATEGORY_FORUMS']));
      expect((data.labels ?? []).every((label) => label.type === 'system')).toBe(true);

      const created = await running.client.users.labels.create({ userId: ALICE, requestBody: { name: 'Strata/Quarantine' } });
      expect(created.data).toMatchObject({ id: 'Label_1', name: 'Strata/Quarantine', type: 'user' });
      const second = await running.client.users.labels.create({ userId: ALICE, requestBody: { name: 'Strata/Reviewed' } });
      expect(second.data.id).toBe('Label_2');
      const fetched = await running.client.users.labels.get({ userId: ALICE, id: 'Label_1' });
      expect(fetched.data.name).toBe('Strata/Quarantine');
      const relisted = await running.client.users.labels.list({ userId: ALICE });
      expect((relisted.data.labels ?? []).filter((label) => label.type === 'user').map((label) => label.id)).toEqual(['Label_1', 'Label_2']);
    });

    it('answers 409 for a duplicate label name (case-insensitive) and keeps labels per mailbox', async () => {
      await running.client.users.labels.create({ userId: ALICE, requestBody: { name: 'Quarantine' } });
      const duplicate = await apiFailure(running.client.users.labels.create({ userId: ALICE, requestBody: { name: 'quarantine' } }));
      expect(duplicate.status).toBe(409);
      const other = await running.client.users.labels.create({ userId: BOB, requestBody: { name: 'Quarantine' } });
      expect(other.data.id).toBe('Label_1');
      const reserved = await apiFailure(running.client.users.labels.create({ userId: ALICE, requestBody: { name: 'Inbox' } }));
      expect(reserved.status).toBe(400);
    });
  });

  describe('modify, trash, untrash, batchModify', () => {
    it('adds and removes labels with modify and returns the new label set', async () => {
      const label = await running.client.users.labels.create({ userId: ALICE, requestBody: { name: 'Suspicious' } });
      const delivered = running.standin.deliver(ALICE, makeRaw());
      const { data } = await running.client.users.messages.modify({
        userId: ALICE,
        id: delivered.id,
        requestBody: { addLabelIds: [label.data.id as string], removeLabelIds: ['INBOX'] },
      });
      expect(data.labelIds).toEqual(['UNREAD', label.data.id]);
      expect(running.standin.message(ALICE, delivered.id).labelIds).toEqual(['UNREAD', label.data.id]);
    });

    it('rejects unknown label ids with 400 and changes nothing', async () => {
      const delivered = running.standin.deliver(ALICE, makeRaw());
      const before = running.standin.mailbox(ALICE).historyId;
      const failure = await apiFailure(running.client.users.messages.modify({ userId: ALICE, id: delivered.id, requestBody: { addLabelIds: ['Label_99'] } }));
      expect(failure.status).toBe(400);
      expect(failure.message).toContain('Label_99');
      const batch = await apiFailure(running.client.users.messages.batchModify({ userId: ALICE, requestBody: { ids: [delivered.id], removeLabelIds: ['NOPE'] } }));
      expect(batch.status).toBe(400);
      expect(running.standin.message(ALICE, delivered.id).labelIds).toEqual(['INBOX', 'UNREAD']);
      expect(running.standin.mailbox(ALICE).historyId).toBe(before);
    });

    it('refuses to add or remove SENT and DRAFT through modify', async () => {
      const delivered = running.standin.deliver(ALICE, makeRaw());
      const failure = await apiFailure(running.client.users.messages.modify({ userId: ALICE, id: delivered.id, requestBody: { addLabelIds: ['SENT'] } }));
      expect(failure.status).toBe(400);
    });

    it('trash adds TRASH and drops INBOX; untrash removes TRASH without restoring INBOX', async () => {
      const delivered = running.standin.deliver(ALICE, makeRaw());
      const trashed = await running.client.users.messages.trash({ userId: ALICE, id: delivered.id });
      expect(trashed.data.labelIds).toEqual(['UNREAD', 'TRASH']);
      expect(running.standin.message(ALICE, delivered.id).trashed).toBe(true);
      const untrashed = await running.client.users.messages.untrash({ userId: ALICE, id: delivered.id });
      expect(untrashed.data.labelIds).toEqual(['UNREAD']);
      expect(running.standin.message(ALICE, delivered.id).trashed).toBe(false);
    });

    it('trash of a spam message removes SPAM', async () => {
      const delivered = running.standin.deliver(ALICE, makeRaw(), { labelIds: ['SPAM', 'UNREAD'] });
      const trashed = await running.client.users.messages.trash({ userId: ALICE, id: delivered.id });
      expect(trashed.data.labelIds).toEqual(['UNREAD', 'TRASH']);
    });

    it('batchModify changes every listed message, 404s on an unknown id without changing any, and caps ids at 1000', async () => {
      const ids = [running.standin.deliver(ALICE, makeRaw()).id, running.standin.deliver(ALICE, makeRaw()).id];
      const response = await running.client.users.messages.batchModify({ userId: ALICE, requestBody: { ids, removeLabelIds: ['UNREAD'], addLabelIds: ['STARRED'] } });
      expect(response.status).toBe(204);
      for (const id of ids) expect(running.standin.message(ALICE, id).labelIds).toEqual(['INBOX', 'STARRED']);

      const unknown = await apiFailure(running.client.users.messages.batchModify({ userId: ALICE, requestBody: { ids: [...ids, 'ffffffffffffffff'], addLabelIds: ['IMPORTANT'] } }));
      expect(unknown.status).toBe(404);
      for (const id of ids) expect(running.standin.message(ALICE, id).labelIds).not.toContain('IMPORTANT');

      const tooMany = await apiFailure(
        running.client.users.messages.batchModify({ userId: ALICE, requestBody: { ids: Array.from({ length: 1001 }, () => ids[0] as string), addLabelIds: ['IMPORTANT'] } }),
      );
      expect(tooMany.status).toBe(400);
    });

    it('serves no permanent deletion', async () => {
      const delivered = running.standin.deliver(ALICE, makeRaw());
      const single = await apiFailure(running.client.users.messages.delete({ userId: ALICE, id: delivered.id }));
      expect(single.status).toBe(405);
      const batch = await apiFailure(running.client.users.messages.batchDelete({ userId: ALICE, requestBody: { ids: [delivered.id] } }));
      expect(batch.status).toBe(405);
      expect(running.standin.message(ALICE, delivered.id).id).toBe(delivered.id);
      expect(running.standin.stats().calls['users.messages.delete']).toBe(1);
    });
  });

  describe('attachments', () => {
    it('returns each attachment’s exact bytes under the id format=full shows', async () => {
      const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(300) + '\n%%EOF\n', 'latin1');
      const binary = Buffer.from(Array.from({ length: 513 }, (_, index) => (index * 37) % 256));
      const delivered = running.standin.deliver(
        ALICE,
        makeRaw({
          attachments: [
            { filename: 'invoice.pdf', contentType: 'application/pdf', content: pdf },
            { filename: 'blob.bin', contentType: 'application/octet-stream', content: binary },
          ],
        }),
      );
      const full = await running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'full' });
      const parts = full.data.payload?.parts ?? [];
      expect(parts.map((part) => part.filename)).toEqual(['invoice.pdf', 'blob.bin']);
      const [pdfPart, binaryPart] = parts;
      const pdfAnswer = await running.client.users.messages.attachments.get({ userId: ALICE, messageId: delivered.id, id: pdfPart?.body?.attachmentId as string });
      expect(Buffer.from(pdfAnswer.data.data as string, 'base64url').equals(pdf)).toBe(true);
      expect(pdfAnswer.data.size).toBe(pdf.length);
      const binaryAnswer = await running.client.users.messages.attachments.get({ userId: ALICE, messageId: delivered.id, id: binaryPart?.body?.attachmentId as string });
      expect(Buffer.from(binaryAnswer.data.data as string, 'base64url').equals(binary)).toBe(true);

      const again = await running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'full' });
      expect(again.data.payload?.parts?.[0]?.body?.attachmentId).toBe(pdfPart?.body?.attachmentId);
      const unknown = await apiFailure(running.client.users.messages.attachments.get({ userId: ALICE, messageId: delivered.id, id: 'ANGjdJnope' }));
      expect(unknown.status).toBe(404);
    });
  });
});
