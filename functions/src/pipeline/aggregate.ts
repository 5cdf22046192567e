import type { EngineResult } from '../core/engine/types';
import { decide, type Decision } from '../core/policy';
import { carryOutDecision, type ActionOutcome } from './actions';
import { policyForScan } from './config';
import { clockOf, type AggregateDeps } from './deps';
import { errorFields } from './logger';
import { validateEngineCompletion } from './payloads';
import type { ScanRecord } from './repository';

export type AggregateOutcome =
  | { status: 'invalid'; problems: string[] }
  | { status: 'scan-missing'; scanId: string }
  /** Not every expected engine has reported yet. */
  | { status: 'waiting'; scanId: string; missing: string[] }
  /** Another completion (or the sweeper) decided this scan. */
  | { status: 'already-decided'; scanId: string }
  | { status: 'decided'; scanId: string; decision: Decision; action: ActionOutcome }
  /** The scan was decided long ago but its action never got an outcome (the decider died): applied again. */
  | { status: 'reapplied'; scanId: string; action: ActionOutcome };

/**
 * Handles one engine's completion notice. When every engine the scan was dispatched to has a
 * result, decides exactly once (repository.decideOnce: a transaction on the scan's `decided`
 * flag) under the policy and carries the decision out in the mailbox, recording the outcome and
 * an audit entry. Duplicate and concurrent completions find the scan decided and do nothing,
 * so one decision gives one action and one audit entry.
 *
 * One repair: a scan decided more than pendingActionStaleMs ago whose action is still 'pending'
 * lost its decider between decision and outcome (a crash, a timeout); a redelivered completion
 * applies the action again, which Gmail's idempotent label and trash calls make harmless.
 */
export async function handleEngineCompletion(completion: unknown, deps: AggregateDeps): Promise<AggregateOutcome> {
  const { repository, logger, config } = deps;
  const validated = validateEngineCompletion(completion);
  if (!validated.ok) {
    logger.warn('dropping an invalid engine completion', errorFields(validated.error));
    return { status: 'invalid', problems: validated.error.problems };
  }
  const { scanId, outstanding } = validated.value;
  // The engine listed results after writing its own and found some missing: a later engine's
  // completion will find the scan complete, so this one needs no read (EngineCompletion.outstanding).
  if (outstanding !== undefined && outstanding.length > 0) return { status: 'waiting', scanId, missing: outstanding };
  const scan = await repository.getScan(scanId);
  if (scan === null) {
    logger.warn('completion for a scan that does not exist; ignored', { scanId, engine: validated.value.engine });
    return { status: 'scan-missing', scanId };
  }
  const now = clockOf(deps)();
  if (scan.decided) {
    if (isStalePending(scan, now, config.pendingActionStaleMs)) {
      logger.warn('decided scan has had a pending action for too long; applying it again', { scanId, action: scan.action });
      const action = await carryOutDecision(scan, recordedDecision(scan), 'aggregator', deps);
      return { status: 'reapplied', scanId, action };
    }
    return { status: 'already-decided', scanId };
  }

  // decideOnce reads the results itself and declines while any is missing (a completion without
  // `outstanding`, or one whose engine saw the set complete before a concurrent decider stored it).
  let missing: string[] = [];
  const decided = await repository.decideOnce(
    scanId,
    (current, results) => {
      missing = missingEngines(current, results);
      return missing.length === 0 ? decide(results, policyForScan(config.policy, current.expectedEngines)) : null;
    },
    now,
  );
  if (decided === null) return missing.length > 0 ? { status: 'waiting', scanId, missing } : { status: 'already-decided', scanId };
  const { decision } = decided;
  logger.info('scan decided', {
    scanId,
    mailbox: scan.mailbox,
    verdict: decision.verdict,
    score: decision.score,
    action: decision.action,
    intendedAction: decision.intendedAction,
    passive: decision.passive,
    failedEngines: decision.failedEngines.map((failure) => `${failure.engine}:${failure.status}`),
    latencyMs: now.getTime() - scan.receivedAt.getTime(),
  });
  const action = await carryOutDecision(decided.scan, decision, 'aggregator', deps);
  return { status: 'decided', scanId, decision, action };
}

export function missingEngines(scan: Pick<ScanRecord, 'expectedEngines'>, results: readonly EngineResult[]): string[] {
  const reported = new Set(results.map((result) => result.engine));
  return scan.expectedEngines.filter((engine) => !reported.has(engine));
}

/** The action a decided scan recorded, in the shape carryOutDecision takes. */
export function recordedDecision(scan: Pick<ScanRecord, 'action' | 'passive'>): { action: NonNullable<ScanRecord['action']>; intendedAction: NonNullable<ScanRecord['action']>; passive: boolean } {
  const action = scan.action ?? 'none';
  return { action, intendedAction: action, passive: scan.passive ?? false };
}

function isStalePending(scan: ScanRecord, now: Date, staleMs: number): boolean {
  return scan.actionStatus === 'pending' && scan.decidedAt !== null && now.getTime() - scan.decidedAt.getTime() >= staleMs;
}
