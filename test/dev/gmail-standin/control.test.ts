import { startFromArgs } from '../../../functions/src/dev/gmail-standin/main';
import { ALICE, gmailClient, makeRaw, startStandin, type Running } from './support';

describe('gmail stand-in: control API', () => {
  let running: Running;

  beforeEach(async () => {
    running = await startStandin({ notificationWindowMs: 0 });
  });

  afterEach(async () => {
    await running.standin.stop();
  });

  async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${running.url}_standin/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.status, json: await response.json() };
  }

  it('delivers a base64 message that the Gmail API then serves byte for byte', async () => {
    const raw = makeRaw({ subject: 'From another process' });
    const delivered = await control('POST', 'deliver', { mailbox: ALICE, raw: raw.toString('base64'), labelIds: ['INBOX'] });
    expect(delivered.status).toBe(200);
    const { id } = delivered.json as { id: string };
    const fetched = await running.client.users.messages.get({ userId: ALICE, id, format: 'raw' });
    expect(Buffer.from(fetched.data.raw as string, 'base64url').equals(raw)).toBe(true);
    expect(fetched.data.labelIds).toEqual(['INBOX']);
  });

  it('shows message state, applies user label changes and permanent deletions', async () => {
    const delivered = running.standin.deliver(ALICE, makeRaw());
    await running.client.users.messages.trash({ userId: ALICE, id: delivered.id });
    const state = await control('GET', `mailboxes/${encodeURIComponent(ALICE)}/messages/${delivered.id}`);
    expect(state.json).toMatchObject({ id: delivered.id, labelIds: ['UNREAD', 'TRASH'], trashed: true });
    const moved = await control('POST', `mailboxes/${ALICE}/messages/${delivered.id}/user-modify`, { addLabelIds: ['SPAM'], removeLabelIds: ['TRASH'] });
    expect(moved.json).toMatchObject({ spam: true, trashed: false });
    expect((await control('POST', `mailboxes/${ALICE}/messages/${delivered.id}/expunge`)).status).toBe(200);
    expect((await control('GET', `mailboxes/${ALICE}/messages/${delivered.id}`)).status).toBe(404);
  });

  it('reports stats, sets and resets faults, and validates what it is sent', async () => {
    await running.client.users.labels.list({ userId: ALICE });
    const stats = await control('GET', 'stats');
    expect(stats.json).toMatchObject({ calls: { 'users.labels.list': 1 }, units: { [ALICE]: 1 } });

    const faults = await control('POST', 'faults', { forcedRateLimits: { [ALICE]: 1 }, latencyMs: 5 });
    expect(faults.json).toMatchObject({ forcedRateLimits: { [ALICE]: 1 }, latencyMs: 5 });
    await expect(running.client.users.labels.list({ userId: ALICE })).rejects.toMatchObject({ status: 429 });
    const reset = await control('POST', 'faults', { reset: true });
    expect(reset.json).toMatchObject({ forcedRateLimits: {}, latencyMs: 0 });

    expect((await control('POST', 'faults', { errorRate: 'often' })).status).toBe(400);
    expect((await control('POST', 'deliver', { mailbox: 'nobody@example.test', raw: 'AAAA' })).status).toBe(400);
    expect((await control('GET', 'nothing-here')).status).toBe(404);
    await control('POST', 'stats/reset');
    expect((await control('GET', 'stats')).json).toMatchObject({ calls: {}, units: {} });
  });

  it('adds mailboxes and lists published notifications', async () => {
    await control('POST', 'mailboxes', { email: 'carol@example.test' });
    expect((await control('GET', 'mailboxes')).json).toEqual({ mailboxes: [ALICE, 'bob@example.test', 'carol@example.test'] });
    await running.client.users.watch({ userId: 'carol@example.test', requestBody: { topicName: 'projects/p/topics/t' } });
    const flushed = await control('POST', 'notifications/flush');
    expect(flushed.json).toMatchObject({ notifications: [{ emailAddress: 'carol@example.test', topicName: 'projects/p/topics/t' }] });
  });
});

describe('gmail stand-in: command line', () => {
  it('starts with the listed mailboxes, admins and settings on the given port', async () => {
    const { standin, url } = await startFromArgs(['--port', '0', '--mailboxes', 'a@x.test,B@x.test', '--admins', 'root@x.test', '--units-per-minute', '7']);
    try {
      expect(standin.mailboxNames()).toEqual(['a@x.test', 'b@x.test', 'root@x.test']);
      expect(standin.mailbox('root@x.test').flags.isAdmin).toBe(true);
      expect(standin.settings.quota.unitsPerMinutePerUser).toBe(7);
      const profile = await gmailClient(url).users.getProfile({ userId: 'a@x.test' });
      expect(profile.data.emailAddress).toBe('a@x.test');
    } finally {
      await standin.stop();
    }
  });

  it('refuses a bad flag value', async () => {
    await expect(startFromArgs(['--port', 'eighty'])).rejects.toThrow(/--port/);
    await expect(startFromArgs(['--colour', 'blue'])).rejects.toThrow();
  });
});
