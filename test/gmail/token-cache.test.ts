import { CachedTokenProvider, type IssuedToken } from '../../functions/src/gmail/auth/token-provider';

const HOUR = 3_600_000;
const MINUTE = 60_000;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** An issuer that hands out numbered one-hour tokens and records who asked. */
function countingIssuer(clock: { time: number }): { issue: (mailbox: string) => Promise<IssuedToken>; issued: string[] } {
  const issued: string[] = [];
  return {
    issued,
    issue: async (mailbox) => {
      issued.push(mailbox);
      return { accessToken: `${mailbox}#${issued.length}`, expiresAt: clock.time + HOUR };
    },
  };
}

describe('CachedTokenProvider', () => {
  it('reuses a token until five minutes before it expires, then fetches a new one', async () => {
    const clock = { time: 0 };
    const issuer = countingIssuer(clock);
    const provider = new CachedTokenProvider(issuer.issue, { now: () => clock.time });

    expect(await provider.getToken('ann@example.com')).toBe('ann@example.com#1');
    clock.time = HOUR - 5 * MINUTE - 1;
    expect(await provider.getToken('ann@example.com')).toBe('ann@example.com#1');
    clock.time = HOUR - 5 * MINUTE;
    expect(await provider.getToken('ann@example.com')).toBe('ann@example.com#2');
    expect(issuer.issued).toEqual(['ann@example.com', 'ann@example.com']);
  });

  it('caches per mailbox, treating address case as one mailbox', async () => {
    const clock = { time: 0 };
    const issuer = countingIssuer(clock);
    const provider = new CachedTokenProvider(issuer.issue, { now: () => clock.time });

    const ann = await provider.getToken('ann@example.com');
    const bob = await provider.getToken('bob@example.com');
    expect(ann).not.toBe(bob);
    expect(await provider.getToken(' Ann@Example.com ')).toBe(ann);
    expect(issuer.issued).toEqual(['ann@example.com', 'bob@example.com']);
  });

  it('coalesces concurrent requests for the same mailbox into one issuance', async () => {
    const pending = deferred<IssuedToken>();
    const issue = jest.fn((_mailbox: string) => pending.promise);
    const provider = new CachedTokenProvider(issue, { now: () => 0 });

    const burst = Array.from({ length: 20 }, () => provider.getToken('ann@example.com'));
    pending.resolve({ accessToken: 'only-one', expiresAt: HOUR });
    expect(await Promise.all(burst)).toEqual(Array.from({ length: 20 }, () => 'only-one'));
    expect(issue).toHaveBeenCalledTimes(1);
  });

  it('does not cache failures: every waiter sees the error and the next call tries again', async () => {
    const first = deferred<IssuedToken>();
    const issue = jest
      .fn<Promise<IssuedToken>, [string]>()
      .mockImplementationOnce(() => first.promise)
      .mockResolvedValueOnce({ accessToken: 'second-try', expiresAt: HOUR });
    const provider = new CachedTokenProvider(issue, { now: () => 0 });

    const waiters = [provider.getToken('ann@example.com'), provider.getToken('ann@example.com')];
    first.reject(new Error('token endpoint down'));
    for (const waiter of waiters) await expect(waiter).rejects.toThrow('token endpoint down');
    expect(await provider.getToken('ann@example.com')).toBe('second-try');
    expect(issue).toHaveBeenCalledTimes(2);
  });

  it('keeps at most maxEntries mailboxes, dropping the oldest issued', async () => {
    const clock = { time: 0 };
    const issuer = countingIssuer(clock);
    const provider = new CachedTokenProvider(issuer.issue, { now: () => clock.time, maxEntries: 2 });

    await provider.getToken('a@example.com');
    await provider.getToken('b@example.com');
    await provider.getToken('c@example.com');
    await provider.getToken('c@example.com');
    await provider.getToken('b@example.com');
    expect(issuer.issued).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    await provider.getToken('a@example.com');
    expect(issuer.issued).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'a@example.com']);
  });

  it('forgets a mailbox on request', async () => {
    const clock = { time: 0 };
    const issuer = countingIssuer(clock);
    const provider = new CachedTokenProvider(issuer.issue, { now: () => clock.time });
    await provider.getToken('ann@example.com');
    provider.forget('ANN@example.com');
    expect(await provider.getToken('ann@example.com')).toBe('ann@example.com#2');
  });

  it('invalidates a refused token, but not a newer one issued meanwhile', async () => {
    const clock = { time: 0 };
    const issuer = countingIssuer(clock);
    const provider = new CachedTokenProvider(issuer.issue, { now: () => clock.time });
    const first = await provider.getToken('ann@example.com');
    provider.invalidate('Ann@example.com', first);
    const second = await provider.getToken('ann@example.com');
    provider.invalidate('ann@example.com', first); // a late 401 for the old token

    expect(second).toBe('ann@example.com#2');
    expect(await provider.getToken('ann@example.com')).toBe(second);
    expect(issuer.issued).toHaveLength(2);
  });
});
