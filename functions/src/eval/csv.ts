import { StrataError } from '../core/errors';

/** A CSV file that does not follow RFC 4180 closely enough to be read without guessing. */
export class CsvSyntaxError extends StrataError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('csv.syntax', message, context);
  }
}

/** One parsed record with the 1-based line it starts on, for error messages. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Parses RFC 4180 CSV: comma separated, fields optionally in double quotes, `""` inside quotes
 * for a quote, quoted fields may span lines; CRLF or LF line ends; a UTF-8 byte-order mark is
 * ignored. Blank lines are skipped (a trailing newline is not a record). A quote inside an
 * unquoted field, or text after a closing quote, is an error rather than a guess.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let index = 0;
  let atFieldStart = true;

  const endRecord = (): void => {
    fields.push(field);
    // A blank line is one empty field: skip it instead of making a record of it.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    atFieldStart = true;
  };

  while (index < input.length) {
    const char = input[index] as string;
    if (atFieldStart && char === '"') {
      const quoteLine = line;
      index += 1;
      for (;;) {
        if (index >= input.length) throw new CsvSyntaxError(`unterminated quoted field starting on line ${quoteLine}`, { line: quoteLine });
        const inner = input[index] as string;
        if (inner === '"') {
          if (input[index + 1] === '"') {
            field += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        if (inner === '\n') line += 1;
        field += inner;
        index += 1;
      }
      const next = input[index];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(`unexpected text after a closing quote on line ${line}`, { line });
      }
      atFieldStart = false;
      continue;
    }
    if (char === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      index += 1;
    } else if (char === '\r' || char === '\n') {
      endRecord();
      index += char === '\r' && input[index + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
    } else if (char === '"') {
      throw new CsvSyntaxError(`a quote inside an unquoted field on line ${line} (quote the whole field)`, { line });
    } else {
      field += char;
      atFieldStart = false;
      index += 1;
    }
  }
  if (fields.length > 0 || field !== '' || !atFieldStart) endRecord();
  return records;
}

/** Quotes a field when it needs it (comma, quote, line break, or leading/trailing space). */
export function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return values.map(csvField).join(',');
}
