import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import type { Engine } from '../../functions/src/core/engine/types';
import { parsePolicy } from '../../functions/src/core/policy';
import { GmailStandin } from '../../functions/src/dev/gmail-standin';
import { createEngines } from '../../functions/src/engines/registry';
import { StaticTokenProvider } from '../../functions/src/gmail/auth/static-token';
import { GoogleapisGmail } from '../../functions/src/gmail/googleapis-gmail';
import { QuotaBudget } from '../../functions/src/gmail/quota';
import { parsePipelineConfig, type PipelineConfig } from '../../functions/src/pipeline/config';
import type { PipelineDeps } from '../../functions/src/pipeline/deps';
import { COLLECTIONS, FirestoreRepository } from '../../functions/src/pipeline/firestore-repository';
import { scanIdFor } from '../../functions/src/pipeline/ids';
import { startLocalRuntime, type LocalRuntime } from '../../functions/src/pipeline/local-runtime';
import type { PipelineLogger } from '../../functions/src/pipeline/logger';
import type { ScanRecord } from '../../functions/src/pipeline/repository';
import { handleWatchRenewal, scanRequestOf } from '../../functions/src/pipeline/sweeper';
import { FirestoreChunkedBlobStore } from '../../functions/src/store/firestore-blob-store';

/**
 * The pipeline end to end on the real emulators: the Gmail stand-in (HTTP, as Gmail) publishes
 * notifications to the Pub/Sub emulator, the local runtime's subscriptions drive the handlers,
 * the production Gmail adapter talks to the stand-in, and scans, results and verdicts live in
 * the Firestore emulator. Each test gets its own topics, subscriptions and collections.
 */

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const ADMIN = 'admin@example.test';
const ORG = 'example.test';
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 8 };
const WAIT_MS = 30_000;

const POLICY = parsePolicy({
  version: 'e2e-1',
  consensus: [],
  decisiveFindings: [{ pattern: 'subject.malware', verdict: 'malicious' }],
  actions: { clean: 'none', suspicious: 'label', malicious: 'quarantine' },
});

/** Judges by subject words, so a test decides the verdict it wants. */
const subjectEngine: Engine = {
  name: 'subject',
  version: '1',
  defaultTimeoutMs: 5_000,
  config: {},
  scan(subject) {
    if (subject.subject.includes('MALWARE')) {
      return { score: 90, findings: [{ id: 'subject.malware', severity: 'critical', title: 'malware', evidence: [], score: 90 }] };
    }
    if (subject.subject.includes('SUSPICIOUS')) {
      return { score: 60, findings: [{ id: 'subject.odd', severity: 'medium', title: 'odd', evidence: [], score: 60 }] };
    }
    return { score: 0, findings: [] };
  },
};

const crashingEngine: Engine = {
  name: 'crashing',
  version: '1',
  defaultTimeoutMs: 5_000,
  config: {},
  scan() {
    throw new Error('engine crashed');
  },
};

const hangingEngine: Engine = {
  name: 'hanging',
  version: '1',
  defaultTimeoutMs: 5_000,
  config: {},
  scan: () => new Promise(() => undefined),
};

function raw(subject: string, id: string): Buffer {
  return Buffer.from(
    [
      'From: Sender <sender@outside.test>',
      `To: ${ALICE}`,
      `Subject: ${subject}`,
      `Message-ID: <${id}@outside.test>`,
      'Date: Mon, 30 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Body of ${subject}.`,
      '',
    ].join('\r\n'),
  );
}

const quietLogger: PipelineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface World {
  standin: GmailStandin;
  gmail: GoogleapisGmail;
  repository: FirestoreRepository;
  runtime: LocalRuntime;
  config: PipelineConfig;
  deps: PipelineDeps;
  /** The repository's collection prefix. */
  prefix: string;
}

describe('pipeline end to end (stand-in, Pub/Sub and Firestore emulators, local runtime)', () => {
  const projectId = process.env.GCLOUD_PROJECT as string;
  let pubsub: PubSub;
  let db: Firestore;
  let world: World | undefined;
  let run = 0;

  beforeAll(() => {
    pubsub = new PubSub({ projectId });
    db = new Firestore({ projectId });
  });

  afterEach(async () => {
    if (!world) return;
    await world.runtime.stop();
    await world.standin.stop();
    world = undefined;
  });

  afterAll(async () => {
    await pubsub.close();
    await db.terminate();
  });

  async function start(options: { engines?: Engine[]; config?: Record<string, unknown> } = {}): Promise<World> {
    run += 1;
    const suffix = `${Date.now().toString(36)}-${run}`;
    const topics = {
      gmailNotifications: `e2e-notifications-${suffix}`,
      scanRequests: `e2e-scan-requests-${suffix}`,
      engineCompletions: `e2e-completions-${suffix}`,
      watchRenewals: `e2e-renewals-${suffix}`,
    };
    const engines = options.engines ?? [subjectEngine, ...createEngines(['auth', 'links'], {})];
    const config = parsePipelineConfig({
      watchTopic: `projects/${projectId}/topics/${topics.gmailNotifications}`,
      topics,
      engines: engines.map((engine) => engine.name),
      organisationDomains: [ORG],
      policy: POLICY,
      ...options.config,
    });
    const standin = new GmailStandin({ mailboxes: [ALICE, BOB, ADMIN], projectId, notificationWindowMs: 100 });
    const { url } = await standin.start();
    const gmail = new GoogleapisGmail({
      rootUrl: url,
      tokens: new StaticTokenProvider('e2e-token'),
      adminMailbox: ADMIN,
      quota: new QuotaBudget(),
      retry: FAST_RETRY,
      fetchImplementation: fetch,
    });
    const prefix = `e2e${suffix.replace(/-/g, '')}_`;
    const repository = new FirestoreRepository(db, prefix);
    const blobs = new FirestoreChunkedBlobStore(db, { collection: `e2eblobs${suffix.replace(/-/g, '')}` });
    const runtime = await startLocalRuntime({
      pubsub,
      deps: { config, repository, blobs, gmail, logger: quietLogger },
      engines,
      subscriptionPrefix: `e2e-${suffix}`,
      deleteSubscriptionsOnStop: true,
      nackDelayMs: 50,
    });
    const deps: PipelineDeps = { config, repository, blobs, gmail, logger: quietLogger, bus: runtime.bus };
    world = { standin, gmail, repository, runtime, config, deps, prefix };
    return world;
  }

  /** Enrols a mailbox the way production does: the renewal sets the cursor, then watches. */
  async function enroll(current: World, mailbox: string): Promise<void> {
    await current.repository.upsertMailbox(mailbox, { enrolled: true });
    await handleWatchRenewal({ mailbox }, current.deps);
    // A watch notifies at once; let that notification be handled before the test goes on.
    await waitFor('the watch notification', async () => (await current.repository.getMailbox(mailbox))?.lastNotificationAt);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  async function decided(current: World, mailbox: string, gmailMessageId: string, settled = true): Promise<ScanRecord> {
    const scanId = scanIdFor(mailbox, gmailMessageId);
    return waitFor(`scan of ${gmailMessageId}`, async () => {
      const scan = await current.repository.getScan(scanId);
      if (!scan?.decided) return null;
      return !settled || scan.actionStatus !== 'pending' ? scan : null;
    });
  }

  function labelNames(current: World, mailbox: string, gmailMessageId: string): string[] {
    const state = current.standin.mailbox(mailbox);
    const names = new Map(state.labels.map((label) => [label.id, label.name]));
    return current.standin
      .message(mailbox, gmailMessageId)
      .labelIds.map((id) => names.get(id) ?? id)
      .sort();
  }

  it('delivery → notification → fan-out → engines → aggregator → label in the mailbox and verdict in Firestore', async () => {
    const current = await start();
    await enroll(current, ALICE);
    const suspicious = current.standin.deliver(ALICE, raw('SUSPICIOUS invoice', 'e2e-1'));
    const malicious = current.standin.deliver(ALICE, raw('MALWARE attached', 'e2e-2'));
    const clean = current.standin.deliver(ALICE, raw('Lunch on Thursday', 'e2e-3'));

    const labelled = await decided(current, ALICE, suspicious.id);
    const quarantined = await decided(current, ALICE, malicious.id);
    const passed = await decided(current, ALICE, clean.id);

    expect(labelled).toMatchObject({ verdict: 'suspicious', action: 'label', actionStatus: 'applied', direction: 'inbound' });
    expect(Object.keys(labelled.engines).sort()).toEqual(['auth', 'links', 'subject']);
    expect(quarantined).toMatchObject({ verdict: 'malicious', action: 'quarantine', actionStatus: 'applied' });
    expect(passed).toMatchObject({ verdict: 'clean', action: 'none', actionStatus: 'skipped' });
    expect(labelNames(current, ALICE, suspicious.id)).toContain('Strata/Suspicious');
    expect(labelNames(current, ALICE, malicious.id)).toContain('Strata/Quarantine');
    expect(labelNames(current, ALICE, malicious.id)).not.toContain('INBOX');
    expect(labelNames(current, ALICE, clean.id)).toEqual(['INBOX', 'UNREAD']);
    expect((await current.repository.getMailbox(ALICE))?.historyCursor).not.toBeNull();
  });

  it('duplicate and out-of-order notifications: each message scanned and fetched once', async () => {
    const current = await start({ engines: [subjectEngine] });
    await enroll(current, ALICE);
    const start0 = (await current.repository.getMailbox(ALICE))?.historyCursor as string;
    const first = current.standin.deliver(ALICE, raw('SUSPICIOUS one', 'dup-1'));
    const second = current.standin.deliver(ALICE, raw('SUSPICIOUS two', 'dup-2'));
    // The newest notification first, then older ones and repeats, as Pub/Sub may deliver them.
    for (const historyId of [second.historyId, first.historyId, start0, second.historyId, first.historyId]) {
      await current.runtime.bus.publish(current.config.topics.gmailNotifications, { emailAddress: ALICE, historyId });
    }

    await decided(current, ALICE, first.id);
    await decided(current, ALICE, second.id);
    // Let every notification (the stand-in's own included) be handled.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(current.gmail.stats().calls['messages.get']).toBe(2);
    const audit = await db.collection(`${current.prefix}${COLLECTIONS.audit}`).get();
    expect(audit.size).toBe(2);
  });

  it('redelivered scan requests and engine completions change nothing: one verdict, one action', async () => {
    const current = await start({ engines: [subjectEngine] });
    await enroll(current, ALICE);
    const message = current.standin.deliver(ALICE, raw('MALWARE again', 'redeliver-1'));
    const first = await decided(current, ALICE, message.id);
    expect(first).toMatchObject({ verdict: 'malicious', action: 'quarantine', actionStatus: 'applied' });
    const modifiesBefore = current.gmail.stats().calls['messages.modify'] ?? 0;

    // Pub/Sub delivers at least once: replay the scan request and the completion, twice each.
    for (let replay = 0; replay < 2; replay += 1) {
      await current.runtime.bus.publish(current.config.topics.scanRequests, scanRequestOf(first));
      await current.runtime.bus.publish(current.config.topics.engineCompletions, { scanId: first.scanId, engine: 'subject' });
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const after = await current.repository.getScan(first.scanId);
    expect(after).toMatchObject({ verdict: 'malicious', action: 'quarantine', actionStatus: 'applied', actionAttempts: first.actionAttempts });
    expect(after?.decidedAt?.getTime()).toBe(first.decidedAt?.getTime());
    expect(current.gmail.stats().calls['messages.modify'] ?? 0).toBe(modifiesBefore);
    expect(current.gmail.stats().calls['messages.get']).toBe(1);
    const audit = await db.collection(`${current.prefix}${COLLECTIONS.audit}`).where('scanId', '==', first.scanId).get();
    expect(audit.size).toBe(1);
    const results = await current.repository.listEngineResults(first.scanId);
    expect(results.map((result) => result.engine)).toEqual(['subject']);
  });

  it('a stale cursor (history 404) falls back to a full sync and loses nothing', async () => {
    const current = await start({ engines: [subjectEngine] });
    await enroll(current, ALICE);
    current.standin.staleHistory(ALICE);
    const message = current.standin.deliver(ALICE, raw('SUSPICIOUS after expiry', 'stale-1'));

    const scan = await decided(current, ALICE, message.id);

    expect(scan.verdict).toBe('suspicious');
    const state = await current.repository.getMailbox(ALICE);
    expect(state?.fullSyncs).toBeGreaterThanOrEqual(1);
    expect(state?.lastSyncAt).not.toBeNull();
  });

  it('a crashing and a hanging engine: the verdict comes with those engines failed', async () => {
    const current = await start({
      engines: [subjectEngine, crashingEngine, hangingEngine],
      config: { engineTimeoutsMs: { hanging: 300 } },
    });
    await enroll(current, ALICE);
    const message = current.standin.deliver(ALICE, raw('SUSPICIOUS with broken engines', 'broken-1'));

    const scan = await decided(current, ALICE, message.id);

    expect(scan).toMatchObject({
      verdict: 'suspicious',
      actionStatus: 'applied',
      engines: { subject: { status: 'ok' }, crashing: { status: 'error' }, hanging: { status: 'timeout' } },
    });
    expect(scan.reasons).toContain('policy.engine_failed');
  });

  it('Gmail 429 and 5xx answers are retried and nothing is lost', async () => {
    const current = await start({ engines: [subjectEngine] });
    await enroll(current, ALICE);
    current.standin.setFaults({ errorRate: 0.3, errorStatuses: [500, 503] });
    current.standin.forceRateLimit(ALICE, 4);
    const delivered = [1, 2, 3, 4, 5].map((n) => current.standin.deliver(ALICE, raw(`SUSPICIOUS burst ${n}`, `burst-${n}`)));

    for (const message of delivered) expect((await decided(current, ALICE, message.id)).verdict).toBe('suspicious');
    current.standin.clearFaults();

    for (const message of delivered) {
      await waitFor('label applied', async () => labelNames(current, ALICE, message.id).includes('Strata/Suspicious') || (await sweepIfFailed(current, ALICE, message.id)));
    }
    const retries = current.gmail.stats().retries;
    expect(Object.values(retries).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
  });

  it('a dropped notification is caught by the sweeper poll; renewals fan out and are handled', async () => {
    const current = await start({ engines: [subjectEngine] });
    await enroll(current, ALICE);
    await current.repository.upsertMailbox(BOB, { enrolled: true });
    current.standin.setFaults({ dropNextNotifications: 1 });
    const message = current.standin.deliver(ALICE, raw('SUSPICIOUS unseen', 'dropped-1'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await current.repository.getScan(scanIdFor(ALICE, message.id))).toBeNull();

    const report = await current.runtime.sweepNow(new Date(Date.now() + current.config.quietMailboxMs));

    expect(report.polled).toContain(ALICE);
    // Alice's fresh watch is not due; Bob has none yet.
    expect(report.renewalsRequested).toEqual([BOB]);
    expect((await decided(current, ALICE, message.id)).verdict).toBe('suspicious');
    const bob = await waitFor('Bob watched', async () => {
      const state = await current.repository.getMailbox(BOB);
      return state?.watchExpiration ? state : null;
    });
    expect(bob.historyCursor).not.toBeNull();
    expect(current.standin.mailbox(BOB).watch?.topicName).toBe(current.config.watchTopic);
  });
});

/** A label action that failed under injected faults is the sweeper's to retry; run it now. */
async function sweepIfFailed(current: World, mailbox: string, gmailMessageId: string): Promise<boolean> {
  const scan = await current.repository.getScan(scanIdFor(mailbox, gmailMessageId));
  if (scan?.actionStatus === 'failed') await current.runtime.sweepNow();
  return false;
}
