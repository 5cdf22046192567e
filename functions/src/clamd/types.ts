/** What clamd said about one stream. */
export type ScanVerdict = { infected: false } | { infected: true; signature: string };

export interface ExchangeOptions {
  /** Aborts the exchange (the caller's deadline); the promise then rejects with ClamdAbortedError. */
  signal?: AbortSignal;
}

/**
 * A clamd daemon, reached over its native TCP protocol or through Strata's HTTP gateway
 * (infra/clamav/gateway.js, for clamd on Cloud Run). Every call opens its own exchange, so calls
 * may run concurrently. Failures reject with the ClamdError subclasses of ./errors.
 */
export interface ClamdClient {
  /** Where the daemon is, for messages: `127.0.0.1:3310` or the gateway URL. */
  readonly endpoint: string;
  /** Resolves when the daemon answers PONG. */
  ping(options?: ExchangeOptions): Promise<void>;
  /** The daemon's version line, e.g. `ClamAV 1.4.6/27500/Mon Jan  5 08:00:00 2026`. */
  version(options?: ExchangeOptions): Promise<string>;
  /** Scans the bytes as one INSTREAM. */
  scan(bytes: Uint8Array, options?: ExchangeOptions): Promise<ScanVerdict>;
  /** Asks the daemon to reload its signature databases (it answers at once, reloads in the background). */
  reload(options?: ExchangeOptions): Promise<void>;
}
