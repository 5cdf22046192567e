import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readdirSync } from 'node:fs';
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

export async function startEmulators(options: {
  projectId: string;
  logDir: string;
  sdkRoot?: string;
  timeoutMs?: number;
}): Promise<EmulatorSet> {
  const host = '127.0.0.1';
  const jars = jarPaths(options.sdkRoot ?? DEFAULT_SDK_ROOT);
  const [firestorePort, pubsubPort] = [await freePort(), await freePort()];
  const jvm = ['-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Duser.language=en'];
  const firestoreLog = join(options.logDir, 'firestore-emulator.log');
  const pubsubLog = join(options.logDir, 'pubsub-emulator.log');
  const firestore = launch(
    'firestore',
    [...jvm, '-cp', jars.firestore, 'com.google.cloud.datastore.emulator.firestore.CloudFirestore', 'start', `--host=${host}`, `--port=${firestorePort}`, `--project_id=${options.projectId}`],
    firestoreLog,
  );
  const pubsub = launch('pubsub', [...jvm, '-jar', jars.pubsub, `--host=${host}`, `--port=${pubsubPort}`], pubsubLog);
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    await Promise.all([
      waitReady('firestore', host, firestorePort, firestore, firestoreLog, timeoutMs),
      waitReady('pubsub', host, pubsubPort, pubsub, pubsubLog, timeoutMs),
    ]);
  } catch (error) {
    stopProcessGroup(firestore.pid);
    stopProcessGroup(pubsub.pid);
    throw error;
  }
  return {
    projectId: options.projectId,
    firestore: { name: 'firestore', host, port: firestorePort, pid: firestore.pid as number },
    pubsub: { name: 'pubsub', host, port: pubsubPort, pid: pubsub.pid as number },
    env: {
      FIRESTORE_EMULATOR_HOST: `${host}:${firestorePort}`,
      PUBSUB_EMULATOR_HOST: `${host}:${pubsubPort}`,
      GCLOUD_PROJECT: options.projectId,
      GOOGLE_CLOUD_PROJECT: options.projectId,
      METADATA_SERVER_DETECTION: 'none',
    },
  };
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
