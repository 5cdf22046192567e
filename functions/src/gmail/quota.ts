import { z } from 'zod';
import { describeIssues } from '../core/config/strata-config';
import { ConfigError } from '../core/errors';
import { QuotaBudgetExceededError } from './errors';

/**
 * Strata's own brake on Gmail quota: a per-mailbox budget of quota units per rolling minute.
 * Gmail's per-user limit cannot be raised, and a phishing purge or a backlog after an outage can
 * otherwise spend it all at once and starve the real-time path.
 *
 * The budget lives in memory, per process: with N function instances the mailbox can see up to
 * N budgets' worth. That is good enough as a brake; Gmail's own 429/403 rateLimitExceeded remains
 * the hard limit and is handled by the retry policy.
 */

/** Gmail methods Strata calls, named as in the API reference. Directory calls have their own quota. */
export const GMAIL_METHODS = [
  'history.list',
  'messages.list',
  'messages.get',
  'messages.modify',
  'messages.batchModify',
  'messages.trash',
  'messages.untrash',
  'messages.attachments.get',
  'labels.list',
  'labels.create',
  'watch',
  'stop',
  'getProfile',
] as const;

export type GmailMethod = (typeof GMAIL_METHODS)[number];

/**
 * The published per-method costs (legacy table). Reports on the 2026 table say messages.get and
 * messages.trash cost 20 (threads.get 40); Google's own table was not confirmed, so these stay
 * the defaults and the new values are one override away (see docs/gmail-access.md).
 */
export const LEGACY_QUOTA_COSTS: Readonly<Record<GmailMethod, number>> = {
  'history.list': 2,
  'messages.list': 5,
  'messages.get': 5,
  'messages.modify': 5,
  'messages.batchModify': 50,
  'messages.trash': 5,
  'messages.untrash': 5,
  'messages.attachments.get': 5,
  'labels.list': 1,
  'labels.create': 5,
  watch: 100,
  stop: 50,
  getProfile: 1,
};

/** The 2026 costs as reported by third parties, for deployments on the new quota regime. */
export const REPORTED_2026_COST_OVERRIDES: Readonly<Partial<Record<GmailMethod, number>>> = {
  'messages.get': 20,
  'messages.trash': 20,
};

const unitCost = z.number().int().min(0).max(10_000);

const CostOverridesSchema = z
  .object(Object.fromEntries(GMAIL_METHODS.map((method) => [method, unitCost.optional()])) as Record<GmailMethod, z.ZodOptional<typeof unitCost>>)
  .strict();

export const QuotaConfigSchema = z
  .object({
    /**
     * Units per mailbox per rolling minute. 6,000 is Gmail's per-user limit for projects created
     * from 2026-05; older projects have 15,000. Keep it at or below the project's real limit.
     */
    unitsPerMinute: z.number().int().min(1).default(6_000),
    /** How long a call may wait for units to free up before QuotaBudgetExceededError. */
    maxWaitMs: z.number().int().min(0).default(20_000),
    /** Per-method cost overrides on top of LEGACY_QUOTA_COSTS. */
    costs: CostOverridesSchema.default({}),
  })
  .strict()
  .superRefine((config, context) => {
    const costs = { ...LEGACY_QUOTA_COSTS, ...definedOnly(config.costs) };
    for (const method of GMAIL_METHODS) {
      if (costs[method] > config.unitsPerMinute) {
        context.addIssue({
          code: 'custom',
          path: ['unitsPerMinute'],
          message: `${config.unitsPerMinute} units per minute can never pay for ${method} (${costs[method]} units)`,
        });
      }
    }
  });

export type QuotaConfig = z.infer<typeof QuotaConfigSchema>;
export type QuotaConfigInput = z.input<typeof QuotaConfigSchema>;

function definedOnly(costs: Partial<Record<GmailMethod, number | undefined>>): Partial<Record<GmailMethod, number>> {
  return Object.fromEntries(Object.entries(costs).filter(([, value]) => value !== undefined)) as Partial<Record<GmailMethod, number>>;
}

export function parseQuotaConfig(input: unknown, source = 'quota config'): QuotaConfig {
  const result = QuotaConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(`invalid ${source}: ${describeIssues(result.error)}`, { source });
  return result.data;
}

export interface QuotaClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

interface Spend {
  at: number;
  units: number;
}

interface MailboxWindow {
  spends: Spend[];
  total: number;
}

const WINDOW_MS = 60_000;

const realClock: QuotaClock = {
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class QuotaBudget {
  readonly config: QuotaConfig;
  private readonly costs: Readonly<Record<GmailMethod, number>>;
  private readonly windows = new Map<string, MailboxWindow>();

  constructor(
    config: QuotaConfigInput = {},
    private readonly clock: QuotaClock = realClock,
  ) {
    this.config = parseQuotaConfig(config);
    this.costs = { ...LEGACY_QUOTA_COSTS, ...definedOnly(this.config.costs) };
  }

  costOf(method: GmailMethod): number {
    return this.costs[method];
  }

  /** Units spent for `mailbox` in the last minute. */
  used(mailbox: string): number {
    return this.prunedWindow(mailbox.toLowerCase(), this.clock.now())?.total ?? 0;
  }

  /**
   * Reserves the method's cost for the mailbox, waiting for older spends to leave the window
   * if needed. Resolves to the units reserved; throws QuotaBudgetExceededError when the wait
   * would exceed maxWaitMs. The check and the record happen without an await in between, so
   * concurrent callers in this process cannot both take the last units.
   */
  async reserve(mailbox: string, method: GmailMethod): Promise<number> {
    const key = mailbox.toLowerCase();
    const cost = this.costOf(method);
    const deadline = this.clock.now() + this.config.maxWaitMs;
    for (;;) {
      const now = this.clock.now();
      const waitMs = this.tryTake(key, cost, now);
      if (waitMs === 0) return cost;
      if (now + waitMs > deadline) throw new QuotaBudgetExceededError(mailbox, method, waitMs);
      await this.clock.sleep(waitMs);
    }
  }

  /** Takes the units and returns 0, or returns how long until enough units leave the window. */
  private tryTake(key: string, cost: number, now: number): number {
    const window = this.prunedWindow(key, now) ?? { spends: [], total: 0 };
    const excess = window.total + cost - this.config.unitsPerMinute;
    if (excess <= 0) {
      if (cost > 0) {
        window.spends.push({ at: now, units: cost });
        window.total += cost;
        this.windows.set(key, window);
      }
      return 0;
    }
    let freed = 0;
    for (const spend of window.spends) {
      freed += spend.units;
      // A spend counts during [at, at + WINDOW_MS); pruning drops it at exactly at + WINDOW_MS.
      if (freed >= excess) return spend.at + WINDOW_MS - now;
    }
    // Unreachable while cost <= unitsPerMinute, which the schema guarantees.
    return WINDOW_MS;
  }

  private prunedWindow(key: string, now: number): MailboxWindow | undefined {
    const window = this.windows.get(key);
    if (!window) return undefined;
    let expired = 0;
    while (expired < window.spends.length && window.spends[expired]!.at <= now - WINDOW_MS) {
      window.total -= window.spends[expired]!.units;
      expired += 1;
    }
    if (expired > 0) window.spends.splice(0, expired);
    if (window.spends.length === 0) {
      // Idle mailboxes leave no trace, so a large domain does not grow this map forever.
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }
}
