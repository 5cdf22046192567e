import type { EngineOutput } from '../../core/engine/types';
import { rankedFindings } from '../../core/engine/findings';
import {
  CONTENT_FINDING_TITLES,
  SUPPORT_ONLY_CAP,
  SUPPORTING_FINDINGS,
  severityFor,
  type ContentFindingId,
} from './findings';
import { MAX_EVIDENCE, type Scored } from './lure-score';
import { clip } from './text';

const MAX_EVIDENCE_LENGTH = 160;

/**
 * The engine score from its findings: findings are independent cues combined as a noisy-OR,
 * 100 × (1 − Π(1 − sᵢ/100)), so one weak cue stays weak and several independent cues climb.
 * Supporting cues (urgency, greetings, a fake "RE:", a lone button, disguised letters, and lure
 * categories where only weak words matched) say something only beside a lure: without any lure
 * finding their combination is capped at SUPPORT_ONLY_CAP, below the default suspicious threshold,
 * and weak-word findings are not even reported.
 */
export function combineFindings(byId: ReadonlyMap<ContentFindingId, Scored>): EngineOutput {
  const isLure = (id: ContentFindingId, scored: Scored): boolean => !SUPPORTING_FINDINGS.has(id) && scored.weakOnly !== true;
  const lures = [...byId].filter(([id, scored]) => scored.score > 0 && isLure(id, scored)).length;
  // Everyday words of a lure family ("free", "package") are only worth showing beside a lure.
  const kept = new Map(
    [...byId]
      .filter(([, scored]) => scored.score > 0 && (lures > 0 || scored.weakOnly !== true))
      // Evidence stays bounded whatever an analyser put in it.
      .map(([id, scored]) => [id, { ...scored, evidence: scored.evidence.slice(0, MAX_EVIDENCE).map((item) => clip(item, MAX_EVIDENCE_LENGTH)) }]),
  );
  let lureMiss = 1;
  let supportMiss = 1;
  for (const [id, scored] of kept) {
    if (isLure(id, scored)) lureMiss *= 1 - scored.score / 100;
    else supportMiss *= 1 - scored.score / 100;
  }
  let support = 100 * (1 - supportMiss);
  if (lures === 0) support = Math.min(support, SUPPORT_ONLY_CAP);
  const combined = 100 - (100 - support) * lureMiss;
  const findings = rankedFindings(
    kept,
    (id) => CONTENT_FINDING_TITLES[id],
    severityFor,
  );
  return { score: Math.min(100, Math.round(combined)), findings };
}
