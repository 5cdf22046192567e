import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { buildScanSubject } from '../core/parse';
import { GmailApiError, HistoryGoneError } from '../gmail/errors';
import type { HistoryMessageRef, RawMessage } from '../gmail/types';
import { settleWithConcurrency } from './concurrency';
import type { PipelineConfig } from './config';
import { contentKeyOf } from './content-key';
import { clockOf, type IngestDeps } from './deps';
import { classifyDirection, skippedByLabels } from './direction';
import { FetchClaimHeldError, IngestIncompleteError } from './errors';
import { compareHistoryIds, maxHistoryId } from './history-ids';
import { KeyedSerialiser } from './keyed-serialiser';
import { scanIdFor } from './ids';
import { describeError, errorFields } from './logger';
import type { Direction, ScanRequest } from './messages';
import { validateGmailNotification } from './payloads';
import type { MailboxState, NewScan, ScanRepository } from './repository';
import { storeSubject } from './subject-codec';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * This process's identity on fetch claims. Per process, not per event: syncs of one mailbox are
 * serialised within a process, and a retry in the same process may renew its own claim at once.
 */
const PROCESS_CLAIM_OWNER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
/** The queue of syncs per mailbox shared by every handler call in this process (see IngestDeps.mailboxQueue). */
const PROCESS_MAILBOX_QUEUE = new KeyedSerialiser();
/** Subject lines are stored on the scan document for analysts; Firestore documents must stay small. */
const MAX_STORED_SUBJECT_CHARS = 1_000;
/** Gmail's messages.list page size ceiling. */
const MAX_LIST_PAGE = 500;

export type SyncMode = 'incremental' | 'full';
export type FullSyncReason = 'no-cursor' | 'history-gone';

/** What one sync of a mailbox did, for logs and tests. */
export interface SyncOutcome {
  mailbox: string;
  mode: SyncMode;
  fullSyncReason?: FullSyncReason;
  /** Distinct message ids the history (or the full-sync listing) named. */
  candidates: number;
  scansCreated: number;
  /** Messages that already had a scan (duplicate or overlapping notifications). */
  duplicates: number;
  /** Drafts, outbound mail when not scanned, directions switched off, messages deleted before the fetch. */
  skipped: number;
  cursorFrom: string | null;
  cursorTo: string;
  cursorAdvanced: boolean;
  /** A full sync hit fullSyncMaxMessages; older messages were not read. */
  truncated: boolean;
}

export type IngestOutcome =
  | { status: 'invalid'; problems: string[] }
  | { status: 'not-enrolled'; mailbox: string }
  | { status: 'synced'; sync: SyncOutcome };

type MessageOutcome = 'created' | 'duplicate' | 'skipped';

interface Candidate {
  id: string;
  /** Labels when Gmail sent them with the history record (often absent). */
  labelIds?: string[];
}

interface SyncPlan {
  mode: SyncMode;
  fullSyncReason?: FullSyncReason;
  candidates: Candidate[];
  /** Where the cursor moves once every candidate is handled. */
  nextCursor: string;
  truncated: boolean;
}

/**
 * Handles one notification from the Gmail watch topic (or a sweeper poll): reads what is new in
 * the mailbox since the STORED cursor (the pushed historyId is only a hint and is never used as
 * a start point), hands every new message to the engines once, then advances the cursor.
 *
 * - A payload that is not a notification is logged and dropped (never thrown: redelivering it
 *   cannot help). A mailbox that is not enrolled is ignored.
 * - No cursor yet, or history gone (HTTP 404) → bounded full sync (see syncMailbox).
 * - Safe under duplicate, concurrent and out-of-order notifications: each message becomes a scan
 *   at most once (repository.createScan is create-if-absent, keyed by mailbox + message id), and
 *   the cursor only moves forward by compare-and-set. Syncs of one mailbox queue up within a
 *   process (deps.mailboxQueue), so a duplicate there reads from the advanced cursor and fetches
 *   nothing again; across processes a claim taken before the fetch (repository.claimFetch) lets
 *   one instance fetch each message while the other waits for its scan.
 * - Throws IngestIncompleteError when some messages could not be fetched or dispatched: the
 *   cursor is then left where it was, so a redelivery, the next notification or the sweeper's
 *   poll reads them again, while the messages already dispatched are skipped as duplicates.
 */
export async function handleGmailNotification(notification: unknown, deps: IngestDeps): Promise<IngestOutcome> {
  const { repository, logger } = deps;
  const validated = validateGmailNotification(notification);
  if (!validated.ok) {
    logger.warn('dropping an invalid Gmail notification', errorFields(validated.error));
    return { status: 'invalid', problems: validated.error.problems };
  }
  const { emailAddress: mailbox, historyId, strataPoll } = validated.value;
  const state = await repository.getMailbox(mailbox);
  if (state === null || !state.enrolled) {
    logger.warn('notification for a mailbox that is not enrolled; ignored', { mailbox, historyId });
    return { status: 'not-enrolled', mailbox };
  }
  if (!strataPoll) {
    await repository.upsertMailbox(mailbox, {
      lastNotificationAt: clockOf(deps)(),
      // The highest id seen: an older notification arriving late must not hide a newer one
      // (the sweeper polls a mailbox whose cursor trails its notifications).
      lastNotificationHistoryId: maxHistoryId(state.lastNotificationHistoryId, historyId),
    });
  }
  // Concurrent notifications of one mailbox in this process queue up: the later one then reads
  // from the cursor the earlier one advanced instead of fetching the same messages again.
  const queue = deps.mailboxQueue ?? PROCESS_MAILBOX_QUEUE;
  const sync = await queue.run(mailbox, () =>
    syncMailbox(mailbox, deps, { reason: strataPoll ? 'poll' : 'notification', hintHistoryId: historyId }),
  );
  return { status: 'synced', sync };
}

/**
 * Reads a mailbox from its stored cursor and dispatches every new message. The one ingest path:
 * notifications and the sweeper's polls both end here.
 *
 * Incremental sync: users.history.list (messageAdded only: Strata's own label changes and
 * trashing add no messages, so acting on mail never feeds back into scanning) paged to the end,
 * then the cursor moves to the response's historyId.
 *
 * Full sync (no cursor yet, or HistoryGoneError): the mailbox's current historyId is read
 * first, then at most fullSyncMaxMessages messages matching fullSyncQuery (spam included,
 * trash and drafts not), newest first; the cursor then moves to that first-read historyId, so
 * mail arriving during the listing is read again by the next incremental sync (and deduplicated).
 * fullSyncs and lastSyncAt are recorded.
 *
 * Per message, in this order: already scanned? (a read, so redeliveries cost no Gmail call)
 * → claim the fetch (another live owner: wait for its scan, bounded) → getRawMessage once → skip drafts / unscanned directions → parse → subject and attachments
 * into the blob store → createScan (create-if-absent: the claim) → publish one ScanRequest.
 * Nothing is recorded before the fetch succeeds, so a failed fetch leaves no trace that could
 * hide the message; if publishing fails after the claim, the sweeper re-dispatches the scan
 * (an undecided scan with engines missing is re-published after redispatchAfterMs).
 */
export async function syncMailbox(
  mailbox: string,
  deps: IngestDeps,
  options: { state?: MailboxState; reason: 'notification' | 'poll'; hintHistoryId?: string } = { reason: 'poll' },
): Promise<SyncOutcome> {
  const { repository, logger, config } = deps;
  const state = options.state ?? (await repository.getMailbox(mailbox));
  const cursorFrom = state?.historyCursor ?? null;
  const plan = await planSync(mailbox, cursorFrom, deps);

  const now = clockOf(deps)();
  const settled = await settleWithConcurrency(plan.candidates, config.fetchConcurrency, (candidate) =>
    ingestMessage(mailbox, candidate, deps, now),
  );
  const counts = { created: 0, duplicate: 0, skipped: 0 };
  const failures: { gmailMessageId: string; error: string }[] = [];
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled') counts[result.value] += 1;
    else failures.push({ gmailMessageId: (plan.candidates[index] as Candidate).id, error: describeError(result.reason) });
  });
  if (failures.length > 0) {
    const error = new IngestIncompleteError(mailbox, failures);
    logger.error('some new messages could not be ingested; the cursor stays for a retry', {
      mailbox,
      mode: plan.mode,
      failed: failures.length,
      created: counts.created,
      ...errorFields(error),
    });
    throw error;
  }

  const cursorAdvanced = await advanceCursorAfter(mailbox, cursorFrom, plan.nextCursor, deps);
  const finished = clockOf(deps)();
  if (plan.mode === 'full') {
    await repository.upsertMailbox(mailbox, { fullSyncs: (state?.fullSyncs ?? 0) + 1, lastSyncAt: finished });
  } else if (options.reason === 'poll') {
    await repository.upsertMailbox(mailbox, { lastSyncAt: finished });
  }
  const outcome: SyncOutcome = {
    mailbox,
    mode: plan.mode,
    ...(plan.fullSyncReason ? { fullSyncReason: plan.fullSyncReason } : {}),
    candidates: plan.candidates.length,
    scansCreated: counts.created,
    duplicates: counts.duplicate,
    skipped: counts.skipped,
    cursorFrom,
    cursorTo: plan.nextCursor,
    cursorAdvanced,
    truncated: plan.truncated,
  };
  logger.info('mailbox synced', { ...outcome, reason: options.reason, hintHistoryId: options.hintHistoryId });
  return outcome;
}

async function planSync(mailbox: string, cursor: string | null, deps: IngestDeps): Promise<SyncPlan> {
  if (cursor === null) return planFullSync(mailbox, 'no-cursor', deps);
  try {
    return await planIncrementalSync(mailbox, cursor, deps);
  } catch (error) {
    if (!isHistoryGone(error)) throw error;
    deps.logger.warn('history is gone; falling back to a bounded full sync', { mailbox, cursor, ...errorFields(error) });
    return planFullSync(mailbox, 'history-gone', deps);
  }
}

async function planIncrementalSync(mailbox: string, startHistoryId: string, deps: IngestDeps): Promise<SyncPlan> {
  const candidates = new Map<string, Candidate>();
  let pageToken: string | undefined;
  let historyId = startHistoryId;
  do {
    const page = await deps.gmail.listHistory(mailbox, {
      startHistoryId,
      historyTypes: ['messageAdded'],
      maxResults: deps.config.historyPageSize,
      ...(pageToken ? { pageToken } : {}),
    });
    for (const record of page.history) {
      for (const added of record.messagesAdded ?? []) addCandidate(candidates, added.message);
    }
    historyId = page.historyId;
    pageToken = page.nextPageToken;
  } while (pageToken);
  // A response older than the stored cursor (a lagging replica) must not move the cursor back;
  // advanceCursor refuses that anyway.
  return { mode: 'incremental', candidates: [...candidates.values()], nextCursor: historyId, truncated: false };
}

function addCandidate(candidates: Map<string, Candidate>, message: HistoryMessageRef): void {
  const known = candidates.get(message.id);
  if (known) {
    if (!known.labelIds && message.labelIds) known.labelIds = message.labelIds;
    return;
  }
  candidates.set(message.id, message.labelIds ? { id: message.id, labelIds: message.labelIds } : { id: message.id });
}

async function planFullSync(mailbox: string, reason: FullSyncReason, deps: IngestDeps): Promise<SyncPlan> {
  const { gmail, config, logger } = deps;
  // Read first: everything after this id is read again by the next incremental sync.
  const profile = await gmail.getProfile(mailbox);
  const query = fullSyncQueryOf(config);
  const ids = new Set<string>();
  let pageToken: string | undefined;
  let truncated = false;
  do {
    const page = await gmail.listMessages(mailbox, {
      q: query,
      includeSpamTrash: true,
      maxResults: Math.min(MAX_LIST_PAGE, config.fullSyncMaxMessages),
      ...(pageToken ? { pageToken } : {}),
    });
    for (const message of page.messages) {
      if (ids.size >= config.fullSyncMaxMessages) {
        truncated = true;
        break;
      }
      ids.add(message.id);
    }
    pageToken = page.nextPageToken;
    if (ids.size >= config.fullSyncMaxMessages && pageToken) truncated = true;
  } while (pageToken && !truncated);
  logger.warn('full sync of a mailbox', { mailbox, reason, query, messages: ids.size, truncated, historyId: profile.historyId });
  return {
    mode: 'full',
    fullSyncReason: reason,
    candidates: [...ids].map((id) => ({ id })),
    nextCursor: profile.historyId,
    truncated,
  };
}

/** The configured full-sync query, narrowed to leave sent mail out when outbound mail is not scanned. */
export function fullSyncQueryOf(config: Pick<PipelineConfig, 'fullSyncQuery' | 'scanOutbound'>): string {
  return config.scanOutbound ? config.fullSyncQuery : `${config.fullSyncQuery} -in:sent`;
}

async function ingestMessage(mailbox: string, candidate: Candidate, deps: IngestDeps, now: Date): Promise<MessageOutcome> {
  const { repository, config } = deps;
  if (skippedByLabels(candidate.labelIds, config.scanOutbound) !== null) return 'skipped';
  const scanId = scanIdFor(mailbox, candidate.id);
  if ((await repository.getScan(scanId)) !== null) return 'duplicate';

  const owner = deps.claimOwner ?? PROCESS_CLAIM_OWNER;
  const claimed = await claimOrWait(scanId, mailbox, candidate.id, owner, deps);
  if (claimed !== 'claimed') return claimed;
  let outcome: MessageOutcome;
  try {
    outcome = await fetchAndDispatch(mailbox, candidate, scanId, deps, now);
  } catch (error) {
    // Let a retry (here or elsewhere) fetch at once instead of waiting out the lease.
    await repository.releaseFetch(scanId, owner).catch((releaseError: unknown) =>
      deps.logger.warn('could not release a fetch claim; it expires with its lease', { scanId, ...errorFields(releaseError) }),
    );
    throw error;
  }
  if (outcome === 'skipped') await repository.settleFetchSkipped(scanId, owner);
  return outcome;
}

/**
 * Takes the claim to fetch a message, so instances racing on overlapping notifications fetch it
 * once between them. When another live owner holds it, waits (bounded) for its scan to appear;
 * a claim whose lease ran out is taken over. Gives up with FetchClaimHeldError, which leaves the
 * cursor in place for a retry.
 */
async function claimOrWait(
  scanId: string,
  mailbox: string,
  gmailMessageId: string,
  owner: string,
  deps: IngestDeps,
): Promise<'claimed' | 'duplicate' | 'skipped'> {
  const { repository, config, logger } = deps;
  const clock = clockOf(deps);
  const deadline = Date.now() + config.fetchClaimWaitMs;
  for (;;) {
    const claim = await repository.claimFetch(scanId, { mailbox, gmailMessageId, owner, now: clock(), leaseMs: config.fetchClaimLeaseMs });
    if (claim.status === 'claimed') {
      if (claim.tookOver) logger.warn('took over an expired fetch claim', { mailbox, gmailMessageId, scanId });
      return 'claimed';
    }
    if (claim.status === 'skipped') return 'skipped';
    if (Date.now() >= deadline) throw new FetchClaimHeldError(scanId, claim.owner, claim.until);
    await sleep(config.fetchClaimPollMs);
    if (await scanExists(repository, scanId)) return 'duplicate';
  }
}

async function scanExists(repository: ScanRepository, scanId: string): Promise<boolean> {
  return (await repository.getScan(scanId)) !== null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fetchAndDispatch(mailbox: string, candidate: Candidate, scanId: string, deps: IngestDeps, now: Date): Promise<MessageOutcome> {
  const { repository, gmail, blobs, bus, config, logger } = deps;
  let raw: RawMessage;
  try {
    raw = await gmail.getRawMessage(mailbox, candidate.id);
  } catch (error) {
    if (error instanceof GmailApiError && error.status === 404) {
      logger.info('message deleted before it could be fetched; nothing to scan', { mailbox, gmailMessageId: candidate.id });
      return 'skipped';
    }
    throw error;
  }
  if (skippedByLabels(raw.labelIds, config.scanOutbound) !== null) return 'skipped';

  const subject = await buildScanSubject(raw.raw, { limits: config.limits, trustedAuthority: config.trustedAuthority });
  const direction = classifyDirection({ labelIds: raw.labelIds, subject, organisationDomains: config.organisationDomains });
  if (direction === null || !scansDirection(config, direction)) return 'skipped';

  const subjectKey = await storeSubject(subject, blobs);
  const contentKey = contentKeyOf(subject);
  const receivedAt = new Date(raw.internalDate);
  const scan: NewScan = {
    scanId,
    mailbox,
    gmailMessageId: raw.id,
    direction,
    messageId: subject.ids.messageId,
    fromAddress: subject.from?.address ?? '',
    fromDomain: subject.from?.domain ?? '',
    subject: subject.subject.slice(0, MAX_STORED_SUBJECT_CHARS),
    receivedAt,
    expectedEngines: [...config.engines],
    subjectKey,
    contentKey,
    expireAt: new Date(now.getTime() + config.retentionDays * DAY_MS),
  };
  if (!(await repository.createScan(scan))) return 'duplicate';

  const request: ScanRequest = {
    scanId,
    mailbox,
    gmailMessageId: raw.id,
    direction,
    subjectKey,
    contentKey,
    engines: [...config.engines],
    receivedAt: receivedAt.getTime(),
  };
  await bus.publish(config.topics.scanRequests, request, { scanId, direction });
  return 'created';
}

export function scansDirection(config: Pick<PipelineConfig, 'scanInbound' | 'scanOutbound' | 'scanInternal'>, direction: Direction): boolean {
  switch (direction) {
    case 'inbound':
      return config.scanInbound;
    case 'outbound':
      return config.scanOutbound;
    case 'internal':
      return config.scanInternal;
  }
}

/**
 * Moves the cursor from `expected` to `next` by compare-and-set. When another invocation moved
 * it meanwhile, this one still read everything in (expected, next]; if the cursor now stands
 * inside that range, moving it on to `next` is as safe as the first attempt was. Otherwise
 * (already at or past `next`) there is nothing to do: the messages read here were dispatched.
 */
async function advanceCursorAfter(mailbox: string, expected: string | null, next: string, deps: IngestDeps): Promise<boolean> {
  const { repository, logger } = deps;
  // Nothing new was read (an empty history page reports the id the cursor already has).
  if (expected !== null && compareHistoryIds(next, expected) <= 0) return false;
  if (await repository.advanceCursor(mailbox, expected, next)) return true;
  const current = (await repository.getMailbox(mailbox))?.historyCursor ?? null;
  const insideReadRange =
    current !== null && (expected === null || compareHistoryIds(current, expected) >= 0) && compareHistoryIds(current, next) < 0;
  if (insideReadRange && (await repository.advanceCursor(mailbox, current, next))) return true;
  logger.info('cursor not advanced: another invocation already moved it as far or further', { mailbox, expected, next, current });
  return false;
}

function isHistoryGone(error: unknown): boolean {
  return error instanceof HistoryGoneError || (error instanceof Error && error.name === 'HistoryGoneError');
}
