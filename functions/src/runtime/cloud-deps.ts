import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import * as logger from 'firebase-functions/logger';
import type { Engine } from '../core/engine/types';
import { createEngines } from '../engines/registry';
import { createGmailFromEnv } from '../gmail';
import type { PipelineDeps } from '../pipeline/deps';
import { FirestoreRepository } from '../pipeline/firestore-repository';
import type { PipelineLogger } from '../pipeline/logger';
import { PubSubMessageBus } from '../pipeline/pubsub-bus';
import type { BlobStore } from '../store/blob-store';
import { FirestoreChunkedBlobStore } from '../store/firestore-blob-store';
import { GcsBlobStore } from '../store/gcs-blob-store';
import { blobStoreChoiceFromEnv, pipelineConfigFromEnv } from './env-config';

/** Structured JSON logs through the firebase-functions logger (Cloud Logging picks up the fields). */
export const functionsLogger: PipelineLogger = {
  info: (message, fields) => logger.info(message, fields ?? {}),
  warn: (message, fields) => logger.warn(message, fields ?? {}),
  error: (message, fields) => logger.error(message, fields ?? {}),
};

export interface CloudDeps extends PipelineDeps {
  engines: Engine[];
}

let cached: CloudDeps | undefined;

/**
 * The production dependencies, built on first use rather than at import: the firebase CLI loads
 * this module to discover the triggers, and that must not need credentials or network. One set
 * per instance, so clients, token caches and the quota budget are shared across invocations.
 */
export function cloudDeps(): CloudDeps {
  if (cached) return cached;
  const config = pipelineConfigFromEnv();
  const db = new Firestore();
  const choice = blobStoreChoiceFromEnv();
  const blobs: BlobStore = choice.kind === 'gcs' ? new GcsBlobStore({ bucket: choice.bucket }) : new FirestoreChunkedBlobStore(db);
  cached = {
    config,
    repository: new FirestoreRepository(db),
    blobs,
    bus: new PubSubMessageBus(new PubSub()),
    gmail: createGmailFromEnv(),
    logger: functionsLogger,
    engines: createEngines(config.engines, config.engineConfigs),
  };
  return cached;
}
