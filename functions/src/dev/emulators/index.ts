import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Starts the real Firestore and Pub/Sub emulators from the Google Cloud SDK's jars, for
 * integration tests and benchmarks (the demo runs them under the Firebase emulator suite).
 * Each emulator runs in its own process group so stopping it also stops its JVM.
 */

export const DEFAULT_SDK_ROOT = process.env.CLOUDSDK_ROOT_DIR ?? '/usr/lib/google-cloud-sdk';

export interface RunningEmulator {
  name: 'firestore' | 'pubsub';
  host: string;
  port: number;
  pid: number;
}

export interface EmulatorSet {
  projectId: string;
  firestore: RunningEmulator;
  pubsub: RunningEmulator;
  /** FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST, GCLOUD_PROJECT and friends. */
  env: Record<string, string>;
}

export class EmulatorStartError extends Error {
  constructor(message: string, readonly logFile: string) {
    super(`${message} (log: ${logFile})`);
    this.name = 'EmulatorStartError';
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function jarPaths(sdkRoot: string): { firestore: string; pubsub: string } {
  const firestore = join(sdkRoot, 'platform', 'cloud-firestore-emulator', 'cloud-firestore-emulator.jar');
  const pubsubDir = join(sdkRoot, 'platform', 'pubsub-emulator', 'lib');
  const pubsubJar = existsSync(pubsubDir) ? readdirSync(pubsubDir).find((name) => /^cloud-pubsub-emulator-.*-all\.jar$/.test(name)) : undefined;
  if (!existsSync(firestore) || !pubsubJar) {
    throw new Error(
      `Google Cloud SDK emulator jars not found under ${sdkRoot} (need cloud-firestore-emulator and pubsub-emulator components)`,
    );
  }
  return { firestore, pubsub: join(pubsubDir, pubsubJar) };
}

function launch(name: 'firestore' | 'pubsub', args: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn('java', args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  return child;
}

async function waitReady(name: string, host: string, port: number, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new EmulatorStartError(`${name} emulator exited during start-up`, logFile);
    try {
      const response = await fetch(`http://${host}:${port}/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new EmulatorStartError(`${name} emulator not ready after ${timeoutMs} ms`, logFile);
}

/** Tries per emulator: a free port can be taken by another process before the JVM binds it. */
const PORT_ATTEMPTS = 3;

export async function startEmulators(options: {
  projectId: string;
  logDir: string;
  sdkRoot?: string;
  timeoutMs?: number;
  /** Picks each attempt's port; a free loopback port by default (tests pass a taken one first). */
  choosePort?: () => Promise<number>;
}): Promise<EmulatorSet> {
  const host = '127.0.0.1';
  const jars = jarPaths(options.sdkRoot ?? DEFAULT_SDK_ROOT);
  const jvm = ['-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Duser.language=en'];
  const timeoutMs = options.timeoutMs ?? 60_000;
  const choosePort = options.choosePort ?? freePort;
  const [firestore, pubsub] = await Promise.allSettled([
    startOne(
      'firestore',
      (port) => [...jvm, '-cp', jars.firestore, 'com.google.cloud.datastore.emulator.firestore.CloudFirestore', 'start', `--host=${host}`, `--port=${port}`, `--project_id=${options.projectId}`],
      { host, logFile: join(options.logDir, 'firestore-emulator.log'), timeoutMs, choosePort },
    ),
    startOne('pubsub', (port) => [...jvm, '-jar', jars.pubsub, `--host=${host}`, `--port=${port}`], {
      host,
      logFile: join(options.logDir, 'pubsub-emulator.log'),
      timeoutMs,
      choosePort,
    }),
  ]);
  if (firestore.status === 'rejected' || pubsub.status === 'rejected') {
    // One started and the other did not: stop the one that runs, so nothing outlives the failure.
    if (firestore.status === 'fulfilled') stopProcessGroup(firestore.value.pid);
    if (pubsub.status === 'fulfilled') stopProcessGroup(pubsub.value.pid);
    throw firestore.status === 'rejected' ? firestore.reason : (pubsub as PromiseRejectedResult).reason;
  }
  const firestorePort = firestore.value.port;
  const pubsubPort = pubsub.value.port;
  return {
    projectId: options.projectId,
    firestore: { name: 'firestore', host, port: firestorePort, pid: firestore.value.pid },
    pubsub: { name: 'pubsub', host, port: pubsubPort, pid: pubsub.value.pid },
    env: {
      FIRESTORE_EMULATOR_HOST: `${host}:${firestorePort}`,
      PUBSUB_EMULATOR_HOST: `${host}:${pubsubPort}`,
      GCLOUD_PROJECT: options.projectId,
      GOOGLE_CLOUD_PROJECT: options.projectId,
      METADATA_SERVER_DETECTION: 'none',
    },
  };
}

/**
 * Launches one emulator and waits until it answers. When it exits because its port was taken
 * meanwhile (the JVM binds the port some seconds after we found it free), it is started again
 * on another port, up to PORT_ATTEMPTS times; any other failure is thrown at once.
 */
async function startOne(
  name: 'firestore' | 'pubsub',
  argsFor: (port: number) => string[],
  options: { host: string; logFile: string; timeoutMs: number; choosePort: () => Promise<number> },
): Promise<{ port: number; pid: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await options.choosePort();
    const logStart = existsSync(options.logFile) ? statSync(options.logFile).size : 0;
    const child = launch(name, argsFor(port), options.logFile);
    try {
      await waitReady(name, options.host, port, child, options.logFile, options.timeoutMs);
      return { port, pid: child.pid as number };
    } catch (error) {
      stopProcessGroup(child.pid);
      if (attempt >= PORT_ATTEMPTS || !portTakenSince(options.logFile, logStart)) throw error;
    }
  }
}

/** Whether the log, from `offset` on, shows the JVM failing to bind its port. */
function portTakenSince(logFile: string, offset: number): boolean {
  try {
    return /BindException|Address already in use/.test(readFileSync(logFile).subarray(offset).toString('utf8'));
  } catch {
    return false;
  }
}

export function stopProcessGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export function stopEmulators(set: Pick<EmulatorSet, 'firestore' | 'pubsub'>): void {
  stopProcessGroup(set.firestore.pid);
  stopProcessGroup(set.pubsub.pid);
}

/** Clears every document in the Firestore emulator's database (between tests). */
export async function clearFirestore(set: Pick<EmulatorSet, 'firestore' | 'projectId'>): Promise<void> {
  const url = `http://${set.firestore.host}:${set.firestore.port}/emulator/v1/projects/${set.projectId}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE' });
  if (!response.ok) throw new Error(`clearing the Firestore emulator failed: HTTP ${response.status}`);
}
