import * as logger from 'firebase-functions/logger';
import type { Engine } from '../core/engine/types';
import type { PipelineDeps } from '../pipeline/deps';
import type { PipelineLogger } from '../pipeline/logger';
import type { BlobStore } from '../store/blob-store';

/** Structured JSON logs through the firebase-functions logger (Cloud Logging picks up the fields). */
export const functionsLogger: PipelineLogger = {
  info: (message, fields) => logger.info(message, fields ?? {}),
  warn: (message, fields) => logger.warn(message, fields ?? {}),
  error: (message, fields) => logger.error(message, fields ?? {}),
};

export type CloudDeps = PipelineDeps;

let cached: Promise<CloudDeps> | undefined;
const enginesByName = new Map<string, Promise<Engine[]>>();

/**
 * The one engine a scan function runs, built on first use and kept for the instance. Only that
 * engine's module is loaded: a YARA function does not compile rules for ClamAV's sake, and the
 * other functions load no engine at all. A failure to build it (bad config, missing rules) is
 * not cached, so the next event tries again; meanwhile the scan records the engine unavailable.
 */
export async function engineDeps(name: string): Promise<CloudDeps & { engines: Engine[] }> {
  const deps = await cloudDeps();
  let engines = enginesByName.get(name);
  if (engines === undefined) {
    engines = import('../engines/registry.js').then(({ createEngines }) => createEngines([name], deps.config.engineConfigs));
    enginesByName.set(name, engines);
  }
  try {
    return { ...deps, engines: await engines };
  } catch (error) {
    enginesByName.delete(name);
    deps.logger.error('could not build the engine; its results are recorded as unavailable', {
      engine: name,
      error: error instanceof Error ? error.message : String(error),
    });
    return { ...deps, engines: [] };
  }
}

/**
 * The production dependencies, built on first use rather than at import: the firebase CLI loads
 * this module to discover the triggers, and that must not need credentials or network. The
 * cloud client libraries are imported here too, not at the top, so a new instance (or an
 * emulator worker) is ready to take its event sooner. One set per instance, so clients, token
 * caches and the quota budget are shared across invocations.
 */
export function cloudDeps(): Promise<CloudDeps> {
  cached ??= buildCloudDeps().catch((error: unknown) => {
    // A failed build (bad configuration) is retried by the next event rather than cached.
    cached = undefined;
    throw error;
  });
  return cached;
}

async function buildCloudDeps(): Promise<CloudDeps> {
  const { blobStoreChoiceFromEnv, pipelineConfigFromEnv } = await import('./env-config.js');
  const config = pipelineConfigFromEnv();
  const [{ Firestore }, { PubSub }, { createGmailFromEnv }, { FirestoreRepository }, { PubSubMessageBus }] = await Promise.all([
    import('@google-cloud/firestore'),
    import('@google-cloud/pubsub'),
    import('../gmail/from-env.js'),
    import('../pipeline/firestore-repository.js'),
    import('../pipeline/pubsub-bus.js'),
  ]);
  const db = new Firestore();
  const choice = blobStoreChoiceFromEnv();
  let blobs: BlobStore;
  if (choice.kind === 'gcs') {
    const { GcsBlobStore } = await import('../store/gcs-blob-store.js');
    blobs = new GcsBlobStore({ bucket: choice.bucket });
  } else {
    const { FirestoreChunkedBlobStore } = await import('../store/firestore-blob-store.js');
    blobs = new FirestoreChunkedBlobStore(db);
  }
  return {
    config,
    repository: new FirestoreRepository(db),
    blobs,
    bus: new PubSubMessageBus(new PubSub()),
    gmail: createGmailFromEnv(),
    logger: functionsLogger,
  };
}
