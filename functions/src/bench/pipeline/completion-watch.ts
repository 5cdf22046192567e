import type { Firestore } from '@google-cloud/firestore';
import type { Decision } from '../../core/policy';
import type { ActionStatus, NewScan, ScanRecord } from '../../pipeline/repository';

/** An action outcome that ends a message's journey: applied or failed in the mailbox, or nothing to do. */
const FINAL_ACTION_STATUSES: ReadonlySet<string> = new Set<ActionStatus>(['applied', 'skipped', 'failed']);

export interface Completion {
  scanId: string;
  deliveredAtMs: number;
  /** When Firestore acknowledged the write that made the scan final. */
  completedAtMs: number;
  latencyMs: number;
  verdict: string;
  action: string;
  actionStatus: string;
}

type Progress = 'delivered' | 'scan created' | 'decided, action pending';

/**
 * Notes when each delivered message's scan becomes final, i.e. decided with actionStatus
 * applied, skipped or failed, by watching the pipeline's own repository calls as they return
 * (it is fed by the counting repository): for clean mail, decideOnce storing the verdict with
 * actionStatus skipped; for flagged mail, recordActionOutcome, which runs after the Gmail call
 * that applied the action. The moment is when Firestore acknowledged that write, so the
 * figure holds no observer delay. (A snapshot listener on the scans collection was the first
 * design; on the emulator it fell up to tens of seconds behind, see docs/benchmarks.md, and it
 * remains available as a cross-check.)
 */
export class CompletionTracker {
  private readonly expected = new Map<string, number>();
  private readonly progress = new Map<string, Progress>();
  private readonly completions = new Map<string, Completion>();
  private readonly decisions = new Map<string, { verdict: string; action: string }>();
  private waiters: { scanIds: readonly string[]; resolve: () => void }[] = [];

  expect(scanId: string, deliveredAtMs: number): void {
    this.expected.set(scanId, deliveredAtMs);
    this.progress.set(scanId, 'delivered');
  }

  /** Called with every repository call that returned, with its arguments and result. */
  observe(call: string, args: readonly unknown[], result: unknown): void {
    const now = Date.now();
    switch (call) {
      case 'createScan': {
        const scanId = (args[0] as NewScan).scanId;
        if (result === true && this.progress.get(scanId) === 'delivered') this.progress.set(scanId, 'scan created');
        return;
      }
      case 'decideOnce': {
        const decided = result as { scan: ScanRecord; decision: Decision } | null;
        if (!decided) return;
        const scanId = args[0] as string;
        const { verdict, action } = decided.decision;
        this.decisions.set(scanId, { verdict, action });
        if (action === 'none') this.complete(scanId, now, 'skipped');
        else if (this.expected.has(scanId)) this.progress.set(scanId, 'decided, action pending');
        return;
      }
      case 'recordActionOutcome': {
        const scanId = args[0] as string;
        const { status } = args[1] as { status: ActionStatus };
        if (FINAL_ACTION_STATUSES.has(status)) this.complete(scanId, now, status);
        return;
      }
      default:
        return;
    }
  }

  completion(scanId: string): Completion | undefined {
    return this.completions.get(scanId);
  }

  missing(scanIds: readonly string[]): string[] {
    return scanIds.filter((scanId) => !this.completions.has(scanId));
  }

  /**
   * Resolves when every listed scan has completed; rejects at `deadlineMs` (epoch) with an
   * error that says how many are missing and how far each got.
   */
  async waitFor(scanIds: readonly string[], deadlineMs: number, what: string): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.waiters.push({ scanIds, resolve });
    });
    this.wakeWaiters();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), Math.max(0, deadlineMs - Date.now()));
    });
    try {
      if ((await Promise.race([done, expired])) === 'expired') throw new Error(this.describeMissing(scanIds, what));
    } finally {
      clearTimeout(timer);
    }
  }

  private complete(scanId: string, now: number, actionStatus: string): void {
    const deliveredAtMs = this.expected.get(scanId);
    if (deliveredAtMs === undefined || this.completions.has(scanId)) return;
    const decision = this.decisions.get(scanId) ?? { verdict: 'unknown', action: 'unknown' };
    this.completions.set(scanId, { scanId, deliveredAtMs, completedAtMs: now, latencyMs: now - deliveredAtMs, ...decision, actionStatus });
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (this.missing(waiter.scanIds).length > 0) return true;
      waiter.resolve();
      return false;
    });
  }

  private describeMissing(scanIds: readonly string[], what: string): string {
    const missing = this.missing(scanIds);
    const byProgress: Record<Progress, number> = { delivered: 0, 'scan created': 0, 'decided, action pending': 0 };
    for (const scanId of missing) byProgress[this.progress.get(scanId) ?? 'delivered'] += 1;
    return (
      `timed out waiting for ${what}: ${missing.length} of ${scanIds.length} scans missing ` +
      `(${byProgress.delivered} never ingested, ${byProgress['scan created']} created but undecided, ` +
      `${byProgress['decided, action pending']} decided with the action still pending)`
    );
  }
}

/**
 * The cross-check: a Firestore snapshot listener on the scans collection, noting when it first
 * sees each scan decided with a final action status. The difference to the tracker's moment is
 * how far the listener lags behind the writes.
 */
export class ListenerWatch {
  private readonly seenFinalAt = new Map<string, number>();
  private failure: string | undefined;
  private readonly unsubscribe: () => void;
  private readonly ready: Promise<void>;

  constructor(db: Firestore, scansCollection: string) {
    let markReady: () => void = () => undefined;
    this.ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    this.unsubscribe = db.collection(scansCollection).onSnapshot(
      (snapshot) => {
        const now = Date.now();
        for (const change of snapshot.docChanges()) {
          if (change.type === 'removed' || this.seenFinalAt.has(change.doc.id)) continue;
          const data = change.doc.data();
          if (data.decided === true && FINAL_ACTION_STATUSES.has(String(data.actionStatus))) this.seenFinalAt.set(change.doc.id, now);
        }
        markReady();
      },
      (error) => {
        this.failure = error.message;
        markReady();
      },
    );
  }

  started(): Promise<void> {
    return this.ready;
  }

  seenAt(scanId: string): number | undefined {
    return this.seenFinalAt.get(scanId);
  }

  /** Waits (at most `timeoutMs`) until the listener has seen every listed scan final. */
  async catchUp(scanIds: readonly string[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const unseen = scanIds.filter((scanId) => !this.seenFinalAt.has(scanId)).length;
      if (unseen === 0 || this.failure !== undefined || Date.now() > deadline) return unseen;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  error(): string | undefined {
    return this.failure;
  }

  stop(): void {
    this.unsubscribe();
  }
}
