import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulators, type EmulatorSet } from '../../functions/src/dev/emulators';

/** Shared with the teardown, which jest runs in this same process: each run stops its own emulators. */
export const RUNNING_EMULATORS = Symbol.for('strata.test.emulators');

/**
 * Jest global setup for the integration suites: starts the real Firestore and Pub/Sub
 * emulators once for the whole run and exports their addresses to the test workers.
 */
export default async function globalSetup(): Promise<void> {
  const logDir = join(__dirname, '..', '..', '.strata-run', 'emulators', String(process.pid));
  mkdirSync(logDir, { recursive: true });
  const set = await startEmulators({ projectId: 'demo-strata-test', logDir });
  Object.assign(process.env, set.env);
  (globalThis as Record<symbol, EmulatorSet>)[RUNNING_EMULATORS] = set;
}
