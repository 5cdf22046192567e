import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { classify, type ClassLabels, type LabelRow } from '../eval/labels';
import type { EvalRecord, ScannedRecord } from '../eval/metrics';
import { runScan, type RunSummary } from '../scan/run-scan';
import type { ScanReport } from '../scan/scan-message';
import type { PreparedScanner } from './scanner-options';

export interface EvalRunOptions {
  /** The labels file; rows' paths are relative to its folder. */
  labelsFile: string;
  rows: readonly LabelRow[];
  classes: ClassLabels;
  scanner: PreparedScanner;
  onRecord?(record: EvalRecord): void;
  onProgress?(filesDone: number, filesTotal: number, messages: number): void;
}

export interface EvalRun {
  /** One record per message (several for an mbox row), in labels order. */
  records: EvalRecord[];
  scan: RunSummary;
}

/** The `#n` that run-scan appends to the source of the n-th message of an mbox. */
const MBOX_MEMBER = /#(\d+)$/;

/**
 * Scans every labelled file through the same path as `strata scan` (runScan: worker pool,
 * per-message hard timeout, failed-scan reports) and pairs each outcome with its row. Every
 * row ends as at least one record: a report, or an error saying why there is none.
 */
export async function runEvaluation(options: EvalRunOptions): Promise<EvalRun> {
  const base = dirname(options.labelsFile);
  const perRow: EvalRecord[][] = options.rows.map(() => []);
  const paths: string[] = [];
  const rowsByPath = new Map<string, { rows: number[]; next: number; lastMbox: number }>();

  const errorRecord = (index: number, source: string, error: string, member = ''): EvalRecord => {
    const row = options.rows[index] as LabelRow;
    return { kind: 'error', file: row.file + member, source, label: row.label, class: classify(row.label, options.classes), error };
  };
  const add = (index: number, record: EvalRecord): void => {
    (perRow[index] as EvalRecord[]).push(record);
    options.onRecord?.(record);
  };

  for (const [index, row] of options.rows.entries()) {
    const path = resolve(base, row.file);
    // runScan would walk a folder; a labels row names one message, so a folder is an error here.
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      add(index, errorRecord(index, path, 'is a directory, not a message file'));
      continue;
    }
    let entry = rowsByPath.get(path);
    if (!entry) {
      entry = { rows: [], next: 0, lastMbox: -1 };
      rowsByPath.set(path, entry);
    }
    entry.rows.push(index);
    paths.push(path);
  }

  // runScan reports in input order, and a path listed twice comes back twice, so each
  // outcome takes the next row of its path; later members of an mbox stay with its row.
  const rowFor = (source: string): { index: number; member: string } | undefined => {
    const exact = rowsByPath.get(source);
    if (exact) {
      const index = exact.rows[exact.next++];
      return index === undefined ? undefined : { index, member: '' };
    }
    const match = MBOX_MEMBER.exec(source);
    const entry = match ? rowsByPath.get(source.slice(0, match.index)) : undefined;
    if (!match || !entry) return undefined;
    if (match[1] === '1') {
      entry.lastMbox = entry.rows[entry.next++] ?? -1;
    }
    return entry.lastMbox === -1 ? undefined : { index: entry.lastMbox, member: match[0] };
  };

  const orphans: string[] = [];
  const scan = await runScan({
    paths,
    setup: options.scanner.setup,
    policy: options.scanner.policy,
    engineNames: options.scanner.engineNames,
    workers: options.scanner.workers,
    hardTimeoutMs: options.scanner.hardTimeoutMs,
    onReport(report) {
      const target = rowFor(report.source);
      if (!target) return void orphans.push(report.source);
      add(target.index, scannedRecord(options.rows[target.index] as LabelRow, target.member, report, options.classes));
    },
    onInputError(source, error) {
      const target = rowFor(source);
      if (!target) return void orphans.push(source);
      add(target.index, errorRecord(target.index, source, error, target.member));
    },
    onProgress: options.onProgress,
  });
  if (orphans.length > 0) {
    // Cannot happen unless runScan changes how it names sources; fail loudly rather than miscount.
    throw new Error(`eval: scan results that match no labels row: ${orphans.slice(0, 5).join(', ')}`);
  }
  for (const [index, records] of perRow.entries()) {
    if (records.length === 0) add(index, errorRecord(index, resolve(base, (options.rows[index] as LabelRow).file), 'no scan result'));
  }
  return { records: perRow.flat(), scan };
}

function scannedRecord(row: LabelRow, member: string, report: ScanReport, classes: ClassLabels): ScannedRecord {
  return {
    kind: 'scanned',
    file: row.file + member,
    source: report.source,
    label: row.label,
    class: classify(row.label, classes),
    verdict: report.verdict,
    score: report.score,
    action: report.passive ? `(${report.intendedAction})` : report.action,
    engines: report.engines.map((engine) => ({
      engine: engine.engine,
      status: engine.status,
      findingIds: engine.findings.map((finding) => finding.id),
    })),
    topFindings: report.reasons.map((reason) => reason.findingId),
    elapsedMs: report.timings.totalMs,
  };
}
