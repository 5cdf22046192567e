import { StrataError } from '../core/errors';
import { CsvSyntaxError, parseCsv } from './csv';

/** A labels file that cannot be used: missing columns, no rows, a malformed row. */
export class LabelsError extends StrataError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('eval.labels_invalid', message, context);
  }
}

/** One row of a labels file: the message file (as written, relative to the file's folder) and its label. */
export interface LabelRow {
  file: string;
  label: string;
  /** 1-based line of the row in the labels file. */
  line: number;
}

export const REQUIRED_COLUMNS = ['file', 'label'] as const;

/**
 * Reads a labels CSV (`file,label[,anything else]`, header row first). Column names are matched
 * case-insensitively and may come in any order; other columns are ignored. Every data row must
 * name a file and a label: a row that does not is an error with its line number, not a row to skip.
 */
export function parseLabels(text: string, source: string): LabelRow[] {
  if (text.trim() === '') throw new LabelsError(`${source}: the labels file is empty`, { source });
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new LabelsError(`${source}: ${error.message}`, { source, ...error.context });
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) throw new LabelsError(`${source}: the labels file is empty`, { source });
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    throw new LabelsError(
      `${source}: missing column(s) ${missing.join(', ')} in the header row (found: ${header.fields.join(', ') || 'nothing'}); ` +
        `the first row must name the columns, at least file,label`,
      { source, missing },
    );
  }
  if (rows.length === 0) throw new LabelsError(`${source}: the labels file has a header but no rows`, { source });
  const fileColumn = names.indexOf('file');
  const labelColumn = names.indexOf('label');
  return rows.map((record) => {
    const file = (record.fields[fileColumn] ?? '').trim();
    const label = (record.fields[labelColumn] ?? '').trim();
    if (file === '' || label === '') {
      throw new LabelsError(`${source}: line ${record.line}: ${file === '' ? 'no file' : 'no label'} in this row`, {
        source,
        line: record.line,
      });
    }
    return { file, label, line: record.line };
  });
}

/** The group of a row: the first folder of its path (`phish/a.eml` → `phish`), `.` for a file at the top. */
export function groupOf(file: string): string {
  const slash = file.search(/[\\/]/);
  return slash === -1 ? '.' : file.slice(0, slash);
}

export type MessageClass = 'positive' | 'negative' | 'other';

export interface ClassLabels {
  positive: readonly string[];
  negative: readonly string[];
}

export function classify(label: string, classes: ClassLabels): MessageClass {
  if (classes.positive.includes(label)) return 'positive';
  if (classes.negative.includes(label)) return 'negative';
  return 'other';
}

/** Splits a comma list option (`a, b,,c` → [a, b, c]). */
export function listOption(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
