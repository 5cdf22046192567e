import type { EngineResult } from '../core/engine/types';
import { runEngines, type EngineRun } from '../core/orchestrator';
import { buildScanSubject } from '../core/parse';
import { decide, type Decision, type Policy } from '../core/policy';
import type { StrataConfig } from '../core/config/strata-config';
import type { AnomalyCode } from '../core/subject/types';

/** One scanned message, as `strata scan --json` prints it and as later stages persist it. */
export interface ScanReport {
  source: string;
  messageId: string;
  rawSha256: string;
  from: string;
  subject: string;
  verdict: Decision['verdict'];
  score: number;
  action: Decision['action'];
  intendedAction: Decision['intendedAction'];
  passive: boolean;
  policyVersion: string;
  reasons: Decision['reasons'];
  failedEngines: Decision['failedEngines'];
  engines: EngineResult[];
  anomalies: AnomalyCode[];
  /** Set when the input did not look like mail at all (no header block). */
  notMail: boolean;
  timings: { parseMs: number; enginesMs: number; totalMs: number };
}

export interface MessageScanner {
  scan(raw: Uint8Array, source: string): Promise<ScanReport>;
}

/**
 * The single code path from raw bytes to a decision, shared by the CLI, the benchmark and,
 * later, the cloud pipeline: parse (bounded) → engines in parallel (timeouts enforced) → policy.
 */
export function createMessageScanner(options: {
  config: StrataConfig;
  policy: Policy;
  engines: EngineRun[];
}): MessageScanner {
  const { config, policy, engines } = options;
  return {
    async scan(raw, source) {
      const started = performance.now();
      const subject = await buildScanSubject(raw, {
        limits: config.limits,
        trustedAuthority: config.trustedAuthority,
      });
      const parsed = performance.now();
      const results = await runEngines(subject, engines, { organisationDomains: config.organisationDomains });
      const scanned = performance.now();
      const decision = decide(results, policy);
      const finished = performance.now();
      const anomalies = subject.anomalies.map((anomaly) => anomaly.code);
      return {
        source,
        messageId: subject.ids.messageId,
        rawSha256: subject.ids.rawSha256,
        from: subject.from?.address ?? '',
        subject: subject.subject,
        ...decisionFields(decision),
        engines: results,
        anomalies,
        notMail: anomalies.includes('mime.not_mime') && subject.headers.length === 0,
        timings: {
          parseMs: round(parsed - started),
          enginesMs: round(scanned - parsed),
          totalMs: round(finished - started),
        },
      };
    },
  };
}

/** The decision's part of a report; one place, so every report states a decision the same way. */
export function decisionFields(
  decision: Decision,
): Pick<ScanReport, 'verdict' | 'score' | 'action' | 'intendedAction' | 'passive' | 'policyVersion' | 'reasons' | 'failedEngines'> {
  return {
    verdict: decision.verdict,
    score: decision.score,
    action: decision.action,
    intendedAction: decision.intendedAction,
    passive: decision.passive,
    policyVersion: decision.policyVersion,
    reasons: decision.reasons,
    failedEngines: decision.failedEngines,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
