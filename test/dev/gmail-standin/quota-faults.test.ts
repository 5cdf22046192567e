import { GmailStandin, InMemoryNotificationPublisher } from '../../../functions/src/dev/gmail-standin';
import { ALICE, BOB, apiFailure, makeRaw, startStandin, type Running } from './support';

describe('gmail stand-in: quota', () => {
  let running: Running;
  let now: number;

  beforeEach(() => {
    now = 1_750_000_000_000;
  });

  afterEach(async () => {
    await running.standin.stop();
  });

  it('answers 429 rateLimitExceeded once a mailbox spends its units in a minute, and recovers as the window slides', async () => {
    running = await startStandin({ now: () => now, quota: { unitsPerMinutePerUser: 12 } });
    const delivered = running.standin.deliver(ALICE, makeRaw());
    await running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'raw' });
    now += 30_000;
    await running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'raw' });
    const rejected = await apiFailure(running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'raw' }));
    expect(rejected.status).toBe(429);
    expect(rejected.body).toEqual({
      error: {
        code: 429,
        message: 'User-rate limit exceeded',
        errors: [{ message: 'User-rate limit exceeded', domain: 'usageLimits', reason: 'rateLimitExceeded' }],
        status: 'RESOURCE_EXHAUSTED',
      },
    });
    // history.list costs 2 and still fits; other mailboxes have their own budget.
    await running.client.users.history.list({ userId: ALICE, startHistoryId: delivered.historyId });
    await running.client.users.messages.list({ userId: BOB });
    now += 30_001;
    await expect(running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'raw' })).resolves.toBeDefined();
    expect(running.standin.stats().units[ALICE]).toBe(5 + 5 + 2 + 5);
    expect(running.standin.stats().rateLimited[ALICE]).toBe(1);
  });

  it('charges the configured cost table and counts calls by method', async () => {
    running = await startStandin({ quota: { costs: { 'users.messages.get': 20 } } });
    const delivered = running.standin.deliver(ALICE, makeRaw());
    await running.client.users.messages.get({ userId: ALICE, id: delivered.id, format: 'raw' });
    await running.client.users.messages.modify({ userId: ALICE, id: delivered.id, requestBody: { removeLabelIds: ['UNREAD'] } });
    await running.client.users.labels.list({ userId: ALICE });
    await running.client.users.watch({ userId: BOB, requestBody: { topicName: 'projects/p/topics/t' } });
    const stats = running.standin.stats();
    expect(stats.units).toEqual({ [ALICE]: 20 + 5 + 1, [BOB]: 100 });
    expect(stats.calls).toEqual({ 'users.messages.get': 1, 'users.messages.modify': 1, 'users.labels.list': 1, 'users.watch': 1 });
  });

  it('can answer with the older 403 userRateLimitExceeded variant', async () => {
    running = await startStandin({ quota: { unitsPerMinutePerUser: 1, rejectionStyle: '403' } });
    await running.client.users.getProfile({ userId: ALICE });
    const rejected = await apiFailure(running.client.users.getProfile({ userId: ALICE }));
    expect(rejected).toMatchObject({ status: 403, reason: 'userRateLimitExceeded' });
  });
});

describe('gmail stand-in: fault injection', () => {
  let running: Running;

  afterEach(async () => {
    await running.standin.stop();
  });

  async function outcomes(count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let index = 0; index < count; index++) {
      try {
        await running.client.users.labels.list({ userId: ALICE });
        statuses.push(200);
      } catch (error) {
        statuses.push((error as { status: number }).status);
      }
    }
    return statuses;
  }

  it('fails the configured fraction of calls with 500/503, the same way for the same seed', async () => {
    running = await startStandin({ seed: 42 });
    running.standin.setFaults({ errorRate: 0.5 });
    const first = await outcomes(60);
    await running.standin.stop();
    running = await startStandin({ seed: 42 });
    running.standin.setFaults({ errorRate: 0.5 });
    const second = await outcomes(60);
    expect(second).toEqual(first);
    const failures = first.filter((status) => status !== 200);
    expect(failures.length).toBeGreaterThan(15);
    expect(failures.length).toBeLessThan(45);
    expect(new Set(failures)).toEqual(new Set([500, 503]));
    expect(running.standin.stats().injectedErrors).toBe(failures.length);
  });

  it('limits injected errors to the listed methods and stops when the rate is reset', async () => {
    running = await startStandin();
    running.standin.setFaults({ errorRate: 1, errorStatuses: [503], errorMethods: ['users.messages.get'] });
    const delivered = running.standin.deliver(ALICE, makeRaw());
    await expect(running.client.users.labels.list({ userId: ALICE })).resolves.toBeDefined();
    expect((await apiFailure(running.client.users.messages.get({ userId: ALICE, id: delivered.id }))).status).toBe(503);
    running.standin.setFaults({ errorRate: 0 });
    await expect(running.client.users.messages.get({ userId: ALICE, id: delivered.id })).resolves.toBeDefined();
  });

  it('adds latency to every answer', async () => {
    running = await startStandin();
    running.standin.setFaults({ latencyMs: 250 });
    const started = Date.now();
    await running.client.users.labels.list({ userId: ALICE });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    running.standin.clearFaults();
    const quick = Date.now();
    await running.client.users.labels.list({ userId: ALICE });
    expect(Date.now() - quick).toBeLessThan(200);
  });

  it('forces 429 for the next N calls of one mailbox only', async () => {
    running = await startStandin();
    running.standin.forceRateLimit(ALICE, 2);
    expect((await apiFailure(running.client.users.getProfile({ userId: ALICE }))).status).toBe(429);
    await expect(running.client.users.getProfile({ userId: BOB })).resolves.toBeDefined();
    expect((await apiFailure(running.client.users.getProfile({ userId: ALICE }))).status).toBe(429);
    await expect(running.client.users.getProfile({ userId: ALICE })).resolves.toBeDefined();
    expect(running.standin.stats().rateLimited).toEqual({ [ALICE]: 2 });
  });
});

describe('gmail stand-in: fault settings', () => {
  it('rejects invalid settings with a ConfigError naming the field, and keeps the previous faults', () => {
    const standin = new GmailStandin({ publisher: new InMemoryNotificationPublisher() });
    standin.setFaults({ latencyMs: 10 });
    expect(() => standin.setFaults({ errorRate: 2 })).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining('errorRate') }));
    expect(standin.currentFaults()).toMatchObject({ latencyMs: 10, errorRate: 0 });
  });
});
