import type { EngineResult, EngineStatus } from '../core/engine/types';
import { emptyIocs } from '../core/engine/types';
import { parseStrataConfig, type StrataConfig } from '../core/config/strata-config';
import { decide, parsePolicy, type Policy } from '../core/policy';
import { createEngines } from '../engines/registry';
import { createMessageScanner, decisionFields, type MessageScanner, type ScanReport } from './scan-message';

/**
 * Everything needed to build a scanner, as plain data so it can cross into a worker thread.
 * Config and policy were validated once in the main thread; workers validate again because
 * validation is what turns unknown JSON into typed values.
 */
export interface ScannerSetup {
  config: unknown;
  policy: unknown;
  /** Engine names to run; undefined means every shipped engine. */
  engines?: string[];
  /** Per-engine timeout overrides in ms. */
  timeouts?: Record<string, number>;
}

export interface BuiltScanner {
  scanner: MessageScanner;
  config: StrataConfig;
  policy: Policy;
  engineNames: string[];
}

export function buildScanner(setup: ScannerSetup): BuiltScanner {
  const config = parseStrataConfig(setup.config);
  const policy = parsePolicy(setup.policy);
  const engines = createEngines(setup.engines, config.engines);
  const runs = engines.map((engine) => ({ engine, timeoutMs: setup.timeouts?.[engine.name] }));
  return {
    scanner: createMessageScanner({ config, policy, engines: runs }),
    config,
    policy,
    engineNames: engines.map((engine) => engine.name),
  };
}

/**
 * The report for a message whose scan never came back (its worker hung or died). Every engine
 * is marked failed and the policy still decides, so the message ends with a verdict that
 * says so instead of silently passing as clean.
 */
export function failedScanReport(
  source: string,
  engineNames: readonly string[],
  policy: Policy,
  status: Exclude<EngineStatus, 'ok'>,
  reason: string,
  elapsedMs: number,
): ScanReport {
  const engines: EngineResult[] = engineNames.map((engine) => ({
    engine,
    version: 'unknown',
    status,
    score: 0,
    findings: [],
    iocs: emptyIocs(),
    elapsedMs,
    error: reason,
  }));
  const decision = decide(engines, policy);
  return {
    source,
    messageId: '',
    rawSha256: '',
    from: '',
    subject: '',
    ...decisionFields(decision),
    engines,
    anomalies: [],
    notMail: false,
    timings: { parseMs: 0, enginesMs: 0, totalMs: elapsedMs },
  };
}
