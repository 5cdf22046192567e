import type { ScanReport } from './scan-message';

export interface WorkerRequest {
  id: number;
  source: string;
  raw: Uint8Array;
}

/** `ready` is sent once, after the worker built its scanner. */
export type WorkerReply = { ready: true } | { id: number; report: ScanReport } | { id: number; error: string };
