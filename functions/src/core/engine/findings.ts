import type { Finding, Severity } from './types';

/**
 * Findings collected per id (best score, evidence) turned into the engine's output list,
 * strongest first and then by id, so every engine reports findings in the same stable order.
 */
export function rankedFindings<Id extends string>(
  byId: ReadonlyMap<Id, { score: number; evidence: string[] }>,
  titleOf: (id: Id) => string,
  severityOf: (score: number) => Severity,
): Finding[] {
  return [...byId.entries()]
    .map(([id, { score, evidence }]) => ({ id, severity: severityOf(score), title: titleOf(id), evidence, score }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/** The severity scale every Strata engine uses for a finding's score: ≥ 90 critical, ≥ 60 high, ≥ 30 medium, ≥ 10 low. */
export function severityFor(score: number): Severity {
  if (score >= 90) return 'critical';
  if (score >= 60) return 'high';
  if (score >= 30) return 'medium';
  if (score >= 10) return 'low';
  return 'info';
}
