import { availableParallelism, loadavg } from 'node:os';
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { scanIdFor } from '../../pipeline/ids';
import type { PipelineLogger } from '../../pipeline/logger';
import { CompletionTracker, ListenerWatch, type Completion } from './completion-watch';
import {
  distribution,
  hopFigures,
  logGrowth,
  occurrences,
  processCpuSeconds,
  round,
  storedBlobCount,
  type Distribution,
  type HopFigures,
} from './figures';
import type { DeliveryPlan, PlannedDelivery } from './mail-plan';
import type { ShutdownStack } from './shutdown';
import { delay, enrolMailboxes, startWorld, type PipelineWorld } from './world';

/**
 * After the last message completes, trailing work still runs: the audit entry follows the
 * outcome write, the ingest that read a message advances the cursor after dispatching it, and
 * every label change Strata makes is itself a mailbox change that Gmail notifies (one window
 * later). The counters are read after this pause so each message's full cost is in them.
 */
const TRAILING_WORK_MS = 3_000;
/** Between warm-up and measurement: longer than the notification window, so no measured message waits on a warm-up window. */
const WARMUP_SETTLE_MS = 2_000;
const WARMUP_TIMEOUT_MS = 60_000;
/** How long the optional listener cross-check may take to see every scan final after the pipeline wrote it. */
const LISTENER_CATCH_UP_MS = 60_000;

export interface RunOptions {
  label: string;
  runId: string;
  engines: readonly string[];
  engineConfigs?: Record<string, unknown>;
  plan: DeliveryPlan;
  warmup: readonly PlannedDelivery[];
  mailboxes: readonly string[];
  organisationDomains: readonly string[];
  ratePerSecond: number;
  concurrency: number;
  drainTimeoutMs: number;
  enrolTimeoutMs: number;
  projectId: string;
  pubsub: PubSub;
  db: Firestore;
  emulatorPids: { firestore: number; pubsub: number };
  /** The Firestore emulator's log, where it reports transactions aborted on lock timeouts. */
  firestoreLogFile: string;
  shutdown: ShutdownStack;
  /** Also watch the scans with a snapshot listener and report how far it lags behind the writes. */
  listenerCrossCheck: boolean;
  /** Progress lines go here (stderr), so stdout holds only the figures. */
  progress: (line: string) => void;
}

export interface RunFigures {
  label: string;
  engines: string[];
  mailboxes: number;
  messages: number;
  distinctContents: number;
  campaigns: number;
  campaignCopies: number;
  targetRatePerSecond: number;
  achievedDeliveryRatePerSecond: number;
  /** Largest lag of a delivery behind its schedule (the event loop was busy). */
  maxDeliveryLagMs: number;
  concurrency: number;
  elapsedSeconds: number;
  throughputPerSecond: number;
  latencyMs: Distribution;
  hopsMs: HopFigures;
  verdicts: Record<string, number>;
  actionStatuses: Record<string, number>;
  gmail: {
    callsPerMethod: Record<string, number>;
    callsPerMessage: Record<string, number>;
    unitsTotal: number;
    unitsPerMessage: number;
    messagesGetPerMessage: number;
    /** Exact, so a target of one fetch per message is not met by rounding. */
    messagesGetCalls: number;
    notifications: { published: number; coalesced: number; dropped: number; failed: number };
    rateLimited: number;
    adapterRetries: Record<string, number>;
  };
  firestore: {
    writesTotal: number;
    writesPerMessage: number;
    writesByCall: Record<string, number>;
    writesPerMessageByCall: Record<string, number>;
    repositoryCalls: Record<string, number>;
    /** How long each kind of store call took (ms), slowest p95 first. */
    callDurationsMs: Record<string, Distribution>;
    failedCalls: Record<string, number>;
    /** Commits the Firestore emulator refused with "Transaction lock timeout" (ABORTED; the client retries them). */
    emulatorLockTimeouts: number;
    blobs: { newBlobs: number; presentPuts: number; racingPuts: number; chunkWrites: number; manifestWrites: number; bytesStored: number; storedManifests: number };
  };
  cpuSeconds: { benchProcess: number; firestoreEmulator: number | null; pubsubEmulator: number | null };
  /**
   * Messages per second the machine's cores could carry if CPU were the only limit: cores over
   * the CPU time one message took in all three processes. A ceiling estimate, not a measurement.
   */
  cpuBoundCeilingPerSecond: number | null;
  /** With --listener-cross-check: how long after the final write a snapshot listener saw it. */
  listenerLagMs: (Distribution & { neverSeen: number; error?: string }) | null;
  peakRssMiB: number;
  loadAverage: { atStart: number[]; atEnd: number[] };
  log: { warnings: number; errors: number; firstErrors: string[] };
}

/**
 * One measured run: a fresh pipeline world, enrolment, a warm-up (one clean message per
 * mailbox, not measured, so JIT compilation and connection set-up are not charged to the first
 * measured messages), then every counter is reset and the plan is delivered at a steady rate.
 */
export async function measuredRun(options: RunOptions): Promise<RunFigures> {
  const { db, progress } = options;
  const logger = new CountingLogger();
  const tracker = new CompletionTracker();
  const world = await startWorld({
    projectId: options.projectId,
    pubsub: options.pubsub,
    db,
    runId: options.runId,
    mailboxes: options.mailboxes,
    organisationDomains: options.organisationDomains,
    engines: options.engines,
    engineConfigs: options.engineConfigs,
    concurrency: options.concurrency,
    logger,
    observeRepository: (call, args, result) => tracker.observe(call, args, result),
  });
  const stopWorld = options.shutdown.push(`pipeline world ${options.runId}`, () => world.stop());
  const listener = options.listenerCrossCheck ? new ListenerWatch(db, world.collections.scans) : null;
  const stopListener = options.shutdown.push(`scans listener ${options.runId}`, () => listener?.stop());
  try {
    await listener?.started();
    progress(`[${options.label}] enrolling ${options.mailboxes.length} mailboxes`);
    await enrolMailboxes(world, options.mailboxes, options.enrolTimeoutMs);

    progress(`[${options.label}] warm-up: ${options.warmup.length} messages`);
    const warmupIds = options.warmup.map((delivery) => deliver(world, tracker, delivery).scanId);
    await tracker.waitFor(warmupIds, Date.now() + WARMUP_TIMEOUT_MS, 'the warm-up messages');
    await delay(WARMUP_SETTLE_MS);

    world.standin.resetStats();
    world.gmail.resetStats();
    world.counters.reset();
    logger.reset();
    const cpuBefore = cpuSnapshot(options.emulatorPids);
    const firestoreLogOffset = logGrowth(options.firestoreLogFile, 0).size;
    const loadAtStart = loadavg().map((value) => round(value, 2));

    const messages = options.plan.deliveries.length;
    progress(`[${options.label}] delivering ${messages} messages at ${options.ratePerSecond}/s`);
    const intervalMs = 1_000 / options.ratePerSecond;
    const firstDeliveryAt = Date.now();
    const scanIds: string[] = [];
    let maxLagMs = 0;
    for (const [index, delivery] of options.plan.deliveries.entries()) {
      const due = firstDeliveryAt + index * intervalMs;
      const wait = due - Date.now();
      if (wait > 0) await delay(wait);
      maxLagMs = Math.max(maxLagMs, Date.now() - due);
      scanIds.push(deliver(world, tracker, delivery).scanId);
      if ((index + 1) % 100 === 0) progress(`[${options.label}]   ${index + 1} delivered, ${scanIds.length - tracker.missing(scanIds).length} done`);
    }
    const lastDeliveryAt = Date.now();
    await tracker.waitFor(scanIds, lastDeliveryAt + options.drainTimeoutMs, `the ${messages} delivered messages`);

    const completions = scanIds.map((scanId) => tracker.completion(scanId) as Completion);
    const lastCompletionAt = Math.max(...completions.map((completion) => completion.completedAtMs));
    progress(`[${options.label}] all ${messages} done; letting trailing work finish`);
    await delay(TRAILING_WORK_MS);

    const listenerLagMs = listener ? await listenerLag(listener, completions) : null;
    const cpuAfter = cpuSnapshot(options.emulatorPids);
    const emulatorLockTimeouts = occurrences(logGrowth(options.firestoreLogFile, firestoreLogOffset).text, 'Transaction lock timeout');
    const standinStats = world.standin.stats();
    const adapterStats = world.gmail.stats();
    const counters = world.counters;
    const hops = await hopFigures(db, world.collections.scans, completions);
    const storedManifests = await storedBlobCount(db, world.collections.blobs);

    const elapsedSeconds = (lastCompletionAt - firstDeliveryAt) / 1000;
    const unitsTotal = sum(Object.values(standinStats.units));
    const writesTotal = counters.totalWrites();
    const writesByCall = counters.writesByCall();
    return {
      label: options.label,
      engines: [...options.engines],
      mailboxes: options.mailboxes.length,
      messages,
      distinctContents: options.plan.distinctContents,
      campaigns: options.plan.campaigns,
      campaignCopies: options.plan.campaignCopies,
      targetRatePerSecond: options.ratePerSecond,
      achievedDeliveryRatePerSecond: round(messages > 1 ? ((messages - 1) * 1000) / Math.max(1, lastDeliveryAt - firstDeliveryAt) : messages, 2),
      maxDeliveryLagMs: round(maxLagMs),
      concurrency: options.concurrency,
      elapsedSeconds: round(elapsedSeconds, 2),
      throughputPerSecond: round(messages / elapsedSeconds, 2),
      latencyMs: distribution(completions.map((completion) => completion.latencyMs)),
      hopsMs: hops,
      verdicts: tally(completions.map((completion) => completion.verdict)),
      actionStatuses: tally(completions.map((completion) => `${completion.action}:${completion.actionStatus}`)),
      gmail: {
        callsPerMethod: sortedRecord(standinStats.calls),
        callsPerMessage: perMessage(standinStats.calls, messages),
        unitsTotal,
        unitsPerMessage: round(unitsTotal / messages, 2),
        messagesGetPerMessage: round((standinStats.calls['users.messages.get'] ?? 0) / messages, 3),
        messagesGetCalls: standinStats.calls['users.messages.get'] ?? 0,
        notifications: standinStats.notifications,
        rateLimited: sum(Object.values(standinStats.rateLimited)),
        adapterRetries: adapterStats.retries,
      },
      firestore: {
        writesTotal,
        writesPerMessage: round(writesTotal / messages, 2),
        writesByCall: sortedRecord(writesByCall),
        writesPerMessageByCall: perMessage(writesByCall, messages),
        repositoryCalls: sortedRecord(counters.calls),
        callDurationsMs: Object.fromEntries(
          Object.entries(counters.durationsMs)
            .map(([call, durations]) => [call, distribution(durations)] as const)
            .sort(([, a], [, b]) => b.p95 - a.p95),
        ),
        failedCalls: counters.failures,
        emulatorLockTimeouts,
        blobs: { ...counters.blobs, storedManifests },
      },
      cpuSeconds: {
        benchProcess: round(cpuAfter.benchProcess - cpuBefore.benchProcess, 2),
        firestoreEmulator: difference(cpuAfter.firestoreEmulator, cpuBefore.firestoreEmulator),
        pubsubEmulator: difference(cpuAfter.pubsubEmulator, cpuBefore.pubsubEmulator),
      },
      listenerLagMs,
      cpuBoundCeilingPerSecond: cpuCeiling(cpuBefore, cpuAfter, messages),
      peakRssMiB: round(process.resourceUsage().maxRSS / 1024),
      loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((value) => round(value, 2)) },
      log: { warnings: logger.warnings, errors: logger.errors, firstErrors: logger.firstErrors },
    };
  } finally {
    await stopListener();
    progress(`[${options.label}] stopping the pipeline`);
    await stopWorld();
  }
}

function deliver(world: PipelineWorld, tracker: CompletionTracker, delivery: PlannedDelivery): { scanId: string } {
  const delivered = world.standin.deliver(delivery.mailbox, delivery.raw);
  // Taken right after the stand-in stamped internalDate; registered before anything can complete.
  const deliveredAtMs = Date.now();
  const scanId = scanIdFor(delivery.mailbox, delivered.id);
  tracker.expect(scanId, deliveredAtMs);
  return { scanId };
}

async function listenerLag(listener: ListenerWatch, completions: readonly Completion[]): Promise<Distribution & { neverSeen: number; error?: string }> {
  const neverSeen = await listener.catchUp(
    completions.map((completion) => completion.scanId),
    LISTENER_CATCH_UP_MS,
  );
  const lags = completions.flatMap((completion) => {
    const seenAt = listener.seenAt(completion.scanId);
    return seenAt === undefined ? [] : [seenAt - completion.completedAtMs];
  });
  const error = listener.error();
  return { ...distribution(lags), neverSeen, ...(error !== undefined ? { error } : {}) };
}

interface CpuSnapshot {
  benchProcess: number;
  firestoreEmulator: number | null;
  pubsubEmulator: number | null;
}

function cpuSnapshot(pids: { firestore: number; pubsub: number }): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    benchProcess: (usage.user + usage.system) / 1e6,
    firestoreEmulator: processCpuSeconds(pids.firestore),
    pubsubEmulator: processCpuSeconds(pids.pubsub),
  };
}

function cpuCeiling(before: CpuSnapshot, after: CpuSnapshot, messages: number): number | null {
  if (before.firestoreEmulator === null || after.firestoreEmulator === null || before.pubsubEmulator === null || after.pubsubEmulator === null) return null;
  const seconds =
    after.benchProcess - before.benchProcess + (after.firestoreEmulator - before.firestoreEmulator) + (after.pubsubEmulator - before.pubsubEmulator);
  return seconds > 0 ? round((availableParallelism() * messages) / seconds, 1) : null;
}

function difference(after: number | null, before: number | null): number | null {
  return after === null || before === null ? null : round(after - before, 2);
}

/** A logger that stays quiet but counts warnings and errors and keeps the first few errors. */
class CountingLogger implements PipelineLogger {
  warnings = 0;
  errors = 0;
  firstErrors: string[] = [];

  info(): void {}

  warn(): void {
    this.warnings += 1;
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.errors += 1;
    if (this.firstErrors.length < 5) this.firstErrors.push(`${message} ${JSON.stringify(fields ?? {}).slice(0, 400)}`);
  }

  reset(): void {
    this.warnings = 0;
    this.errors = 0;
    this.firstErrors = [];
  }
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return sortedRecord(counts);
}

function perMessage(counts: Record<string, number>, messages: number): Record<string, number> {
  return sortedRecord(Object.fromEntries(Object.entries(counts).map(([key, count]) => [key, round(count / messages, 3)])));
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
