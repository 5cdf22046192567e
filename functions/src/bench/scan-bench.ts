import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { prepareScanner, SCANNER_FLAG_OPTIONS, type PreparedScanner } from '../cli/scanner-options';
import { percentile, runScan } from '../scan/run-scan';

/**
 * `npm run bench -- DIR [--workers N] [--engines a,b] [--config FILE] [--policy FILE]`: scans a
 * folder through the same path as `strata scan` (worker pool, parser, engines, policy; a private
 * clamd for the clamav engine, as the CLI starts one) and prints throughput, latency percentiles
 * and peak memory. A script that prints figures, not a timed test.
 */
async function bench(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: SCANNER_FLAG_OPTIONS });
  if (positionals.length === 0) {
    console.error('usage: npm run bench -- DIR [DIR...] [--workers N] [--engines a,b] [--config FILE] [--policy FILE] [--no-clamd]');
    return 2;
  }
  const prepared = await prepareScanner(values, (line) => console.error(`bench: ${line}`));
  if ('usageError' in prepared) {
    console.error(`bench: ${prepared.usageError}`);
    return 2;
  }
  try {
    return await measure(positionals, prepared);
  } finally {
    await prepared.release();
  }
}

async function measure(positionals: string[], prepared: PreparedScanner): Promise<number> {
  const { engineNames } = prepared;
  const cores = availableParallelism();
  const cpuAtStart = process.cpuUsage();
  const childCpuAtStart = childCpuSeconds();
  const parseMs: number[] = [];
  const enginesMs: number[] = [];
  let errors = 0;
  const summary = await runScan({
    paths: positionals,
    setup: prepared.setup,
    policy: prepared.policy,
    engineNames,
    workers: prepared.workers,
    hardTimeoutMs: prepared.hardTimeoutMs,
    onReport(report) {
      parseMs.push(report.timings.parseMs);
      enginesMs.push(report.timings.enginesMs);
    },
    onInputError() {
      errors += 1;
    },
  });
  const processCpu = cpuSeconds(process.cpuUsage(cpuAtStart));
  const childCpuAtEnd = childCpuSeconds();
  const childCpu = childCpuAtStart === null || childCpuAtEnd === null ? null : childCpuAtEnd - childCpuAtStart;
  const seconds = summary.elapsedMs / 1000;
  const rate = summary.messages / seconds;
  const latencies = summary.latenciesMs;
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  const figures = {
    paths: positionals,
    engines: engineNames,
    messages: summary.messages,
    unreadable: errors,
    workers: summary.workers,
    seconds: round(seconds),
    messagesPerSecond: round(rate),
    cores,
    // Per core of the machine: clamd (a separate process) competes for the same cores.
    messagesPerSecondPerCore: round(rate / cores),
    processCpuSeconds: round(processCpu),
    // The private clamd (a child process) does part of the work: count its CPU too.
    childCpuSeconds: childCpu === null ? null : round(childCpu),
    cpuMsPerMessage: summary.messages ? round((1000 * (processCpu + (childCpu ?? 0))) / summary.messages) : 0,
    latencyMs: {
      p50: round(percentile(latencies, 0.5)),
      p95: round(percentile(latencies, 0.95)),
      p99: round(percentile(latencies, 0.99)),
      max: round(latencies.at(-1) ?? 0),
    },
    meanMs: { parse: round(mean(parseMs)), engines: round(mean(enginesMs)) },
    verdicts: summary.verdicts,
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(
    `${figures.messages} messages in ${figures.seconds} s on ${figures.workers} worker(s): ` +
      `${figures.messagesPerSecond} msg/s (${figures.messagesPerSecondPerCore} per core); ` +
      `p50 ${figures.latencyMs.p50} ms, p95 ${figures.latencyMs.p95} ms, max ${figures.latencyMs.max} ms; ` +
      `peak RSS ${figures.peakRssMiB} MiB; CPU ${figures.cpuMsPerMessage} ms/message (clamd included)`,
  );
  console.log(JSON.stringify(figures));
  return 0;
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ), 100 on every common Linux build. */
const USER_HZ = 100;

/**
 * CPU seconds (user + system) used so far by this process's running children (the private
 * clamd), from /proc; null where /proc is not readable (not Linux).
 */
function childCpuSeconds(): number | null {
  try {
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the parenthesised command name: state ppid … utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / USER_HZ;
  } catch {
    return null;
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

bench(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
