import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulators } from '../../functions/src/dev/emulators';

/**
 * Jest global setup for the integration suites: starts the real Firestore and Pub/Sub
 * emulators once for the whole run and exports their addresses to the test workers.
 */
export default async function globalSetup(): Promise<void> {
  const logDir = join(__dirname, '..', '..', '.strata-run', 'emulators');
  mkdirSync(logDir, { recursive: true });
  const set = await startEmulators({ projectId: 'demo-strata-test', logDir });
  Object.assign(process.env, set.env);
  writeFileSync(join(logDir, 'pids.json'), JSON.stringify({ firestore: set.firestore, pubsub: set.pubsub }));
}
