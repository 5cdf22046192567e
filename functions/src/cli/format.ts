import type { ScanReport } from '../scan/scan-message';
import { percentile, type RunSummary } from '../scan/run-scan';

/** The `--json` line: one object per message, engines in full, subject bodies never included. */
export function toJsonLine(report: ScanReport): string {
  return JSON.stringify(report);
}

const VERDICT_WIDTH = 10;
const SCORE_WIDTH = 5;
const ACTION_WIDTH = 10;

export function tableHeader(): string {
  return [pad('VERDICT', VERDICT_WIDTH), pad('SCORE', SCORE_WIDTH), pad('ACTION', ACTION_WIDTH), 'SOURCE / TOP REASONS'].join(
    ' ',
  );
}

/** A readable row: verdict, score, action, the source, then up to three deciding reasons. */
export function tableRow(report: ScanReport): string {
  const failed = report.failedEngines.length > 0 ? ` [failed: ${report.failedEngines.map((f) => `${f.engine}=${f.status}`).join(', ')}]` : '';
  const action = report.passive ? `(${report.intendedAction})` : report.action;
  const head = [
    pad(report.verdict, VERDICT_WIDTH),
    pad(String(report.score), SCORE_WIDTH),
    pad(action, ACTION_WIDTH),
    report.source + failed,
  ].join(' ');
  const reasons = report.reasons
    .slice(0, 3)
    .map((reason) => `${' '.repeat(VERDICT_WIDTH + SCORE_WIDTH + ACTION_WIDTH + 3)}- ${reason.findingId}: ${truncate(reason.title, 100)}`);
  return [head, ...reasons].join('\n');
}

export function summaryLines(summary: RunSummary): string[] {
  const seconds = summary.elapsedMs / 1000;
  const rate = seconds > 0 ? summary.messages / seconds : 0;
  return [
    `scanned ${summary.messages} message(s) in ${seconds.toFixed(2)} s with ${summary.workers} worker(s): ` +
      `clean ${summary.verdicts.clean}, suspicious ${summary.verdicts.suspicious}, malicious ${summary.verdicts.malicious}` +
      (summary.inputErrors > 0 ? `, unreadable ${summary.inputErrors}` : '') +
      (summary.skippedFiles > 0 ? `, skipped ${summary.skippedFiles} non-mail file(s) in folders` : ''),
    `throughput ${rate.toFixed(1)} messages/s; per message p50 ${percentile(summary.latenciesMs, 0.5).toFixed(1)} ms, ` +
      `p95 ${percentile(summary.latenciesMs, 0.95).toFixed(1)} ms`,
  ];
}

/** A one-line progress bar redrawn in place; only used when stderr is a terminal. */
export function progressBar(done: number, total: number, messages: number, width = 30): string {
  const fraction = total === 0 ? 1 : done / total;
  const filled = Math.round(fraction * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files, ${messages} messages`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
