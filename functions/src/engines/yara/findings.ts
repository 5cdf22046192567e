import type { Severity } from '../../core/engine/types';
import { severityFor } from '../../core/engine/findings';

/** Findings of the engine itself (rule findings are `yara.<rule identifier, lower case>`). */
export const YARA_ENGINE_FINDING_TITLES = {
  'yara.partial_scan': 'Part of the message not scanned (or only its beginning) by YARA: size limits',
  'yara.rules_reload_failed': 'Edited YARA rules failed to load; the previous rules are still in use',
} as const;

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Score given to a rule that states a severity but no score. */
const SCORE_OF_SEVERITY: Readonly<Record<Severity, number>> = { info: 0, low: 20, medium: 40, high: 70, critical: 95 };
/** Score given to a rule that states neither. */
export const DEFAULT_RULE_SCORE = 50;

export { severityFor };

export interface RuleVerdict {
  id: string;
  title: string;
  score: number;
  severity: Severity;
  /** Problems with the rule's metadata, reported in evidence instead of failing the scan. */
  metaProblems: string[];
}

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/**
 * A matched rule's finding, from its metadata: `score` (0-100), `severity` (info … critical),
 * `description` (the title). A missing score follows the severity, a missing severity follows
 * the score; bad values fall back and are reported in the evidence.
 */
export function verdictOfRule(ruleIdentifier: string, meta: Record<string, unknown>): RuleVerdict {
  const metaProblems: string[] = [];
  let score: number | undefined;
  if (meta.score !== undefined) {
    const value = typeof meta.score === 'string' && meta.score.trim() !== '' ? Number(meta.score) : meta.score;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100) score = value;
    else metaProblems.push(`meta score ${JSON.stringify(meta.score)} is not a number from 0 to 100`);
  }
  let severity: Severity | undefined;
  if (meta.severity !== undefined) {
    const value = typeof meta.severity === 'string' ? meta.severity.toLowerCase() : meta.severity;
    if (isSeverity(value)) severity = value;
    else metaProblems.push(`meta severity ${JSON.stringify(meta.severity)} is not one of ${SEVERITIES.join(', ')}`);
  }
  const finalScore = score ?? (severity ? SCORE_OF_SEVERITY[severity] : DEFAULT_RULE_SCORE);
  const description = typeof meta.description === 'string' && meta.description.trim() ? meta.description.trim().slice(0, 200) : `YARA rule ${ruleIdentifier}`;
  return {
    id: `yara.${ruleIdentifier.toLowerCase()}`,
    title: description,
    score: finalScore,
    severity: severity ?? severityFor(finalScore),
    metaProblems,
  };
}
