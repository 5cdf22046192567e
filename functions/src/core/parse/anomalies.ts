import type { AnomalyCode, ParseAnomaly } from '../subject/types';

/**
 * Hostile mail can repeat one defect thousands of times (50,000 parts with broken base64);
 * a handful of examples per code is enough evidence and keeps the subject small.
 */
const MAX_PER_CODE = 10;

/** Collects parse anomalies, dropping exact repeats and bounding how many of each code are kept. */
export class AnomalyLog {
  private readonly entries: ParseAnomaly[] = [];
  private readonly perCode = new Map<AnomalyCode, number>();
  private readonly seen = new Set<string>();

  add(code: AnomalyCode, detail: string): void {
    const key = `${code}\u0000${detail}`;
    if (this.seen.has(key)) return;
    const count = this.perCode.get(code) ?? 0;
    if (count > MAX_PER_CODE) return;
    this.perCode.set(code, count + 1);
    if (count === MAX_PER_CODE) {
      this.entries.push({ code, detail: 'further anomalies of this kind were not recorded' });
      return;
    }
    this.seen.add(key);
    this.entries.push({ code, detail });
  }

  /** Adds everything another log collected, in order. */
  addAll(other: AnomalyLog): void {
    for (const anomaly of other.entries) this.add(anomaly.code, anomaly.detail);
  }

  has(code: AnomalyCode): boolean {
    return this.perCode.has(code);
  }

  toArray(): ParseAnomaly[] {
    return [...this.entries];
  }
}

/** A short, single-line description of anything thrown, for anomaly details. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
