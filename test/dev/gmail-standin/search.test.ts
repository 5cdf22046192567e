import { ALICE, apiFailure, makeRaw, startStandin, type Running } from './support';

const DAY = 24 * 60 * 60 * 1000;

describe('gmail stand-in: users.messages.list', () => {
  let running: Running;
  let now: number;

  beforeEach(async () => {
    now = Date.UTC(2025, 5, 15, 12, 0, 0);
    running = await startStandin({ now: () => now });
  });

  afterEach(async () => {
    await running.standin.stop();
  });

  async function ids(q: string, extra: { includeSpamTrash?: boolean; labelIds?: string[] } = {}): Promise<string[]> {
    const { data } = await running.client.users.messages.list({ userId: ALICE, q, ...extra });
    return (data.messages ?? []).map((message) => message.id as string);
  }

  it('lists newest first and hides spam and trash unless asked', async () => {
    const older = running.standin.deliver(ALICE, makeRaw(), { internalDate: now - 3 * DAY });
    const newer = running.standin.deliver(ALICE, makeRaw(), { internalDate: now - DAY });
    const spam = running.standin.deliver(ALICE, makeRaw(), { labelIds: ['SPAM'], internalDate: now - 2 * DAY });
    const trashed = running.standin.deliver(ALICE, makeRaw(), { internalDate: now - 2 * DAY });
    await running.client.users.messages.trash({ userId: ALICE, id: trashed.id });

    expect(await ids('')).toEqual([newer.id, older.id]);
    const all = await ids('', { includeSpamTrash: true });
    expect(all[0]).toBe(newer.id);
    expect(all[3]).toBe(older.id);
    expect(all.slice(1, 3).sort()).toEqual([spam.id, trashed.id].sort());
    expect(await ids('in:trash')).toEqual([trashed.id]);
    expect(await ids('in:spam')).toEqual([spam.id]);
    expect((await ids('in:anywhere')).sort()).toEqual([newer.id, older.id, spam.id, trashed.id].sort());
    expect((await ids('in:anywhere -in:trash -in:spam')).sort()).toEqual([newer.id, older.id].sort());
    expect(await ids('', { labelIds: ['TRASH'] })).toEqual([trashed.id]);
  });

  it('filters by labelIds and by label:NAME (case-insensitive, "/" written as "-")', async () => {
    const label = await running.client.users.labels.create({ userId: ALICE, requestBody: { name: 'Strata/Quarantine' } });
    const tagged = running.standin.deliver(ALICE, makeRaw(), { labelIds: ['INBOX', label.data.id as string] });
    const plain = running.standin.deliver(ALICE, makeRaw());
    expect(await ids('label:strata-quarantine')).toEqual([tagged.id]);
    expect(await ids('-label:Strata-Quarantine')).toEqual([plain.id]);
    expect(await ids('label:no-such-label')).toEqual([]);
    expect(await ids('', { labelIds: [label.data.id as string] })).toEqual([tagged.id]);
    const unknown = await apiFailure(running.client.users.messages.list({ userId: ALICE, labelIds: ['Label_404'] }));
    expect(unknown.status).toBe(400);
  });

  it('reads after:/before: as dates at midnight PST or as epoch seconds, and newer_than:Nd', async () => {
    // 2025-06-10 07:59 UTC is still 2025-06-09 in PST; 08:01 UTC is 2025-06-10 PST.
    const beforeMidnightPst = running.standin.deliver(ALICE, makeRaw(), { internalDate: Date.UTC(2025, 5, 10, 7, 59) });
    const afterMidnightPst = running.standin.deliver(ALICE, makeRaw(), { internalDate: Date.UTC(2025, 5, 10, 8, 1) });
    const recent = running.standin.deliver(ALICE, makeRaw(), { internalDate: now - 3_600_000 });
    expect((await ids('after:2025/06/10')).sort()).toEqual([afterMidnightPst.id, recent.id].sort());
    expect(await ids('before:2025/06/10')).toEqual([beforeMidnightPst.id]);
    const seconds = Math.floor(Date.UTC(2025, 5, 10, 8, 0) / 1000);
    expect(await ids(`after:${seconds} before:2025/06/11`)).toEqual([afterMidnightPst.id]);
    expect(await ids('newer_than:1d')).toEqual([recent.id]);
    expect((await ids('older_than:2d')).sort()).toEqual([beforeMidnightPst.id, afterMidnightPst.id].sort());
  });

  it('matches from:, subject: and rfc822msgid:', async () => {
    const fromBank = running.standin.deliver(ALICE, makeRaw({ from: 'Big Bank <alerts@bigbank.test>', subject: 'Your statement', messageId: 'abc.123@bigbank.test' }));
    running.standin.deliver(ALICE, makeRaw({ from: 'friend@pals.test', subject: 'Lunch?' }));
    expect(await ids('from:bigbank.test')).toEqual([fromBank.id]);
    expect(await ids('from:"Big Bank"')).toEqual([fromBank.id]);
    expect(await ids('subject:statement')).toEqual([fromBank.id]);
    expect(await ids('rfc822msgid:abc.123@bigbank.test')).toEqual([fromBank.id]);
    expect(await ids('rfc822msgid:<abc.123@bigbank.test>')).toEqual([fromBank.id]);
    expect(await ids('rfc822msgid:other@bigbank.test')).toEqual([]);
    expect(await ids('is:unread from:pals.test')).toHaveLength(1);
  });

  it('answers 400 for search syntax it does not implement instead of guessing', async () => {
    for (const q of ['invoice', 'from:a OR from:b', 'has:attachment', '(in:inbox)']) {
      const failure = await apiFailure(running.client.users.messages.list({ userId: ALICE, q }));
      expect(failure.status).toBe(400);
    }
  });

  it('pages with maxResults and pageToken, stable while new mail arrives, with resultSizeEstimate', async () => {
    const delivered = Array.from({ length: 7 }, (_, index) => running.standin.deliver(ALICE, makeRaw(), { internalDate: now - (10 - index) * 60_000 }));
    const expected = delivered.map((message) => message.id).reverse();
    const first = await running.client.users.messages.list({ userId: ALICE, maxResults: 3 });
    expect(first.data.resultSizeEstimate).toBe(7);
    expect(first.data.messages?.map((message) => message.id)).toEqual(expected.slice(0, 3));
    running.standin.deliver(ALICE, makeRaw(), { internalDate: now });
    const collected = [...(first.data.messages ?? [])];
    let pageToken = first.data.nextPageToken;
    while (pageToken) {
      const page = await running.client.users.messages.list({ userId: ALICE, maxResults: 3, pageToken });
      collected.push(...(page.data.messages ?? []));
      pageToken = page.data.nextPageToken;
    }
    expect(collected.map((message) => message.id)).toEqual(expected);
  });

  it('defaults maxResults to 100 and caps it at 500', async () => {
    for (let index = 0; index < 501; index++) running.standin.deliver(ALICE, makeRaw({ body: 'x' }), { internalDate: now - index });
    const defaults = await running.client.users.messages.list({ userId: ALICE });
    expect(defaults.data.messages).toHaveLength(100);
    const capped = await running.client.users.messages.list({ userId: ALICE, maxResults: 1000 });
    expect(capped.data.messages).toHaveLength(500);
    expect(capped.data.nextPageToken).toBeDefined();
  });
});
