import { parseArgs } from 'node:util';
import { DEFAULT_STRATA_CONFIG, loadStrataConfigFile, type StrataConfig } from '../core/config/strata-config';
import { StrataError } from '../core/errors';
import { DEFAULT_POLICY, loadPolicyFile, type Policy } from '../core/policy';
import { AVAILABLE_ENGINES, createEngines } from '../engines/registry';
import { runScan } from '../scan/run-scan';
import type { ScannerSetup } from '../scan/scanner-setup';
import { progressBar, summaryLines, tableHeader, tableRow, toJsonLine } from './format';

export const EXIT_CLEAN = 0;
export const EXIT_FLAGGED = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage:
  strata scan [--json] [--policy FILE] [--config FILE] [--engines a,b] [--workers N] PATH...
  strata help

Scans .eml files, folders (recursively: .eml, .mbox and extension-less files) and mbox files.

  --json          one JSON object per message per line on stdout; summary on stderr
  --policy FILE   policy JSON (default: functions/policy/default.json)
  --config FILE   Strata config JSON: organisationDomains, trustedAuthority, limits, engines.<name>
  --engines a,b   run only these engines (available: ${AVAILABLE_ENGINES.join(', ')})
  --workers N     worker threads (default: one per core)

Exit status: 0 nothing flagged, 1 something suspicious or malicious, 2 usage error or unreadable input.`;

/** Writes are injectable so tests can run the CLI in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stderrIsTty: boolean;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: Boolean(process.stderr.isTTY),
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return scanCommand(rest, io);
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
        policy: { type: 'string' },
        config: { type: 'string' },
        engines: { type: 'string' },
        workers: { type: 'string' },
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
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) {
    io.stderr(`strata scan: --workers must be a whole number from 1 to 64, got '${values.workers}'\n`);
    return EXIT_USAGE;
  }
  const engines = values.engines
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);

  let config: StrataConfig;
  let policy: Policy;
  let engineNames: string[];
  let maxEngineTimeout: number;
  try {
    config = values.config ? await loadStrataConfigFile(values.config) : DEFAULT_STRATA_CONFIG;
    policy = values.policy ? await loadPolicyFile(values.policy) : DEFAULT_POLICY;
    // Build once here so a bad engine name or engine config is a usage error, not a worker crash.
    const built = createEngines(engines, config.engines);
    engineNames = built.map((engine) => engine.name);
    maxEngineTimeout = Math.max(...built.map((engine) => engine.defaultTimeoutMs));
  } catch (error) {
    if (error instanceof StrataError) {
      io.stderr(`strata scan: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }

  const setup: ScannerSetup = { config, policy, engines: engineNames };
  const parseBudget = config.limits.maxParseMillis ?? 10_000;
  const showProgress = io.stderrIsTty && !values.json;
  let flagged = false;
  if (!values.json) io.stdout(`${tableHeader()}\n`);

  const summary = await runScan({
    paths: positionals,
    setup,
    policy,
    engineNames,
    workers,
    // A message gets its parse budget plus its slowest engine's budget, plus slack for a busy machine.
    hardTimeoutMs: parseBudget + maxEngineTimeout + 5_000,
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
