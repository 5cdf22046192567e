import { GmailStandin, InMemoryNotificationPublisher, type GmailStandinOptions } from '../../functions/src/dev/gmail-standin';
import type { AccessTokenProvider } from '../../functions/src/gmail/auth/token-provider';
import { StaticTokenProvider } from '../../functions/src/gmail/auth/static-token';
import { GMAIL_SCOPE } from '../../functions/src/gmail/auth/scopes';
import { GmailApiError, HistoryGoneError, QuotaBudgetExceededError } from '../../functions/src/gmail/errors';
import { createGmailFromEnv, parseGmailEnv, tokenProvidersFor } from '../../functions/src/gmail/from-env';
import { GoogleapisGmail, type GoogleapisGmailOptions } from '../../functions/src/gmail/googleapis-gmail';
import { QuotaBudget, type QuotaClock } from '../../functions/src/gmail/quota';
import type { GmailApi, HistoryRecord } from '../../functions/src/gmail/types';
import { GoogleIdentityEndpoints, newServiceAccount } from '../gmail/support/google-identity-endpoints';

/**
 * The production adapter (@googleapis/gmail underneath) against the Gmail stand-in: every
 * GmailApi method, the 404 on a stale cursor, injected 429/5xx retried with nothing lost, the
 * quota budget, and domain-wide delegation end to end in the stand-in's strict token mode.
 */

const ANN = 'ann@example.com';
const BOB = 'bob@example.com';
const ADMIN = 'admin@example.com';
const TOPIC = 'projects/demo-strata-test/topics/gmail-push';
/** Backoff small enough for tests; the policy (which failures, how many attempts) is the real one. */
const FAST_RETRY = { baseDelayMs: 2, maxDelayMs: 10, maxAttempts: 10 };

/** A message whose bytes include 8-bit data and base64url's '-' and '_' once encoded. */
function rawMessage(n: number): Buffer {
  const header = [
    `From: Sender ${n} <sender${n}@outside.example>`,
    `To: ${ANN}`,
    `Subject: message ${n}`,
    `Message-ID: <m${n}@outside.example>`,
    'Date: Mon, 01 Jun 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from([0xfb, 0xff, 0xbe, 0xe9, 0x0d, 0x0a]), Buffer.from(`body ${n}\r\n`, 'latin1')]);
}

/** Every message id added, across all pages, in order. */
async function addedSince(gmail: GmailApi, mailbox: string, startHistoryId: string, maxResults?: number): Promise<{ ids: string[]; pages: number; historyId: string }> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await gmail.listHistory(mailbox, { startHistoryId, pageToken, historyTypes: ['messageAdded'], maxResults });
    pages += 1;
    for (const record of page.history as HistoryRecord[]) for (const added of record.messagesAdded ?? []) ids.push(added.message.id);
    if (!page.nextPageToken) return { ids, pages, historyId: page.historyId };
    pageToken = page.nextPageToken;
  }
}

async function startStandin(options: GmailStandinOptions = {}): Promise<{ standin: GmailStandin; url: string; publisher: InMemoryNotificationPublisher }> {
  const publisher = new InMemoryNotificationPublisher();
  const standin = new GmailStandin({ notificationWindowMs: 0, publisher, ...options });
  const { url } = await standin.start();
  return { standin, url, publisher };
}

function adapterFor(url: string, overrides: Partial<GoogleapisGmailOptions> = {}): GoogleapisGmail {
  return new GoogleapisGmail({
    rootUrl: url,
    tokens: new StaticTokenProvider('demo-token'),
    adminMailbox: ADMIN,
    quota: new QuotaBudget(),
    retry: FAST_RETRY,
    fetchImplementation: fetch,
    ...overrides,
  });
}

describe('GoogleapisGmail against the Gmail stand-in', () => {
  describe('each GmailApi method', () => {
    let standin: GmailStandin;
    let publisher: InMemoryNotificationPublisher;
    let gmail: GoogleapisGmail;

    beforeAll(async () => {
      const started = await startStandin({ mailboxes: [ANN, BOB, ADMIN] });
      ({ standin, publisher } = started);
      standin.addMailbox('gone@example.com', { suspended: true, archived: true });
      gmail = adapterFor(started.url);
    });
    afterAll(() => standin.stop());

    it('getProfile, watch and stop', async () => {
      const profile = await gmail.getProfile(ANN);
      expect(profile).toEqual({ emailAddress: ANN, historyId: standin.mailbox(ANN).historyId, messagesTotal: 0 });

      const watch = await gmail.watch(ANN, { topicName: TOPIC, labelIds: ['INBOX'], labelFilterBehavior: 'INCLUDE' });
      expect(watch.historyId).toBe(profile.historyId);
      expect(watch.expiration).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);
      expect(standin.mailbox(ANN).watch).toMatchObject({ topicName: TOPIC, labelIds: ['INBOX'], labelFilterBehavior: 'INCLUDE' });
      // The push payload's historyId may be a JSON number (Gmail sends one); compare its value.
      const pushed = publisher.decoded().map((notification) => ({ ...notification, historyId: String(notification.historyId) }));
      expect(pushed).toContainEqual({ topicName: TOPIC, emailAddress: ANN, historyId: profile.historyId });

      await gmail.stop(ANN);
      expect(standin.mailbox(ANN).watch).toBeNull();
    });

    it('listHistory pages through every added message and ends at the mailbox history id', async () => {
      const start = (await gmail.getProfile(BOB)).historyId;
      const delivered = Array.from({ length: 7 }, (_, n) => standin.deliver(BOB, rawMessage(n)).id);
      const read = await addedSince(gmail, BOB, start, 3);
      expect(read.ids).toEqual(delivered);
      expect(read.pages).toBe(3);
      expect(read.historyId).toBe(standin.mailbox(BOB).historyId);

      const first = await gmail.listHistory(BOB, { startHistoryId: start, maxResults: 1 });
      expect(first.history[0]!.messagesAdded![0]!.message).toMatchObject({ id: delivered[0], labelIds: ['INBOX', 'UNREAD'] });
    });

    it('listMessages pages and filters with a query', async () => {
      const firstPage = await gmail.listMessages(BOB, { maxResults: 4 });
      expect(firstPage.messages).toHaveLength(4);
      expect(firstPage.resultSizeEstimate).toBe(7);
      const rest = await gmail.listMessages(BOB, { maxResults: 4, pageToken: firstPage.nextPageToken });
      expect(rest.messages).toHaveLength(3);
      expect(rest.nextPageToken).toBeUndefined();
      const allIds = new Set(standin.mailbox(BOB).messages.map((message) => message.id));
      expect(new Set([...firstPage.messages, ...rest.messages].map((message) => message.id))).toEqual(allIds);

      const subject = await gmail.listMessages(BOB, { q: 'subject:"message 3"' });
      expect(subject.messages).toHaveLength(1);
    });

    it('getRawMessage returns the delivered bytes exactly', async () => {
      const raw = rawMessage(42);
      const delivered = standin.deliver(ANN, raw, { internalDate: Date.parse('2026-06-01T09:00:00Z') });
      const message = await gmail.getRawMessage(ANN, delivered.id);
      expect(message.raw.equals(raw)).toBe(true);
      expect(message).toMatchObject({
        id: delivered.id,
        threadId: delivered.threadId,
        labelIds: expect.arrayContaining(['INBOX', 'UNREAD']),
        internalDate: Date.parse('2026-06-01T09:00:00Z'),
      });
      expect(message.sizeEstimate).toBeGreaterThan(0);
    });

    it('labels: listLabels, createLabel (and a duplicate is a 409), modifyMessage, batchModify', async () => {
      const systemLabels = await gmail.listLabels(ANN);
      expect(systemLabels).toContainEqual({ id: 'INBOX', name: 'INBOX', type: 'system' });

      const quarantine = await gmail.createLabel(ANN, 'Strata/Quarantine');
      expect(quarantine).toMatchObject({ name: 'Strata/Quarantine', type: 'user' });
      expect(await gmail.listLabels(ANN)).toContainEqual(quarantine);
      await expect(gmail.createLabel(ANN, 'Strata/Quarantine')).rejects.toMatchObject({ status: 409, method: 'labels.create', mailbox: ANN });

      const [one, two] = [standin.deliver(ANN, rawMessage(1)).id, standin.deliver(ANN, rawMessage(2)).id];
      const modified = await gmail.modifyMessage(ANN, one, { addLabelIds: [quarantine.id], removeLabelIds: ['INBOX'] });
      expect(modified.labelIds).toContain(quarantine.id);
      expect(modified.labelIds).not.toContain('INBOX');

      await gmail.batchModify(ANN, { ids: [one, two], removeLabelIds: ['UNREAD'] });
      expect(standin.message(ANN, one).labelIds).not.toContain('UNREAD');
      expect(standin.message(ANN, two).labelIds).not.toContain('UNREAD');
      expect(standin.message(ANN, two).labelIds).toContain('INBOX');
    });

    it('trashMessage and untrashMessage', async () => {
      const id = standin.deliver(ANN, rawMessage(3)).id;
      expect((await gmail.trashMessage(ANN, id)).labelIds).toContain('TRASH');
      expect(standin.message(ANN, id).trashed).toBe(true);
      expect((await gmail.untrashMessage(ANN, id)).labelIds).not.toContain('TRASH');
      expect(standin.message(ANN, id).trashed).toBe(false);
    });

    it('listUsers pages through the Directory with suspended and archived flags', async () => {
      const first = await gmail.listUsers({ maxResults: 2 });
      expect(first.users).toHaveLength(2);
      expect(first.nextPageToken).toBeDefined();
      const rest = await gmail.listUsers({ maxResults: 2, pageToken: first.nextPageToken });
      const everyone = [...first.users, ...rest.users];
      expect(everyone.map((user) => user.primaryEmail).sort()).toEqual([ADMIN, ANN, BOB, 'gone@example.com']);
      expect(everyone.find((user) => user.primaryEmail === 'gone@example.com')).toEqual({ primaryEmail: 'gone@example.com', suspended: true, archived: true });
      expect(everyone.find((user) => user.primaryEmail === ANN)).toEqual({ primaryEmail: ANN, suspended: false, archived: false });
      expect((await gmail.listUsers({ domain: 'example.com' })).users).toHaveLength(4);
    });

    it('counts the same calls and units as the stand-in charged', () => {
      const ours = gmail.stats();
      const theirs = standin.stats();
      for (const [method, count] of Object.entries(ours.calls)) {
        const standinName = method === 'directory.users.list' ? method : `users.${method}`;
        expect([method, theirs.calls[standinName]]).toEqual([method, count]);
      }
      expect(ours.units).toEqual(theirs.units);
    });
  });

  describe('a stale cursor', () => {
    it('raises HistoryGoneError once Gmail no longer keeps the records after the cursor', async () => {
      const { standin, url } = await startStandin({ mailboxes: [ANN], retainedHistoryRecords: 5 });
      try {
        const gmail = adapterFor(url);
        const cursor = (await gmail.getProfile(ANN)).historyId;
        for (let n = 0; n < 3; n += 1) standin.deliver(ANN, rawMessage(n));
        expect((await addedSince(gmail, ANN, cursor)).ids).toHaveLength(3);

        for (let n = 3; n < 12; n += 1) standin.deliver(ANN, rawMessage(n));
        const failure = gmail.listHistory(ANN, { startHistoryId: cursor });
        await expect(failure).rejects.toBeInstanceOf(HistoryGoneError);
        await expect(failure).rejects.toMatchObject({ status: 404, mailbox: ANN, startHistoryId: cursor, attempts: 1 });
        // The full-sync fallback still sees everything.
        expect((await gmail.listMessages(ANN, {})).messages).toHaveLength(12);
      } finally {
        await standin.stop();
      }
    });
  });

  describe('injected faults', () => {
    it('retries 429s and 5xx until every message is read and labelled, nothing lost or doubled', async () => {
      const { standin, url } = await startStandin({ mailboxes: [ANN], seed: 7 });
      try {
        const gmail = adapterFor(url);
        const cursor = (await gmail.getProfile(ANN)).historyId;
        const delivered = new Map<string, Buffer>();
        for (let n = 0; n < 25; n += 1) {
          const raw = rawMessage(n);
          delivered.set(standin.deliver(ANN, raw).id, raw);
        }
        const label = await gmail.createLabel(ANN, 'Strata/Scanned');

        standin.setFaults({ errorRate: 0.3, errorStatuses: [500, 503] });
        standin.forceRateLimit(ANN, 4);
        const { ids } = await addedSince(gmail, ANN, cursor, 10);
        expect(ids).toEqual([...delivered.keys()]);
        for (const id of ids) {
          const message = await gmail.getRawMessage(ANN, id);
          expect(message.raw.equals(delivered.get(id)!)).toBe(true);
          await gmail.modifyMessage(ANN, id, { addLabelIds: [label.id] });
        }
        standin.clearFaults();

        const stats = standin.stats();
        expect(stats.injectedErrors).toBeGreaterThan(5);
        expect(stats.rateLimited[ANN]).toBe(4);
        const ours = gmail.stats();
        const retries = Object.values(ours.retries).reduce((sum, n) => sum + n, 0);
        expect(retries).toBe(stats.injectedErrors + 4);
        // Every message carries the label: no modify was lost to a failed attempt.
        expect(standin.mailbox(ANN).messages.filter((message) => message.labelIds.includes(label.id)).map((message) => message.id).sort()).toEqual(
          [...delivered.keys()].sort(),
        );
      } finally {
        await standin.stop();
      }
    });

    it('retries the 403 userRateLimitExceeded variant too', async () => {
      const { standin, url } = await startStandin({ mailboxes: [ANN], quota: { rejectionStyle: '403' } });
      try {
        const gmail = adapterFor(url);
        standin.forceRateLimit(ANN, 2);
        await expect(gmail.listLabels(ANN)).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ id: 'INBOX' })]));
        expect(gmail.stats().retries['labels.list']).toBe(2);
      } finally {
        await standin.stop();
      }
    });
  });

  describe('the quota budget', () => {
    /** One clock for the stand-in's per-user window and Strata's budget; sleeping moves it. */
    function sharedClock(): QuotaClock & { advance: (ms: number) => void } {
      let time = Date.parse('2026-06-01T09:00:00Z');
      return {
        now: () => time,
        sleep: async (ms) => {
          time += ms;
        },
        advance: (ms) => {
          time += ms;
        },
      };
    }

    it('keeps a mailbox under Gmail’s per-user limit: waits for the window, or refuses before calling', async () => {
      const clock = sharedClock();
      const { standin, url } = await startStandin({ mailboxes: [ANN], now: clock.now, quota: { unitsPerMinutePerUser: 120 } });
      try {
        const waiting = adapterFor(url, { quota: new QuotaBudget({ unitsPerMinute: 120, maxWaitMs: 60_000 }, clock) });
        const cursor = (await waiting.getProfile(ANN)).historyId; // 1 unit
        for (let i = 0; i < 70; i += 1) await waiting.listHistory(ANN, { startHistoryId: cursor }); // 140 units
        expect(standin.stats().rateLimited).toEqual({});
        expect(standin.stats().units[ANN]).toBe(141);

        clock.advance(60_000);
        const refusing = adapterFor(url, { quota: new QuotaBudget({ unitsPerMinute: 120, maxWaitMs: 0 }, clock) });
        for (let i = 0; i < 60; i += 1) await refusing.listHistory(ANN, { startHistoryId: cursor });
        const callsBefore = standin.stats().calls['users.history.list'];
        const failure = refusing.listHistory(ANN, { startHistoryId: cursor });
        await expect(failure).rejects.toBeInstanceOf(QuotaBudgetExceededError);
        await expect(failure).rejects.toMatchObject({ mailbox: ANN, method: 'history.list', retryAfterMs: expect.any(Number) });
        expect(standin.stats().calls['users.history.list']).toBe(callsBefore);
        expect(standin.stats().rateLimited).toEqual({});

        // Without the brake the same burst runs into the stand-in's own 429.
        clock.advance(60_000);
        const unbraked = adapterFor(url, { quota: new QuotaBudget({ unitsPerMinute: 6_000 }, clock), retry: { ...FAST_RETRY, maxAttempts: 2 } });
        for (let i = 0; i < 60; i += 1) await unbraked.listHistory(ANN, { startHistoryId: cursor });
        await expect(unbraked.listHistory(ANN, { startHistoryId: cursor })).rejects.toMatchObject({ status: 429, reason: 'rateLimitExceeded', attempts: 2 });
      } finally {
        await standin.stop();
      }
    });
  });

  describe('domain-wide delegation end to end', () => {
    const runtimeIdentity = { getAccessToken: async () => 'runtime-identity-token' };
    let endpoints: GoogleIdentityEndpoints;
    let standin: GmailStandin;
    let url: string;
    const dwd = newServiceAccount('strata-dwd@demo-strata-test.iam.gserviceaccount.com', '102000000000000000001');

    beforeAll(async () => {
      endpoints = new GoogleIdentityEndpoints();
      endpoints.addServiceAccount(dwd);
      endpoints.grantDelegation(dwd.clientId, [GMAIL_SCOPE, 'https://www.googleapis.com/auth/admin.directory.user.readonly']);
      endpoints.allowSigning('runtime-identity-token', dwd.email);
      await endpoints.start();
      ({ standin, url } = await startStandin({
        mailboxes: [ANN, BOB],
        tokenInfo: (token) => {
          const info = endpoints.tokenInfo(token);
          return info ? { subject: info.subject, scopes: info.scopes } : undefined;
        },
      }));
      standin.addMailbox(ADMIN, { isAdmin: true });
    });
    afterAll(async () => {
      await standin.stop();
      await endpoints.stop();
    });

    const env = (): Record<string, string> => ({
      STRATA_DWD_MODE: 'keyless',
      STRATA_GMAIL_ROOT_URL: url,
      STRATA_DWD_SERVICE_ACCOUNT: dwd.email,
      STRATA_ADMIN_MAILBOX: ADMIN,
      STRATA_TOKEN_URL: endpoints.tokenUrl,
      STRATA_IAM_CREDENTIALS_URL: endpoints.iamCredentialsUrl,
    });

    it('keyless provider → signJwt → token endpoint → the stand-in accepts each mailbox with its own token', async () => {
      const gmail = createGmailFromEnv(env(), { fetchImplementation: fetch, sourceCredentials: runtimeIdentity });
      const annMessage = standin.deliver(ANN, rawMessage(1));
      expect((await gmail.getRawMessage(ANN, annMessage.id)).raw.equals(rawMessage(1))).toBe(true);
      await gmail.trashMessage(ANN, annMessage.id);
      expect((await gmail.getProfile(BOB)).emailAddress).toBe(BOB);
      expect((await gmail.listUsers({})).users.map((user) => user.primaryEmail).sort()).toEqual([ADMIN, ANN, BOB]);
      expect(endpoints.signJwtCalls.map((call) => [call.payload.sub, call.payload.scope])).toEqual([
        [ANN, GMAIL_SCOPE],
        [BOB, GMAIL_SCOPE],
        [ADMIN, 'https://www.googleapis.com/auth/admin.directory.user.readonly'],
      ]);
    });

    it('the stand-in refuses a token for the wrong subject, and a Gmail-scoped token for the Directory', async () => {
      const { tokens } = tokenProvidersFor(parseGmailEnv(env()), { fetchImplementation: fetch, sourceCredentials: runtimeIdentity });
      const annsTokenForEveryone: AccessTokenProvider = { getToken: () => tokens.getToken(ANN) };
      const wrongSubject = adapterFor(url, { tokens: annsTokenForEveryone });
      await expect(wrongSubject.getProfile(ANN)).resolves.toMatchObject({ emailAddress: ANN });
      const refused = wrongSubject.getProfile(BOB);
      await expect(refused).rejects.toBeInstanceOf(GmailApiError);
      await expect(refused).rejects.toMatchObject({ status: 403, mailbox: BOB, attempts: 1 });
      await expect(refused).rejects.toThrow(/Delegation denied/);

      const gmailScopedDirectory = adapterFor(url, { tokens, directoryTokens: tokens });
      await expect(gmailScopedDirectory.listUsers({})).rejects.toMatchObject({ status: 403, reason: 'insufficientPermissions', method: 'directory.users.list' });

      const forged = adapterFor(url, { tokens: new StaticTokenProvider('ya29.forged') });
      await expect(forged.getProfile(ANN)).rejects.toMatchObject({ status: 401, attempts: 1 });
    });
  });
});
