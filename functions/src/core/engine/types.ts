import type { ScanSubject } from '../subject/types';

export type EngineStatus = 'ok' | 'error' | 'timeout' | 'unavailable';
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface Finding {
  /** Stable id, `<engine>.<what>`, e.g. `links.ip_literal`. Policies and analysts key on it. */
  id: string;
  severity: Severity;
  title: string;
  /** Short evidence strings (the URL, the header, the lookalike pair), bounded. */
  evidence: string[];
  /** Contribution of this finding to the engine score, 0-100. */
  score: number;
}

export interface IndicatorsOfCompromise {
  urls: string[];
  domains: string[];
  sha256: string[];
  senders: string[];
}

export interface EngineResult {
  engine: string;
  version: string;
  status: EngineStatus;
  /** 0-100; meaningful only when status is 'ok'. */
  score: number;
  findings: Finding[];
  iocs: IndicatorsOfCompromise;
  elapsedMs: number;
  /** Why the engine failed (status error/timeout/unavailable). */
  error?: string;
}

/** What an engine's scan returns; the orchestrator adds engine, version, status and timing. */
export interface EngineOutput {
  score: number;
  findings: Finding[];
  iocs?: Partial<IndicatorsOfCompromise>;
}

export interface EngineContext {
  /** Aborted when the orchestrator's timeout fires; long-running engines should stop early. */
  signal: AbortSignal;
  /** The receiving domains of the organisation (used to tell outside senders). */
  organisationDomains: string[];
}

/**
 * One detection engine. Modelled on Assemblyline's service manifest: a static description
 * plus one `scan` call. Engines are pure with respect to Google: no Gmail or cloud client inside.
 */
export interface Engine<Config = unknown> {
  readonly name: string;
  readonly version: string;
  readonly defaultTimeoutMs: number;
  readonly config: Config;
  scan(subject: ScanSubject, context: EngineContext): Promise<EngineOutput> | EngineOutput;
}

/** Raised by an engine whose backing service (a daemon, a rules file) cannot be reached. */
export class EngineUnavailableError extends Error {
  constructor(
    readonly engine: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineUnavailableError';
  }
}

export function emptyIocs(): IndicatorsOfCompromise {
  return { urls: [], domains: [], sha256: [], senders: [] };
}
