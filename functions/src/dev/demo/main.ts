import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { GmailStandin } from '../gmail-standin';
import { startClamd, type RunningClamd } from '../clamd';
import { StaticTokenProvider } from '../../gmail/auth/static-token';
import { GoogleapisGmail } from '../../gmail/googleapis-gmail';
import { QuotaBudget } from '../../gmail/quota';
import { DEFAULT_TOPICS } from '../../pipeline/bus';
import { parsePipelineConfig } from '../../pipeline/config';
import { COLLECTIONS, FirestoreRepository } from '../../pipeline/firestore-repository';
import { scanIdFor } from '../../pipeline/ids';
import type { PipelineLogger } from '../../pipeline/logger';
import { PubSubMessageBus } from '../../pipeline/pubsub-bus';
import { enrollMailboxes } from '../../pipeline/sweeper';
import { FirestoreChunkedBlobStore } from '../../store/firestore-blob-store';
import { percentile } from '../../scan/run-scan';

/**
 * `npm run demo`: the whole product on one machine. Starts the Firebase emulator suite (functions,
 * Firestore, Pub/Sub; offline, with the SDK's emulator jars) running Strata's real Cloud
 * Functions, and the Gmail stand-in with three mailboxes of the sample organisation. Enrols the
 * mailboxes through the Directory, delivers the sample mail, and prints each verdict and action
 * as it lands in Firestore. `--exit-when-done` ends with one JSON summary line.
 */

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const PROJECT = 'demo-strata';
const ORGANISATION = 'northwind-labs.com';
const MAILBOXES = [`jonas.whitfield@${ORGANISATION}`, `sofia.lindqvist@${ORGANISATION}`, `accounts@${ORGANISATION}`];
const ADMIN = MAILBOXES[0] as string;
const STANDIN_PORT = 28090;
/** Must match firebase.json's emulator ports. */
const EMULATOR_PORTS = { hub: 24400, functions: 25001, firestore: 28080, pubsub: 28085 };
const STATIC_TOKEN = 'strata-demo-token';
/** Function invocations the emulator runs at once (see startFirebase). */
const EMULATOR_PARALLEL = 6;

interface Options {
  mailDir: string;
  exitWhenDone: boolean;
  timeoutMs: number;
}

interface Delivered {
  file: string;
  mailbox: string;
  gmailMessageId: string;
  scanId: string;
  deliveredAt: number;
  subject: string;
}

interface Landed {
  verdict: string;
  action: string;
  actionStatus: string;
  latencyMs: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      mail: { type: 'string' },
      'exit-when-done': { type: 'boolean', default: false },
      'timeout-seconds': { type: 'string', default: '300' },
    },
  });
  const timeoutSeconds = Number(values['timeout-seconds']);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new Error('--timeout-seconds must be a positive number');
  return {
    mailDir: resolve(values.mail ?? join(ROOT, 'examples', 'mail')),
    exitWhenDone: values['exit-when-done'] ?? false,
    timeoutMs: timeoutSeconds * 1000,
  };
}

function mailFiles(dir: string): string[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
  if (files.length === 0) throw new Error(`no .eml files in ${dir}`);
  return files;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

/** Progress goes to stderr; stdout carries the verdict lines and the final JSON. */
function say(message: string): void {
  process.stderr.write(`demo: ${message}\n`);
}

const quietLogger: PipelineLogger = {
  info: () => undefined,
  warn: (message, fields) => say(`warning: ${message} ${JSON.stringify(fields ?? {})}`),
  error: (message, fields) => say(`error: ${message} ${JSON.stringify(fields ?? {})}`),
};

/** The functions' configuration, passed to the emulated functions through the environment. */
function functionEnvironment(clamd: RunningClamd): Record<string, string> {
  const sample = JSON.parse(readFileSync(join(ROOT, 'examples', 'strata.config.json'), 'utf8')) as {
    engines?: Record<string, unknown>;
  };
  const engineConfigs = { ...sample.engines, clamav: clamd.engineConfig };
  return {
    STRATA_GMAIL_ROOT_URL: `http://127.0.0.1:${STANDIN_PORT}/`,
    STRATA_DWD_MODE: 'static',
    STRATA_STATIC_TOKEN: STATIC_TOKEN,
    STRATA_ADMIN_MAILBOX: ADMIN,
    STRATA_ORGANISATION_DOMAINS: ORGANISATION,
    STRATA_BLOB_STORE: 'firestore',
    STRATA_WATCH_TOPIC: `projects/${PROJECT}/topics/${DEFAULT_TOPICS.gmailNotifications}`,
    STRATA_PIPELINE_CONFIG: JSON.stringify({ engineConfigs }),
    STRATA_GMAIL_RETRY_MAX_ATTEMPTS: '6',
  };
}

function startFirebase(logFile: string, clamd: RunningClamd): ChildProcess {
  const log = createWriteStream(logFile);
  const child = spawn('bash', [join(ROOT, 'scripts', 'firebase-offline.sh'), 'emulators:start', '--only', 'functions,firestore,pubsub', '--project', PROJECT], {
    cwd: ROOT,
    detached: true,
    // The functions emulator gives a new worker 30 s to load before it gives up; a burst of
    // events on two cores can start a dozen workers at once, so allow more.
    // FUNCTIONS_EMULATOR_PARALLEL caps invocations in flight (default 50). Each concurrent
    // invocation of a function needs a worker process of its own, and a burst of mail otherwise
    // starts dozens of them at once on two cores; a few warm workers reused are far faster.
    env: { ...process.env, FUNCTIONS_DISCOVERY_TIMEOUT: '180', FUNCTIONS_EMULATOR_PARALLEL: String(EMULATOR_PARALLEL), ...functionEnvironment(clamd) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function waitForEmulators(child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the Firebase emulators exited during start-up; see ${logFile}`);
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (log.includes('All emulators ready')) {
      // Triggers load after the suite is ready; wait until the functions emulator lists ours.
      if (/Loaded functions definitions|functions\[.*ingestGmailNotification/.test(log)) return;
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 250));
  }
  throw new Error(`the Firebase emulators were not ready after ${timeoutMs / 1000} s; see ${logFile}`);
}

/**
 * Stops the Firebase emulator suite: SIGINT to the CLI alone, which shuts every emulator down
 * cleanly (a signal to the whole group makes the JVMs skip that and survive the CLI); the
 * group is killed only if the CLI has not exited after 15 s.
 */
function stopFirebase(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      resolvePromise();
    }, 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      clearTimeout(timer);
      resolvePromise();
    }
  });
}

/**
 * firebase-tools starts the emulator JVMs in process groups of their own and they can outlive
 * the CLI; this finds the ones this demo's configuration started (by their ports and the offline
 * launcher) through /proc and stops them, so a second demo finds its ports free.
 */
function stopLeftoverEmulators(): void {
  const markers = ['firestore-launcher.jar', `--port=${EMULATOR_PORTS.pubsub}`, `--port ${EMULATOR_PORTS.firestore}`];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return;
  }
  for (const pid of entries) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (!cmdline.includes('java') || !markers.some((marker) => cmdline.includes(marker))) continue;
    try {
      process.kill(Number(pid), 'SIGTERM');
    } catch {
      // exited meanwhile
    }
  }
}

async function run(options: Options): Promise<number> {
  const files = mailFiles(options.mailDir);
  for (const [name, port] of [...Object.entries(EMULATOR_PORTS), ['gmail stand-in', STANDIN_PORT] as const]) {
    if (await portInUse(port as number)) throw new Error(`port ${port} (${name}) is in use; is another demo or emulator running?`);
  }
  const runDir = join(ROOT, '.strata-run', 'demo');
  mkdirSync(runDir, { recursive: true });
  const logFile = join(runDir, 'firebase-emulators.log');

  // The demo process talks to the same emulators as the functions.
  process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${EMULATOR_PORTS.firestore}`;
  process.env.PUBSUB_EMULATOR_HOST = `127.0.0.1:${EMULATOR_PORTS.pubsub}`;
  process.env.GCLOUD_PROJECT = PROJECT;
  process.env.METADATA_SERVER_DETECTION = 'none';

  let firebase: ChildProcess | undefined;
  let clamd: RunningClamd | undefined;
  const standin = new GmailStandin({ mailboxes: MAILBOXES, projectId: PROJECT });
  const pubsub = new PubSub({ projectId: PROJECT });
  const db = new Firestore({ projectId: PROJECT });
  const cleanup = async () => {
    await standin.stop().catch(() => undefined);
    await pubsub.close().catch(() => undefined);
    await db.terminate().catch(() => undefined);
    await stopFirebase(firebase);
    stopLeftoverEmulators();
    await clamd?.stop().catch(() => undefined);
  };
  process.once('SIGINT', () => {
    void cleanup().then(() => process.exit(130));
  });

  try {
    // The clamav scan function needs a daemon; in production it is a Cloud Run service (infra/clamav.tf).
    clamd = await startClamd({ runDir: join(runDir, 'clamd') });
    say(`clamd on ${clamd.host}:${clamd.port} with the repository's test signatures (EICAR and the ClamAV test files)`);
    say('starting the Firebase emulators (functions, Firestore, Pub/Sub) — about 15 s');
    firebase = startFirebase(logFile, clamd);
    await waitForEmulators(firebase, logFile, 120_000);
    // The emulator subscribes each trigger's topic when it loads the trigger, which can lag
    // "ready"; a message published before that subscription exists reaches no function.
    await waitFor(
      async () => {
        const counts = await Promise.all(
          Object.values(DEFAULT_TOPICS).map(async (topic) => {
            const [exists] = await pubsub.topic(topic).exists();
            return exists ? (await pubsub.topic(topic).getSubscriptions())[0].length : 0;
          }),
        );
        return counts.every((count) => count > 0);
      },
      60_000,
      'the emulator to subscribe the functions to their topics',
    );
    await standin.start(STANDIN_PORT);
    say(`Gmail stand-in on http://127.0.0.1:${STANDIN_PORT}/ with ${MAILBOXES.join(', ')}`);

    const config = parsePipelineConfig({
      watchTopic: `projects/${PROJECT}/topics/${DEFAULT_TOPICS.gmailNotifications}`,
      organisationDomains: [ORGANISATION],
    });
    const gmail = new GoogleapisGmail({
      rootUrl: `http://127.0.0.1:${STANDIN_PORT}/`,
      tokens: new StaticTokenProvider(STATIC_TOKEN),
      adminMailbox: ADMIN,
      quota: new QuotaBudget({}),
      fetchImplementation: fetch,
    });
    const repository = new FirestoreRepository(db);
    const deps = {
      config,
      repository,
      blobs: new FirestoreChunkedBlobStore(db),
      bus: new PubSubMessageBus(pubsub),
      gmail,
      logger: quietLogger,
    };
    say('enrolling the mailboxes from the Directory (users.watch through the renewWatch function)');
    await enrollMailboxes(deps, new Date());
    await waitFor(async () => {
      const states = await repository.listMailboxes({ enrolledOnly: true });
      return states.length === MAILBOXES.length && states.every((state) => state.watchExpiration !== null && state.historyCursor !== null);
    }, 60_000, 'the mailboxes to be watched');
    // Let the notification every new watch sends settle before counting Gmail calls.
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 2_000));
    standin.resetStats();

    const delivered = new Map<string, Delivered>();
    const landed = new Map<string, Landed>();
    let unsubscribe: (() => void) | undefined;
    const allLanded = new Promise<void>((resolvePromise) => {
      unsubscribe = db.collection(COLLECTIONS.scans).onSnapshot((snapshot) => {
        for (const doc of snapshot.docs) {
          const item = delivered.get(doc.id);
          if (!item || landed.has(doc.id)) continue;
          const data = doc.data();
          const status = data.actionStatus as string | null;
          if (!data.decided || status === 'pending' || status === null || status === undefined) continue;
          const result: Landed = {
            verdict: data.verdict as string,
            action: data.action as string,
            actionStatus: status,
            latencyMs: Date.now() - item.deliveredAt,
          };
          landed.set(doc.id, result);
          const reasons = (data.reasons as string[] | undefined)?.slice(0, 3).join(', ') ?? '';
          process.stdout.write(
            `${result.verdict.padEnd(10)} ${`${result.action}/${status}`.padEnd(20)} ${String(result.latencyMs).padStart(6)} ms  ` +
              `${item.mailbox.padEnd(36)} ${item.subject.slice(0, 60)}${reasons ? `  [${reasons}]` : ''}\n`,
          );
        }
        if (delivered.size === files.length && landed.size === delivered.size) resolvePromise();
      });
    });

    say(`delivering ${files.length} message(s) from ${options.mailDir}`);
    for (const [index, file] of files.entries()) {
      const mailbox = MAILBOXES[index % MAILBOXES.length] as string;
      const raw = readFileSync(file);
      const deliveredAt = Date.now();
      const message = standin.deliver(mailbox, raw);
      const subject = /^Subject:[ \t]*(.*)$/im.exec(raw.subarray(0, 64 * 1024).toString('latin1'))?.[1]?.trim() ?? file;
      delivered.set(scanIdFor(mailbox, message.id), { file, mailbox, gmailMessageId: message.id, scanId: scanIdFor(mailbox, message.id), deliveredAt, subject });
    }

    if (!options.exitWhenDone) {
      say('delivered; verdicts print as they land. Ctrl-C stops the demo.');
      await new Promise(() => undefined);
    }
    const timedOut = await Promise.race([
      allLanded.then(() => false),
      new Promise<boolean>((resolvePromise) => setTimeout(() => resolvePromise(true), options.timeoutMs)),
    ]);
    unsubscribe?.();
    if (timedOut) {
      const missing = [...delivered.values()].filter((item) => !landed.has(item.scanId)).map((item) => item.file);
      say(`timed out after ${options.timeoutMs / 1000} s; no final verdict for: ${missing.join(', ')}`);
      return 1;
    }
    const stats = standin.stats();
    const latencies = [...landed.values()].map((item) => item.latencyMs).sort((a, b) => a - b);
    const count = (key: keyof Landed) =>
      [...landed.values()].reduce<Record<string, number>>((counts, item) => {
        counts[String(item[key])] = (counts[String(item[key])] ?? 0) + 1;
        return counts;
      }, {});
    const units = Object.values(stats.units).reduce((sum, value) => sum + value, 0);
    process.stdout.write(
      `${JSON.stringify({
        messages: landed.size,
        verdicts: count('verdict'),
        actions: count('action'),
        latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies.at(-1) ?? 0 },
        gmailUnitsPerMessage: Math.round((units / landed.size) * 100) / 100,
        gmailCalls: stats.calls,
      })}\n`,
    );
    return 0;
  } finally {
    await cleanup();
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

run(parseOptions(process.argv.slice(2))).then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    say(`failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
