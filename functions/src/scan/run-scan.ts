import { availableParallelism } from 'node:os';
import type { Policy } from '../core/policy';
import type { VerdictLabel } from '../core/policy';
import { enumerateInputs, readMessages } from './inputs';
import type { ScanReport } from './scan-message';
import type { ScannerSetup } from './scanner-setup';
import { ScanPool } from './worker-pool';

export interface RunScanOptions {
  paths: readonly string[];
  setup: ScannerSetup;
  policy: Policy;
  engineNames: string[];
  /** Worker threads; defaults to one per core, never more than there are files. */
  workers?: number;
  /** Per-message ceiling after which the worker is terminated (see ScanPool). */
  hardTimeoutMs: number;
  onReport(report: ScanReport): void;
  onInputError(source: string, error: string): void;
  onProgress?(filesDone: number, filesTotal: number, messages: number): void;
}

export interface RunSummary {
  messages: number;
  verdicts: Record<VerdictLabel, number>;
  inputErrors: number;
  skippedFiles: number;
  workers: number;
  elapsedMs: number;
  /** Per-message scan latency inside the worker (parse + engines + policy), sorted ascending. */
  latenciesMs: number[];
}

/**
 * Scans every message under `paths` through a worker pool and hands reports back in input
 * order. Reading is paced by the pool (a bounded number of messages in flight), so memory
 * stays flat however large the input.
 */
export async function runScan(options: RunScanOptions): Promise<RunSummary> {
  const started = performance.now();
  const enumeration = await enumerateInputs(options.paths);
  const summary: RunSummary = {
    messages: 0,
    verdicts: { clean: 0, suspicious: 0, malicious: 0 },
    inputErrors: 0,
    skippedFiles: enumeration.skipped,
    workers: 0,
    elapsedMs: 0,
    latenciesMs: [],
  };
  for (const failure of enumeration.errors) {
    summary.inputErrors += 1;
    options.onInputError(failure.source, failure.error);
  }
  const files = enumeration.files;
  if (files.length === 0) {
    summary.elapsedMs = performance.now() - started;
    return summary;
  }

  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), files.length));
  const pool = new ScanPool({
    setup: options.setup,
    policy: options.policy,
    engineNames: options.engineNames,
    workers,
    hardTimeoutMs: options.hardTimeoutMs,
  });
  summary.workers = pool.workerCount;
  const maxInFlight = workers * 4;
  const emitter = new OrderedEmitter((outcome: Outcome) => {
    if (outcome.kind === 'error') {
      summary.inputErrors += 1;
      options.onInputError(outcome.source, outcome.error);
      return;
    }
    const report = outcome.report;
    if (report.notMail) {
      summary.inputErrors += 1;
      options.onInputError(report.source, 'not an email message (no header block found)');
      return;
    }
    summary.messages += 1;
    summary.verdicts[report.verdict] += 1;
    summary.latenciesMs.push(report.timings.totalMs);
    options.onReport(report);
  });

  const inFlight = new Set<Promise<void>>();
  let sequence = 0;
  try {
    for (const [fileIndex, file] of files.entries()) {
      for await (const item of readMessages(file)) {
        const position = sequence++;
        if ('error' in item) {
          emitter.put(position, { kind: 'error', source: item.source, error: item.error });
          continue;
        }
        // Files given explicitly are scanned even when they turn out not to be mail, so the
        // user hears about them; folder files were pre-filtered by extension.
        const task: Promise<void> = pool.scan(item.source, item.raw).then((report) => {
          emitter.put(position, { kind: 'report', report });
          inFlight.delete(task);
        });
        inFlight.add(task);
        if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      }
      options.onProgress?.(fileIndex + 1, files.length, summary.messages);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  summary.latenciesMs.sort((a, b) => a - b);
  summary.elapsedMs = performance.now() - started;
  return summary;
}

type Outcome = { kind: 'report'; report: ScanReport } | { kind: 'error'; source: string; error: string };

/** Releases outcomes strictly in sequence order; holds only those that finished ahead of a slower one (bounded by the hard timeout). */
class OrderedEmitter {
  private next = 0;
  private readonly pending = new Map<number, Outcome>();

  constructor(private readonly emit: (outcome: Outcome) => void) {}

  put(position: number, outcome: Outcome): void {
    this.pending.set(position, outcome);
    for (let ready = this.pending.get(this.next); ready; ready = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      this.next += 1;
      this.emit(ready);
    }
  }
}

export function percentile(sortedAscending: readonly number[], fraction: number): number {
  if (sortedAscending.length === 0) return 0;
  const index = Math.min(sortedAscending.length - 1, Math.ceil(fraction * sortedAscending.length) - 1);
  return sortedAscending[Math.max(0, index)] as number;
}
