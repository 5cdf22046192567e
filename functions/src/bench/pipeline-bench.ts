import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { startEmulators, stopEmulators, type EmulatorSet } from '../dev/emulators';
import { startClamd } from '../dev/clamd';
import { AVAILABLE_ENGINES } from '../engines/registry';
import { processPeakRssMiB, round } from './pipeline/figures';
import { loadTemplates, planDeliveries, planWarmup } from './pipeline/mail-plan';
import { measuredRun, type RunFigures } from './pipeline/measured-run';
import { ShutdownStack } from './pipeline/shutdown';

/**
 * `npm run bench:pipeline -- [--mailboxes 20] [--messages 500] [--engines a,b] [--concurrency N]
 * [--rate R] [--baseline-engine links]`: the whole cloud pipeline on the real emulators, measured
 * from delivery into a mailbox to the action applied in it. Starts its own Firestore and Pub/Sub
 * emulators, a Gmail stand-in with Gmail's one-second notification window, the production Gmail
 * adapter, the Firestore repository and blob store, and the local runtime with the real engines.
 * Runs twice on the same messages, with every engine and with one, and prints what it measured
 * (latency, throughput, Gmail calls and units, Firestore writes, CPU, memory), then one JSON line.
 * A script that prints figures, not a timed test: the targets are reported, never asserted.
 */

const PROJECT_ID = 'demo-strata-bench';
/** The sample messages are addressed to this (fictional) Workspace organisation. */
const ORGANISATION_DOMAIN = 'northwind-labs.com';
/** Warm-up content: clean, so it creates no labels and leaves the measured phase its one-time label set-up. */
const WARMUP_TEMPLATE = '02-clean-vendor-invoice-notice.eml';
const TARGET_P95_MS = 5_000;
const TARGET_P50_RATIO = 1.3;
const TARGET_MESSAGES_GET_PER_MESSAGE = 1;
const REPO_ROOT = resolve(__dirname, '..', '..', '..');

const USAGE =
  'usage: npm run bench:pipeline -- [--mailboxes 20] [--messages 500] [--engines a,b] [--concurrency 16] ' +
  '[--rate 5] [--campaign-copies 5] [--baseline-engine links] [--skip-baseline] [--drain-timeout-s 120] [--mail-dir DIR] [--listener-cross-check]';

interface BenchOptions {
  mailboxes: number;
  messages: number;
  engines: string[];
  baselineEngine: string | null;
  concurrency: number;
  ratePerSecond: number;
  campaignCopies: number;
  drainTimeoutMs: number;
  mailDir: string;
  listenerCrossCheck: boolean;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      mailboxes: { type: 'string', default: '20' },
      messages: { type: 'string', default: '500' },
      engines: { type: 'string' },
      'baseline-engine': { type: 'string', default: 'links' },
      'skip-baseline': { type: 'boolean', default: false },
      'listener-cross-check': { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '16' },
      rate: { type: 'string', default: '5' },
      'campaign-copies': { type: 'string', default: '5' },
      'drain-timeout-s': { type: 'string', default: '120' },
      'mail-dir': { type: 'string', default: join(REPO_ROOT, 'examples', 'mail') },
    },
  });
  const engines = values.engines ? values.engines.split(',').map((name) => name.trim()).filter(Boolean) : [...AVAILABLE_ENGINES];
  const unknown = [...engines, values['baseline-engine']].filter((name) => !AVAILABLE_ENGINES.includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown engine(s) ${unknown.join(', ')}; available: ${AVAILABLE_ENGINES.join(', ')}`);
  return {
    mailboxes: positiveInteger('mailboxes', values.mailboxes),
    messages: positiveInteger('messages', values.messages),
    engines,
    baselineEngine: values['skip-baseline'] ? null : values['baseline-engine'],
    concurrency: positiveInteger('concurrency', values.concurrency),
    ratePerSecond: positiveNumber('rate', values.rate),
    campaignCopies: positiveInteger('campaign-copies', values['campaign-copies']),
    drainTimeoutMs: positiveNumber('drain-timeout-s', values['drain-timeout-s']) * 1000,
    mailDir: values['mail-dir'],
    listenerCrossCheck: values['listener-cross-check'],
  };
}

class UsageError extends Error {}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, not ${JSON.stringify(text)}`);
  return value;
}

function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a positive number, not ${JSON.stringify(text)}`);
  return value;
}

async function bench(argv: string[], shutdown: ShutdownStack, signals: SignalState): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    console.error(USAGE);
    return 2;
  }
  const progress = (line: string) => console.error(line);
  const templates = loadTemplates(options.mailDir);
  const mailboxes = Array.from({ length: options.mailboxes }, (_, index) => `bench-user-${String(index + 1).padStart(3, '0')}@${ORGANISATION_DOMAIN}`);
  const plan = planDeliveries({ templates, mailboxes, messages: options.messages, campaignCopies: options.campaignCopies });
  const warmup = planWarmup(templates, mailboxes, WARMUP_TEMPLATE);
  const loadAtStart = loadavg().map((value) => round(value, 2));

  const logDir = join(REPO_ROOT, '.strata-run', 'bench-pipeline', String(process.pid));
  mkdirSync(logDir, { recursive: true });
  progress(`starting the Firestore and Pub/Sub emulators (logs in ${logDir})`);
  signals.deferExit = true;
  let emulators: EmulatorSet;
  try {
    emulators = await startEmulators({ projectId: PROJECT_ID, logDir });
  } finally {
    signals.deferExit = false;
  }
  const started = emulators;
  shutdown.push('emulators', () => stopEmulators(started));
  if (signals.received) throw new Error(`interrupted by ${signals.received}`);
  // The clients read the emulator addresses from the environment (the stand-in's publisher too).
  Object.assign(process.env, emulators.env);
  const pubsub = new PubSub({ projectId: PROJECT_ID });
  shutdown.push('Pub/Sub client', () => pubsub.close());
  const db = new Firestore({ projectId: PROJECT_ID });
  shutdown.push('Firestore client', () => db.terminate());
  const emulatorPids = { firestore: emulators.firestore.pid, pubsub: emulators.pubsub.pid };
  // The clamav engine needs a daemon: a private clamd with the repository's test signatures.
  const usesClamav = options.engines.includes('clamav') || options.baselineEngine === 'clamav';
  const clamd = usesClamav ? await startClamd({ runDir: join(logDir, 'clamd') }) : null;
  if (clamd) {
    shutdown.push('clamd', () => clamd.stop());
    progress(`clamd on ${clamd.host}:${clamd.port} for the clamav engine`);
  }
  const engineConfigs = clamd ? { clamav: clamd.engineConfig } : {};

  const common = {
    plan,
    warmup,
    mailboxes,
    organisationDomains: [ORGANISATION_DOMAIN],
    ratePerSecond: options.ratePerSecond,
    concurrency: options.concurrency,
    drainTimeoutMs: options.drainTimeoutMs,
    listenerCrossCheck: options.listenerCrossCheck,
    enrolTimeoutMs: 60_000,
    projectId: PROJECT_ID,
    pubsub,
    db,
    emulatorPids,
    firestoreLogFile: join(logDir, 'firestore-emulator.log'),
    shutdown,
    progress,
    engineConfigs,
  };
  const runTag = Date.now().toString(36);
  const runs: RunFigures[] = [];
  runs.push(await measuredRun({ ...common, label: 'all engines', runId: `${runTag}a`, engines: options.engines }));
  if (options.baselineEngine !== null) {
    runs.push(await measuredRun({ ...common, label: 'one engine', runId: `${runTag}b`, engines: [options.baselineEngine] }));
  }

  const emulatorPeakRssMiB = { firestore: processPeakRssMiB(emulatorPids.firestore), pubsub: processPeakRssMiB(emulatorPids.pubsub) };
  const [all, one] = runs as [RunFigures, RunFigures | undefined];
  const p50Ratio = one && one.latencyMs.p50 > 0 ? round(all.latencyMs.p50 / one.latencyMs.p50, 2) : null;
  const targets = {
    p95AtMost5s: { value: all.latencyMs.p95, target: TARGET_P95_MS, met: all.latencyMs.p95 <= TARGET_P95_MS },
    messagesGetPerMessage: {
      value: all.gmail.messagesGetPerMessage,
      target: TARGET_MESSAGES_GET_PER_MESSAGE,
      met: all.gmail.messagesGetCalls === all.messages * TARGET_MESSAGES_GET_PER_MESSAGE,
    },
    p50RatioAllToOne: { value: p50Ratio, target: TARGET_P50_RATIO, met: p50Ratio !== null && p50Ratio <= TARGET_P50_RATIO },
  };

  console.log(
    `Pipeline benchmark: ${options.mailboxes} mailboxes, ${options.messages} messages per run ` +
      `(${plan.distinctContents} distinct contents: ${plan.oneOffs} one-offs and ${plan.campaignCopies} copies of ${plan.campaigns} campaigns), ` +
      `delivered at ${options.ratePerSecond}/s, ${options.concurrency} messages in flight per subscription, ` +
      `${availableParallelism()} cores, load average ${loadAtStart.join(' ')} at start`,
  );
  for (const run of runs) printRun(run);
  console.log('');
  console.log(`bench process peak RSS ${Math.max(...runs.map((run) => run.peakRssMiB))} MiB; emulators' peak RSS: Firestore ${emulatorPeakRssMiB.firestore ?? '?'} MiB, Pub/Sub ${emulatorPeakRssMiB.pubsub ?? '?'} MiB`);
  console.log(`target p95 ≤ ${TARGET_P95_MS} ms (all engines): ${all.latencyMs.p95} ms ${verdict(targets.p95AtMost5s.met)}`);
  console.log(`target messages.get per message = 1.0: ${all.gmail.messagesGetPerMessage.toFixed(3)} ${verdict(targets.messagesGetPerMessage.met)}`);
  if (one) {
    console.log(
      `p50 ratio all engines / one engine (${one.engines.join(',')}): ${all.latencyMs.p50} / ${one.latencyMs.p50} = ${p50Ratio ?? '?'} ` +
        `(target ≤ ${TARGET_P50_RATIO}) ${verdict(targets.p50RatioAllToOne.met)}`,
    );
  }
  console.log(
    JSON.stringify({
      benchmark: 'pipeline',
      options: { ...options, mailDir: undefined },
      cores: availableParallelism(),
      loadAverageAtStart: loadAtStart,
      plan: { distinctContents: plan.distinctContents, oneOffs: plan.oneOffs, campaigns: plan.campaigns, campaignCopies: plan.campaignCopies },
      runs,
      p50RatioAllToOne: p50Ratio,
      emulatorPeakRssMiB,
      targets,
    }),
  );
  return 0;
}

function printRun(run: RunFigures): void {
  const hops = run.hopsMs;
  const pair = (distribution: { p50: number; p95: number }) => `${distribution.p50}/${distribution.p95}`;
  const perEngine = Object.entries(hops.perEngine)
    .map(([engine, distribution]) => `${engine} ${pair(distribution)}`)
    .join(', ');
  const cache = run.engines.map((engine) => `${engine} ${hops.cacheHits[engine] ?? 0}/${hops.resultsPerEngine[engine] ?? 0}`).join(', ');
  const perMethod = Object.entries(run.gmail.callsPerMessage)
    .map(([method, count]) => `${method.replace(/^users\./, '')} ${count}`)
    .join(', ');
  const writes = Object.entries(run.firestore.writesPerMessageByCall)
    .map(([call, count]) => `${call} ${count}`)
    .join(', ');
  const blobs = run.firestore.blobs;
  const cpu = run.cpuSeconds;
  const perMessageMs = (seconds: number | null) => (seconds === null ? '?' : `${round((seconds * 1000) / run.messages)}`);
  console.log('');
  console.log(`== ${run.label} (${run.engines.join(', ')})`);
  console.log(
    `messages ${run.messages}, elapsed ${run.elapsedSeconds} s (first delivery to last completion), throughput ${run.throughputPerSecond} msg/s ` +
      `(delivered at ${run.achievedDeliveryRatePerSecond}/s, largest delivery lag ${run.maxDeliveryLagMs} ms)`,
  );
  console.log(`latency ms (delivery → action applied / verdict final): p50 ${run.latencyMs.p50}, p95 ${run.latencyMs.p95}, p99 ${run.latencyMs.p99}, max ${run.latencyMs.max}, mean ${run.latencyMs.mean}`);
  console.log(
    `hops p50/p95 ms: ingest ${pair(hops.ingest)}, engines ${pair(hops.engines)} (${perEngine}), aggregate ${pair(hops.aggregate)}, decide+action ${pair(hops.action)}`,
  );
  console.log(
    `engine run time p50/p95 ms (uncached): ${Object.entries(hops.engineRunMs).map(([engine, distribution]) => `${engine} ${pair(distribution)}`).join(', ')}; cache hits: ${cache}`,
  );
  console.log(
    `Gmail: ${run.gmail.unitsPerMessage} units/message (${run.gmail.unitsTotal} total); calls per message: ${perMethod}; ` +
      `notifications ${run.gmail.notifications.published} published, ${run.gmail.notifications.coalesced} coalesced; rate-limited ${run.gmail.rateLimited}`,
  );
  console.log(
    `messages.get per message: ${run.gmail.messagesGetPerMessage.toFixed(3)} (${run.gmail.messagesGetCalls} calls for ${run.messages} messages; target 1.0) ` +
      verdict(run.gmail.messagesGetCalls === run.messages * TARGET_MESSAGES_GET_PER_MESSAGE),
  );
  console.log(`Firestore writes per message: ${run.firestore.writesPerMessage} (${run.firestore.writesTotal} total): ${writes}`);
  console.log(
    `blobs: ${blobs.newBlobs} new (${blobs.chunkWrites} chunk + ${blobs.manifestWrites} manifest writes, ${round(blobs.bytesStored / 1024)} KiB), ` +
      `${blobs.presentPuts} puts found the content stored, ${blobs.racingPuts} racing puts; ${blobs.storedManifests} blobs in the collection`,
  );
  const slowest = Object.entries(run.firestore.callDurationsMs)
    .slice(0, 5)
    .map(([call, distribution]) => `${call} ${distribution.p50}/${distribution.p95}/${distribution.max}`)
    .join(', ');
  console.log(`slowest store calls, p50/p95/max ms: ${slowest}; Firestore emulator lock timeouts (aborted commits): ${run.firestore.emulatorLockTimeouts}`);
  console.log(
    `CPU s: bench process ${cpu.benchProcess} (${perMessageMs(cpu.benchProcess)} ms/message), Firestore emulator ${cpu.firestoreEmulator ?? '?'} ` +
      `(${perMessageMs(cpu.firestoreEmulator)} ms/message), Pub/Sub emulator ${cpu.pubsubEmulator ?? '?'} (${perMessageMs(cpu.pubsubEmulator)} ms/message); ` +
      `CPU-bound ceiling ≈ ${run.cpuBoundCeilingPerSecond ?? '?'} msg/s on ${availableParallelism()} cores`,
  );
  if (run.listenerLagMs) {
    const lag = run.listenerLagMs;
    console.log(
      `snapshot listener cross-check: saw the final state p50 ${lag.p50} / p95 ${lag.p95} / max ${lag.max} ms after it was written; ` +
        `${lag.neverSeen} never seen${lag.error ? ` (listener error: ${lag.error})` : ''}`,
    );
  }
  console.log(`peak RSS (bench process, so far) ${run.peakRssMiB} MiB; load average ${run.loadAverage.atStart.join(' ')} → ${run.loadAverage.atEnd.join(' ')}`);
  console.log(`verdicts: ${describeCounts(run.verdicts)}; actions: ${describeCounts(run.actionStatuses)}`);
  console.log(`pipeline log: ${run.log.warnings} warnings, ${run.log.errors} errors${run.log.firstErrors.length ? `; first: ${run.log.firstErrors.join(' | ')}` : ''}`);
}

function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
}

function verdict(met: boolean): string {
  return met ? 'MET' : 'MISSED';
}

interface SignalState {
  received: NodeJS.Signals | undefined;
  /** While the emulators start their pids are unknown: note the signal and stop them once started. */
  deferExit: boolean;
}

function main(): void {
  const shutdown = new ShutdownStack();
  const signals: SignalState = { received: undefined, deferExit: false };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signals.received) return;
    signals.received = signal;
    console.error(`\n${signal}: stopping the pipeline and the emulators`);
    if (signals.deferExit) return;
    void shutdown.runAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', (error) => {
    console.error('pipeline benchmark: uncaught error:', error);
    void shutdown.runAll().finally(() => process.exit(1));
  });

  bench(process.argv.slice(2), shutdown, signals)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        console.error(`pipeline benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      },
    )
    .finally(() => shutdown.runAll())
    .finally(() => {
      // Client libraries may keep timers alive after close; the figures are printed, so leave.
      process.exit();
    });
}

main();
