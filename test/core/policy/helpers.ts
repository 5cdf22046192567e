import type { EngineResult, EngineStatus, Finding, Severity } from '../../../functions/src/core/engine/types';
import { emptyIocs } from '../../../functions/src/core/engine/types';
import { parsePolicy, type Policy } from '../../../functions/src/core/policy';

export function finding(id: string, score: number, severity: Severity = 'medium', evidence: string[] = []): Finding {
  return { id, severity, title: `title of ${id}`, evidence, score };
}

export function ok(engine: string, score: number, findings: Finding[] = []): EngineResult {
  return { engine, version: '1', status: 'ok', score, findings, iocs: emptyIocs(), elapsedMs: 1 };
}

export function failed(engine: string, status: Exclude<EngineStatus, 'ok'> = 'error', error = 'boom'): EngineResult {
  return { engine, version: '1', status, score: 0, findings: [], iocs: emptyIocs(), elapsedMs: 1, error };
}

/** A policy from the schema defaults plus overrides, so each test states only what it is about. */
export function policy(overrides: Record<string, unknown> = {}): Policy {
  return parsePolicy({ version: 'test-1', ...overrides }, 'test');
}
