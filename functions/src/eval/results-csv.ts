import { csvLine } from './csv';
import type { EvalRecord } from './metrics';

export const RESULTS_COLUMNS = ['file', 'label', 'class', 'verdict', 'score', 'action', 'engines', 'topFindings', 'elapsedMs', 'error'] as const;

/** Deciding findings kept per row; the JSON line has the full per-engine picture. */
const TOP_FINDINGS = 5;

/**
 * One CSV line per message: `engines` as `name=status` pairs separated by spaces, `topFindings`
 * as finding ids separated by spaces. An unreadable row has an empty verdict and its error.
 */
export function resultsCsvRow(record: EvalRecord): string {
  if (record.kind === 'error') {
    return csvLine([record.file, record.label, record.class, '', '', '', '', '', '', record.error]);
  }
  const engineFailures = record.engines.filter((engine) => engine.status !== 'ok');
  return csvLine([
    record.file,
    record.label,
    record.class,
    record.verdict,
    record.score,
    record.action,
    record.engines.map((engine) => `${engine.engine}=${engine.status}`).join(' '),
    record.topFindings.slice(0, TOP_FINDINGS).join(' '),
    record.elapsedMs,
    engineFailures.length > 0 ? `engine failure: ${engineFailures.map((engine) => engine.engine).join(' ')}` : '',
  ]);
}

export function resultsCsv(records: readonly EvalRecord[]): string {
  return [csvLine(RESULTS_COLUMNS), ...records.map(resultsCsvRow)].join('\n') + '\n';
}
