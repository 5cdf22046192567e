import type { MessageContent } from './content';
import { readMessageContent } from './content';
import { badRequest, conflict, notFound } from './errors';
import { headerValue, messageIds, normaliseSubject, readHeaderBlock, type HeaderField } from './headers';
import type { SeededRandom } from './prng';

/**
 * One hosted mailbox: messages, labels, and the history log with Gmail's rules. History ids
 * only grow, with gaps; every change to a message appends one record; the log keeps a bounded
 * window and anything older is gone (history.list answers 404 for it).
 */

export interface LabelState {
  id: string;
  name: string;
  type: 'system' | 'user';
  messageListVisibility?: 'show' | 'hide';
  labelListVisibility?: 'labelShow' | 'labelShowIfUnread' | 'labelHide';
  color?: { textColor?: string; backgroundColor?: string };
}

/** Gmail's system labels, as users.labels.list shows them. */
export const SYSTEM_LABELS: readonly LabelState[] = Object.freeze([
  { id: 'CHAT', name: 'CHAT', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'SENT', name: 'SENT', type: 'system' },
  { id: 'INBOX', name: 'INBOX', type: 'system' },
  { id: 'IMPORTANT', name: 'IMPORTANT', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'TRASH', name: 'TRASH', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'DRAFT', name: 'DRAFT', type: 'system' },
  { id: 'SPAM', name: 'SPAM', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'CATEGORY_FORUMS', name: 'CATEGORY_FORUMS', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'CATEGORY_UPDATES', name: 'CATEGORY_UPDATES', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'CATEGORY_PERSONAL', name: 'CATEGORY_PERSONAL', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'CATEGORY_PROMOTIONS', name: 'CATEGORY_PROMOTIONS', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'CATEGORY_SOCIAL', name: 'CATEGORY_SOCIAL', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'STARRED', name: 'STARRED', type: 'system' },
  { id: 'UNREAD', name: 'UNREAD', type: 'system' },
]);

/** Labels only Gmail itself sets: messages.modify may neither add nor remove them. */
const LABELS_NOT_MODIFIABLE = new Set(['SENT', 'DRAFT', 'CHAT']);

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  internalDate: number;
  historyId: number;
  headers: HeaderField[];
  /** Message-ID header without angle brackets ('' when absent). */
  rfc822MessageId: string;
  content?: Promise<MessageContent>;
}

export type HistoryRecordKind = 'messageAdded' | 'messageDeleted' | 'labelChange';

export interface HistoryRecordState {
  id: number;
  kind: HistoryRecordKind;
  message: { id: string; threadId: string };
  /** The message's labels right after this change. */
  labelIdsAfter: string[];
  labelsAdded: string[];
  labelsRemoved: string[];
}

export interface WatchState {
  topicName: string;
  labelIds: string[];
  labelFilterBehavior: 'INCLUDE' | 'EXCLUDE';
  expiration: number;
}

export interface MailboxFlags {
  suspended?: boolean;
  archived?: boolean;
  isAdmin?: boolean;
  fullName?: string;
}

export class Mailbox {
  historyId: number;
  /** Records with ids up to here may have been dropped; older starting points answer 404. */
  prunedThrough: number;
  readonly records: HistoryRecordState[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly labels = new Map<string, LabelState>();
  watch: WatchState | undefined;
  private nextUserLabel = 1;
  private readonly threadsByRfc822Id = new Map<string, { threadId: string; subject: string }>();

  constructor(
    readonly email: string,
    readonly flags: MailboxFlags,
    initialHistoryId: number,
    private readonly retainedRecords: number,
    private readonly historyRandom: SeededRandom,
  ) {
    this.historyId = initialHistoryId;
    this.prunedThrough = initialHistoryId;
    for (const label of SYSTEM_LABELS) this.labels.set(label.id, { ...label });
  }

  message(id: string): StoredMessage {
    const message = this.messages.get(id);
    if (!message) throw notFound();
    return message;
  }

  content(message: StoredMessage): Promise<MessageContent> {
    message.content ??= readMessageContent(message.id, message.raw);
    return message.content;
  }

  /** 400 for any id that is not a label of this mailbox, as Gmail does for modify and list. */
  assertLabelsExist(labelIds: readonly string[]): void {
    for (const id of labelIds) {
      if (!this.labels.has(id)) throw badRequest(`Invalid label: ${id}`);
    }
  }

  deliver(id: string, raw: Buffer, labelIds: readonly string[], internalDate: number): { message: StoredMessage; record: HistoryRecordState } {
    this.assertLabelsExist(labelIds);
    const headers = readHeaderBlock(raw);
    const rfc822MessageId = messageIds(headerValue(headers, 'Message-ID'))[0] ?? '';
    const threadId = this.threadFor(id, headers);
    const message: StoredMessage = {
      id,
      threadId,
      labelIds: new Set(labelIds),
      raw,
      internalDate,
      historyId: this.historyId,
      headers,
      rfc822MessageId,
    };
    this.messages.set(id, message);
    if (rfc822MessageId && !this.threadsByRfc822Id.has(rfc822MessageId)) {
      this.threadsByRfc822Id.set(rfc822MessageId, { threadId, subject: normaliseSubject(headerValue(headers, 'Subject')) });
    }
    const record = this.append(message, 'messageAdded', [], []);
    return { message, record };
  }

  /**
   * A message joins the thread of a message it references (In-Reply-To, References) when the
   * subjects also agree, which is Gmail's rule; otherwise it starts its own thread.
   */
  private threadFor(id: string, headers: HeaderField[]): string {
    const subject = normaliseSubject(headerValue(headers, 'Subject'));
    const referenced = [...messageIds(headerValue(headers, 'In-Reply-To')), ...messageIds(headerValue(headers, 'References'))];
    for (const reference of referenced) {
      const thread = this.threadsByRfc822Id.get(reference);
      if (thread && thread.subject === subject) return thread.threadId;
    }
    return id;
  }

  /**
   * Adds and removes labels; one history record when anything changed, none for a no-op.
   * `viaApi` applies the rules messages.modify enforces (the user and Gmail itself may do more).
   */
  changeLabels(id: string, add: readonly string[], remove: readonly string[], viaApi: boolean): HistoryRecordState | null {
    this.assertLabelsExist([...add, ...remove]);
    if (viaApi) {
      for (const label of [...add, ...remove]) {
        if (LABELS_NOT_MODIFIABLE.has(label)) throw badRequest(`Invalid label: ${label} cannot be added or removed`);
      }
    }
    const message = this.message(id);
    const added = add.filter((label) => !message.labelIds.has(label));
    const removeSet = new Set(remove.filter((label) => !add.includes(label)));
    const removed = [...removeSet].filter((label) => message.labelIds.has(label));
    if (added.length === 0 && removed.length === 0) return null;
    for (const label of added) message.labelIds.add(label);
    for (const label of removed) message.labelIds.delete(label);
    return this.append(message, 'labelChange', added, removed);
  }

  /** Gmail's trash: TRASH on; INBOX and SPAM off (they are mutually exclusive with TRASH). */
  trash(id: string): HistoryRecordState | null {
    return this.changeLabels(id, ['TRASH'], ['INBOX', 'SPAM'], false);
  }

  /** Gmail's untrash only removes TRASH: the message does not go back to the inbox. */
  untrash(id: string): HistoryRecordState | null {
    return this.changeLabels(id, [], ['TRASH'], false);
  }

  /** Permanent deletion by the user (or by Gmail emptying the trash), never through the API. */
  expunge(id: string): HistoryRecordState {
    const message = this.message(id);
    this.messages.delete(id);
    return this.append(message, 'messageDeleted', [], []);
  }

  createLabel(request: Omit<LabelState, 'id' | 'type'>): LabelState {
    const name = request.name.trim();
    if (name.length === 0 || name.length > 225) throw badRequest('Invalid label name');
    const lower = name.toLowerCase();
    if (SYSTEM_LABELS.some((label) => label.name.toLowerCase() === lower)) throw badRequest('Invalid label name');
    for (const label of this.labels.values()) {
      if (label.name.toLowerCase() === lower) throw conflict('Label name exists or conflicts');
    }
    const label: LabelState = {
      id: `Label_${this.nextUserLabel++}`,
      name,
      type: 'user',
      messageListVisibility: request.messageListVisibility ?? 'show',
      labelListVisibility: request.labelListVisibility ?? 'labelShow',
      ...(request.color ? { color: request.color } : {}),
    };
    this.labels.set(label.id, label);
    return label;
  }

  /** Index of the first retained record with an id above `historyId`. */
  firstRecordAfter(historyId: number): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.records[middle] as HistoryRecordState).id <= historyId) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private append(message: StoredMessage, kind: HistoryRecordKind, labelsAdded: string[], labelsRemoved: string[]): HistoryRecordState {
    // Gmail's ids grow with gaps; a client must never assume +1.
    this.historyId += this.historyRandom.intBetween(1, 5);
    message.historyId = this.historyId;
    const record: HistoryRecordState = {
      id: this.historyId,
      kind,
      message: { id: message.id, threadId: message.threadId },
      labelIdsAfter: [...message.labelIds],
      labelsAdded,
      labelsRemoved,
    };
    this.records.push(record);
    while (this.records.length > this.retainedRecords) {
      const dropped = this.records.shift() as HistoryRecordState;
      this.prunedThrough = dropped.id;
    }
    return record;
  }
}
