import { z } from 'zod';
import { ConfigError } from '../../core/errors';
import { describeIssues } from '../../core/config/strata-config';

/**
 * Per-call unit costs, keyed by the method names of Gmail's discovery document. The defaults
 * are Gmail's legacy per-user costs (docs/gmail-standin.md, /work notes §3); a test or the demo
 * can switch to the 2026 table by overriding single entries.
 */
export const DEFAULT_UNIT_COSTS: Readonly<Record<string, number>> = Object.freeze({
  'users.getProfile': 1,
  'users.watch': 100,
  'users.stop': 50,
  'users.history.list': 2,
  'users.messages.list': 5,
  'users.messages.get': 5,
  'users.messages.modify': 5,
  'users.messages.batchModify': 50,
  'users.messages.trash': 5,
  'users.messages.untrash': 5,
  'users.messages.attachments.get': 5,
  'users.labels.list': 1,
  'users.labels.get': 1,
  'users.labels.create': 5,
});

export const QuotaSettingsSchema = z
  .object({
    /** Units one mailbox may spend in any 60-second window (Gmail's legacy per-user limit). */
    unitsPerMinutePerUser: z.number().int().positive().default(15_000),
    /** Overrides of single entries of DEFAULT_UNIT_COSTS. */
    costs: z.record(z.string(), z.number().int().nonnegative()).default({}),
    /** '429' answers RESOURCE_EXHAUSTED/rateLimitExceeded; '403' the older userRateLimitExceeded variant. */
    rejectionStyle: z.enum(['429', '403']).default('429'),
  })
  .strict();

export const StandinSettingsSchema = z
  .object({
    /** Seeds the PRNGs behind history-id gaps and injected errors, so runs repeat exactly. */
    seed: z.number().int().default(1),
    /** History records kept per mailbox; a startHistoryId before the window answers 404. */
    retainedHistoryRecords: z.number().int().positive().default(1000),
    /** Gmail publishes at most one notification per user per second; tests shorten the window. */
    notificationWindowMs: z.number().int().nonnegative().default(1000),
    /** How long a watch lasts (Gmail: 7 days). */
    watchLifetimeMs: z.number().int().positive().default(7 * 24 * 60 * 60 * 1000),
    /** When set, watch topics must belong to this project, as Gmail requires of the calling project. */
    projectId: z.string().min(1).optional(),
    /** Directory customer ids answered besides `my_customer`. */
    customerId: z.string().min(1).default('C0standin'),
    quota: QuotaSettingsSchema.default({ unitsPerMinutePerUser: 15_000, costs: {}, rejectionStyle: '429' }),
    /** Largest request body read (control deliveries carry base64 messages up to Gmail's 50 MB). */
    maxRequestBodyBytes: z.number().int().positive().default(96 * 1024 * 1024),
  })
  .strict();

export type StandinSettings = z.infer<typeof StandinSettingsSchema>;
export type StandinSettingsInput = z.input<typeof StandinSettingsSchema>;

export function parseStandinSettings(input: unknown): StandinSettings {
  const result = StandinSettingsSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new ConfigError(`invalid Gmail stand-in settings: ${describeIssues(result.error)}`, { source: 'gmail-standin' });
  }
  return result.data;
}

const mailboxKey = z.string().min(3).includes('@');

/**
 * Fault injection. Every key is optional in a patch; a key that is present replaces the
 * current value (counters such as forcedRateLimits replace the remaining count).
 */
export const FaultPatchSchema = z
  .object({
    /** Fraction of Gmail/Directory calls answered with an injected 500 or 503. */
    errorRate: z.number().min(0).max(1).optional(),
    /** Statuses the injected errors are drawn from. */
    errorStatuses: z.array(z.union([z.literal(500), z.literal(503)])).min(1).optional(),
    /** Limit injected errors to these methods (discovery names); empty or absent means all. */
    errorMethods: z.array(z.string()).optional(),
    /** Delay added before every API answer. */
    latencyMs: z.number().int().nonnegative().optional(),
    /** The next N calls of a mailbox answer as if its per-user rate were exceeded. */
    forcedRateLimits: z.record(mailboxKey, z.number().int().nonnegative()).optional(),
    /** Mailboxes whose next users.history.list answers 404 whatever the startHistoryId. */
    staleHistory: z.array(mailboxKey).optional(),
    /** Fraction of notifications silently dropped (Gmail: "may be delayed or dropped"). */
    dropNotificationRate: z.number().min(0).max(1).optional(),
    /** The next N notifications are dropped. */
    dropNextNotifications: z.number().int().nonnegative().optional(),
  })
  .strict();

export type FaultPatch = z.infer<typeof FaultPatchSchema>;

export interface Faults {
  errorRate: number;
  errorStatuses: (500 | 503)[];
  errorMethods: string[];
  latencyMs: number;
  forcedRateLimits: Record<string, number>;
  staleHistory: string[];
  dropNotificationRate: number;
  dropNextNotifications: number;
}

export function noFaults(): Faults {
  return {
    errorRate: 0,
    errorStatuses: [500, 503],
    errorMethods: [],
    latencyMs: 0,
    forcedRateLimits: {},
    staleHistory: [],
    dropNotificationRate: 0,
    dropNextNotifications: 0,
  };
}

export function applyFaultPatch(current: Faults, patch: FaultPatch): Faults {
  const next: Faults = { ...current, forcedRateLimits: { ...current.forcedRateLimits }, staleHistory: [...current.staleHistory] };
  if (patch.errorRate !== undefined) next.errorRate = patch.errorRate;
  if (patch.errorStatuses !== undefined) next.errorStatuses = [...patch.errorStatuses];
  if (patch.errorMethods !== undefined) next.errorMethods = [...patch.errorMethods];
  if (patch.latencyMs !== undefined) next.latencyMs = patch.latencyMs;
  if (patch.forcedRateLimits !== undefined) {
    for (const [mailbox, count] of Object.entries(patch.forcedRateLimits)) next.forcedRateLimits[mailbox.toLowerCase()] = count;
  }
  if (patch.staleHistory !== undefined) next.staleHistory = patch.staleHistory.map((mailbox) => mailbox.toLowerCase());
  if (patch.dropNotificationRate !== undefined) next.dropNotificationRate = patch.dropNotificationRate;
  if (patch.dropNextNotifications !== undefined) next.dropNextNotifications = patch.dropNextNotifications;
  return next;
}

export function parseFaultPatch(input: unknown): FaultPatch {
  const result = FaultPatchSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new ConfigError(`invalid fault settings: ${describeIssues(result.error)}`, { source: 'gmail-standin faults' });
  }
  return result.data;
}
