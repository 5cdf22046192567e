import type { EngineStatus } from '../core/engine/types';
import type { VerdictLabel } from '../core/policy';
import type { MessageClass } from './labels';

/** What one engine did on one message: its status and the ids of the findings it raised. */
export interface EngineOutcome {
  engine: string;
  status: EngineStatus;
  findingIds: string[];
}

interface RecordBase {
  /** The file as the labels row names it (`file#n` for the n-th message of an mbox). */
  file: string;
  /** What the scanner calls the message (the path, `path#n` for an mbox member). */
  source: string;
  label: string;
  class: MessageClass;
}

/** A message that went through the scanner and got a decision (possibly with failed engines). */
export interface ScannedRecord extends RecordBase {
  kind: 'scanned';
  verdict: VerdictLabel;
  score: number;
  action: string;
  engines: EngineOutcome[];
  /** The deciding reasons, most important first (`findingId`). */
  topFindings: string[];
  elapsedMs: number;
}

/** A labels row that never reached a decision: missing, unreadable, empty or not mail. */
export interface ErrorRecord extends RecordBase {
  kind: 'error';
  error: string;
}

export type EvalRecord = ScannedRecord | ErrorRecord;

export type VerdictCounts = Record<VerdictLabel | 'error', number>;

/** How often one finding fired (at least once per message) on the positives and the negatives. */
export interface FindingRate {
  positives: number;
  negatives: number;
  positiveShare: number | null;
  negativeShare: number | null;
}

export interface EngineSummary {
  status: Record<EngineStatus, number>;
  findings: Record<string, FindingRate>;
}

/**
 * The operating point at a target false-positive rate, chosen on this run's negatives.
 * Let K = floor(target × negatives). `cutoff` is the (K+1)-th highest negative score: flagging
 * every message whose score is strictly above it flags at most K negatives, and no lower cutoff
 * does. `threshold` is the same rule written as "score ≥ threshold": the lowest score of this run
 * above the cutoff (null when no message scores above it, so nothing is flagged). Ties sit on the
 * safe side: messages that tie the cutoff are not flagged, whatever their class, because a
 * threshold cannot separate them.
 */
export interface FprOperatingPoint {
  target: number;
  negatives: number;
  positives: number;
  allowedFalsePositives: number | null;
  cutoff: number | null;
  threshold: number | null;
  falsePositives: number | null;
  falsePositiveRate: number | null;
  detected: number | null;
  detectionRate: number | null;
}

export interface Throughput {
  elapsedMs: number;
  messages: number;
  workers: number;
  cores: number;
  messagesPerSecond: number | null;
  messagesPerSecondPerCore: number | null;
  /** CPU time of the whole process (main thread and scan workers), when measured. */
  cpuSeconds: number | null;
  messagesPerCpuSecond: number | null;
  latencyMs: { p50: number; p95: number };
}

export interface EvalSummary {
  rows: number;
  messages: number;
  classes: { positive: number; negative: number; other: number };
  counts: Record<string, VerdictCounts>;
  detectionRate: number | null;
  maliciousRate: number | null;
  falsePositiveRate: number | null;
  maliciousFalsePositiveRate: number | null;
  atFalsePositiveRate: FprOperatingPoint[];
  throughput: Throughput;
  engines: Record<string, EngineSummary>;
  errors: { count: number; byClass: { positive: number; negative: number; other: number }; items: { file: string; label: string; error: string }[] };
}

export const FPR_TARGETS = [0.01, 0.001] as const;

/** n / d, or null when there is nothing to divide by (a rate over no messages is not 0). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * Detection at a target false-positive rate (see FprOperatingPoint). Scores are compared as
 * given; `target` must be in (0, 1).
 */
export function operatingPointAtFpr(positives: readonly number[], negatives: readonly number[], target: number): FprOperatingPoint {
  if (!(target > 0 && target < 1)) throw new RangeError(`target false-positive rate must be in (0, 1), got ${target}`);
  const empty: FprOperatingPoint = {
    target,
    negatives: negatives.length,
    positives: positives.length,
    allowedFalsePositives: null,
    cutoff: null,
    threshold: null,
    falsePositives: null,
    falsePositiveRate: null,
    detected: null,
    detectionRate: null,
  };
  if (negatives.length === 0) return empty;
  // The epsilon keeps 0.01 × 700 = 7.000000000000001 and 6.999999999 from landing on the wrong side.
  const allowed = Math.floor(target * negatives.length + 1e-9);
  const descending = [...negatives].sort((a, b) => b - a);
  const cutoff = descending[allowed] as number; // allowed < negatives.length because target < 1
  const above = (score: number): boolean => score > cutoff;
  const falsePositives = negatives.filter(above).length;
  const detected = positives.filter(above).length;
  // The lowest score above the cutoff, by a loop: spreading 100k scores into Math.min would overflow the stack.
  let threshold: number | null = null;
  for (const score of [positives, negatives].flat()) {
    if (above(score) && (threshold === null || score < threshold)) threshold = score;
  }
  return {
    ...empty,
    allowedFalsePositives: allowed,
    cutoff,
    threshold,
    falsePositives,
    falsePositiveRate: ratio(falsePositives, negatives.length),
    detected,
    detectionRate: ratio(detected, positives.length),
  };
}

export function percentile(sortedAscending: readonly number[], fraction: number): number {
  if (sortedAscending.length === 0) return 0;
  const index = Math.min(sortedAscending.length - 1, Math.ceil(fraction * sortedAscending.length) - 1);
  return sortedAscending[Math.max(0, index)] as number;
}

export interface RunFacts {
  /** Labels rows read (an mbox row can hold several messages). */
  rows: number;
  elapsedMs: number;
  workers: number;
  cores: number;
  /** User + system CPU of the process over the run (worker threads included), if measured. */
  cpuMs?: number;
}

const emptyCounts = (): VerdictCounts => ({ clean: 0, suspicious: 0, malicious: 0, error: 0 });
const emptyStatus = (): Record<EngineStatus, number> => ({ ok: 0, error: 0, timeout: 0, unavailable: 0 });

/**
 * The evaluation's figures. Rates are over scanned messages only: a row that could not be read
 * has no verdict to count, so it is left out of every rate and listed under `errors` instead
 * (with its class, so a reader sees which denominator it is missing from). A message whose
 * scan timed out or whose engines failed did get a verdict from the policy and counts as that.
 */
export function summarise(records: readonly EvalRecord[], facts: RunFacts): EvalSummary {
  const counts: Record<string, VerdictCounts> = {};
  const classes = { positive: 0, negative: 0, other: 0 };
  const errors: EvalSummary['errors'] = { count: 0, byClass: { positive: 0, negative: 0, other: 0 }, items: [] };
  const positiveScores: number[] = [];
  const negativeScores: number[] = [];
  let positivesFlagged = 0;
  let positivesMalicious = 0;
  let negativesFlagged = 0;
  let negativesMalicious = 0;
  const engines = new Map<string, { status: Record<EngineStatus, number>; positives: Map<string, number>; negatives: Map<string, number> }>();
  const latencies: number[] = [];

  for (const record of records) {
    const labelCounts = (counts[record.label] ??= emptyCounts());
    if (record.kind === 'error') {
      labelCounts.error += 1;
      errors.count += 1;
      errors.byClass[record.class] += 1;
      errors.items.push({ file: record.file, label: record.label, error: record.error });
      continue;
    }
    labelCounts[record.verdict] += 1;
    classes[record.class] += 1;
    latencies.push(record.elapsedMs);
    const flagged = record.verdict !== 'clean';
    const malicious = record.verdict === 'malicious';
    if (record.class === 'positive') {
      positiveScores.push(record.score);
      if (flagged) positivesFlagged += 1;
      if (malicious) positivesMalicious += 1;
    } else if (record.class === 'negative') {
      negativeScores.push(record.score);
      if (flagged) negativesFlagged += 1;
      if (malicious) negativesMalicious += 1;
    }
    for (const outcome of record.engines) {
      let engine = engines.get(outcome.engine);
      if (!engine) {
        engine = { status: emptyStatus(), positives: new Map(), negatives: new Map() };
        engines.set(outcome.engine, engine);
      }
      engine.status[outcome.status] += 1;
      if (record.class === 'other') continue;
      const tally = record.class === 'positive' ? engine.positives : engine.negatives;
      // A finding raised twice on one message (two bad links) counts once: the unit is the message.
      for (const id of new Set(outcome.findingIds)) tally.set(id, (tally.get(id) ?? 0) + 1);
    }
  }

  const engineSummaries: Record<string, EngineSummary> = {};
  for (const [name, engine] of [...engines.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const ids = [...new Set([...engine.positives.keys(), ...engine.negatives.keys()])];
    const rates = ids.map((id): [string, FindingRate] => {
      const onPositives = engine.positives.get(id) ?? 0;
      const onNegatives = engine.negatives.get(id) ?? 0;
      return [
        id,
        {
          positives: onPositives,
          negatives: onNegatives,
          positiveShare: ratio(onPositives, classes.positive),
          negativeShare: ratio(onNegatives, classes.negative),
        },
      ];
    });
    // Most frequent on positives first, then the ones that fire on negatives: the list reads as "what helps, what hurts".
    rates.sort(([idA, a], [idB, b]) => b.positives - a.positives || b.negatives - a.negatives || idA.localeCompare(idB));
    engineSummaries[name] = { status: engine.status, findings: Object.fromEntries(rates) };
  }

  latencies.sort((a, b) => a - b);
  const messages = classes.positive + classes.negative + classes.other;
  const seconds = facts.elapsedMs / 1000;
  const perSecond = seconds > 0 ? messages / seconds : null;
  const cpuSeconds = facts.cpuMs === undefined ? null : facts.cpuMs / 1000;
  return {
    rows: facts.rows,
    messages,
    classes,
    counts,
    detectionRate: ratio(positivesFlagged, classes.positive),
    maliciousRate: ratio(positivesMalicious, classes.positive),
    falsePositiveRate: ratio(negativesFlagged, classes.negative),
    maliciousFalsePositiveRate: ratio(negativesMalicious, classes.negative),
    atFalsePositiveRate: FPR_TARGETS.map((target) => operatingPointAtFpr(positiveScores, negativeScores, target)),
    throughput: {
      elapsedMs: Math.round(facts.elapsedMs),
      messages,
      workers: facts.workers,
      cores: facts.cores,
      messagesPerSecond: perSecond,
      messagesPerSecondPerCore: perSecond === null || facts.cores <= 0 ? null : perSecond / facts.cores,
      cpuSeconds,
      messagesPerCpuSecond: cpuSeconds === null || cpuSeconds <= 0 ? null : messages / cpuSeconds,
      latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) },
    },
    engines: engineSummaries,
    errors,
  };
}
