import { ConfigError } from '../../functions/src/core/errors';
import { QuotaBudgetExceededError } from '../../functions/src/gmail/errors';
import { LEGACY_QUOTA_COSTS, QuotaBudget, REPORTED_2026_COST_OVERRIDES, type QuotaConfigInput } from '../../functions/src/gmail/quota';

/** A clock whose sleep moves time forward instantly, recording each wait. */
function fakeClock(start = 1_000_000): { now: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => void; sleeps: number[] } {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    advance: (ms) => {
      time += ms;
    },
    sleeps,
  };
}

function budget(config: QuotaConfigInput): { quota: QuotaBudget; clock: ReturnType<typeof fakeClock> } {
  const clock = fakeClock();
  return { quota: new QuotaBudget(config, clock), clock };
}

/** Tiny budgets are easier to reason about; the big-ticket methods are made cheap so the config is valid. */
function smallBudget(unitsPerMinute: number, config: QuotaConfigInput = {}): ReturnType<typeof budget> {
  return budget({ unitsPerMinute, ...config, costs: { watch: 1, stop: 1, 'messages.batchModify': 1, ...config.costs } });
}

describe('QuotaBudget', () => {
  it('defaults to the legacy cost table and the 6,000 units/min per-user limit', () => {
    const { quota } = budget({});
    expect(quota.config.unitsPerMinute).toBe(6_000);
    expect(quota.costOf('history.list')).toBe(2);
    expect(quota.costOf('messages.get')).toBe(5);
    expect(quota.costOf('messages.batchModify')).toBe(50);
    expect(quota.costOf('watch')).toBe(100);
    expect(quota.costOf('stop')).toBe(50);
    expect(quota.costOf('labels.list')).toBe(1);
    expect(quota.costOf('getProfile')).toBe(1);
  });

  it('reserves each call’s cost against the mailbox, case-insensitively, and keeps mailboxes apart', async () => {
    const { quota } = budget({});
    await expect(quota.reserve('Ann@example.com', 'messages.get')).resolves.toBe(5);
    await quota.reserve('ann@example.com', 'history.list');
    await quota.reserve('bob@example.com', 'watch');
    expect(quota.used('ann@EXAMPLE.com')).toBe(7);
    expect(quota.used('bob@example.com')).toBe(100);
  });

  it('waits until the oldest spends leave the rolling minute, then proceeds', async () => {
    const { quota, clock } = smallBudget(10, { maxWaitMs: 60_000 });
    for (let i = 0; i < 5; i += 1) await quota.reserve('ann@example.com', 'history.list');
    expect(quota.used('ann@example.com')).toBe(10);
    await quota.reserve('ann@example.com', 'history.list');
    expect(clock.sleeps).toEqual([60_000]);
    // All five old spends expired together; only the new one remains.
    expect(quota.used('ann@example.com')).toBe(2);
  });

  it('frees units spend by spend: a newer spend stays in the window after an older one leaves', async () => {
    const { quota, clock } = smallBudget(10, { maxWaitMs: 60_000, costs: { 'messages.get': 8 } });
    await quota.reserve('ann@example.com', 'history.list'); // t=0, 2 units
    clock.advance(30_000);
    await quota.reserve('ann@example.com', 'messages.get'); // t=30 s, 8 units
    clock.advance(30_000);
    // t=60 s: the 2 units have left, the 8 have not; another 8 must wait for t=90 s.
    expect(quota.used('ann@example.com')).toBe(8);
    await quota.reserve('ann@example.com', 'messages.get');
    expect(clock.sleeps).toEqual([30_000]);
    expect(quota.used('ann@example.com')).toBe(8);
  });

  it('throws QuotaBudgetExceededError with retryAfterMs when the wait would exceed maxWaitMs', async () => {
    const { quota, clock } = smallBudget(10, { maxWaitMs: 5_000 });
    for (let i = 0; i < 5; i += 1) await quota.reserve('ann@example.com', 'history.list');
    clock.advance(20_000);
    const failure = quota.reserve('ann@example.com', 'history.list');
    await expect(failure).rejects.toBeInstanceOf(QuotaBudgetExceededError);
    await expect(failure).rejects.toMatchObject({ mailbox: 'ann@example.com', method: 'history.list', retryAfterMs: 40_000 });
    expect(clock.sleeps).toEqual([]);
    expect(quota.used('ann@example.com')).toBe(10);
  });

  it('lets only one of two concurrent callers take the last units', async () => {
    const { quota, clock } = smallBudget(10, { maxWaitMs: 60_000 });
    for (let i = 0; i < 4; i += 1) await quota.reserve('ann@example.com', 'history.list');
    const both = await Promise.all([quota.reserve('ann@example.com', 'history.list'), quota.reserve('ann@example.com', 'history.list')]);
    expect(both).toEqual([2, 2]);
    expect(clock.sleeps).toEqual([60_000]);
  });

  it('takes cost overrides, e.g. the reported 2026 costs', async () => {
    const { quota } = budget({ costs: { ...REPORTED_2026_COST_OVERRIDES } });
    expect(quota.costOf('messages.get')).toBe(20);
    expect(quota.costOf('messages.trash')).toBe(20);
    expect(quota.costOf('messages.modify')).toBe(LEGACY_QUOTA_COSTS['messages.modify']);
    await quota.reserve('ann@example.com', 'messages.get');
    expect(quota.used('ann@example.com')).toBe(20);
  });

  it('rejects unknown methods, negative costs and limits that could never pay for a call', () => {
    expect(() => new QuotaBudget({ costs: { 'messages.send': 100 } as never })).toThrow(ConfigError);
    expect(() => new QuotaBudget({ costs: { 'messages.get': -1 } })).toThrow(/costs\.messages\.get/);
    expect(() => new QuotaBudget({ unitsPerMinute: 60 })).toThrow(/can never pay for watch/);
    expect(() => new QuotaBudget({ unitsPerMinute: 0 })).toThrow(ConfigError);
  });
});
