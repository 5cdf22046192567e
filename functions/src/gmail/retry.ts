import { z } from 'zod';
import { describeIssues } from '../core/config/strata-config';
import { ConfigError, StrataError } from '../core/errors';

/**
 * Retry policy for Google API calls, as Gmail's error guide asks: truncated exponential backoff
 * with full jitter for 429, 403 rateLimitExceeded/userRateLimitExceeded, 5xx and transient
 * network failures. Every other 4xx is a definite answer (bad request, bad token, not found) and
 * retrying it would only burn quota.
 */

export const RetryOptionsSchema = z
  .object({
    /** Total attempts including the first one. */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    baseDelayMs: z.number().int().min(0).default(1_000),
    maxDelayMs: z.number().int().min(0).default(32_000),
    /**
     * A Retry-After longer than this is not waited for: the call fails and the caller (a Pub/Sub
     * redelivery, the next poll) comes back later instead of holding a function instance idle.
     */
    maxRetryAfterMs: z.number().int().min(0).default(60_000),
  })
  .strict();

export type RetryOptions = z.infer<typeof RetryOptionsSchema>;

export interface RetryEnvironment {
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), as Math.random. */
  random: () => number;
  now: () => number;
}

export type RetrySettings = z.input<typeof RetryOptionsSchema> & Partial<RetryEnvironment>;

/** An HTTP failure from code that does not go through gaxios (token and signJwt endpoints). */
export class HttpStatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details: { reason?: string; retryAfter?: string | null; body?: unknown } = {},
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** What the retry decision looks at, pulled out of whichever error shape the transport threw. */
export interface FailureFacts {
  status?: number;
  reason?: string;
  networkCode?: string;
  /** From a Retry-After header, relative to now. */
  retryAfterMs?: number;
}

const RETRYABLE_403_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TimeoutError',
]);

export function isRetryableFailure(facts: FailureFacts): boolean {
  if (facts.status !== undefined) {
    if (facts.status === 429 || (facts.status >= 500 && facts.status <= 599)) return true;
    if (facts.status === 403) return facts.reason !== undefined && RETRYABLE_403_REASONS.has(facts.reason);
    return false;
  }
  return facts.networkCode !== undefined && TRANSIENT_NETWORK_CODES.has(facts.networkCode);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (headers === null || headers === undefined) return undefined;
  const withGet = headers as { get?: unknown };
  if (typeof withGet.get === 'function') {
    const value = (withGet.get as (key: string) => unknown).call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  const record = asRecord(headers);
  if (!record) return undefined;
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Google's JSON error body: `{error: {code, message, status, errors: [{reason}], details:
 * [{reason}]}}`. The legacy `errors[].reason` carries rateLimitExceeded and friends.
 */
export function reasonFromGoogleErrorBody(body: unknown): string | undefined {
  const error = asRecord(asRecord(body)?.error);
  if (!error) return undefined;
  const errors = error.errors;
  if (Array.isArray(errors)) {
    const reason = asRecord(errors[0])?.reason;
    if (typeof reason === 'string') return reason;
  }
  const details = error.details;
  if (Array.isArray(details)) {
    for (const detail of details) {
      const reason = asRecord(detail)?.reason;
      if (typeof reason === 'string') return reason;
    }
  }
  return undefined;
}

function networkCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  // Undici nests the socket error: TypeError('fetch failed').cause = {code: 'ECONNRESET'}.
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth += 1) {
    const record = asRecord(current);
    if (!record) return undefined;
    if (typeof record.code === 'string' && TRANSIENT_NETWORK_CODES.has(record.code)) return record.code;
    if (typeof record.name === 'string' && TRANSIENT_NETWORK_CODES.has(record.name)) return record.name;
    current = record.cause;
  }
  return undefined;
}

/** Reads status, reason, Retry-After and network code from gaxios errors, HttpStatusError or plain errors. */
export function describeFailure(error: unknown, now: number): FailureFacts {
  if (error instanceof HttpStatusError) {
    return {
      status: error.status,
      reason: error.details.reason,
      retryAfterMs: parseRetryAfter(error.details.retryAfter, now),
    };
  }
  const record = asRecord(error);
  const response = asRecord(record?.response);
  const status = typeof response?.status === 'number' ? response.status : typeof record?.status === 'number' ? record.status : undefined;
  if (status !== undefined) {
    return {
      status,
      reason: reasonFromGoogleErrorBody(response?.data),
      retryAfterMs: parseRetryAfter(headerValue(response?.headers, 'retry-after'), now),
    };
  }
  return { networkCode: networkCodeOf(error) };
}

export interface RetryAttemptFailure {
  attempt: number;
  error: unknown;
  facts: FailureFacts;
  delayMs: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class RetryPolicy {
  readonly options: RetryOptions;
  private readonly environment: RetryEnvironment;

  constructor(settings: RetrySettings = {}) {
    const { sleep, random, now, ...numbers } = settings;
    const parsed = RetryOptionsSchema.safeParse(numbers);
    if (!parsed.success) {
      throw new ConfigError(`invalid retry options: ${describeIssues(parsed.error)}`);
    }
    this.options = parsed.data;
    this.environment = { sleep: sleep ?? realSleep, random: random ?? Math.random, now: now ?? Date.now };
  }

  /**
   * Delay before attempt `failedAttempt + 1`: full jitter over min(cap, base·2^(n-1)), but never
   * less than the server's Retry-After.
   */
  delayFor(failedAttempt: number, facts: FailureFacts): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (failedAttempt - 1));
    const jittered = Math.floor(this.environment.random() * ceiling);
    return Math.max(jittered, facts.retryAfterMs ?? 0);
  }

  /**
   * Runs `operation` until it succeeds, fails with something not worth retrying, or runs out of
   * attempts; the last error is rethrown unchanged so the caller can map it with full context.
   * Strata's own typed errors (quota budget, tokens) are decisions, never transient.
   */
  async run<T>(operation: (attempt: number) => Promise<T>, onRetry?: (failure: RetryAttemptFailure) => void): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation(attempt);
      } catch (error) {
        if (error instanceof StrataError || attempt >= this.options.maxAttempts) throw error;
        const facts = describeFailure(error, this.environment.now());
        if (!isRetryableFailure(facts)) throw error;
        if (facts.retryAfterMs !== undefined && facts.retryAfterMs > this.options.maxRetryAfterMs) throw error;
        const delayMs = this.delayFor(attempt, facts);
        onRetry?.({ attempt, error, facts, delayMs });
        await this.environment.sleep(delayMs);
      }
    }
  }
}
