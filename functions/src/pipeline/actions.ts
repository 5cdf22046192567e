import type { Action } from '../core/policy';
import { GmailApiError } from '../gmail/errors';
import type { GmailLabel } from '../gmail/types';
import { clockOf, type ActionDeps } from './deps';
import { StrataError } from '../core/errors';
import { describeError, errorFields } from './logger';
import type { AuditEntry, ScanRecord } from './repository';

export type LabelRole = 'suspicious' | 'quarantine';
export const LABEL_ROLES: readonly LabelRole[] = ['suspicious', 'quarantine'];

/** Gmail's system label that makes a message show in the inbox; quarantine takes it away. */
export const INBOX_LABEL = 'INBOX';
/** What trashing adds, for the audit (trashMessage is the call; never a permanent delete). */
export const TRASH_LABEL = 'TRASH';

/** A Strata label could be neither found nor created in a mailbox. */
export class LabelSetupError extends StrataError {
  constructor(mailbox: string, labelName: string, problem: string, options?: { cause?: unknown }) {
    super('pipeline.label_setup', `label ${labelName} in ${mailbox}: ${problem}`, { mailbox, labelName }, options);
  }
}

/** The mailbox change an action made, by label name (system labels by id, which is their name). */
export interface AppliedChange {
  labelsAdded: string[];
  labelsRemoved: string[];
}

export type ActionOutcome =
  | { status: 'applied'; action: Action; change: AppliedChange }
  | { status: 'failed'; action: Action; change: AppliedChange; error: string }
  /** Action none: nothing to do. `passive` when the policy intended more but runs passive. */
  | { status: 'skipped'; action: 'none'; passive: boolean; intendedAction: Action };

/** The part of a scan an action needs. */
export type ActionTarget = Pick<ScanRecord, 'scanId' | 'mailbox' | 'gmailMessageId'>;

/**
 * The Gmail label ids of Strata's labels in a mailbox, creating what is missing. The ids are
 * kept in the mailbox state, so labels.list runs once per mailbox (and again only when a stored
 * id turns out stale). Two invocations creating the same label at once: the loser's create
 * answers 409 and it re-lists to pick up the winner's label.
 */
export async function ensureLabels(mailbox: string, roles: readonly LabelRole[], deps: ActionDeps): Promise<Partial<Record<LabelRole, string>>> {
  const state = await deps.repository.getMailbox(mailbox);
  const known = state?.labelIds ?? {};
  if (roles.every((role) => known[role])) return pick(known, roles);
  // Every Strata label at once, so a mailbox is listed (and its labels created) once, not per role.
  return pick(await refreshLabels(mailbox, LABEL_ROLES, deps), roles);
}

/** Lists the mailbox's labels, creates the missing Strata labels and stores every id. */
async function refreshLabels(mailbox: string, roles: readonly LabelRole[], deps: ActionDeps): Promise<Partial<Record<LabelRole, string>>> {
  const { gmail, repository, config, logger } = deps;
  let labels = await gmail.listLabels(mailbox);
  const ids: Partial<Record<LabelRole, string>> = {};
  for (const role of roles) {
    const name = config.labels[role];
    let label = findLabel(labels, name);
    if (!label) {
      try {
        label = await gmail.createLabel(mailbox, name);
        logger.info('created Strata label', { mailbox, label: name, labelId: label.id });
      } catch (error) {
        if (!(error instanceof GmailApiError && error.status === 409)) throw error;
        labels = await gmail.listLabels(mailbox);
        label = findLabel(labels, name);
        if (!label) throw new LabelSetupError(mailbox, name, 'create answered 409 (exists) but the label is not listed', { cause: error });
      }
    }
    ids[role] = label.id;
  }
  await repository.upsertMailbox(mailbox, { labelIds: ids });
  return ids;
}

/** Gmail label names are unique regardless of case. */
function findLabel(labels: readonly GmailLabel[], name: string): GmailLabel | undefined {
  const wanted = name.toLowerCase();
  return labels.find((label) => label.name.toLowerCase() === wanted);
}

function pick(ids: Partial<Record<LabelRole, string>>, roles: readonly LabelRole[]): Partial<Record<LabelRole, string>> {
  return Object.fromEntries(roles.map((role) => [role, ids[role]])) as Partial<Record<LabelRole, string>>;
}

/**
 * Applies an action to one message. Idempotent, as Gmail's calls are: adding a label the
 * message has or removing one it lacks changes nothing, and trashing trashed mail neither.
 * label → add Strata/Suspicious; quarantine → add Strata/Quarantine and remove INBOX;
 * trash → users.messages.trash (recoverable for 30 days; Strata never deletes permanently);
 * none → nothing. Throws on failure.
 */
export async function applyAction(target: ActionTarget, action: Action, deps: ActionDeps): Promise<AppliedChange> {
  const { gmail, config } = deps;
  const { mailbox, gmailMessageId } = target;
  switch (action) {
    case 'none':
      return { labelsAdded: [], labelsRemoved: [] };
    case 'label':
      await modifyWithLabel(target, 'suspicious', [], deps);
      return { labelsAdded: [config.labels.suspicious], labelsRemoved: [] };
    case 'quarantine':
      await modifyWithLabel(target, 'quarantine', [INBOX_LABEL], deps);
      return { labelsAdded: [config.labels.quarantine], labelsRemoved: [INBOX_LABEL] };
    case 'trash':
      await gmail.trashMessage(mailbox, gmailMessageId);
      return { labelsAdded: [TRASH_LABEL], labelsRemoved: [] };
  }
}

/**
 * Adds a Strata label (and removes `remove`). When Gmail refuses with 400/404 and a fresh
 * listing shows the stored label id is gone (a user deleted the label), the label is created
 * again and the change retried once; otherwise the error stands.
 */
async function modifyWithLabel(target: ActionTarget, role: LabelRole, remove: string[], deps: ActionDeps): Promise<void> {
  const { gmail } = deps;
  const { mailbox, gmailMessageId } = target;
  const labelId = (await ensureLabels(mailbox, [role], deps))[role] as string;
  const change = (id: string) => ({ addLabelIds: [id], ...(remove.length > 0 ? { removeLabelIds: remove } : {}) });
  try {
    await gmail.modifyMessage(mailbox, gmailMessageId, change(labelId));
  } catch (error) {
    if (!(error instanceof GmailApiError && (error.status === 400 || error.status === 404))) throw error;
    const labels = await gmail.listLabels(mailbox);
    if (labels.some((label) => label.id === labelId)) throw error;
    deps.logger.warn('stored Strata label id is stale; recreating the label', { mailbox, labelId, role });
    const fresh = (await refreshLabels(mailbox, [role], deps))[role] as string;
    await gmail.modifyMessage(mailbox, gmailMessageId, change(fresh));
  }
}

/**
 * Carries out a decision on a scan and records it: applies the action, stores the outcome
 * (actionStatus applied / failed with the error; the sweeper retries failed ones) and appends
 * one audit entry. Action none changes nothing and records nothing more (the decision already
 * stored actionStatus skipped), except in passive mode, where the audit notes what the policy
 * intended and that nothing was applied. Never throws for a failed action; throws only when the
 * outcome cannot be recorded (the store is down), so the event is redelivered.
 */
export async function carryOutDecision(
  scan: ActionTarget,
  decision: { action: Action; intendedAction: Action; passive: boolean },
  actor: AuditEntry['actor'],
  deps: ActionDeps,
): Promise<ActionOutcome> {
  const { repository, logger } = deps;
  const base = { mailbox: scan.mailbox, scanId: scan.scanId, gmailMessageId: scan.gmailMessageId, actor };
  if (decision.action === 'none') {
    if (decision.passive && decision.intendedAction !== 'none') {
      await repository.appendAudit({
        ...base,
        at: clockOf(deps)(),
        action: 'none',
        labelsAdded: [],
        labelsRemoved: [],
        outcome: 'passive',
        intendedAction: decision.intendedAction,
      });
      logger.info('passive mode: action not applied', { ...base, intendedAction: decision.intendedAction });
    }
    return { status: 'skipped', action: 'none', passive: decision.passive, intendedAction: decision.intendedAction };
  }

  let outcome: ActionOutcome;
  try {
    const change = await applyAction(scan, decision.action, deps);
    outcome = { status: 'applied', action: decision.action, change };
  } catch (error) {
    outcome = { status: 'failed', action: decision.action, change: { labelsAdded: [], labelsRemoved: [] }, error: describeError(error) };
    logger.error('action failed; the sweeper retries it', { ...base, action: decision.action, ...errorFields(error) });
  }
  await repository.recordActionOutcome(
    scan.scanId,
    outcome.status === 'failed' ? { status: 'failed', error: outcome.error } : { status: 'applied' },
  );
  await repository.appendAudit({
    ...base,
    at: clockOf(deps)(),
    action: decision.action,
    labelsAdded: outcome.change.labelsAdded,
    labelsRemoved: outcome.change.labelsRemoved,
    outcome: outcome.status,
    ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
  });
  if (outcome.status === 'applied') logger.info('action applied', { ...base, action: decision.action, ...outcome.change });
  return outcome;
}
