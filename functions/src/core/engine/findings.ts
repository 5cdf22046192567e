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
