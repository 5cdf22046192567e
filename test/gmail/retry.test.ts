import { ConfigError } from '../../functions/src/core/errors';
import { QuotaBudgetExceededError } from '../../functions/src/gmail/errors';
import {
  describeFailure,
  HttpStatusError,
  isRetryableFailure,
  parseRetryAfter,
  RetryPolicy,
  type RetrySettings,
} from '../../functions/src/gmail/retry';

/** A gaxios-shaped failure: what @googleapis/gmail throws for an HTTP error answer. */
function googleError(status: number, reason?: string, retryAfter?: string): Error {
  const error = new Error(`HTTP ${status}`) as Error & { response: unknown; status: number };
  error.status = status;
  error.response = {
    status,
    headers: new Headers(retryAfter ? { 'retry-after': retryAfter } : {}),
    data: { error: { code: status, message: 'failed', errors: reason ? [{ reason, domain: 'global', message: 'failed' }] : [] } },
  };
  return error;
}

/** What undici's fetch throws when the peer resets the connection. */
function connectionReset(): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
}

function policyWithRecordedSleeps(settings: RetrySettings = {}): { policy: RetryPolicy; sleeps: number[] } {
  const sleeps: number[] = [];
  const policy = new RetryPolicy({
    random: () => 0.5,
    now: () => Date.parse('2026-06-01T00:00:00Z'),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...settings,
  });
  return { policy, sleeps };
}

/** An operation that fails with the given errors in turn, then answers 'ok'. */
function failingThen(errors: Error[]): { operation: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    operation: async () => {
      const error = errors[calls];
      calls += 1;
      if (error) throw error;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('which failures are retried', () => {
  it.each([
    [429, undefined],
    [500, undefined],
    [502, undefined],
    [503, 'backendError'],
    [504, undefined],
    [403, 'rateLimitExceeded'],
    [403, 'userRateLimitExceeded'],
  ])('retries HTTP %i (%s)', (status, reason) => {
    expect(isRetryableFailure(describeFailure(googleError(status, reason), 0))).toBe(true);
  });

  it.each([
    [400, 'invalidArgument'],
    [400, 'failedPrecondition'],
    [401, 'authError'],
    [403, 'forbidden'],
    [403, 'insufficientPermissions'],
    [403, 'dailyLimitExceeded'],
    [403, undefined],
    [404, 'notFound'],
    [409, 'duplicate'],
  ])('does not retry HTTP %i (%s)', (status, reason) => {
    expect(isRetryableFailure(describeFailure(googleError(status, reason), 0))).toBe(false);
  });

  it('retries transient network failures found anywhere in the cause chain, not DNS misconfiguration', () => {
    expect(isRetryableFailure(describeFailure(connectionReset(), 0))).toBe(true);
    expect(isRetryableFailure(describeFailure(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), 0))).toBe(true);
    expect(isRetryableFailure(describeFailure(new DOMException('aborted', 'TimeoutError'), 0))).toBe(true);
    expect(isRetryableFailure(describeFailure(Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }), 0))).toBe(false);
    expect(isRetryableFailure(describeFailure(new Error('programming error'), 0))).toBe(false);
  });

  it('reads the reason from AIP-193 details when the legacy errors list is absent', () => {
    const error = Object.assign(new Error('x'), {
      response: { status: 403, headers: {}, data: { error: { details: [{ '@type': 'ErrorInfo', reason: 'userRateLimitExceeded' }] } } },
    });
    expect(describeFailure(error, 0)).toEqual({ status: 403, reason: 'userRateLimitExceeded', retryAfterMs: undefined });
  });

  it('classifies HttpStatusError from the token and signJwt endpoints the same way', () => {
    expect(isRetryableFailure(describeFailure(new HttpStatusError('busy', 503), 0))).toBe(true);
    expect(isRetryableFailure(describeFailure(new HttpStatusError('no', 400, { reason: 'unauthorized_client' }), 0))).toBe(false);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');

  it('accepts delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Mon, 01 Jun 2026 00:00:12 GMT', now)).toBe(12_000);
    expect(parseRetryAfter('Mon, 01 Jun 2026 00:00:00 GMT', now + 5_000)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('waits at least what the server asked for', async () => {
    const { policy, sleeps } = policyWithRecordedSleeps({ random: () => 0 });
    const { operation } = failingThen([googleError(429, 'rateLimitExceeded', '3')]);
    await expect(policy.run(operation)).resolves.toBe('ok');
    expect(sleeps).toEqual([3_000]);
  });

  it('keeps the jittered delay when it is already longer than Retry-After', async () => {
    const { policy, sleeps } = policyWithRecordedSleeps({ random: () => 0.9 });
    const { operation } = failingThen([googleError(503, undefined, '0')]);
    await policy.run(operation);
    expect(sleeps).toEqual([900]);
  });

  it('gives up instead of waiting longer than maxRetryAfterMs', async () => {
    const { policy, sleeps } = policyWithRecordedSleeps({ maxRetryAfterMs: 10_000 });
    const tooLong = googleError(429, 'rateLimitExceeded', '120');
    const { operation, calls } = failingThen([tooLong]);
    await expect(policy.run(operation)).rejects.toBe(tooLong);
    expect(calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });
});

describe('RetryPolicy.run', () => {
  it('retries retryable failures until the operation succeeds, passing the attempt number', async () => {
    const { policy, sleeps } = policyWithRecordedSleeps();
    const seen: number[] = [];
    const { operation } = failingThen([googleError(503), connectionReset(), googleError(403, 'userRateLimitExceeded')]);
    const retried: number[] = [];
    const result = await policy.run(
      (attempt) => {
        seen.push(attempt);
        return operation();
      },
      (failure) => retried.push(failure.attempt),
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(retried).toEqual([1, 2, 3]);
    expect(sleeps).toHaveLength(3);
  });

  it('throws a non-retryable failure at once, unchanged', async () => {
    const { policy, sleeps } = policyWithRecordedSleeps();
    const notFound = googleError(404, 'notFound');
    const { operation, calls } = failingThen([notFound]);
    await expect(policy.run(operation)).rejects.toBe(notFound);
    expect(calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("never retries Strata's own typed errors", async () => {
    const { policy } = policyWithRecordedSleeps();
    const { operation, calls } = failingThen([new QuotaBudgetExceededError('a@example.com', 'messages.get', 1_000)]);
    await expect(policy.run(operation)).rejects.toBeInstanceOf(QuotaBudgetExceededError);
    expect(calls()).toBe(1);
  });

  it('stops after maxAttempts and rethrows the last failure', async () => {
    const { policy, sleeps } = policyWithRecordedSleeps({ maxAttempts: 3 });
    const errors = [googleError(500), googleError(502), googleError(503), googleError(504)];
    const { operation, calls } = failingThen(errors);
    await expect(policy.run(operation)).rejects.toBe(errors[2]);
    expect(calls()).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('backs off exponentially from 1 s, truncated at 32 s, with full jitter', async () => {
    const failures = Array.from({ length: 9 }, () => googleError(503));
    const upper = policyWithRecordedSleeps({ maxAttempts: 10, random: () => 0.999999 });
    await upper.policy.run(failingThen(failures).operation);
    expect(upper.sleeps).toEqual([999, 1_999, 3_999, 7_999, 15_999, 31_999, 31_999, 31_999, 31_999]);

    const lower = policyWithRecordedSleeps({ maxAttempts: 10, random: () => 0 });
    await lower.policy.run(failingThen(failures).operation);
    expect(lower.sleeps).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('keeps every delay within [0, min(cap, base·2^(n-1))) for arbitrary random draws', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const policy = new RetryPolicy({ random, baseDelayMs: 1_000, maxDelayMs: 32_000 });
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = Math.min(32_000, 1_000 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i += 1) {
        const delay = policy.delayFor(attempt, {});
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it('rejects nonsensical options with a ConfigError', () => {
    expect(() => new RetryPolicy({ maxAttempts: 0 })).toThrow(ConfigError);
    expect(() => new RetryPolicy({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
  });
});
