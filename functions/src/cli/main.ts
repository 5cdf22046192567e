import { parseArgs } from 'node:util';
import { AVAILABLE_ENGINES } from '../engines/registry';
import { runScan } from '../scan/run-scan';
import { evalCommand, EVAL_USAGE } from './eval-command';
import { EXIT_CLEAN, EXIT_FLAGGED, EXIT_USAGE, processIo, type CliIo } from './io';
import { progressBar, summaryLines, tableHeader, tableRow, toJsonLine } from './format';
import { prepareScanner, SCANNER_FLAG_OPTIONS, SCANNER_FLAG_USAGE, type PreparedScanner } from './scanner-options';

export { EXIT_CLEAN, EXIT_FLAGGED, EXIT_USAGE, type CliIo } from './io';

const USAGE = `Usage:
  strata scan [--json] [--policy FILE] [--config FILE] [--engines a,b] [--workers N] [--no-clamd] [--clamd-db DIR] PATH...
  strata eval --labels FILE [--positive a,b] [--negative c,d] [--out FILE] [--groups g,h]
              [--policy FILE] [--config FILE] [--engines a,b] [--workers N]
  strata help

Scans .eml files, folders (recursively: .eml, .mbox and extension-less files) and mbox files.

  --json          one JSON object per message per line on stdout; summary on stderr
${SCANNER_FLAG_USAGE}
  engines available: ${AVAILABLE_ENGINES.join(', ')}

Exit status: 0 nothing flagged, 1 something suspicious or malicious, 2 usage error or unreadable input.

${EVAL_USAGE}`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return scanCommand(rest, io);
    case 'eval':
      return evalCommand(rest, io);
    case 'help':
    case '--help':
    case '-h':
      io.stdout(`${USAGE}\n`);
      return EXIT_CLEAN;
    default:
      io.stderr(`strata: ${command ? `unknown command '${command}'` : 'missing command'}\n${USAGE}\n`);
      return EXIT_USAGE;
  }
}

async function scanCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        ...SCANNER_FLAG_OPTIONS,
      },
    });
  } catch (error) {
    io.stderr(`strata scan: ${(error as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    io.stderr(`strata scan: no PATH given\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const prepared = await prepareScanner(values, (line) => io.stderr(`strata scan: ${line}\n`));
  if ('usageError' in prepared) {
    io.stderr(`strata scan: ${prepared.usageError}\n`);
    return EXIT_USAGE;
  }
  try {
    return await scanWith(prepared, positionals, values.json ?? false, io);
  } finally {
    await prepared.release();
  }
}

async function scanWith(prepared: PreparedScanner, positionals: string[], json: boolean, io: CliIo): Promise<number> {
  const { setup, policy, engineNames, workers, hardTimeoutMs } = prepared;
  const values = { json };
  const showProgress = io.stderrIsTty && !values.json;
  let flagged = false;
  if (!values.json) io.stdout(`${tableHeader()}\n`);

  const summary = await runScan({
    paths: positionals,
    setup,
    policy,
    engineNames,
    workers,
    hardTimeoutMs,
    onReport(report) {
      if (report.verdict !== 'clean') flagged = true;
      if (showProgress) io.stderr('\r\x1b[K');
      io.stdout(values.json ? `${toJsonLine(report)}\n` : `${tableRow(report)}\n`);
    },
    onInputError(source, error) {
      if (showProgress) io.stderr('\r\x1b[K');
      io.stderr(`strata scan: ${source}: ${error}\n`);
    },
    onProgress: showProgress
      ? (done, total, messages) => io.stderr(progressBar(done, total, messages))
      : undefined,
  });
  if (showProgress) io.stderr('\r\x1b[K');
  for (const line of summaryLines(summary)) io.stderr(`${line}\n`);

  if (summary.inputErrors > 0) return EXIT_USAGE;
  return flagged ? EXIT_FLAGGED : EXIT_CLEAN;
}
