import { StrataError } from '../core/errors';
import { CsvSyntaxError, parseCsv } from './csv';
import { classify, groupOf, type ClassLabels, type MessageClass } from './labels';
import { FPR_TARGETS, operatingPointAtFpr, ratio, type EvalSummary, type FprOperatingPoint } from './metrics';

/** A peers CSV (from shared/peers/score.sh) that cannot be read. */
export class PeersCsvError extends StrataError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('eval.peers_invalid', message, context);
  }
}

/** One row of score.sh's output; a score is null when that peer failed on the message. */
export interface PeerRow {
  file: string;
  label: string;
  rspamdScore: number | null;
  rspamdAction: string;
  saScore: number | null;
}

/** The parts of score.sh's `OUT.csv.meta.json` the comparison uses. */
export interface PeersMeta {
  cores?: number;
  loadavg_at_start?: number[];
  loadavg_at_end?: number[];
  versions?: Record<string, string | null>;
  peers?: Record<string, { n: number; wall_s: number; concurrency?: number; daemon_cpu_s?: number | null }>;
}

const PEER_COLUMNS = ['file', 'label', 'rspamd_score', 'rspamd_action', 'sa_score'] as const;

function score(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

export function parsePeersCsv(text: string, source: string): PeerRow[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new PeersCsvError(`${source}: ${error.message}`, { source });
    throw error;
  }
  const [header, ...rows] = records;
  const names = header?.fields.map((name) => name.trim()) ?? [];
  const missing = PEER_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) throw new PeersCsvError(`${source}: not a score.sh CSV: missing column(s) ${missing.join(', ')}`, { source, missing });
  const at = (fields: string[], column: (typeof PEER_COLUMNS)[number]): string | undefined => fields[names.indexOf(column)];
  return rows.map(({ fields }) => ({
    file: at(fields, 'file') ?? '',
    label: at(fields, 'label') ?? '',
    rspamdScore: score(at(fields, 'rspamd_score')),
    rspamdAction: at(fields, 'rspamd_action') ?? '',
    saScore: score(at(fields, 'sa_score')),
  }));
}

/** One system's line in the comparison table. */
export interface SystemRow {
  system: string;
  /** What "flagged at its default" means for this system, in words. */
  flaggedWhen: string;
  positives: number;
  negatives: number;
  /** Messages of either class the system has no score for (failed or unreadable). */
  errors: number;
  detectionRate: number | null;
  falsePositiveRate: number | null;
  atFalsePositiveRate: FprOperatingPoint[];
  messagesPerSecond: number | null;
  messagesPerSecondPerCore: number | null;
  messagesPerCpuSecond: number | null;
}

/** A peer's flag rule at its shipped default. */
interface PeerRule {
  system: string;
  flaggedWhen: string;
  meta: 'rspamd' | 'sa';
  score(row: PeerRow): number | null;
  flagged(score: number): boolean;
}

/**
 * The same definitions as shared/peers/summarize.py: rspamd flags at score ≥ 6 (its `add header`
 * action or worse, the stock spam threshold); ≥ 4 is also shown (`greylist` or worse, i.e. any
 * action but `no action`); SpamAssassin flags at its `required_score` 5.
 */
export const PEER_RULES: readonly PeerRule[] = [
  { system: 'rspamd 3.4 (offline)', flaggedWhen: 'score ≥ 6 (add header)', meta: 'rspamd', score: (row) => row.rspamdScore, flagged: (s) => s >= 6 },
  { system: 'rspamd 3.4 (offline)', flaggedWhen: 'score ≥ 4 (any action)', meta: 'rspamd', score: (row) => row.rspamdScore, flagged: (s) => s >= 4 },
  { system: 'SpamAssassin 4.0.1 (offline)', flaggedWhen: 'score ≥ 5', meta: 'sa', score: (row) => row.saScore, flagged: (s) => s >= 5 },
];

export interface Selection {
  classes: ClassLabels;
  /** Only rows in these top folders; undefined keeps every row. */
  groups?: readonly string[];
}

export function selectRows<Row extends { file: string; label: string }>(rows: readonly Row[], selection: Selection): (Row & { class: MessageClass })[] {
  return rows
    .filter((row) => selection.groups === undefined || selection.groups.includes(groupOf(row.file)))
    .map((row) => ({ ...row, class: classify(row.label, selection.classes) }));
}

export function peerSystemRows(rows: readonly PeerRow[], meta: PeersMeta | undefined, selection: Selection): SystemRow[] {
  const selected = selectRows(rows, selection).filter((row) => row.class !== 'other');
  return PEER_RULES.map((rule) => {
    const positives: number[] = [];
    const negatives: number[] = [];
    let errors = 0;
    for (const row of selected) {
      const value = rule.score(row);
      if (value === null) errors += 1;
      else (row.class === 'positive' ? positives : negatives).push(value);
    }
    const pass = meta?.peers?.[rule.meta];
    const perSecond = pass && pass.wall_s > 0 ? pass.n / pass.wall_s : null;
    return {
      system: rule.system,
      flaggedWhen: rule.flaggedWhen,
      positives: positives.length,
      negatives: negatives.length,
      errors,
      detectionRate: ratio(positives.filter(rule.flagged).length, positives.length),
      falsePositiveRate: ratio(negatives.filter(rule.flagged).length, negatives.length),
      atFalsePositiveRate: FPR_TARGETS.map((target) => operatingPointAtFpr(positives, negatives, target)),
      messagesPerSecond: perSecond,
      messagesPerSecondPerCore: perSecond !== null && meta?.cores ? perSecond / meta.cores : null,
      messagesPerCpuSecond: pass?.daemon_cpu_s ? pass.n / pass.daemon_cpu_s : null,
    };
  });
}

export function strataSystemRow(summary: EvalSummary, system = 'Strata'): SystemRow {
  return {
    system,
    flaggedWhen: 'verdict suspicious or malicious',
    positives: summary.classes.positive,
    negatives: summary.classes.negative,
    errors: summary.errors.byClass.positive + summary.errors.byClass.negative,
    detectionRate: summary.detectionRate,
    falsePositiveRate: summary.falsePositiveRate,
    atFalsePositiveRate: summary.atFalsePositiveRate,
    messagesPerSecond: summary.throughput.messagesPerSecond,
    messagesPerSecondPerCore: summary.throughput.messagesPerSecondPerCore,
    messagesPerCpuSecond: summary.throughput.messagesPerCpuSecond,
  };
}

function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
}

function rate(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(1);
}

function operatingPoint(point: FprOperatingPoint | undefined): string {
  if (!point || point.cutoff === null) return 'n/a';
  return `${percent(point.detectionRate)} (> ${point.cutoff})`;
}

/** The side-by-side table, one line per system and flag rule. */
export function comparisonMarkdown(rows: readonly SystemRow[]): string {
  const header = [
    'system',
    'flagged when',
    'positives',
    'negatives',
    'errors',
    'detection',
    'false positives',
    'detection @ 1% FPR (score cutoff)',
    'detection @ 0.1% FPR (score cutoff)',
    'msg/s',
    'msg/s per core',
    'msg per CPU-s',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, index) => (index < 2 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) {
    const [at1, at01] = [0.01, 0.001].map((target) => row.atFalsePositiveRate.find((point) => point.target === target));
    lines.push(
      `| ${[
        row.system,
        row.flaggedWhen,
        row.positives,
        row.negatives,
        row.errors,
        percent(row.detectionRate),
        percent(row.falsePositiveRate),
        operatingPoint(at1),
        operatingPoint(at01),
        rate(row.messagesPerSecond),
        rate(row.messagesPerSecondPerCore),
        rate(row.messagesPerCpuSecond),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
