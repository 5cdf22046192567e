import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { GmailStandin } from '../../dev/gmail-standin';
import { createEngines } from '../../engines/registry';
import { StaticTokenProvider } from '../../gmail/auth/static-token';
import { GoogleapisGmail } from '../../gmail/googleapis-gmail';
import { QuotaBudget } from '../../gmail/quota';
import { parsePipelineConfig, type PipelineConfig } from '../../pipeline/config';
import type { PipelineDeps } from '../../pipeline/deps';
import { COLLECTIONS, FirestoreRepository } from '../../pipeline/firestore-repository';
import { startLocalRuntime, type LocalRuntime } from '../../pipeline/local-runtime';
import type { PipelineLogger } from '../../pipeline/logger';
import type { ScanRepository } from '../../pipeline/repository';
import { handleWatchRenewal } from '../../pipeline/sweeper';
import { FirestoreChunkedBlobStore } from '../../store/firestore-blob-store';
import { CountingBlobStore, StoreCounters, countingRepository, type RepositoryObserver } from './counting-stores';

/** Gmail publishes at most one notification per mailbox per second; the stand-in does the same. */
export const GMAIL_NOTIFICATION_WINDOW_MS = 1_000;

/**
 * One pipeline, wired as in production but on the emulators: the Gmail stand-in (HTTP, Gmail
 * semantics) publishes watch notifications to the Pub/Sub emulator; the production Gmail
 * adapter talks to the stand-in with a static token; scans, results, cache and blobs live in the
 * Firestore emulator behind counting wrappers; the local runtime's subscriptions drive the
 * handlers with the real engines. Each world has its own topics, subscriptions and collections,
 * so two runs in one emulator set do not see each other (the engine cache starts cold).
 */
export interface PipelineWorld {
  runId: string;
  standin: GmailStandin;
  gmail: GoogleapisGmail;
  counters: StoreCounters;
  repository: ScanRepository;
  runtime: LocalRuntime;
  config: PipelineConfig;
  deps: PipelineDeps;
  /** Collection names in the Firestore emulator. */
  collections: { scans: string; engineCache: string; blobs: string };
  stop(): Promise<void>;
}

export interface WorldOptions {
  projectId: string;
  pubsub: PubSub;
  db: Firestore;
  runId: string;
  mailboxes: readonly string[];
  organisationDomains: readonly string[];
  engines: readonly string[];
  /** Each engine's config section (the clamav engine's daemon address, say). */
  engineConfigs?: Record<string, unknown>;
  /** Messages each subscription handles at once (the runtime's maxMessagesInFlight). */
  concurrency: number;
  logger: PipelineLogger;
  /** Sees every repository call the pipeline makes, as it returns. */
  observeRepository: RepositoryObserver;
}

export async function startWorld(options: WorldOptions): Promise<PipelineWorld> {
  const { projectId, pubsub, db, runId, logger } = options;
  const topics = {
    gmailNotifications: `bench-${runId}-notifications`,
    scanRequests: `bench-${runId}-scan-requests`,
    engineCompletions: `bench-${runId}-completions`,
    watchRenewals: `bench-${runId}-renewals`,
  };
  const config = parsePipelineConfig({
    watchTopic: `projects/${projectId}/topics/${topics.gmailNotifications}`,
    topics,
    engines: [...options.engines],
    organisationDomains: [...options.organisationDomains],
    engineConfigs: options.engineConfigs ?? {},
  });
  const engines = createEngines(config.engines, config.engineConfigs);

  const standin = new GmailStandin({ mailboxes: [...options.mailboxes], projectId, notificationWindowMs: GMAIL_NOTIFICATION_WINDOW_MS });
  const { url } = await standin.start();
  const gmail = new GoogleapisGmail({
    rootUrl: url,
    tokens: new StaticTokenProvider('bench-token'),
    adminMailbox: options.mailboxes[0] as string,
    quota: new QuotaBudget(),
    fetchImplementation: fetch,
  });

  const prefix = `bench_${runId}_`;
  const collections = {
    scans: `${prefix}${COLLECTIONS.scans}`,
    engineCache: `${prefix}${COLLECTIONS.engineCache}`,
    blobs: `bench_${runId}_blobs`,
  };
  const counters = new StoreCounters();
  const repository = countingRepository(new FirestoreRepository(db, prefix), counters, options.observeRepository);
  const blobStore = new FirestoreChunkedBlobStore(db, { collection: collections.blobs });
  const blobs = new CountingBlobStore(blobStore, blobStore.chunkSize, counters);

  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      pubsub,
      deps: { config, repository, blobs, gmail, logger },
      engines,
      subscriptionPrefix: `bench-${runId}`,
      deleteSubscriptionsOnStop: true,
      maxMessagesInFlight: options.concurrency,
    });
  } catch (error) {
    await standin.stop();
    throw error;
  }
  const deps: PipelineDeps = { config, repository, blobs, gmail, logger, bus: runtime.bus };
  let stopped: Promise<void> | undefined;
  return {
    runId,
    standin,
    gmail,
    counters,
    repository,
    runtime,
    config,
    deps,
    collections,
    stop() {
      stopped ??= (async () => {
        // Runtime first, so no handler calls the stand-in after it is gone.
        try {
          await runtime.stop();
        } finally {
          await standin.stop();
        }
      })();
      return stopped;
    },
  };
}

/**
 * Enrols every mailbox the way production does (the renewal sets the cursor, then watches),
 * then waits until each watch's first notification has been handled by ingest.
 */
export async function enrolMailboxes(world: PipelineWorld, mailboxes: readonly string[], timeoutMs: number): Promise<void> {
  await Promise.all(
    mailboxes.map(async (mailbox) => {
      await world.repository.upsertMailbox(mailbox, { enrolled: true });
      await handleWatchRenewal({ mailbox }, world.deps);
    }),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(mailboxes.map((mailbox) => world.repository.getMailbox(mailbox)));
    const waiting = mailboxes.filter((_mailbox, index) => !states[index]?.lastNotificationAt || !states[index]?.historyCursor);
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`enrolment timed out: ${waiting.length} of ${mailboxes.length} mailboxes never had their watch notification handled`);
    }
    await delay(200);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
