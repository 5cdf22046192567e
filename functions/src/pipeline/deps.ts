import type { Engine } from '../core/engine/types';
import type { GmailApi } from '../gmail/types';
import type { BlobStore } from '../store/blob-store';
import type { MessageBus } from './bus';
import type { PipelineConfig } from './config';
import type { KeyedSerialiser } from './keyed-serialiser';
import type { PipelineLogger } from './logger';
import type { ScanRepository } from './repository';

/**
 * Everything a pipeline handler may need, passed in by the caller (a Cloud Function trigger,
 * the local runtime, a test). Handlers hold no client of their own.
 */
export interface PipelineDeps {
  config: PipelineConfig;
  repository: ScanRepository;
  blobs: BlobStore;
  bus: MessageBus;
  gmail: GmailApi;
  logger: PipelineLogger;
  /** The clock; the system clock when absent. Tests pass a fixed one. */
  now?: () => Date;
}

export interface IngestDeps extends Pick<PipelineDeps, 'config' | 'repository' | 'blobs' | 'bus' | 'gmail' | 'logger' | 'now'> {
  /**
   * Serialises syncs of one mailbox within this process (one Cloud Functions instance handles
   * many events at once). Defaults to one queue shared by the whole process.
   */
  mailboxQueue?: KeyedSerialiser;
  /** This instance's name on fetch claims; defaults to one id per process. Tests give each simulated instance its own. */
  claimOwner?: string;
}

export interface EngineDeps extends Pick<PipelineDeps, 'config' | 'repository' | 'blobs' | 'bus' | 'logger' | 'now'> {
  /** The engines this process can run, by name (the registry's, or test engines). */
  engines: readonly Engine[];
}

export type ActionDeps = Pick<PipelineDeps, 'config' | 'repository' | 'gmail' | 'logger' | 'now'>;

export type AggregateDeps = ActionDeps;

export type SweepDeps = Pick<PipelineDeps, 'config' | 'repository' | 'bus' | 'gmail' | 'logger' | 'now'>;

export function clockOf(deps: { now?: () => Date }): () => Date {
  return deps.now ?? (() => new Date());
}
