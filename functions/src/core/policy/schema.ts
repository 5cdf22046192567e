import { z } from 'zod';
import type { Severity } from '../engine/types';
import { ConfigError } from '../errors';

export const VERDICTS = ['clean', 'suspicious', 'malicious'] as const;
export type VerdictLabel = (typeof VERDICTS)[number];

/** Mailbox actions, mildest first. Trash is the strongest: Strata never deletes mail permanently. */
export const ACTIONS = ['none', 'label', 'quarantine', 'trash'] as const;
export type Action = (typeof ACTIONS)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const satisfies readonly Severity[];

/**
 * A finding-id pattern: an exact id (`links.blocklisted`) or a prefix ending in `*`
 * (`clamav.*`). A bare `*` is refused: one rule making every finding decisive is a typo,
 * not a policy.
 */
const FINDING_PATTERN = /^[A-Za-z0-9_.:-]+\*?$/;

const EngineName = z.string().min(1, 'engine name must not be empty');
const Score = z.number().min(0).max(100);
const ThresholdScore = z.number().gt(0, 'a threshold must be above 0, or every message would match').max(100);
const RaisedVerdict = z.enum(['suspicious', 'malicious']);

export const DecisiveRuleSchema = z.strictObject({
  /** Finding id, or prefix ending in `*`. */
  pattern: z
    .string()
    .regex(FINDING_PATTERN, 'must be a finding id or a prefix ending in * (letters, digits, _ . : -)'),
  /** The verdict a matching finding guarantees (the verdict can still end higher). */
  verdict: RaisedVerdict.default('malicious'),
  /** Only findings at least this severe match; absent means any severity. */
  minSeverity: z.enum(SEVERITIES).optional(),
});
export type DecisiveRule = z.infer<typeof DecisiveRuleSchema>;

export const ConsensusRuleSchema = z.strictObject({
  /** The score-based verdict this rule guards: reaching it (or higher) needs the agreement below. */
  verdict: RaisedVerdict,
  /** How many engines must agree. */
  minEngines: z.number().int().min(1).max(100),
  /** An engine agrees when its own score is at least this. */
  minEngineScore: Score.default(50),
});
export type ConsensusRule = z.infer<typeof ConsensusRuleSchema>;

const ThresholdsSchema = z
  .strictObject({
    suspicious: ThresholdScore.default(50),
    malicious: ThresholdScore.default(80),
  })
  .superRefine((thresholds, ctx) => {
    if (thresholds.malicious <= thresholds.suspicious) {
      ctx.addIssue({
        code: 'custom',
        path: ['malicious'],
        message: `must be greater than thresholds.suspicious (${thresholds.suspicious})`,
      });
    }
  });

const ActionsSchema = z
  .strictObject({
    clean: z.enum(ACTIONS).default('none'),
    suspicious: z.enum(ACTIONS).default('label'),
    malicious: z.enum(ACTIONS).default('quarantine'),
  })
  .superRefine((actions, ctx) => {
    // A milder action for a worse verdict is almost always a slip in the file; refuse it.
    const strength = (action: Action) => ACTIONS.indexOf(action);
    if (strength(actions.suspicious) < strength(actions.clean)) {
      ctx.addIssue({ code: 'custom', path: ['suspicious'], message: 'must not be milder than actions.clean' });
    }
    if (strength(actions.malicious) < strength(actions.suspicious)) {
      ctx.addIssue({ code: 'custom', path: ['malicious'], message: 'must not be milder than actions.suspicious' });
    }
  });

const ExpectedEnginesSchema = z.array(EngineName).superRefine((names, ctx) => {
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) {
      ctx.addIssue({ code: 'custom', path: [index], message: `duplicate engine ${name}` });
    }
  });
});

/**
 * The policy file. Every field but `version` has a default, and the defaults are exactly the
 * shipped functions/policy/default.json (a test keeps the two equal), so a policy file only
 * needs to name what it changes. Lists replace the default list; they are not merged.
 * Unknown keys are refused so a misspelt field fails loudly instead of being ignored.
 */
export const PolicySchema = z.strictObject({
  /** Recorded in every decision, so a verdict can be traced to the policy that made it. */
  version: z.string().min(1, 'version must not be empty'),
  description: z.string().optional(),
  /** passive: decide and record the intended action, but apply none. */
  mode: z.enum(['enforce', 'passive']).default('enforce'),
  /** Engines that must report; an expected engine absent from the results counts as failed. */
  expectedEngines: ExpectedEnginesSchema.default(() => []),
  /** Per-engine weight in the score combination; engines not listed weigh 1, 0 ignores an engine's score. */
  weights: z.record(EngineName, z.number().min(0).max(10)).default(() => ({})),
  thresholds: ThresholdsSchema.prefault({}),
  /** Findings that on their own set a minimum verdict, bypassing score and consensus. */
  // Defaults are factories: zod copies a default only shallowly, and decisions must never
  // share (and so be able to mutate) another policy's rule objects.
  decisiveFindings: z.array(DecisiveRuleSchema).default((): DecisiveRule[] => [
    { pattern: 'clamav.*', verdict: 'malicious', minSeverity: 'high' },
    { pattern: 'links.blocklisted', verdict: 'malicious' },
    { pattern: 'qr.link.blocklisted', verdict: 'malicious' },
    { pattern: 'attachments.vba_macro', verdict: 'malicious' },
    { pattern: 'attachments.office_template_injection', verdict: 'malicious' },
    { pattern: 'attachments.office_remote_object', verdict: 'malicious' },
    { pattern: 'attachments.office_password_in_message', verdict: 'malicious' },
  ]),
  /** Agreement required before the score alone may reach a verdict. */
  consensus: z
    .array(ConsensusRuleSchema)
    .default((): ConsensusRule[] => [{ verdict: 'malicious', minEngines: 2, minEngineScore: 50 }]),
  onEngineFailure: z.enum(['fail-open', 'fail-closed']).default('fail-open'),
  /** Under fail-closed, the least verdict of a message on which any engine failed. */
  failClosedVerdict: RaisedVerdict.default('suspicious'),
  actions: ActionsSchema.prefault({}),
  /** How many reasons a decision keeps. */
  maxReasons: z.number().int().min(1).max(100).default(10),
});

export type Policy = z.infer<typeof PolicySchema>;

export interface PolicyIssue {
  path: string;
  message: string;
}

/**
 * Validates a policy. Throws ConfigError whose message lists every problem with its path
 * (`thresholds.malicious: …; decisiveFindings[1].pattern: …`); the issues are also in its context.
 */
export function parsePolicy(json: unknown, source = 'policy'): Policy {
  const result = PolicySchema.safeParse(json);
  if (result.success) return result.data;
  const issues: PolicyIssue[] = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  const listed = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new ConfigError(`invalid policy in ${source}: ${listed}`, { source, issues });
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? String(segment) : `.${String(segment)}`;
    })
    .join('');
}
