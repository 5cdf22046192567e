import { z } from 'zod';
import { type StrataConfig, StrataConfigSchema, describeIssues } from '../core/config/strata-config';
import { ParseLimitsSchema } from '../core/config/limits';
import { ConfigError } from '../core/errors';
import { DEFAULT_POLICY, PolicySchema, type Policy } from '../core/policy';
import { DEFAULT_TOPICS } from './bus';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Gmail keeps a watch alive for 7 days at most. */
const WATCH_LIFETIME_MS = 7 * DAY;

const Name = z.string().min(1);
const Milliseconds = z.number().int().positive();

const TopicsSchema = z.strictObject({
  gmailNotifications: Name.default(DEFAULT_TOPICS.gmailNotifications),
  scanRequests: Name.default(DEFAULT_TOPICS.scanRequests),
  engineCompletions: Name.default(DEFAULT_TOPICS.engineCompletions),
  watchRenewals: Name.default(DEFAULT_TOPICS.watchRenewals),
});

const LabelNamesSchema = z.strictObject({
  suspicious: Name.default('Strata/Suspicious'),
  quarantine: Name.default('Strata/Quarantine'),
});

const UniqueNames = z.array(Name).superRefine((names, ctx) => {
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `duplicate engine ${name}` });
  });
});

/**
 * Everything the pipeline's handlers are configured with. Every field but `watchTopic` has a
 * default; durations are milliseconds. Unknown keys are refused so a misspelt field fails loudly.
 */
export const PipelineConfigSchema = z
  .strictObject({
    topics: TopicsSchema.prefault({}),
    /**
     * The full topic name Gmail publishes notifications to (`projects/P/topics/T`), given to
     * users.watch. It must be in the project that calls watch.
     */
    watchTopic: z.string().regex(/^projects\/[^/]+\/topics\/[^/]+$/, 'must be projects/<project>/topics/<topic>'),
    /** The engines every scan request names; the aggregator waits for all of them. */
    engines: UniqueNames.min(1, 'at least one engine must run').default(() => ['auth', 'links']),
    /** Per-engine timeout overrides for the orchestrator (ms); engines not listed keep their default. */
    engineTimeoutsMs: z.record(Name, Milliseconds).default(() => ({})),
    /** Per-engine configuration sections, validated by each engine's own schema. */
    engineConfigs: z.record(Name, z.unknown()).default(() => ({})),
    scanInbound: z.boolean().default(true),
    scanOutbound: z.boolean().default(false),
    scanInternal: z.boolean().default(true),
    /** The organisation's own mail domains (lower case); decides internal mail and own senders. */
    organisationDomains: z.array(z.string().min(1).transform((domain) => domain.toLowerCase())).default(() => []),
    /** The authserv-id whose Authentication-Results are trusted (Gmail stamps mx.google.com). */
    trustedAuthority: Name.default('mx.google.com'),
    limits: ParseLimitsSchema.partial().default(() => ({})),
    labels: LabelNamesSchema.prefault({}),
    /** A full sync (first sync, or history gone) reads at most this many messages, newest first. */
    fullSyncMaxMessages: z.number().int().min(1).max(5_000).default(500),
    /**
     * The Gmail search of a full sync. Everywhere except trash and drafts (spam included, with
     * includeSpamTrash): mail a filter archived or Gmail sent to spam must be scanned too.
     * `-in:sent` is appended when outbound mail is not scanned.
     */
    fullSyncQuery: Name.default('in:anywhere -in:trash -in:drafts newer_than:7d'),
    historyPageSize: z.number().int().min(1).max(500).default(500),
    /** Messages of one sync fetched and parsed at once; Gmail caps concurrent calls per user. */
    fetchConcurrency: z.number().int().min(1).max(25).default(4),
    /**
     * How long a claim to fetch a message holds before another instance may take it over (its
     * owner presumed dead). Must outlast one message's fetch, parse and store.
     */
    fetchClaimLeaseMs: z.number().int().min(1_000).max(540_000).default(120_000),
    /**
     * How long an instance that finds a message claimed by another waits for that scan to appear
     * before giving up for now (the cursor stays, so a redelivery or the sweeper's poll retries).
     */
    fetchClaimWaitMs: z.number().int().min(0).max(60_000).default(5_000),
    fetchClaimPollMs: z.number().int().min(10).max(5_000).default(250),
    /**
     * An undecided scan this old with engines missing has its scan request published again (a
     * dropped event or a fan-out that died between creating the scan and publishing).
     */
    redispatchAfterMs: Milliseconds.default(30_000),
    /** An undecided scan this old is finalised: missing engines count as timed out. */
    engineOverdueMs: Milliseconds.default(90_000),
    /**
     * A decided scan whose action is still pending this long after the decision is taken as
     * abandoned (the deciding invocation died) and applied again by a redelivered completion.
     */
    pendingActionStaleMs: Milliseconds.default(5 * MINUTE),
    maxActionAttempts: z.number().int().min(1).max(50).default(5),
    /** Scan documents expire (Firestore TTL on expireAt) this many days after creation. */
    retentionDays: z.number().int().min(1).max(3_650).default(30),
    /**
     * An engine's cached result on one content is reused this long (reads ignore older entries;
     * Firestore TTL on engineCache.expireAt deletes them). Long enough to absorb a campaign
     * landing in many mailboxes, short enough that new ClamAV signatures, YARA rules and
     * blocklists reach content seen before: a file clean today may be known bad tomorrow.
     */
    engineCacheTtlMs: Milliseconds.min(MINUTE).max(30 * DAY).default(6 * HOUR),
    /** A mailbox with no notification and no sync for this long is polled (notifications may be dropped). */
    quietMailboxMs: Milliseconds.default(30 * MINUTE),
    /** A watch expiring within this is renewed; 6 days renews a 7-day watch daily, as Google advises. */
    watchRenewBeforeMs: Milliseconds.max(WATCH_LIFETIME_MS).default(6 * DAY),
    /** Scans, failed actions and mailboxes handled per sweeper pass, so one pass fits its time limit. */
    sweepBatchSize: z.number().int().min(1).max(5_000).default(200),
    /** Directory users.list scope for enrolment. */
    directory: z
      .strictObject({ customer: Name.default('my_customer'), domain: Name.optional() })
      .prefault({}),
    /** The decision policy; the shipped default when absent. */
    policy: PolicySchema.default(() => DEFAULT_POLICY),
  })
  .superRefine((config, ctx) => {
    if (config.redispatchAfterMs >= config.engineOverdueMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['redispatchAfterMs'],
        message: `must be below engineOverdueMs (${config.engineOverdueMs}), or a late scan is never re-dispatched before it is finalised`,
      });
    }
    const unknownExpected = config.policy.expectedEngines.filter((engine) => !config.engines.includes(engine));
    if (unknownExpected.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['policy', 'expectedEngines'],
        message: `the policy expects engine(s) the pipeline does not run: ${unknownExpected.join(', ')}`,
      });
    }
    for (const engine of Object.keys(config.engineTimeoutsMs)) {
      if (!config.engines.includes(engine)) {
        ctx.addIssue({ code: 'custom', path: ['engineTimeoutsMs', engine], message: `engine ${engine} is not in engines` });
      }
    }
    if (config.labels.suspicious === config.labels.quarantine) {
      ctx.addIssue({ code: 'custom', path: ['labels', 'quarantine'], message: 'must differ from labels.suspicious' });
    }
  });

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;

/** Validates pipeline configuration; ConfigError lists every problem with its path. */
export function parsePipelineConfig(input: unknown, source = 'pipeline config'): PipelineConfig {
  const result = PipelineConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(`invalid ${source}: ${describeIssues(result.error)}`, { source });
  }
  return result.data;
}

/** The scanner-side view of the pipeline config, for buildScanSubject and createEngines. */
export function scannerConfigOf(config: PipelineConfig): StrataConfig {
  return StrataConfigSchema.parse({
    organisationDomains: config.organisationDomains,
    trustedAuthority: config.trustedAuthority,
    limits: config.limits,
    engines: config.engineConfigs,
  });
}

/**
 * The policy a scan is decided under: the configured policy, with every engine the scan was
 * dispatched to expected, so an engine that never reported counts as failed, never as clean.
 */
export function policyForScan(policy: Policy, expectedEngines: readonly string[]): Policy {
  const expected = [...new Set([...policy.expectedEngines, ...expectedEngines])];
  return { ...policy, expectedEngines: expected };
}
