import type { gmail_v1 } from '@googleapis/gmail';
import { ALICE, BOB, apiFailure, makeRaw, startStandin, type Running } from './support';

describe('gmail stand-in: users.history.list', () => {
  let running: Running;

  afterEach(async () => {
    await running.standin.stop();
  });

  async function allHistory(startHistoryId: string, extra: Partial<gmail_v1.Params$Resource$Users$History$List> = {}) {
    const records: gmail_v1.Schema$History[] = [];
    let pageToken: string | undefined;
    let historyId = '';
    let pages = 0;
    do {
      const { data } = await running.client.users.history.list({ userId: ALICE, startHistoryId, ...extra, ...(pageToken ? { pageToken } : {}) });
      records.push(...(data.history ?? []));
      historyId = data.historyId as string;
      pageToken = data.nextPageToken ?? undefined;
      pages += 1;
    } while (pageToken);
    return { records, historyId, pages };
  }

  it('records every change after startHistoryId, in order, and reports the current history id', async () => {
    running = await startStandin();
    const start = running.standin.mailbox(ALICE).historyId;
    const first = running.standin.deliver(ALICE, makeRaw());
    const second = running.standin.deliver(ALICE, makeRaw());
    await running.client.users.messages.modify({ userId: ALICE, id: first.id, requestBody: { removeLabelIds: ['UNREAD'] } });
    await running.client.users.messages.trash({ userId: ALICE, id: second.id });

    const { records, historyId } = await allHistory(start);
    expect(historyId).toBe(running.standin.mailbox(ALICE).historyId);
    expect(records).toHaveLength(4);
    expect(records[0]).toMatchObject({ id: first.historyId, messagesAdded: [{ message: { id: first.id, threadId: first.threadId, labelIds: ['INBOX', 'UNREAD'] } }] });
    expect(records[1]?.messagesAdded?.[0]?.message?.id).toBe(second.id);
    expect(records[2]).toMatchObject({ labelsRemoved: [{ message: { id: first.id, labelIds: ['INBOX'] }, labelIds: ['UNREAD'] }] });
    expect(records[3]).toMatchObject({
      labelsAdded: [{ message: { id: second.id }, labelIds: ['TRASH'] }],
      labelsRemoved: [{ message: { id: second.id }, labelIds: ['INBOX'] }],
    });
    const fromSecond = await allHistory(second.historyId);
    expect(fromSecond.records.map((record) => record.id)).toEqual([records[2]?.id, records[3]?.id]);
  });

  it('grows history ids monotonically with gaps, per mailbox', async () => {
    running = await startStandin({ seed: 7 });
    const ids = [Number(running.standin.mailbox(ALICE).historyId)];
    for (let index = 0; index < 40; index++) ids.push(Number(running.standin.deliver(ALICE, makeRaw()).historyId));
    const steps = ids.slice(1).map((id, index) => id - (ids[index] as number));
    expect(steps.every((step) => step >= 1 && step <= 5)).toBe(true);
    expect(steps.some((step) => step > 1)).toBe(true);
    expect(running.standin.mailbox(BOB).historyId).not.toBe(running.standin.mailbox(ALICE).historyId);
  });

  it('leaves out mutations that change nothing', async () => {
    running = await startStandin();
    const delivered = running.standin.deliver(ALICE, makeRaw());
    await running.client.users.messages.modify({ userId: ALICE, id: delivered.id, requestBody: { addLabelIds: ['INBOX'] } });
    expect(running.standin.mailbox(ALICE).historyId).toBe(delivered.historyId);
  });

  it('pages with maxResults and nextPageToken', async () => {
    running = await startStandin();
    const start = running.standin.mailbox(ALICE).historyId;
    const delivered = Array.from({ length: 11 }, () => running.standin.deliver(ALICE, makeRaw()));
    const { records, pages } = await allHistory(start, { maxResults: 4 });
    expect(pages).toBe(3);
    expect(records.map((record) => record.messagesAdded?.[0]?.message?.id)).toEqual(delivered.map((message) => message.id));
  });

  it('filters by historyTypes and by labelId', async () => {
    running = await startStandin();
    const start = running.standin.mailbox(ALICE).historyId;
    const inbox = running.standin.deliver(ALICE, makeRaw());
    const sent = running.standin.deliver(ALICE, makeRaw(), { labelIds: ['SENT'] });
    await running.client.users.messages.modify({ userId: ALICE, id: inbox.id, requestBody: { addLabelIds: ['STARRED'], removeLabelIds: ['UNREAD'] } });

    const added = await allHistory(start, { historyTypes: ['messageAdded'] });
    expect(added.records.map((record) => record.messagesAdded?.[0]?.message?.id)).toEqual([inbox.id, sent.id]);

    const labelAdded = await allHistory(start, { historyTypes: ['labelAdded'] });
    expect(labelAdded.records).toHaveLength(1);
    expect(labelAdded.records[0]?.labelsAdded?.[0]?.labelIds).toEqual(['STARRED']);
    expect(labelAdded.records[0]?.labelsRemoved).toBeUndefined();

    const both = await allHistory(start, { historyTypes: ['labelAdded', 'labelRemoved'] });
    expect(both.records[0]?.labelsRemoved?.[0]?.labelIds).toEqual(['UNREAD']);

    const sentOnly = await allHistory(start, { labelId: 'SENT' });
    expect(sentOnly.records.map((record) => record.messagesAdded?.[0]?.message?.id)).toEqual([sent.id]);

    const invalid = await apiFailure(running.client.users.history.list({ userId: ALICE, startHistoryId: start, historyTypes: ['messageRead'] }));
    expect(invalid.status).toBe(400);
  });

  it('reports messageDeleted when the user deletes a message for good', async () => {
    running = await startStandin();
    const delivered = running.standin.deliver(ALICE, makeRaw());
    running.standin.expunge(ALICE, delivered.id);
    const { records } = await allHistory(delivered.historyId, { historyTypes: ['messageDeleted'] });
    expect(records[0]?.messagesDeleted?.[0]?.message?.id).toBe(delivered.id);
    const gone = await apiFailure(running.client.users.messages.get({ userId: ALICE, id: delivered.id }));
    expect(gone.status).toBe(404);
  });

  it('needs startHistoryId (400) and returns empty history for one newer than the mailbox', async () => {
    running = await startStandin();
    running.standin.deliver(ALICE, makeRaw());
    const missing = await apiFailure(running.client.users.history.list({ userId: ALICE }));
    expect(missing.status).toBe(400);
    const current = running.standin.mailbox(ALICE).historyId;
    const { data } = await running.client.users.history.list({ userId: ALICE, startHistoryId: String(Number(current) + 1000) });
    expect(data.history).toBeUndefined();
    expect(data.historyId).toBe(current);
  });

  it('answers 404 NOT_FOUND once startHistoryId falls out of the retained window', async () => {
    running = await startStandin({ retainedHistoryRecords: 5 });
    const start = running.standin.mailbox(ALICE).historyId;
    const delivered = Array.from({ length: 8 }, () => running.standin.deliver(ALICE, makeRaw()));
    const stale = await apiFailure(running.client.users.history.list({ userId: ALICE, startHistoryId: start }));
    expect(stale.status).toBe(404);
    expect(stale.body).toEqual({
      error: { code: 404, message: 'Requested entity was not found.', errors: [{ message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' }], status: 'NOT_FOUND' },
    });
    // The last three records were dropped; starting from the third delivery still has everything after it.
    const fresh = await allHistory((delivered[2] as { historyId: string }).historyId);
    expect(fresh.records).toHaveLength(5);
    const justTooOld = await apiFailure(running.client.users.history.list({ userId: ALICE, startHistoryId: (delivered[1] as { historyId: string }).historyId }));
    expect(justTooOld.status).toBe(404);
  });

  it('answers 404 to the next history.list only, when stale history is forced for a mailbox', async () => {
    running = await startStandin();
    const start = running.standin.mailbox(ALICE).historyId;
    running.standin.deliver(ALICE, makeRaw());
    running.standin.staleHistory(ALICE);
    const bobStart = running.standin.mailbox(BOB).historyId;
    await expect(running.client.users.history.list({ userId: BOB, startHistoryId: bobStart })).resolves.toBeDefined();
    expect((await apiFailure(running.client.users.history.list({ userId: ALICE, startHistoryId: start }))).status).toBe(404);
    const after = await running.client.users.history.list({ userId: ALICE, startHistoryId: start });
    expect(after.data.history).toHaveLength(1);
  });
});
