import { emptyIocs, type EngineResult } from '../core/engine/types';
import { decide } from '../core/policy';
import { carryOutDecision, type ActionOutcome } from './actions';
import { missingEngines, recordedDecision } from './aggregate';
import { settleWithConcurrency } from './concurrency';
import { policyForScan } from './config';
import { clockOf, type SweepDeps } from './deps';
import { compareHistoryIds } from './history-ids';
import { describeError, errorFields } from './logger';
import type { GmailNotification, ScanRequest, WatchRenewalRequest } from './messages';
import { validateWatchRenewalRequest } from './payloads';
import type { MailboxState, ScanRecord } from './repository';

/** Items a sweeper task works on at once: enough to overlap I/O, few enough to stay gentle on quotas. */
const SWEEP_CONCURRENCY = 4;
/** Directory users.list page size ceiling. */
const DIRECTORY_PAGE_SIZE = 500;

export interface SweepFailure {
  task: 'overdue' | 'retry' | 'poll' | 'renewal';
  key: string;
  error: string;
}

export interface OverdueReport {
  /** Scans whose request was published again because engines were missing. */
  redispatched: string[];
  /** Scans decided by the sweeper, with the engines recorded as timed out. */
  finalised: { scanId: string; timedOut: string[]; action: ActionOutcome }[];
  failures: SweepFailure[];
}

export interface RetryReport {
  retried: { scanId: string; action: ActionOutcome }[];
  /** Long-pending actions applied again (their decider died between decision and outcome). */
  repaired: { scanId: string; action: ActionOutcome }[];
  failures: SweepFailure[];
}

export interface SweepReport {
  overdue: OverdueReport;
  retries: RetryReport;
  /** Mailboxes a poll was published for. */
  polled: string[];
  /** Mailboxes a watch renewal was published for. */
  renewalsRequested: string[];
  failures: SweepFailure[];
}

/**
 * One pass of the sweeper (a scheduled function, every minute is the intended rate). Each task
 * is also exported on its own, should a deployment want different rates. Every task isolates
 * its items: one failing scan or mailbox is logged and reported, and the rest go on.
 *
 * 1. finaliseOverdueScans: late scans are re-dispatched, then finalised with timeouts.
 * 2. retryFailedActions: failed actions are applied again, up to maxActionAttempts, and
 *    actions pending longer than pendingActionStaleMs (their decider died) are applied again.
 * 3. pollQuietMailboxes: quiet or lagging mailboxes get a synthetic notification.
 * 4. requestWatchRenewals: one renewal request per mailbox whose watch is due.
 */
export async function runSweep(deps: SweepDeps, now: Date): Promise<SweepReport> {
  const overdue = await finaliseOverdueScans(deps, now);
  const retries = await retryFailedActions(deps, now);
  const mailboxes = await deps.repository.listMailboxes({ enrolledOnly: true });
  const polls = await pollQuietMailboxes(deps, now, mailboxes);
  const renewals = await requestWatchRenewals(deps, now, mailboxes);
  const report: SweepReport = {
    overdue,
    retries,
    polled: polls.published,
    renewalsRequested: renewals.published,
    failures: [...overdue.failures, ...retries.failures, ...polls.failures, ...renewals.failures],
  };
  deps.logger.info('sweep finished', {
    redispatched: overdue.redispatched.length,
    finalised: overdue.finalised.length,
    retried: retries.retried.length,
    repaired: retries.repaired.length,
    polled: polls.published.length,
    renewalsRequested: renewals.published.length,
    failures: report.failures.length,
  });
  return report;
}

/**
 * Undecided scans older than redispatchAfterMs. While younger than engineOverdueMs, a scan
 * with engines missing has its ScanRequest published again: that recovers a dropped engine
 * event and a fan-out that died between creating the scan and publishing (engines that already
 * reported skip it). Past engineOverdueMs, every missing engine gets a 'timeout' result
 * (create-if-absent, so a result that lands meanwhile wins) and the scan is decided once under
 * the policy, whose fail-open / fail-closed rule then applies, and the action carried out.
 * A scan with every engine reported but no decision (the aggregator's event was lost) is
 * decided at once.
 */
export async function finaliseOverdueScans(deps: SweepDeps, now: Date): Promise<OverdueReport> {
  const { repository, config, logger, bus } = deps;
  // listOverdueScans is strict (created before); one millisecond more makes "this old" inclusive.
  const scans = await repository.listOverdueScans(new Date(now.getTime() - config.redispatchAfterMs + 1), config.sweepBatchSize);
  const report: OverdueReport = { redispatched: [], finalised: [], failures: [] };
  const settled = await settleWithConcurrency(scans, SWEEP_CONCURRENCY, async (scan) => {
    const missing = missingEngines(scan, await repository.listEngineResults(scan.scanId));
    const age = now.getTime() - scan.createdAt.getTime();
    if (missing.length > 0 && age < config.engineOverdueMs) {
      await bus.publish(config.topics.scanRequests, scanRequestOf(scan), { scanId: scan.scanId, direction: scan.direction, redispatch: 'true' });
      logger.warn('scan is late; scan request published again', { scanId: scan.scanId, missing, ageMs: age });
      report.redispatched.push(scan.scanId);
      return;
    }
    for (const engine of missing) {
      await repository.putEngineResult(scan.scanId, timeoutResult(engine, config.engineOverdueMs), { cached: false, expireAt: scan.expireAt });
    }
    const decided = await repository.decideOnce(
      scan.scanId,
      (current, results) => {
        const stillMissing = missingEngines(current, results).map((engine) => timeoutResult(engine, config.engineOverdueMs));
        return decide([...results, ...stillMissing], policyForScan(config.policy, current.expectedEngines));
      },
      now,
    );
    if (decided === null) return;
    logger.warn('overdue scan finalised', {
      scanId: scan.scanId,
      mailbox: scan.mailbox,
      timedOut: missing,
      verdict: decided.decision.verdict,
      action: decided.decision.action,
    });
    const action = await carryOutDecision(decided.scan, decided.decision, 'sweeper', deps);
    report.finalised.push({ scanId: scan.scanId, timedOut: missing, action });
  });
  collectFailures(settled, scans, (scan) => scan.scanId, 'overdue', report.failures, deps);
  return report;
}

/**
 * Decided scans whose action failed, fewer than maxActionAttempts times, and scans whose action
 * has been pending longer than pendingActionStaleMs (the decider died between decision and
 * outcome, and no completion was redelivered): applied again. Gmail's label and trash calls
 * are idempotent, so an action that did land before the crash is not doubled.
 */
export async function retryFailedActions(deps: SweepDeps, now: Date): Promise<RetryReport> {
  const { repository, config } = deps;
  const failed = await repository.listFailedActions(config.maxActionAttempts, config.sweepBatchSize);
  const stale = await repository.listStalePendingActions(new Date(now.getTime() - config.pendingActionStaleMs), config.sweepBatchSize);
  const report: RetryReport = { retried: [], repaired: [], failures: [] };
  const work = [...failed.map((scan) => ({ scan, list: report.retried })), ...stale.map((scan) => ({ scan, list: report.repaired }))];
  const settled = await settleWithConcurrency(work, SWEEP_CONCURRENCY, async ({ scan, list }) => {
    const action = await carryOutDecision(scan, recordedDecision(scan), 'sweeper', deps);
    list.push({ scanId: scan.scanId, action });
  });
  collectFailures(settled, work, ({ scan }) => scan.scanId, 'retry', report.failures, deps);
  return report;
}

/**
 * Gmail may delay or drop notifications, so an enrolled mailbox is read anyway when it is
 * quiet (no notification and no sync for quietMailboxMs) or lagging (it was notified of a
 * history id beyond its cursor: history that was not readable yet when the notification was
 * handled). The poll is a synthetic notification on the notification topic (strataPoll set),
 * so it fans out like real ones and runs the one ingest path; quietest mailboxes first, at most
 * sweepBatchSize per pass. Mailboxes without a cursor are left to their watch renewal.
 */
export async function pollQuietMailboxes(
  deps: SweepDeps,
  now: Date,
  mailboxes?: readonly MailboxState[],
): Promise<{ published: string[]; failures: SweepFailure[] }> {
  const { config, bus } = deps;
  const enrolled = mailboxes ?? (await deps.repository.listMailboxes({ enrolledOnly: true }));
  // A mailbox without a cursor waits for its watch renewal to set one: polling it first would
  // start a full sync, which the renewal exists to avoid.
  const due = enrolled
    .filter((state) => state.enrolled && state.historyCursor !== null && (isQuiet(state, now, config.quietMailboxMs) || isLagging(state)))
    .sort((a, b) => lastSeen(a) - lastSeen(b))
    .slice(0, config.sweepBatchSize);
  return publishEach(due, 'poll', deps, (state) => {
    const poll: GmailNotification = {
      emailAddress: state.mailbox,
      historyId: state.historyCursor ?? state.lastNotificationHistoryId ?? '0',
      strataPoll: true,
    };
    return bus.publish(config.topics.gmailNotifications, poll, { strataPoll: 'true' });
  });
}

/** One WatchRenewalRequest per enrolled mailbox whose watch is missing or expires within watchRenewBeforeMs. */
export async function requestWatchRenewals(
  deps: SweepDeps,
  now: Date,
  mailboxes?: readonly MailboxState[],
): Promise<{ published: string[]; failures: SweepFailure[] }> {
  const { config, bus } = deps;
  const enrolled = mailboxes ?? (await deps.repository.listMailboxes({ enrolledOnly: true }));
  const due = enrolled.filter(
    (state) => state.enrolled && (state.watchExpiration === null || state.watchExpiration.getTime() - now.getTime() <= config.watchRenewBeforeMs),
  );
  return publishEach(due, 'renewal', deps, (state) => {
    const request: WatchRenewalRequest = { mailbox: state.mailbox };
    return bus.publish(config.topics.watchRenewals, request);
  });
}

export type WatchRenewalOutcome =
  | { status: 'invalid'; problems: string[] }
  | { status: 'not-enrolled'; mailbox: string }
  | { status: 'renewed'; mailbox: string; expiration: Date; cursorInitialised: boolean };

/**
 * Renews one mailbox's watch (users.watch on watchTopic, every change pushed) and stores its
 * expiration. A mailbox without a cursor gets one first, from its current historyId: set
 * before the watch, because a watch sends a notification at once, and that notification
 * must find a cursor (otherwise it would start a full sync). Idempotent: renewing twice only
 * moves the expiration.
 */
export async function handleWatchRenewal(
  request: unknown,
  deps: Pick<SweepDeps, 'config' | 'repository' | 'gmail' | 'logger' | 'now'>,
): Promise<WatchRenewalOutcome> {
  const { repository, gmail, config, logger } = deps;
  const validated = validateWatchRenewalRequest(request);
  if (!validated.ok) {
    logger.warn('dropping an invalid watch renewal request', errorFields(validated.error));
    return { status: 'invalid', problems: validated.error.problems };
  }
  const { mailbox } = validated.value;
  const state = await repository.getMailbox(mailbox);
  if (state === null || !state.enrolled) {
    logger.info('watch renewal for a mailbox no longer enrolled; skipped', { mailbox });
    return { status: 'not-enrolled', mailbox };
  }
  let cursorInitialised = false;
  if (state.historyCursor === null) {
    const profile = await gmail.getProfile(mailbox);
    cursorInitialised = await repository.advanceCursor(mailbox, null, profile.historyId);
  }
  const watch = await gmail.watch(mailbox, { topicName: config.watchTopic });
  const expiration = new Date(watch.expiration);
  await repository.upsertMailbox(mailbox, { watchExpiration: expiration });
  logger.info('watch renewed', { mailbox, expiration: expiration.toISOString(), historyId: watch.historyId, cursorInitialised });
  return { status: 'renewed', mailbox, expiration, cursorInitialised };
}

export interface EnrolmentReport {
  /** Active directory users. */
  active: number;
  /** Mailboxes enrolled by this run. */
  enrolled: string[];
  /** Mailboxes unenrolled by this run (suspended, archived or gone from the directory). */
  unenrolled: string[];
  renewalsRequested: string[];
  failures: SweepFailure[];
}

/**
 * Reads the whole Directory (users.list, paged) and makes the enrolled set match it: active
 * users are enrolled, suspended and archived users are not, and mailboxes whose user left the
 * directory are unenrolled (only after every page was read, so a failed listing unenrols no
 * one). Then requests a watch for every enrolled mailbox that has none or one due for renewal.
 * Unenrolled mailboxes keep their watch until it lapses (at most 7 days); ingest ignores them.
 */
export async function enrollMailboxes(deps: SweepDeps, now: Date = clockOf(deps)()): Promise<EnrolmentReport> {
  const { gmail, repository, config, logger } = deps;
  const active = new Set<string>();
  let pageToken: string | undefined;
  do {
    const page = await gmail.listUsers({
      customer: config.directory.customer,
      ...(config.directory.domain ? { domain: config.directory.domain } : {}),
      maxResults: DIRECTORY_PAGE_SIZE,
      ...(pageToken ? { pageToken } : {}),
    });
    for (const user of page.users) {
      if (!user.suspended && !user.archived) active.add(user.primaryEmail.toLowerCase());
    }
    pageToken = page.nextPageToken;
  } while (pageToken);

  const known = new Map((await repository.listMailboxes()).map((state) => [state.mailbox, state]));
  const enrolled = [...active].filter((mailbox) => !known.get(mailbox)?.enrolled);
  const unenrolled = [...known.values()].filter((state) => state.enrolled && !active.has(state.mailbox)).map((state) => state.mailbox);
  for (const mailbox of enrolled) await repository.upsertMailbox(mailbox, { enrolled: true });
  for (const mailbox of unenrolled) await repository.upsertMailbox(mailbox, { enrolled: false });
  const renewals = await requestWatchRenewals(deps, now);
  logger.info('mailboxes enrolled from the directory', {
    active: active.size,
    enrolled: enrolled.length,
    unenrolled: unenrolled.length,
    renewalsRequested: renewals.published.length,
  });
  return { active: active.size, enrolled, unenrolled, renewalsRequested: renewals.published, failures: renewals.failures };
}

/** The scan request a scan was dispatched with, rebuilt from its document. */
export function scanRequestOf(scan: ScanRecord): ScanRequest {
  return {
    scanId: scan.scanId,
    mailbox: scan.mailbox,
    gmailMessageId: scan.gmailMessageId,
    direction: scan.direction,
    subjectKey: scan.subjectKey,
    contentKey: scan.contentKey,
    engines: [...scan.expectedEngines],
    receivedAt: scan.receivedAt.getTime(),
  };
}

function timeoutResult(engine: string, overdueMs: number): EngineResult {
  return {
    engine,
    version: 'unknown',
    status: 'timeout',
    score: 0,
    findings: [],
    iocs: emptyIocs(),
    elapsedMs: overdueMs,
    error: `no result within ${overdueMs} ms; recorded by the sweeper`,
  };
}

function lastSeen(state: MailboxState): number {
  return Math.max(state.lastNotificationAt?.getTime() ?? 0, state.lastSyncAt?.getTime() ?? 0);
}

function isQuiet(state: MailboxState, now: Date, quietMs: number): boolean {
  return now.getTime() - lastSeen(state) >= quietMs;
}

function isLagging(state: MailboxState): boolean {
  if (state.lastNotificationHistoryId === null) return false;
  return state.historyCursor === null || compareHistoryIds(state.lastNotificationHistoryId, state.historyCursor) > 0;
}

async function publishEach(
  mailboxes: readonly MailboxState[],
  task: SweepFailure['task'],
  deps: SweepDeps,
  publish: (state: MailboxState) => Promise<unknown>,
): Promise<{ published: string[]; failures: SweepFailure[] }> {
  const published: string[] = [];
  const failures: SweepFailure[] = [];
  const settled = await settleWithConcurrency(mailboxes, SWEEP_CONCURRENCY, async (state) => {
    await publish(state);
    published.push(state.mailbox);
  });
  collectFailures(settled, mailboxes, (state) => state.mailbox, task, failures, deps);
  return { published, failures };
}

function collectFailures<T>(
  settled: readonly PromiseSettledResult<unknown>[],
  items: readonly T[],
  keyOf: (item: T) => string,
  task: SweepFailure['task'],
  into: SweepFailure[],
  deps: Pick<SweepDeps, 'logger'>,
): void {
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const key = keyOf(items[index] as T);
    into.push({ task, key, error: describeError(result.reason) });
    deps.logger.error('sweeper task failed for one item; the next pass tries again', { task, key, ...errorFields(result.reason) });
  });
}
