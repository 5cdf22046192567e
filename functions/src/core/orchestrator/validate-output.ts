import type { EngineOutput, Finding, IndicatorsOfCompromise, Severity } from '../engine/types';

export type OutputValidation = { ok: true; output: EngineOutput } | { ok: false; problem: string };

const SEVERITIES: ReadonlySet<Severity> = new Set(['info', 'low', 'medium', 'high', 'critical']);
const IOC_KINDS: readonly (keyof IndicatorsOfCompromise)[] = ['urls', 'domains', 'sha256', 'senders'];

/**
 * Checks that an engine kept the EngineOutput contract. Hand-written rather than zod because
 * it runs on every engine result of every message and only needs the shape the policy relies
 * on (a score it can combine, findings it can match and show); the first problem found is
 * reported. The returned output is the engine's own objects, not copies.
 */
export function validateEngineOutput(value: unknown): OutputValidation {
  if (!isRecord(value)) return invalid(`expected an object, got ${describeType(value)}`);
  if (!isScore(value.score)) return invalid(`score ${describeValue(value.score)} is not a finite number in 0..100`);
  if (!Array.isArray(value.findings)) return invalid(`findings is ${describeType(value.findings)}, not an array`);
  for (const [index, finding] of value.findings.entries()) {
    const problem = findingProblem(finding);
    if (problem !== null) return invalid(`findings[${index}]: ${problem}`);
  }
  const iocsProblem = iocsProblemOf(value.iocs);
  if (iocsProblem !== null) return invalid(`iocs: ${iocsProblem}`);
  return {
    ok: true,
    output: {
      score: value.score,
      findings: value.findings as Finding[],
      iocs: value.iocs as Partial<IndicatorsOfCompromise> | undefined,
    },
  };
}

function findingProblem(finding: unknown): string | null {
  if (!isRecord(finding)) return `expected an object, got ${describeType(finding)}`;
  if (typeof finding.id !== 'string' || finding.id === '') return 'id is not a non-empty string';
  if (!SEVERITIES.has(finding.severity as Severity)) return `severity ${describeValue(finding.severity)} is not known`;
  if (typeof finding.title !== 'string') return 'title is not a string';
  if (!isStringArray(finding.evidence)) return 'evidence is not an array of strings';
  if (!isScore(finding.score)) return `score ${describeValue(finding.score)} is not a finite number in 0..100`;
  return null;
}

function iocsProblemOf(iocs: unknown): string | null {
  if (iocs === undefined) return null;
  if (!isRecord(iocs)) return `expected an object, got ${describeType(iocs)}`;
  for (const kind of IOC_KINDS) {
    if (iocs[kind] !== undefined && !isStringArray(iocs[kind])) return `${kind} is not an array of strings`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScore(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeType(value);
}

function invalid(problem: string): OutputValidation {
  return { ok: false, problem };
}
