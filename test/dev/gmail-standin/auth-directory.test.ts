import { SCOPE_DIRECTORY_USER_READONLY, SCOPE_MODIFY, SCOPE_READONLY, type TokenInfo } from '../../../functions/src/dev/gmail-standin';
import { ALICE, BOB, apiFailure, directoryClient, gmailClient, makeRaw, startStandin, type Running } from './support';

describe('gmail stand-in: authentication', () => {
  let running: Running;

  afterEach(async () => {
    await running.standin.stop();
  });

  it('answers 401 UNAUTHENTICATED without a bearer token', async () => {
    running = await startStandin();
    const response = await fetch(`${running.url}gmail/v1/users/${ALICE}/profile`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    expect(await response.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    const basic = await fetch(`${running.url}gmail/v1/users/${ALICE}/profile`, { headers: { authorization: 'Basic abc' } });
    expect(basic.status).toBe(401);
  });

  it('accepts any token for any mailbox by default; "me" needs a token naming the mailbox when several are hosted', async () => {
    running = await startStandin();
    await expect(running.client.users.getProfile({ userId: BOB })).resolves.toMatchObject({ data: { emailAddress: BOB } });
    const ambiguous = await apiFailure(running.client.users.getProfile({ userId: 'me' }));
    expect(ambiguous.status).toBe(400);
    const named = await gmailClient(running.url, ALICE).users.getProfile({ userId: 'me' });
    expect(named.data.emailAddress).toBe(ALICE);
    const unknownMailbox = await apiFailure(running.client.users.getProfile({ userId: 'carol@example.test' }));
    expect(unknownMailbox).toMatchObject({ status: 400, reason: 'failedPrecondition' });
  });

  it('resolves "me" to the only mailbox when a single one is hosted', async () => {
    running = await startStandin({ mailboxes: [] });
    running.standin.addMailbox('solo@example.test');
    const profile = await running.client.users.getProfile({ userId: 'me' });
    expect(profile.data.emailAddress).toBe('solo@example.test');
  });

  describe('strict token mode', () => {
    const tokens: Record<string, TokenInfo> = {
      'alice-modify': { subject: ALICE, scopes: [SCOPE_MODIFY] },
      'alice-readonly': { subject: ALICE, scopes: [SCOPE_READONLY] },
      'bob-modify': { subject: BOB, scopes: [SCOPE_MODIFY] },
      'admin-directory': { subject: 'admin@example.test', scopes: [SCOPE_DIRECTORY_USER_READONLY] },
      'alice-directory': { subject: ALICE, scopes: [SCOPE_DIRECTORY_USER_READONLY] },
    };

    beforeEach(async () => {
      running = await startStandin({ tokenInfo: async (token) => tokens[token] ?? null });
      running.standin.addMailbox('admin@example.test', { isAdmin: true });
    });

    it('answers 401 for a token the resolver does not know', async () => {
      const failure = await apiFailure(gmailClient(running.url, 'forged').users.getProfile({ userId: ALICE }));
      expect(failure.status).toBe(401);
    });

    it('resolves "me" to the token subject and refuses other mailboxes with 403 Delegation denied', async () => {
      const alice = gmailClient(running.url, 'alice-modify');
      await expect(alice.users.getProfile({ userId: 'me' })).resolves.toMatchObject({ data: { emailAddress: ALICE } });
      await expect(alice.users.getProfile({ userId: ALICE })).resolves.toBeDefined();
      const other = await apiFailure(alice.users.getProfile({ userId: BOB }));
      expect(other.status).toBe(403);
      expect(other.message).toBe(`Delegation denied for ${ALICE}`);
    });

    it('needs gmail.modify to change mail: readonly reads but gets 403 insufficientPermissions on modify and trash', async () => {
      const delivered = running.standin.deliver(ALICE, makeRaw());
      const readonly = gmailClient(running.url, 'alice-readonly');
      await expect(readonly.users.messages.get({ userId: 'me', id: delivered.id, format: 'raw' })).resolves.toBeDefined();
      const modify = await apiFailure(readonly.users.messages.modify({ userId: 'me', id: delivered.id, requestBody: { removeLabelIds: ['UNREAD'] } }));
      expect(modify).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
      const trash = await apiFailure(readonly.users.messages.trash({ userId: 'me', id: delivered.id }));
      expect(trash.status).toBe(403);
      await expect(gmailClient(running.url, 'alice-modify').users.messages.trash({ userId: 'me', id: delivered.id })).resolves.toBeDefined();
      const directoryWithGmailScope = await apiFailure(directoryClient(running.url, 'alice-modify').users.list({ customer: 'my_customer' }));
      expect(directoryWithGmailScope.status).toBe(403);
    });

    it('lets only an admin with a Directory scope list users', async () => {
      const notAdmin = await apiFailure(directoryClient(running.url, 'alice-directory').users.list({ customer: 'my_customer' }));
      expect(notAdmin.status).toBe(403);
      const admin = await directoryClient(running.url, 'admin-directory').users.list({ customer: 'my_customer' });
      expect(admin.data.users?.map((user) => user.primaryEmail)).toEqual(['admin@example.test', ALICE, BOB]);
      expect(admin.data.users?.[0]?.isAdmin).toBe(true);
    });
  });
});

describe('gmail stand-in: Directory users.list', () => {
  let running: Running;

  beforeEach(async () => {
    running = await startStandin();
    running.standin.addMailbox('carol@example.test', { suspended: true });
    running.standin.addMailbox('dave@other.test');
  });

  afterEach(async () => {
    await running.standin.stop();
  });

  it('lists every hosted mailbox for my_customer, paged, with primaryEmail and suspended', async () => {
    const directory = directoryClient(running.url);
    const first = await directory.users.list({ customer: 'my_customer', maxResults: 3 });
    expect(first.data.users?.map((user) => user.primaryEmail)).toEqual([ALICE, BOB, 'carol@example.test']);
    expect(first.data.users?.map((user) => user.suspended)).toEqual([false, false, true]);
    expect(first.data.nextPageToken).toBeTruthy();
    const second = await directory.users.list({ customer: 'my_customer', maxResults: 3, pageToken: first.data.nextPageToken as string });
    expect(second.data.users?.map((user) => user.primaryEmail)).toEqual(['dave@other.test']);
    expect(second.data.nextPageToken).toBeUndefined();
  });

  it('filters by domain and needs customer or domain', async () => {
    const directory = directoryClient(running.url);
    const other = await directory.users.list({ domain: 'other.test' });
    expect(other.data.users?.map((user) => user.primaryEmail)).toEqual(['dave@other.test']);
    const neither = await apiFailure(directory.users.list({}));
    expect(neither.status).toBe(400);
    expect(running.standin.stats().calls['directory.users.list']).toBe(2);
  });
});
