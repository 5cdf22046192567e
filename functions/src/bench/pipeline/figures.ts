import { readFileSync } from 'node:fs';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { COLLECTIONS } from '../../pipeline/firestore-repository';
import { percentile } from '../../scan/run-scan';
import type { Completion } from './completion-watch';

export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((total, value) => total + value, 0) / sorted.length : 0;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(mean),
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Where a message's time goes, from the timestamps the pipeline stores:
 *   delivery (scan.receivedAt = Gmail's internalDate) → scan.createdAt   ingest: notification window, Pub/Sub, history.list, messages.get, parse, blobs, createScan
 *   scan.createdAt → last engine result's writtenAt                      fan-out: scan request on Pub/Sub, each engine's reads, run, writes
 *   last writtenAt → scan.decidedAt                                      completion on Pub/Sub, aggregator reads
 *   scan.decidedAt → final write acknowledged                            decision commit; for flagged mail labels, messages.modify, outcome write
 */
export interface HopFigures {
  ingest: Distribution;
  engines: Distribution;
  perEngine: Record<string, Distribution>;
  /** Time inside each engine's scan function (the orchestrator's elapsedMs), for results not from the cache. */
  engineRunMs: Record<string, Distribution>;
  aggregate: Distribution;
  action: Distribution;
  /** Engine results served from the engine cache, per engine. */
  cacheHits: Record<string, number>;
  resultsPerEngine: Record<string, number>;
}

interface HopSample {
  ingest: number;
  engines: number;
  aggregate: number;
  action: number;
}

export async function hopFigures(db: Firestore, scansCollection: string, completions: readonly Completion[]): Promise<HopFigures> {
  const wanted = new Map(completions.map((completion) => [completion.scanId, completion]));
  const scans = await db.collection(scansCollection).get();
  const enginesByScan = new Map<string, { engine: string; writtenAt: number; cached: boolean; elapsedMs: number }[]>();
  const engineDocs = await db.collectionGroup(COLLECTIONS.scanEngines).get();
  for (const doc of engineDocs.docs) {
    const scanRef = doc.ref.parent.parent;
    if (!scanRef || scanRef.parent.id !== scansCollection || !wanted.has(scanRef.id)) continue;
    const data = doc.data();
    const list = enginesByScan.get(scanRef.id) ?? [];
    list.push({ engine: doc.id, writtenAt: millis(data.writtenAt), cached: data.cached === true, elapsedMs: Number(data.elapsedMs ?? 0) });
    enginesByScan.set(scanRef.id, list);
  }

  const samples: HopSample[] = [];
  const perEngine: Record<string, number[]> = {};
  const engineRun: Record<string, number[]> = {};
  const cacheHits: Record<string, number> = {};
  const resultsPerEngine: Record<string, number> = {};
  for (const doc of scans.docs) {
    const completion = wanted.get(doc.id);
    if (!completion) continue;
    const data = doc.data();
    const receivedAt = millis(data.receivedAt);
    const createdAt = millis(data.createdAt);
    const decidedAt = millis(data.decidedAt);
    const results = enginesByScan.get(doc.id) ?? [];
    for (const result of results) {
      (perEngine[result.engine] ??= []).push(result.writtenAt - createdAt);
      resultsPerEngine[result.engine] = (resultsPerEngine[result.engine] ?? 0) + 1;
      if (result.cached) cacheHits[result.engine] = (cacheHits[result.engine] ?? 0) + 1;
      else (engineRun[result.engine] ??= []).push(result.elapsedMs);
    }
    const lastResult = Math.max(createdAt, ...results.map((result) => result.writtenAt));
    samples.push({
      ingest: createdAt - receivedAt,
      engines: lastResult - createdAt,
      aggregate: decidedAt - lastResult,
      action: completion.completedAtMs - decidedAt,
    });
  }
  return {
    ingest: distribution(samples.map((sample) => sample.ingest)),
    engines: distribution(samples.map((sample) => sample.engines)),
    perEngine: mapValues(perEngine, distribution),
    engineRunMs: mapValues(engineRun, distribution),
    aggregate: distribution(samples.map((sample) => sample.aggregate)),
    action: distribution(samples.map((sample) => sample.action)),
    cacheHits,
    resultsPerEngine,
  };
}

/** Manifest documents in a blob collection: the distinct blobs actually stored. */
export async function storedBlobCount(db: Firestore, collection: string): Promise<number> {
  const snapshot = await db.collection(collection).count().get();
  return snapshot.data().count;
}

/** CPU seconds a process has used so far (Linux /proc), or null where that cannot be read. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: utime is field 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every Linux this runs on.
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}

/** Peak resident set size of a process in MiB (VmHWM), or null where /proc cannot be read. */
export function processPeakRssMiB(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/**
 * Reads what a log file gained since `offset`: the Firestore emulator logs each transaction it
 * aborts because a lock could not be taken in time, which is how contention shows there.
 */
export function logGrowth(file: string, offset: number): { text: string; size: number } {
  try {
    const content = readFileSync(file, 'latin1');
    return { text: content.slice(offset), size: content.length };
  } catch {
    return { text: '', size: offset };
  }
}

export function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let index = text.indexOf(needle); index >= 0; index = text.indexOf(needle, index + needle.length)) count += 1;
  return count;
}

function millis(value: unknown): number {
  if (value instanceof Timestamp) return value.toMillis();
  if (value instanceof Date) return value.getTime();
  return Number.NaN;
}

function mapValues<T, U>(record: Record<string, T>, transform: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, transform(value)]));
}
