import { availableParallelism } from 'node:os';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { groupOf, LabelsError, listOption, parseLabels, type ClassLabels } from '../eval/labels';
import { summarise, type EvalSummary } from '../eval/metrics';
import { resultsCsv } from '../eval/results-csv';
import { runEvaluation } from './eval-run';
import { EXIT_CLEAN, EXIT_USAGE, type CliIo } from './io';
import { prepareScanner, SCANNER_FLAG_OPTIONS } from './scanner-options';

export const DEFAULT_POSITIVE_LABELS = ['phishing', 'scam', 'malware-test'];
export const DEFAULT_NEGATIVE_LABELS = ['ham', 'clean-control'];

export const EVAL_USAGE = `strata eval: scan a labelled set of messages and measure detection and false positives.

  --labels FILE     CSV with a header row and at least the columns file,label (RFC 4180);
                    file paths are relative to the CSV's folder; other columns are ignored
  --positive a,b    labels that should be flagged (default: ${DEFAULT_POSITIVE_LABELS.join(',')})
  --negative a,b    labels that should stay clean (default: ${DEFAULT_NEGATIVE_LABELS.join(',')})
                    rows with any other label are scanned and counted, but not in the rates
  --groups g,h      only rows whose path starts with one of these folders (e.g. phish,lists)
  --out FILE        also write one CSV row per message (file,label,class,verdict,score,...)
  --policy, --config, --engines, --workers, --no-clamd, --clamd-db   as for strata scan

Progress goes to stderr; the last stdout line is one JSON object with the figures
(docs/evaluation.md defines each). Exit status: 0 every row scanned, 2 usage error or a
row that could not be read (still measured and listed under "errors").`;

/** Labels files above this are refused: a labels file is a list of names, not mail. */
const MAX_LABELS_BYTES = 64 * 1024 * 1024;

/** Without a terminal, a progress line at most this often. */
const PROGRESS_INTERVAL_MS = 5_000;

export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`strata eval: ${message}\n`);
    return EXIT_USAGE;
  };
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        labels: { type: 'string' },
        positive: { type: 'string' },
        negative: { type: 'string' },
        groups: { type: 'string' },
        out: { type: 'string' },
        ...SCANNER_FLAG_OPTIONS,
      },
    }));
  } catch (error) {
    return usage(`${(error as Error).message}\n\n${EVAL_USAGE}`);
  }
  if (!values.labels) return usage(`--labels FILE is required\n\n${EVAL_USAGE}`);

  const classes: ClassLabels = {
    positive: values.positive === undefined ? DEFAULT_POSITIVE_LABELS : listOption(values.positive),
    negative: values.negative === undefined ? DEFAULT_NEGATIVE_LABELS : listOption(values.negative),
  };
  const overlap = classes.positive.filter((label) => classes.negative.includes(label));
  if (overlap.length > 0) return usage(`label(s) both positive and negative: ${overlap.join(', ')}`);
  if (classes.positive.length + classes.negative.length === 0) return usage('--positive and --negative are both empty');

  let rows;
  try {
    rows = parseLabels(await readLabelsFile(values.labels), values.labels);
  } catch (error) {
    if (error instanceof LabelsError) return usage(error.message);
    throw error;
  }
  if (values.groups !== undefined) {
    const groups = listOption(values.groups);
    rows = rows.filter((row) => groups.includes(groupOf(row.file)));
    if (rows.length === 0) return usage(`no rows of ${values.labels} are in the group(s) ${groups.join(', ')}`);
  }

  const prepared = await prepareScanner(values, (line) => io.stderr(`strata eval: ${line}\n`));
  if ('usageError' in prepared) return usage(prepared.usageError);

  const cores = availableParallelism();
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  let lastProgress = started;
  const progress = (done: number, total: number, messages: number): void => {
    const now = performance.now();
    if (!io.stderrIsTty && now - lastProgress < PROGRESS_INTERVAL_MS && done < total) return;
    lastProgress = now;
    const rate = messages / Math.max((now - started) / 1000, 1e-3);
    const line = `strata eval: ${done}/${total} files read, ${messages} messages scanned, ${rate.toFixed(1)} messages/s`;
    io.stderr(io.stderrIsTty ? `\r\x1b[K${line}` : `${line}\n`);
  };
  const run = await runEvaluation({
    labelsFile: values.labels,
    rows,
    classes,
    scanner: prepared,
    onRecord(record) {
      if (record.kind !== 'error') return;
      if (io.stderrIsTty) io.stderr('\r\x1b[K');
      io.stderr(`strata eval: ${record.file} (${record.label}): ${record.error}\n`);
    },
    onProgress: progress,
  }).finally(() => prepared.release());
  if (io.stderrIsTty) io.stderr('\r\x1b[K');
  // process.cpuUsage covers every thread of the process, so the scan workers' CPU is in it.
  const cpu = process.cpuUsage(cpuAtStart);

  const summary = summarise(run.records, {
    rows: rows.length,
    elapsedMs: run.scan.elapsedMs,
    workers: run.scan.workers,
    cores,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
  for (const line of evalSummaryLines(summary)) io.stderr(`${line}\n`);

  let outFailed = false;
  if (values.out) {
    try {
      await writeFile(values.out, resultsCsv(run.records));
      io.stderr(`strata eval: wrote ${run.records.length} rows to ${values.out}\n`);
    } catch (error) {
      io.stderr(`strata eval: cannot write ${values.out}: ${(error as Error).message}\n`);
      outFailed = true;
    }
  }
  io.stdout(`${JSON.stringify(evalOutput(values.labels, classes, prepared.engineNames, prepared.policy.version, summary))}\n`);
  return summary.errors.count > 0 || outFailed ? EXIT_USAGE : EXIT_CLEAN;
}

async function readLabelsFile(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LabelsError(`${path}: cannot read the labels file (${code === 'ENOENT' ? 'no such file' : (error as Error).message})`, { path });
  }
  if (!info.isFile()) throw new LabelsError(`${path}: the labels file is not a regular file`, { path });
  if (info.size > MAX_LABELS_BYTES) throw new LabelsError(`${path}: the labels file is larger than ${MAX_LABELS_BYTES} bytes`, { path });
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new LabelsError(`${path}: cannot read the labels file (${(error as Error).message})`, { path });
  }
}

/** The stdout object: what was run, then the figures. */
export function evalOutput(
  labelsFile: string,
  classes: ClassLabels,
  engines: readonly string[],
  policyVersion: string,
  summary: EvalSummary,
): Record<string, unknown> {
  return {
    labels: labelsFile,
    positiveLabels: classes.positive,
    negativeLabels: classes.negative,
    engineNames: engines,
    policyVersion,
    ...summary,
  };
}

function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(2)}%`;
}

/** A human summary for stderr; the JSON line has everything. */
export function evalSummaryLines(summary: EvalSummary): string[] {
  const { classes, throughput } = summary;
  const lines = [
    `evaluated ${summary.messages} message(s) from ${summary.rows} row(s): ${classes.positive} positive, ` +
      `${classes.negative} negative, ${classes.other} other; ${summary.errors.count} unreadable (left out of the rates)`,
    `detection ${percent(summary.detectionRate)} (malicious ${percent(summary.maliciousRate)}); ` +
      `false positives ${percent(summary.falsePositiveRate)} (malicious ${percent(summary.maliciousFalsePositiveRate)})`,
  ];
  for (const point of summary.atFalsePositiveRate) {
    lines.push(
      point.cutoff === null
        ? `at FPR ≤ ${percent(point.target)}: n/a (no negatives)`
        : `at FPR ≤ ${percent(point.target)}: detection ${percent(point.detectionRate)} with score > ${point.cutoff}` +
            ` (${point.falsePositives}/${point.negatives} negatives flagged)`,
    );
  }
  const failing = Object.entries(summary.engines)
    .filter(([, engine]) => engine.status.error + engine.status.timeout + engine.status.unavailable > 0)
    .map(([name, engine]) => `${name} error ${engine.status.error}, timeout ${engine.status.timeout}, unavailable ${engine.status.unavailable}`);
  if (failing.length > 0) lines.push(`engine failures: ${failing.join('; ')}`);
  lines.push(
    `throughput ${throughput.messagesPerSecond?.toFixed(1) ?? 'n/a'} messages/s with ${throughput.workers} worker(s) ` +
      `(${throughput.messagesPerSecondPerCore?.toFixed(1) ?? 'n/a'} per core, ${throughput.cores} cores); ` +
      `p50 ${throughput.latencyMs.p50.toFixed(1)} ms, p95 ${throughput.latencyMs.p95.toFixed(1)} ms`,
  );
  return lines;
}

