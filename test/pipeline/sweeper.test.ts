import { parsePolicy } from '../../functions/src/core/policy';
import { GmailApiError } from '../../functions/src/gmail/errors';
import { handleGmailNotification } from '../../functions/src/pipeline/ingest';
import type { GmailNotification, ScanRequest, WatchRenewalRequest } from '../../functions/src/pipeline/messages';
import { handleScanRequest } from '../../functions/src/pipeline/scan-engine';
import {
  enrollMailboxes,
  finaliseOverdueScans,
  handleWatchRenewal,
  pollQuietMailboxes,
  requestWatchRenewals,
  runSweep,
} from '../../functions/src/pipeline/sweeper';
import { ALICE, BOB, Harness, TEST_POLICY, WATCH_TOPIC, mail } from './harness';

const DAY = 24 * 3600 * 1000;

/** One message ingested in ALICE's mailbox; only `engines` run (the others stay silent). */
async function scanWithSilentEngines(harness: Harness, subject: string, engines: string[]): Promise<{ id: string; scanId: string }> {
  if ((await harness.repository.getMailbox(ALICE)) === null) await harness.enroll(ALICE);
  const id = harness.gmail.deliver(ALICE, mail({ subject, messageId: `${subject.replace(/\W/g, '')}@x` }));
  await harness.notify(ALICE);
  const [request] = harness.bus.take(harness.config.topics.scanRequests) as ScanRequest[];
  for (const engine of engines) await handleScanRequest(request, engine, { ...harness.deps, engines: harness.engines });
  harness.bus.take(harness.config.topics.engineCompletions);
  return { id, scanId: (request as ScanRequest).scanId };
}

describe('finaliseOverdueScans', () => {
  it('leaves young scans alone, re-dispatches late ones, then finalises with the missing engine timed out (fail-open)', async () => {
    const harness = new Harness();
    const { id, scanId } = await scanWithSilentEngines(harness, 'SUSPICIOUS offer', ['alpha']);

    expect(await finaliseOverdueScans(harness.deps, harness.current)).toEqual({ redispatched: [], finalised: [], failures: [] });

    harness.advance(harness.config.redispatchAfterMs);
    const late = await finaliseOverdueScans(harness.deps, harness.current);
    expect(late.redispatched).toEqual([scanId]);
    const republished = harness.bus.take(harness.config.topics.scanRequests) as ScanRequest[];
    expect(republished).toEqual([expect.objectContaining({ scanId, engines: ['alpha', 'beta'] })]);
    // alpha already reported, so a re-dispatch costs it nothing.
    expect(await handleScanRequest(republished[0], 'alpha', { ...harness.deps, engines: harness.engines })).toMatchObject({ status: 'already-reported' });

    harness.advance(harness.config.engineOverdueMs);
    const overdue = await finaliseOverdueScans(harness.deps, harness.current);

    expect(overdue.finalised).toEqual([{ scanId, timedOut: ['beta'], action: expect.objectContaining({ status: 'applied', action: 'label' }) }]);
    expect(await harness.repository.getScan(scanId)).toMatchObject({
      decided: true,
      verdict: 'suspicious',
      engines: { alpha: { status: 'ok', score: 60 }, beta: { status: 'timeout', score: 0 } },
      actionStatus: 'applied',
    });
    expect(harness.gmail.labelNamesOf(ALICE, id)).toContain('Strata/Suspicious');
    expect(harness.repository.auditEntries()).toEqual([expect.objectContaining({ scanId, actor: 'sweeper', outcome: 'applied' })]);
  });

  it('under fail-open a clean scan with an engine timed out stays clean; under fail-closed it is raised', async () => {
    const open = new Harness();
    const opened = await scanWithSilentEngines(open, 'Lunch', ['alpha']);
    open.advance(open.config.engineOverdueMs);
    await finaliseOverdueScans(open.deps, open.current);
    expect(await open.repository.getScan(opened.scanId)).toMatchObject({ verdict: 'clean', action: 'none', actionStatus: 'skipped' });

    const closed = new Harness({ config: { policy: parsePolicy({ ...TEST_POLICY, onEngineFailure: 'fail-closed' }) } });
    const shut = await scanWithSilentEngines(closed, 'Lunch', ['alpha']);
    closed.advance(closed.config.engineOverdueMs);
    await finaliseOverdueScans(closed.deps, closed.current);
    expect(await closed.repository.getScan(shut.scanId)).toMatchObject({ verdict: 'suspicious', action: 'label', actionStatus: 'applied' });
    expect(closed.gmail.labelNamesOf(ALICE, shut.id)).toContain('Strata/Suspicious');
  });

  it('a scan whose engines never reported at all is never clean', async () => {
    const harness = new Harness();
    const { scanId } = await scanWithSilentEngines(harness, 'Lunch', []);
    harness.advance(harness.config.engineOverdueMs);
    await finaliseOverdueScans(harness.deps, harness.current);
    expect(await harness.repository.getScan(scanId)).toMatchObject({
      verdict: 'suspicious',
      engines: { alpha: { status: 'timeout' }, beta: { status: 'timeout' } },
    });
  });

  it('decides at once a scan whose engines all reported but whose completion was lost', async () => {
    const harness = new Harness();
    const { scanId } = await scanWithSilentEngines(harness, 'SUSPICIOUS offer', ['alpha', 'beta']);
    harness.advance(harness.config.redispatchAfterMs);

    const report = await finaliseOverdueScans(harness.deps, harness.current);

    expect(report.redispatched).toEqual([]);
    expect(report.finalised).toEqual([{ scanId, timedOut: [], action: expect.objectContaining({ status: 'applied' }) }]);
    expect(await harness.repository.getScan(scanId)).toMatchObject({ engines: { alpha: { status: 'ok' }, beta: { status: 'ok' } } });
  });

  it('recovers a fan-out that died between creating the scan and publishing its request', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const id = harness.gmail.deliver(ALICE, mail({ subject: 'SUSPICIOUS offer' }));
    harness.bus.failNext(new Error('pubsub unavailable'));
    await expect(harness.notify(ALICE)).rejects.toThrow(/could not be ingested/);
    expect(harness.repository.allScans()).toHaveLength(1);
    // The redelivered notification finds the scan and does not dispatch it again...
    await harness.notify(ALICE);
    expect(harness.bus.on(harness.config.topics.scanRequests)).toHaveLength(0);

    // ...the sweeper does.
    harness.advance(harness.config.redispatchAfterMs);
    await finaliseOverdueScans(harness.deps, harness.current);
    await harness.drain();

    expect(harness.gmail.labelNamesOf(ALICE, id)).toContain('Strata/Suspicious');
    expect(harness.repository.allScans()[0]).toMatchObject({ verdict: 'suspicious', engines: { alpha: { status: 'ok' }, beta: { status: 'ok' } } });
  });

  it('a late engine result after finalisation changes nothing', async () => {
    const harness = new Harness();
    const { scanId } = await scanWithSilentEngines(harness, 'Lunch', ['alpha']);
    harness.advance(harness.config.engineOverdueMs);
    await finaliseOverdueScans(harness.deps, harness.current);
    const request = { ...(await harness.repository.getScan(scanId)) };

    const late = await handleScanRequest(
      { scanId, mailbox: ALICE, gmailMessageId: request.gmailMessageId, direction: 'inbound', subjectKey: request.subjectKey, contentKey: request.contentKey, engines: ['alpha', 'beta'], receivedAt: 0 },
      'beta',
      { ...harness.deps, engines: harness.engines },
    );
    expect(late).toEqual({ status: 'already-decided', scanId });
    expect(harness.repository.storedEngineResults(scanId).find((stored) => stored.result.engine === 'beta')?.result.status).toBe('timeout');
  });
});

describe('pollQuietMailboxes', () => {
  it('polls quiet and lagging mailboxes with a synthetic notification, and not busy ones', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    await harness.enroll(BOB);
    await harness.enroll('carol@example.org');
    await harness.enroll('new@example.org', { cursor: null });
    await harness.repository.upsertMailbox(BOB, { lastNotificationAt: harness.current });
    await harness.repository.upsertMailbox('carol@example.org', { lastNotificationAt: harness.current });
    harness.advance(harness.config.quietMailboxMs);
    // Bob was notified just now; Carol too, but of history beyond her cursor.
    await harness.repository.upsertMailbox(BOB, { lastNotificationAt: harness.current });
    await harness.repository.upsertMailbox('carol@example.org', { lastNotificationAt: harness.current, lastNotificationHistoryId: '999999' });

    const { published } = await pollQuietMailboxes(harness.deps, harness.current);

    expect(published.sort()).toEqual([ALICE, 'carol@example.org']);
    const polls = harness.bus.on(harness.config.topics.gmailNotifications) as GmailNotification[];
    expect(polls).toContainEqual({ emailAddress: ALICE, historyId: expect.any(String), strataPoll: true });
  });

  it('the poll reads mail whose notification was dropped, through the ingest path', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const dropped = harness.gmail.deliver(ALICE, mail());
    harness.advance(harness.config.quietMailboxMs);

    await pollQuietMailboxes(harness.deps, harness.current);
    for (const poll of harness.bus.take(harness.config.topics.gmailNotifications)) await handleGmailNotification(poll, harness.deps);

    expect((harness.bus.on(harness.config.topics.scanRequests) as ScanRequest[]).map((request) => request.gmailMessageId)).toEqual([dropped]);
    // Polled just now: not quiet any more.
    expect((await pollQuietMailboxes(harness.deps, harness.current)).published).toEqual([]);
  });
});

describe('watch renewal', () => {
  it('requests a renewal for each enrolled mailbox whose watch is missing or due', async () => {
    const harness = new Harness();
    for (const mailbox of [ALICE, BOB, 'carol@example.org', 'dave@example.org']) await harness.enroll(mailbox);
    await harness.repository.upsertMailbox(BOB, { watchExpiration: new Date(harness.current.getTime() + 7 * DAY - 60_000) });
    await harness.repository.upsertMailbox('carol@example.org', { watchExpiration: new Date(harness.current.getTime() + 5 * DAY) });
    await harness.repository.upsertMailbox('dave@example.org', { enrolled: false });

    const { published } = await requestWatchRenewals(harness.deps, harness.current);

    expect(published.sort()).toEqual([ALICE, 'carol@example.org']);
    expect(harness.bus.on(harness.config.topics.watchRenewals) as WatchRenewalRequest[]).toEqual(
      expect.arrayContaining([{ mailbox: ALICE }, { mailbox: 'carol@example.org' }]),
    );
  });

  it('renews the watch on the configured topic, stores its expiration and initialises a missing cursor first', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE, { cursor: null });
    harness.gmail.deliver(ALICE, mail({ messageId: 'before-enrolment@x' }));
    const historyBeforeWatch = harness.gmail.currentHistoryId();

    const outcome = await handleWatchRenewal({ mailbox: ALICE }, harness.deps);

    expect(outcome).toMatchObject({ status: 'renewed', cursorInitialised: true });
    expect(harness.gmail.watchOf(ALICE)?.topicName).toBe(WATCH_TOPIC);
    const state = await harness.repository.getMailbox(ALICE);
    expect(state?.watchExpiration?.getTime()).toBe(harness.gmail.watchOf(ALICE)?.expiration);
    expect(state?.historyCursor).toBe(historyBeforeWatch);

    // The notification the watch triggers finds a cursor: no full sync.
    const next = harness.gmail.deliver(ALICE, mail({ messageId: 'after@x' }));
    expect(await harness.notify(ALICE)).toMatchObject({ sync: { mode: 'incremental', scansCreated: 1 } });
    expect((harness.bus.on(harness.config.topics.scanRequests) as ScanRequest[]).map((request) => request.gmailMessageId)).toEqual([next]);

    // Renewing again keeps the cursor and moves the expiration.
    harness.advance(DAY);
    expect(await handleWatchRenewal({ mailbox: ALICE }, harness.deps)).toMatchObject({ status: 'renewed', cursorInitialised: false });
    expect((await harness.repository.getMailbox(ALICE))?.watchExpiration?.getTime()).toBe(harness.current.getTime() + 7 * DAY);
  });

  it('skips mailboxes no longer enrolled and invalid requests; a failing watch call throws for redelivery', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    await harness.repository.upsertMailbox(BOB, { enrolled: false });
    expect(await handleWatchRenewal({ mailbox: BOB }, harness.deps)).toEqual({ status: 'not-enrolled', mailbox: BOB });
    expect(await handleWatchRenewal({}, harness.deps)).toMatchObject({ status: 'invalid' });
    harness.gmail.failNext('watch', new GmailApiError('forbidden', 403, 'users.watch', ALICE));
    await expect(handleWatchRenewal({ mailbox: ALICE }, harness.deps)).rejects.toThrow('forbidden');
    expect((await harness.repository.getMailbox(ALICE))?.watchExpiration).toBeNull();
  });
});

describe('enrollMailboxes', () => {
  it('enrols active directory users across pages, skips suspended and archived ones, and fans out renewals', async () => {
    const harness = new Harness();
    harness.gmail.users = [
      { primaryEmail: 'Alice@example.org', suspended: false },
      { primaryEmail: 'bob@example.org', suspended: false, archived: false },
      { primaryEmail: 'sus@example.org', suspended: true },
      { primaryEmail: 'arch@example.org', suspended: false, archived: true },
      { primaryEmail: 'carol@example.org', suspended: false },
    ];

    const report = await enrollMailboxes(harness.deps, harness.current);

    expect(harness.gmail.callsOf('listUsers')).toBe(3);
    expect(report).toMatchObject({ active: 3, unenrolled: [] });
    expect(report.enrolled.sort()).toEqual([ALICE, BOB, 'carol@example.org']);
    expect((await harness.repository.listMailboxes({ enrolledOnly: true })).map((state) => state.mailbox)).toEqual([ALICE, BOB, 'carol@example.org']);
    expect((harness.bus.on(harness.config.topics.watchRenewals) as WatchRenewalRequest[]).map((request) => request.mailbox).sort()).toEqual([
      ALICE,
      BOB,
      'carol@example.org',
    ]);
  });

  it('unenrols users who left or were suspended, and is idempotent', async () => {
    const harness = new Harness();
    harness.gmail.users = [
      { primaryEmail: ALICE, suspended: false },
      { primaryEmail: BOB, suspended: false },
    ];
    await enrollMailboxes(harness.deps, harness.current);
    harness.gmail.users = [{ primaryEmail: ALICE, suspended: true }];

    const report = await enrollMailboxes(harness.deps, harness.current);

    expect(report).toMatchObject({ active: 0, enrolled: [], unenrolled: [ALICE, BOB] });
    expect(await harness.repository.listMailboxes({ enrolledOnly: true })).toEqual([]);
  });

  it('unenrols no one when the directory listing fails part way', async () => {
    const harness = new Harness();
    harness.gmail.users = [
      { primaryEmail: ALICE, suspended: false },
      { primaryEmail: BOB, suspended: false },
      { primaryEmail: 'carol@example.org', suspended: false },
    ];
    await enrollMailboxes(harness.deps, harness.current);
    // The first page works, the second fails.
    const original = harness.gmail.listUsers.bind(harness.gmail);
    let pages = 0;
    harness.gmail.listUsers = async (request) => {
      pages += 1;
      if (pages === 2) throw new GmailApiError('backend error', 503, 'directory.users.list', 'admin');
      return original(request);
    };

    await expect(enrollMailboxes(harness.deps, harness.current)).rejects.toThrow('backend error');
    expect(await harness.repository.listMailboxes({ enrolledOnly: true })).toHaveLength(3);
  });
});

describe('runSweep', () => {
  it('runs every task and reports what it did', async () => {
    const harness = new Harness();
    const { scanId } = await scanWithSilentEngines(harness, 'SUSPICIOUS offer', ['alpha']);
    await harness.repository.upsertMailbox(ALICE, { watchExpiration: new Date(harness.current.getTime() + DAY) });
    harness.advance(harness.config.quietMailboxMs);

    const report = await runSweep(harness.deps, harness.current);

    expect(report.overdue.finalised.map((entry) => entry.scanId)).toEqual([scanId]);
    expect(report.polled).toEqual([ALICE]);
    expect(report.renewalsRequested).toEqual([ALICE]);
    expect(report.failures).toEqual([]);
  });

  it('isolates one failing item: the others are handled and the failure reported', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    await harness.enroll(BOB);
    harness.bus.failNext(new Error('publish failed'));

    const report = await requestWatchRenewals(harness.deps, harness.current);

    expect(report.published).toHaveLength(1);
    expect(report.failures).toEqual([{ task: 'renewal', key: expect.any(String), error: 'Error: publish failed' }]);
    expect(harness.logger.at('error')).toHaveLength(1);
  });
});
