import { rankedFindings } from '../../core/engine/findings';
import type { EngineOutput } from '../../core/engine/types';
import type { ScanSubject } from '../../core/subject/types';
import { YARA_ENGINE_FINDING_TITLES, severityFor, verdictOfRule } from './findings';
import { yaraParts, type PartLimits } from './parts';
import type { LoadedRules } from './rules';

export interface YaraScanSettings extends PartLimits {
  maxEvidencePerFinding: number;
}

interface Collected {
  title: string;
  score: number;
  severity: ReturnType<typeof severityFor>;
  evidence: string[];
}

/** Rules at or above this score report the SHA-256 of the attachment they matched as an IOC. */
const IOC_MIN_SCORE = 60;
const MAX_IDENTIFIERS_SHOWN = 6;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Runs every compiled rules file over every part of the message. One finding per rule
 * (`yara.<rule>`), scored by the rule's metadata, with evidence naming the part and the matched
 * pattern identifiers. Synchronous (yara-x's scan is); the signal is checked between parts.
 */
export function scanWithYara(
  rules: LoadedRules,
  subject: ScanSubject,
  settings: YaraScanSettings,
  signal: AbortSignal,
  extraFindings: { id: keyof typeof YARA_ENGINE_FINDING_TITLES; evidence: string }[] = [],
): EngineOutput {
  const byId = new Map<string, Collected>();
  const add = (id: string, entry: Omit<Collected, 'evidence'>, evidence: string) => {
    const existing = byId.get(id) ?? { ...entry, evidence: [] };
    const clipped = clip(evidence, 300);
    if (existing.evidence.length < settings.maxEvidencePerFinding && !existing.evidence.includes(clipped)) existing.evidence.push(clipped);
    byId.set(id, existing);
  };
  const iocSha256 = new Set<string>();
  const partial = { title: YARA_ENGINE_FINDING_TITLES['yara.partial_scan'], score: 0, severity: 'info' as const };

  for (const part of yaraParts(subject, settings, (label, reason) => add('yara.partial_scan', partial, `${label}: ${reason}`))) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('yara scan aborted');
    for (const file of rules.files) {
      for (const match of file.rules.scan(part.bytes)) {
        const verdict = verdictOfRule(match.ruleIdentifier, match.meta as Record<string, unknown>);
        const identifiers = [...new Set(match.matches.map((hit) => hit.identifier))];
        const shown = identifiers.length > MAX_IDENTIFIERS_SHOWN ? [...identifiers.slice(0, MAX_IDENTIFIERS_SHOWN), '…'] : identifiers;
        const matched = shown.length > 0 ? `: ${shown.join(', ')}` : '';
        add(verdict.id, verdict, `${match.ruleIdentifier} in ${part.label}${matched}`);
        for (const problem of verdict.metaProblems) add(verdict.id, verdict, `rule ${match.ruleIdentifier}: ${problem}`);
        if (verdict.score >= IOC_MIN_SCORE) {
          const sha256 = part.sha256();
          if (sha256) iocSha256.add(sha256);
        }
      }
    }
  }
  for (const extra of extraFindings) add(extra.id, { title: YARA_ENGINE_FINDING_TITLES[extra.id], score: 0, severity: 'info' }, extra.evidence);

  const findings = rankedFindings(
    new Map([...byId].map(([id, entry]) => [id, { score: entry.score, evidence: entry.evidence }])),
    (id) => byId.get(id)?.title ?? id,
    severityFor,
  ).map((finding) => ({ ...finding, severity: byId.get(finding.id)?.severity ?? finding.severity }));
  const remaining = findings.reduce((product, finding) => product * (1 - finding.score / 100), 1);
  return { score: Math.min(100, Math.round(100 * (1 - remaining))), findings, iocs: { sha256: [...iocSha256] } };
}
