import { GmailApiError } from '../../functions/src/gmail/errors';
import { IngestIncompleteError } from '../../functions/src/pipeline/errors';
import { scanIdFor } from '../../functions/src/pipeline/ids';
import { KeyedSerialiser } from '../../functions/src/pipeline/keyed-serialiser';
import { fullSyncQueryOf, handleGmailNotification, syncMailbox } from '../../functions/src/pipeline/ingest';
import type { ScanRequest } from '../../functions/src/pipeline/messages';
import { ALICE, BOB, Harness, mail } from './harness';

function requests(harness: Harness): ScanRequest[] {
  return harness.bus.on(harness.config.topics.scanRequests) as ScanRequest[];
}

function requestedIds(harness: Harness): string[] {
  return requests(harness)
    .map((request) => request.gmailMessageId)
    .sort();
}

describe('handleGmailNotification: incremental sync from the stored cursor', () => {
  it('dispatches each new message once, reading history from the stored cursor', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const cursor = harness.gmail.currentHistoryId();
    const first = harness.gmail.deliver(ALICE, mail({ subject: 'one', messageId: 'one@x' }));
    const second = harness.gmail.deliver(ALICE, mail({ subject: 'two', messageId: 'two@x' }));

    const outcome = await harness.notify(ALICE);

    expect(outcome).toMatchObject({ status: 'synced', sync: { mode: 'incremental', scansCreated: 2, cursorFrom: cursor, cursorAdvanced: true } });
    expect(requestedIds(harness)).toEqual([first, second].sort());
    expect(harness.gmail.callsOf('getRawMessage')).toBe(2);
    const state = await harness.repository.getMailbox(ALICE);
    expect(state?.historyCursor).toBe(harness.gmail.currentHistoryId());
    expect(state?.lastNotificationAt).toEqual(harness.current);
  });

  it('builds the scan document and the request from the fetched message', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const id = harness.gmail.deliver(ALICE, mail({ subject: 'Invoice', from: 'Billing <billing@vendor.test>', messageId: 'inv-7@vendor.test' }));

    await harness.notify(ALICE);

    const [request] = requests(harness);
    const scanId = scanIdFor(ALICE, id);
    expect(request).toMatchObject({ scanId, mailbox: ALICE, gmailMessageId: id, direction: 'inbound', engines: ['alpha', 'beta'] });
    expect(request?.subjectKey).toMatch(/^[0-9a-f]{64}$/);
    expect(request?.contentKey).toMatch(/^[0-9a-f]{64}$/);
    const scan = await harness.repository.getScan(scanId);
    expect(scan).toMatchObject({
      mailbox: ALICE,
      gmailMessageId: id,
      messageId: 'inv-7@vendor.test',
      fromAddress: 'billing@vendor.test',
      fromDomain: 'vendor.test',
      subject: 'Invoice',
      status: 'scanning',
      expectedEngines: ['alpha', 'beta'],
      subjectKey: request?.subjectKey,
      contentKey: request?.contentKey,
    });
    expect(scan?.expireAt.getTime()).toBe(harness.current.getTime() + 30 * 24 * 3600 * 1000);
    expect(await harness.blobs.has(request?.subjectKey as string)).toBe(true);
  });

  it('pages through history until there is no next page', async () => {
    const harness = new Harness({ config: { historyPageSize: 2 } });
    await harness.enroll(ALICE);
    const ids = [1, 2, 3, 4, 5].map((n) => harness.gmail.deliver(ALICE, mail({ subject: `m${n}`, messageId: `m${n}@x` })));

    await harness.notify(ALICE);

    expect(harness.gmail.callsOf('listHistory')).toBe(3);
    expect(requestedIds(harness)).toEqual([...ids].sort());
    expect((await harness.repository.getMailbox(ALICE))?.historyCursor).toBe(harness.gmail.currentHistoryId());
  });

  it('treats the pushed historyId only as a hint: a notification id older than the mail still finds it', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const staleHint = harness.gmail.currentHistoryId();
    const id = harness.gmail.deliver(ALICE, mail());

    await harness.notify(ALICE, staleHint);

    expect(requestedIds(harness)).toEqual([id]);
  });

  it('does not rescan after Strata acts on a message (its own label changes add no message)', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    harness.gmail.deliver(ALICE, mail({ subject: 'SUSPICIOUS offer' }));
    await harness.notify(ALICE);
    await harness.drain();
    expect(harness.gmail.callsOf('modifyMessage')).toBe(1);

    const after = await harness.notify(ALICE);

    expect(after).toMatchObject({ status: 'synced', sync: { candidates: 0, scansCreated: 0 } });
    expect(harness.gmail.callsOf('getRawMessage')).toBe(1);
  });
});

describe('handleGmailNotification: duplicates, concurrency and ordering', () => {
  it('a duplicate notification creates no second scan and fetches nothing again', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    harness.gmail.deliver(ALICE, mail());
    const pushed = harness.gmail.currentHistoryId();

    await harness.notify(ALICE, pushed);
    await harness.notify(ALICE, pushed);

    expect(requests(harness)).toHaveLength(1);
    expect(harness.gmail.callsOf('getRawMessage')).toBe(1);
    expect(harness.repository.allScans()).toHaveLength(1);
  });

  it('an older notification arriving after a newer one loses nothing and moves nothing back', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const first = harness.gmail.deliver(ALICE, mail({ messageId: 'a@x' }));
    const olderHint = harness.gmail.currentHistoryId();
    const second = harness.gmail.deliver(ALICE, mail({ messageId: 'b@x' }));
    const newerHint = harness.gmail.currentHistoryId();

    await harness.notify(ALICE, newerHint);
    const late = await harness.notify(ALICE, olderHint);
    const third = harness.gmail.deliver(ALICE, mail({ messageId: 'c@x' }));
    await harness.notify(ALICE);

    expect(late).toMatchObject({ status: 'synced', sync: { scansCreated: 0, cursorAdvanced: false } });
    expect(requestedIds(harness)).toEqual([first, second, third].sort());
    const state = await harness.repository.getMailbox(ALICE);
    expect(state?.historyCursor).toBe(harness.gmail.currentHistoryId());
    // The highest notified id is kept, whatever order notifications came in.
    expect(state?.lastNotificationHistoryId).toBe(harness.gmail.currentHistoryId());
  });

  it('concurrent invocations for one mailbox dispatch each message exactly once', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const ids = [1, 2, 3, 4].map((n) => harness.gmail.deliver(ALICE, mail({ messageId: `${n}@x` })));

    const outcomes = await Promise.all([harness.notify(ALICE), harness.notify(ALICE), harness.notify(ALICE)]);

    expect(requestedIds(harness)).toEqual([...ids].sort());
    expect(harness.repository.allScans()).toHaveLength(4);
    const created = outcomes.reduce((sum, outcome) => sum + (outcome.status === 'synced' ? outcome.sync.scansCreated : 0), 0);
    expect(created).toBe(4);
    // Queued per mailbox in this process: the later invocations find nothing new to fetch.
    expect(harness.gmail.callsOf('getRawMessage')).toBe(4);
    expect((await harness.repository.getMailbox(ALICE))?.historyCursor).toBe(harness.gmail.currentHistoryId());
  });

  it('invocations in different processes (no shared queue) still create one scan per message', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const ids = [1, 2, 3].map((n) => harness.gmail.deliver(ALICE, mail({ messageId: `${n}@x` })));
    const notification = { emailAddress: ALICE, historyId: harness.gmail.currentHistoryId() };

    await Promise.all(
      [1, 2, 3].map((instance) =>
        handleGmailNotification(notification, { ...harness.deps, mailboxQueue: new KeyedSerialiser(), claimOwner: `instance-${instance}` }),
      ),
    );

    expect(requestedIds(harness)).toEqual([...ids].sort());
    expect(harness.repository.allScans()).toHaveLength(3);
    // The fetch claim: one instance fetches each message, the others wait for its scan.
    expect(harness.gmail.callsOf('getRawMessage')).toBe(3);
    expect((await harness.repository.getMailbox(ALICE))?.historyCursor).toBe(harness.gmail.currentHistoryId());
  });

  it('a claim left by a dead instance holds the message back (cursor kept) until its lease runs out, then is taken over', async () => {
    const harness = new Harness({ config: { fetchClaimLeaseMs: 60_000, fetchClaimWaitMs: 50, fetchClaimPollMs: 10 } });
    await harness.enroll(ALICE);
    const cursor = harness.gmail.currentHistoryId();
    const id = harness.gmail.deliver(ALICE, mail({ messageId: 'claimed@x' }));
    const scanId = scanIdFor(ALICE, id);
    await harness.repository.claimFetch(scanId, { mailbox: ALICE, gmailMessageId: id, owner: 'dead-instance', now: harness.current, leaseMs: 60_000 });

    const attempt = handleGmailNotification({ emailAddress: ALICE, historyId: cursor }, { ...harness.deps, claimOwner: 'live-instance' });
    await expect(attempt).rejects.toBeInstanceOf(IngestIncompleteError);
    await attempt.catch((error: IngestIncompleteError) => expect(error.failures[0]?.error).toMatch(/being fetched by dead-instance/));
    expect(harness.gmail.callsOf('getRawMessage')).toBe(0);
    expect((await harness.repository.getMailbox(ALICE))?.historyCursor).toBe(cursor);

    harness.advance(60_000);
    const outcome = await handleGmailNotification({ emailAddress: ALICE, historyId: cursor }, { ...harness.deps, claimOwner: 'live-instance' });

    expect(outcome).toMatchObject({ status: 'synced', sync: { scansCreated: 1 } });
    expect(harness.gmail.callsOf('getRawMessage')).toBe(1);
    expect(harness.logger.at('warn').some((entry) => entry.message === 'took over an expired fetch claim')).toBe(true);
  });

  it('a waiting instance learns that the owner skipped the message, and fetches nothing itself', async () => {
    const harness = new Harness({ config: { fetchClaimPollMs: 10 } });
    await harness.enroll(ALICE);
    // The history carries no labels here, so only a fetch shows that the message is a draft.
    harness.gmail.historyCarriesLabels = false;
    const draft = harness.gmail.deliver(ALICE, mail({ messageId: 'draft@x' }), ['DRAFT']);
    const notification = { emailAddress: ALICE, historyId: harness.gmail.currentHistoryId() };

    const outcomes = await Promise.all(
      ['a', 'b'].map((instance) =>
        handleGmailNotification(notification, { ...harness.deps, mailboxQueue: new KeyedSerialiser(), claimOwner: `instance-${instance}` }),
      ),
    );

    expect(outcomes.map((outcome) => (outcome.status === 'synced' ? outcome.sync.skipped : -1))).toEqual([1, 1]);
    expect(harness.gmail.callsOf('getRawMessage')).toBe(1);
    expect(await harness.repository.getScan(scanIdFor(ALICE, draft))).toBeNull();
  });

  it('a failed fetch releases the claim, so the retry in another instance fetches at once', async () => {
    const harness = new Harness({ config: { fetchClaimWaitMs: 0 } });
    await harness.enroll(ALICE);
    const id = harness.gmail.deliver(ALICE, mail({ messageId: 'flaky@x' }));
    harness.gmail.failNext('getRawMessage', new GmailApiError('backend error', 503, 'messages.get', ALICE));

    await expect(handleGmailNotification({ emailAddress: ALICE, historyId: '1' }, { ...harness.deps, claimOwner: 'a' })).rejects.toBeInstanceOf(
      IngestIncompleteError,
    );
    await handleGmailNotification({ emailAddress: ALICE, historyId: '1' }, { ...harness.deps, claimOwner: 'b' });

    expect(requestedIds(harness)).toEqual([id]);
    expect(harness.gmail.callsOf('getRawMessage')).toBe(2);
  });

  it('an invocation that read less history than a concurrent one does not move the cursor back', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const start = harness.gmail.currentHistoryId();
    const early = harness.gmail.deliver(ALICE, mail({ messageId: 'early@x' }));
    // Invocation A has read history up to here and is still dispatching when B runs.
    const stateSeenByA = await harness.repository.getMailbox(ALICE);
    const late = harness.gmail.deliver(ALICE, mail({ messageId: 'late@x' }));
    await harness.notify(ALICE); // B: reads both, moves the cursor to the end
    const endOfB = harness.gmail.currentHistoryId();

    // A finishes with its older view (cursor `start`), finds the scans and cannot CAS.
    const outcomeA = await syncMailbox(ALICE, harness.deps, { state: stateSeenByA as NonNullable<typeof stateSeenByA>, reason: 'notification' });

    expect(stateSeenByA?.historyCursor).toBe(start);
    expect(outcomeA).toMatchObject({ scansCreated: 0, duplicates: 2, cursorAdvanced: false });
    expect(requestedIds(harness)).toEqual([early, late].sort());
    expect((await harness.repository.getMailbox(ALICE))?.historyCursor).toBe(endOfB);
  });
});

describe('handleGmailNotification: full sync', () => {
  it('first sync without a cursor reads recent mail (bounded), records the full sync and sets the cursor', async () => {
    const harness = new Harness({ config: { fullSyncMaxMessages: 3 } });
    await harness.enroll(ALICE, { cursor: null });
    const ids = [1, 2, 3, 4].map((n) => harness.gmail.deliver(ALICE, mail({ messageId: `${n}@x` })));

    const outcome = await harness.notify(ALICE);

    expect(outcome).toMatchObject({ status: 'synced', sync: { mode: 'full', fullSyncReason: 'no-cursor', scansCreated: 3, truncated: true } });
    // Newest first: the oldest message is the one the bound leaves out.
    expect(requestedIds(harness)).toEqual(ids.slice(1).sort());
    const state = await harness.repository.getMailbox(ALICE);
    expect(state).toMatchObject({ historyCursor: harness.gmail.currentHistoryId(), fullSyncs: 1, lastSyncAt: harness.current });
  });

  it('history gone (404) falls back to a full sync that misses no message, and records it', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const beforeExpiry = harness.gmail.deliver(ALICE, mail({ messageId: 'old@x' }));
    harness.gmail.expireHistory(ALICE);
    const afterExpiry = harness.gmail.deliver(ALICE, mail({ messageId: 'new@x' }));

    const outcome = await harness.notify(ALICE);

    expect(outcome).toMatchObject({ status: 'synced', sync: { mode: 'full', fullSyncReason: 'history-gone', scansCreated: 2 } });
    expect(requestedIds(harness)).toEqual([beforeExpiry, afterExpiry].sort());
    const state = await harness.repository.getMailbox(ALICE);
    expect(state).toMatchObject({ fullSyncs: 1, lastSyncAt: harness.current, historyCursor: harness.gmail.currentHistoryId() });
    expect(harness.logger.at('warn').map((line) => line.message)).toContain('history is gone; falling back to a bounded full sync');

    // Incremental again afterwards, from the cursor the full sync stored.
    const later = harness.gmail.deliver(ALICE, mail({ messageId: 'later@x' }));
    expect(await harness.notify(ALICE)).toMatchObject({ sync: { mode: 'incremental', scansCreated: 1 } });
    expect(requestedIds(harness)).toContain(later);
  });

  it('a full sync skips messages already scanned and covers spam, never trash or drafts', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const scanned = harness.gmail.deliver(ALICE, mail({ messageId: 'seen@x' }));
    await harness.notify(ALICE);
    harness.gmail.expireHistory(ALICE);
    const spam = harness.gmail.deliver(ALICE, mail({ messageId: 'spam@x' }), ['SPAM']);
    harness.gmail.deliver(ALICE, mail({ messageId: 'trash@x' }), ['TRASH']);
    harness.gmail.deliver(ALICE, mail({ messageId: 'draft@x' }), ['DRAFT']);
    const archived = harness.gmail.deliver(ALICE, mail({ messageId: 'archived@x' }), []);

    const outcome = await harness.notify(ALICE);

    expect(outcome).toMatchObject({ sync: { mode: 'full', scansCreated: 2, duplicates: 1 } });
    expect(requestedIds(harness)).toEqual([scanned, spam, archived].sort());
  });

  it('leaves sent mail out of the full-sync query unless outbound mail is scanned', () => {
    const base = { fullSyncQuery: 'in:anywhere -in:trash -in:drafts newer_than:7d' };
    expect(fullSyncQueryOf({ ...base, scanOutbound: false })).toBe('in:anywhere -in:trash -in:drafts newer_than:7d -in:sent');
    expect(fullSyncQueryOf({ ...base, scanOutbound: true })).toBe(base.fullSyncQuery);
  });
});

describe('handleGmailNotification: what is scanned', () => {
  it('ignores drafts, from the history labels or, when history carries none, from the fetched message', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    harness.gmail.deliver(ALICE, mail({ messageId: 'd1@x' }), ['DRAFT']);
    await harness.notify(ALICE);
    expect(harness.gmail.callsOf('getRawMessage')).toBe(0);

    harness.gmail.historyCarriesLabels = false;
    harness.gmail.deliver(ALICE, mail({ messageId: 'd2@x' }), ['DRAFT']);
    const outcome = await harness.notify(ALICE);

    expect(outcome).toMatchObject({ sync: { skipped: 1, scansCreated: 0, cursorAdvanced: true } });
    expect(harness.gmail.callsOf('getRawMessage')).toBe(1);
    expect(requests(harness)).toHaveLength(0);
  });

  it('skips sent mail by default and scans it as outbound when scanOutbound is on', async () => {
    const off = new Harness();
    await off.enroll(ALICE);
    off.gmail.deliver(ALICE, mail({ from: ALICE, to: 'partner@outside.test' }), ['SENT']);
    await off.notify(ALICE);
    expect(requests(off)).toHaveLength(0);
    expect(off.gmail.callsOf('getRawMessage')).toBe(0);

    const on = new Harness({ config: { scanOutbound: true } });
    await on.enroll(ALICE);
    on.gmail.deliver(ALICE, mail({ from: ALICE, to: 'partner@outside.test' }), ['SENT']);
    await on.notify(ALICE);
    expect(requests(on).map((request) => request.direction)).toEqual(['outbound']);
  });

  it('honours the direction toggles', async () => {
    const harness = new Harness({ config: { scanInternal: false } });
    await harness.enroll(ALICE);
    const internal = mail({
      from: BOB,
      headers: [['Authentication-Results', 'mx.google.com; dkim=pass header.d=example.org; spf=pass smtp.mailfrom=bob@example.org; dmarc=pass header.from=example.org']],
    });
    harness.gmail.deliver(ALICE, internal);
    const inbound = harness.gmail.deliver(ALICE, mail({ messageId: 'in@x' }));

    await harness.notify(ALICE);

    expect(requests(harness).map((request) => [request.gmailMessageId, request.direction])).toEqual([[inbound, 'inbound']]);
  });

  it('skips a message deleted before it could be fetched and still advances the cursor', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const gone = harness.gmail.deliver(ALICE, mail({ messageId: 'gone@x' }));
    harness.gmail.deleteMessage(ALICE, gone);

    const outcome = await harness.notify(ALICE);

    expect(outcome).toMatchObject({ sync: { skipped: 1, cursorAdvanced: true } });
    expect(requests(harness)).toHaveLength(0);
  });
});

describe('handleGmailNotification: failures', () => {
  it('drops an invalid payload without throwing, and logs it', async () => {
    const harness = new Harness();
    for (const payload of [null, 'text', { emailAddress: 'not-an-address', historyId: '1' }, { emailAddress: ALICE, historyId: 'abc' }]) {
      expect(await handleGmailNotification(payload, harness.deps)).toMatchObject({ status: 'invalid' });
    }
    expect(harness.logger.at('warn')).toHaveLength(4);
    expect(harness.logger.at('warn')[0]?.fields).toMatchObject({ errorCode: 'pipeline.invalid_payload' });
  });

  it('ignores mailboxes that are not enrolled', async () => {
    const harness = new Harness();
    harness.gmail.addMailbox(BOB);
    harness.gmail.deliver(BOB, mail());
    expect(await harness.notify(BOB)).toEqual({ status: 'not-enrolled', mailbox: BOB });
    expect(harness.gmail.callsOf('listHistory')).toBe(0);
    expect(await harness.repository.getMailbox(BOB)).toBeNull();
  });

  it('a failed fetch records nothing for that message, keeps the cursor and throws; the redelivery dispatches it once', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const cursor = harness.gmail.currentHistoryId();
    const ok = harness.gmail.deliver(ALICE, mail({ messageId: 'ok@x' }));
    const flaky = harness.gmail.deliver(ALICE, mail({ messageId: 'flaky@x' }));
    harness.gmail.failNext('getRawMessage', new GmailApiError('backend error', 503, 'messages.get', ALICE));

    await expect(harness.notify(ALICE)).rejects.toBeInstanceOf(IngestIncompleteError);

    expect((await harness.repository.getMailbox(ALICE))?.historyCursor).toBe(cursor);
    expect(harness.repository.allScans()).toHaveLength(1);
    expect(harness.logger.at('error')).toHaveLength(1);

    await harness.notify(ALICE);

    expect(requestedIds(harness)).toEqual([ok, flaky].sort());
    expect(harness.repository.allScans()).toHaveLength(2);
    expect((await harness.repository.getMailbox(ALICE))?.historyCursor).toBe(harness.gmail.currentHistoryId());
  });

  it('a failed history read throws (redelivery) and changes nothing', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const cursor = harness.gmail.currentHistoryId();
    harness.gmail.deliver(ALICE, mail());
    harness.gmail.failNext('listHistory', new GmailApiError('rate limited', 429, 'history.list', ALICE));

    await expect(harness.notify(ALICE)).rejects.toBeInstanceOf(GmailApiError);
    expect((await harness.repository.getMailbox(ALICE))?.historyCursor).toBe(cursor);
    expect(requests(harness)).toHaveLength(0);
  });

  it('a sweeper poll reads the mailbox without recording a notification', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const id = harness.gmail.deliver(ALICE, mail());

    const outcome = await handleGmailNotification({ emailAddress: ALICE, historyId: '0', strataPoll: true }, harness.deps);

    expect(outcome).toMatchObject({ status: 'synced', sync: { scansCreated: 1 } });
    expect(requestedIds(harness)).toEqual([id]);
    const state = await harness.repository.getMailbox(ALICE);
    expect(state).toMatchObject({ lastNotificationAt: null, lastSyncAt: harness.current });
  });
});
