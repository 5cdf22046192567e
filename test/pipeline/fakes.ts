import { GmailApiError, HistoryGoneError } from '../../functions/src/gmail/errors';
import type {
  DirectoryUser,
  GmailApi,
  GmailLabel,
  HistoryPage,
  HistoryRecord,
  MessageListPage,
  RawMessage,
  WatchResponse,
} from '../../functions/src/gmail/types';
import type { MessageBus } from '../../functions/src/pipeline/bus';
import type { PipelineLogger } from '../../functions/src/pipeline/logger';

/**
 * Small in-memory fakes for the pipeline's unit tests. The Gmail fake keeps per-mailbox
 * messages, labels and a history log with Gmail's semantics that the handlers rely on: history
 * ids grow across changes, history.list returns records after startHistoryId in pages, a start
 * before the retained window answers HistoryGoneError, label changes and trashing add history
 * records (but no messageAdded), and createLabel of an existing name answers 409.
 */

interface FakeMessage {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  internalDate: number;
  historyId: number;
}

interface FakeMailbox {
  messages: Map<string, FakeMessage>;
  history: HistoryRecord[];
  /** history.list from an id below this answers 404. */
  retainedFrom: number;
  labels: GmailLabel[];
  watch: { topicName: string; expiration: number } | null;
}

type Method = keyof GmailApi;

const SYSTEM_LABELS = ['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH', 'UNREAD', 'IMPORTANT'];

export class FakeGmail implements GmailApi {
  private nextHistoryId = 1000;
  private nextMessageId = 1;
  private nextLabelId = 1;
  private readonly mailboxes = new Map<string, FakeMailbox>();
  /** Calls per method, and per method and mailbox as `method mailbox`. */
  readonly calls: Record<string, number> = {};
  /** Errors the next calls of a method throw, in order (then the call works again). */
  private readonly failures = new Map<Method, unknown[]>();
  /** Whether history records carry labelIds (Gmail often sends only id and threadId). */
  historyCarriesLabels = true;
  users: DirectoryUser[] = [];
  usersPageSize = 2;
  now = () => Date.UTC(2026, 10, 30, 12, 0, 0);

  addMailbox(mailbox: string): void {
    if (this.mailboxes.has(mailbox)) return;
    this.mailboxes.set(mailbox, {
      messages: new Map(),
      history: [],
      retainedFrom: 0,
      labels: SYSTEM_LABELS.map((name) => ({ id: name, name, type: 'system' })),
      watch: null,
    });
  }

  /** Delivers a message (a history record with messageAdded) and returns its Gmail id. */
  deliver(mailbox: string, raw: string | Buffer, labelIds: string[] = ['INBOX', 'UNREAD']): string {
    const box = this.box(mailbox);
    const id = `m${(this.nextMessageId++).toString(16).padStart(8, '0')}`;
    const historyId = this.nextHistoryId++;
    box.messages.set(id, {
      id,
      threadId: `t${id}`,
      labelIds: new Set(labelIds),
      raw: Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8'),
      internalDate: this.now(),
      historyId,
    });
    box.history.push({ id: String(historyId), messagesAdded: [{ message: { id, threadId: `t${id}`, labelIds: [...labelIds] } }] });
    return id;
  }

  /** Deletes a message for good (as a user emptying the trash would). */
  deleteMessage(mailbox: string, id: string): void {
    const box = this.box(mailbox);
    box.messages.delete(id);
    box.history.push({ id: String(this.nextHistoryId++), messagesDeleted: [{ message: { id, threadId: `t${id}` } }] });
  }

  /** Drops history before the current point, as Gmail does after about a week. */
  expireHistory(mailbox: string): void {
    this.box(mailbox).retainedFrom = this.nextHistoryId;
  }

  currentHistoryId(): string {
    return String(this.nextHistoryId - 1);
  }

  labelsOf(mailbox: string, id: string): string[] {
    return [...(this.box(mailbox).messages.get(id)?.labelIds ?? [])].sort();
  }

  labelNamesOf(mailbox: string, id: string): string[] {
    const box = this.box(mailbox);
    return this.labelsOf(mailbox, id).map((labelId) => box.labels.find((label) => label.id === labelId)?.name ?? labelId).sort();
  }

  userLabels(mailbox: string): GmailLabel[] {
    return this.box(mailbox).labels.filter((label) => label.type === 'user');
  }

  /** Removes a user label (as a user deleting it in the Gmail UI). */
  deleteLabel(mailbox: string, name: string): void {
    const box = this.box(mailbox);
    const label = box.labels.find((candidate) => candidate.name === name);
    box.labels = box.labels.filter((candidate) => candidate !== label);
    for (const message of box.messages.values()) if (label) message.labelIds.delete(label.id);
  }

  watchOf(mailbox: string): { topicName: string; expiration: number } | null {
    return this.box(mailbox).watch;
  }

  failNext(method: Method, ...errors: unknown[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...errors]);
  }

  callsOf(method: Method, mailbox?: string): number {
    return this.calls[mailbox ? `${method} ${mailbox}` : method] ?? 0;
  }

  private enter(method: Method, mailbox?: string): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    if (mailbox) this.calls[`${method} ${mailbox}`] = (this.calls[`${method} ${mailbox}`] ?? 0) + 1;
    const queued = this.failures.get(method);
    if (queued && queued.length > 0) throw queued.shift();
  }

  private box(mailbox: string): FakeMailbox {
    const box = this.mailboxes.get(mailbox);
    if (!box) throw new GmailApiError(`no mailbox ${mailbox}`, 404, 'fake', mailbox);
    return box;
  }

  private message(mailbox: string, id: string, method: string): FakeMessage {
    const message = this.box(mailbox).messages.get(id);
    if (!message) throw new GmailApiError(`message ${id} not found`, 404, method, mailbox);
    return message;
  }

  private recordLabelChange(mailbox: string, message: FakeMessage, added: string[], removed: string[]): void {
    const ref = { id: message.id, threadId: message.threadId };
    const record: HistoryRecord = { id: String(this.nextHistoryId++) };
    if (added.length > 0) record.labelsAdded = [{ message: ref, labelIds: added }];
    if (removed.length > 0) record.labelsRemoved = [{ message: ref, labelIds: removed }];
    this.box(mailbox).history.push(record);
  }

  async getProfile(mailbox: string) {
    this.enter('getProfile', mailbox);
    const box = this.box(mailbox);
    return { emailAddress: mailbox, historyId: this.currentHistoryId(), messagesTotal: box.messages.size };
  }

  async watch(mailbox: string, request: { topicName: string }): Promise<WatchResponse> {
    this.enter('watch', mailbox);
    const expiration = this.now() + 7 * 24 * 3600 * 1000;
    this.box(mailbox).watch = { topicName: request.topicName, expiration };
    return { historyId: this.currentHistoryId(), expiration };
  }

  async stop(mailbox: string): Promise<void> {
    this.enter('stop', mailbox);
    this.box(mailbox).watch = null;
  }

  async listHistory(
    mailbox: string,
    request: { startHistoryId: string; pageToken?: string; historyTypes?: string[]; maxResults?: number },
  ): Promise<HistoryPage> {
    this.enter('listHistory', mailbox);
    const box = this.box(mailbox);
    const start = Number(request.startHistoryId);
    if (start < box.retainedFrom) throw new HistoryGoneError(mailbox, request.startHistoryId);
    const wantsAdded = !request.historyTypes || request.historyTypes.includes('messageAdded');
    const records = box.history
      .filter((record) => Number(record.id) > start)
      .map((record) => this.shapeRecord(record, request.historyTypes))
      .filter((record): record is HistoryRecord => record !== null && (wantsAdded || !record.messagesAdded));
    const offset = request.pageToken ? Number(request.pageToken) : 0;
    const size = request.maxResults ?? 100;
    const page = records.slice(offset, offset + size);
    const more = offset + size < records.length;
    return { history: page, historyId: this.currentHistoryId(), ...(more ? { nextPageToken: String(offset + size) } : {}) };
  }

  private shapeRecord(record: HistoryRecord, types: string[] | undefined): HistoryRecord | null {
    const keep = (type: string) => !types || types.includes(type);
    const shaped: HistoryRecord = { id: record.id };
    if (record.messagesAdded && keep('messageAdded')) {
      shaped.messagesAdded = record.messagesAdded.map(({ message }) => ({
        message: this.historyCarriesLabels ? message : { id: message.id, threadId: message.threadId },
      }));
    }
    if (record.labelsAdded && keep('labelAdded')) shaped.labelsAdded = record.labelsAdded;
    if (record.labelsRemoved && keep('labelRemoved')) shaped.labelsRemoved = record.labelsRemoved;
    if (record.messagesDeleted && keep('messageDeleted')) shaped.messagesDeleted = record.messagesDeleted;
    return Object.keys(shaped).length > 1 ? shaped : null;
  }

  /** Newest first; understands the parts of the full-sync query the pipeline uses (-in:trash, -in:drafts, -in:sent). */
  async listMessages(
    mailbox: string,
    request: { q?: string; pageToken?: string; maxResults?: number; includeSpamTrash?: boolean },
  ): Promise<MessageListPage> {
    this.enter('listMessages', mailbox);
    const excluded = [...(request.q ?? '').matchAll(/-in:(\w+)/g)].map((match) => (match[1] as string).toUpperCase());
    const excludedLabels = excluded.map((name) => (name === 'DRAFTS' ? 'DRAFT' : name));
    if (!request.includeSpamTrash) excludedLabels.push('SPAM', 'TRASH');
    const all = [...this.box(mailbox).messages.values()]
      .filter((message) => !excludedLabels.some((label) => message.labelIds.has(label)))
      .sort((a, b) => b.historyId - a.historyId);
    const offset = request.pageToken ? Number(request.pageToken) : 0;
    const size = request.maxResults ?? 100;
    const page = all.slice(offset, offset + size);
    const more = offset + size < all.length;
    return {
      messages: page.map((message) => ({ id: message.id, threadId: message.threadId })),
      resultSizeEstimate: all.length,
      ...(more ? { nextPageToken: String(offset + size) } : {}),
    };
  }

  async getRawMessage(mailbox: string, messageId: string): Promise<RawMessage> {
    this.enter('getRawMessage', mailbox);
    const message = this.message(mailbox, messageId, 'messages.get');
    return {
      id: message.id,
      threadId: message.threadId,
      labelIds: [...message.labelIds],
      historyId: String(message.historyId),
      internalDate: message.internalDate,
      sizeEstimate: message.raw.length,
      raw: Buffer.from(message.raw),
    };
  }

  async modifyMessage(mailbox: string, messageId: string, change: { addLabelIds?: string[]; removeLabelIds?: string[] }) {
    this.enter('modifyMessage', mailbox);
    const box = this.box(mailbox);
    const message = this.message(mailbox, messageId, 'messages.modify');
    for (const id of change.addLabelIds ?? []) {
      if (!box.labels.some((label) => label.id === id)) throw new GmailApiError(`Invalid label: ${id}`, 400, 'messages.modify', mailbox);
    }
    const added = (change.addLabelIds ?? []).filter((id) => !message.labelIds.has(id));
    const removed = (change.removeLabelIds ?? []).filter((id) => message.labelIds.has(id));
    for (const id of added) message.labelIds.add(id);
    for (const id of removed) message.labelIds.delete(id);
    if (added.length + removed.length > 0) this.recordLabelChange(mailbox, message, added, removed);
    return { labelIds: [...message.labelIds] };
  }

  async batchModify(): Promise<void> {
    throw new Error('batchModify is not used by the pipeline');
  }

  async trashMessage(mailbox: string, messageId: string) {
    this.enter('trashMessage', mailbox);
    const message = this.message(mailbox, messageId, 'messages.trash');
    if (!message.labelIds.has('TRASH')) {
      const removed = ['INBOX'].filter((id) => message.labelIds.has(id));
      message.labelIds.add('TRASH');
      for (const id of removed) message.labelIds.delete(id);
      this.recordLabelChange(mailbox, message, ['TRASH'], removed);
    }
    return { labelIds: [...message.labelIds] };
  }

  async untrashMessage(mailbox: string, messageId: string) {
    this.enter('untrashMessage', mailbox);
    const message = this.message(mailbox, messageId, 'messages.untrash');
    message.labelIds.delete('TRASH');
    return { labelIds: [...message.labelIds] };
  }

  async listLabels(mailbox: string): Promise<GmailLabel[]> {
    this.enter('listLabels', mailbox);
    return this.box(mailbox).labels.map((label) => ({ ...label }));
  }

  async createLabel(mailbox: string, name: string): Promise<GmailLabel> {
    this.enter('createLabel', mailbox);
    const box = this.box(mailbox);
    if (box.labels.some((label) => label.name.toLowerCase() === name.toLowerCase())) {
      throw new GmailApiError(`Label name exists or conflicts: ${name}`, 409, 'labels.create', mailbox);
    }
    const label: GmailLabel = { id: `Label_${this.nextLabelId++}`, name, type: 'user' };
    box.labels.push(label);
    return { ...label };
  }

  async listUsers(request: { pageToken?: string; maxResults?: number }) {
    this.enter('listUsers');
    const offset = request.pageToken ? Number(request.pageToken) : 0;
    const size = Math.min(request.maxResults ?? 100, this.usersPageSize);
    const more = offset + size < this.users.length;
    return { users: this.users.slice(offset, offset + size), ...(more ? { nextPageToken: String(offset + size) } : {}) };
  }
}

export interface Published {
  topic: string;
  message: unknown;
  attributes?: Record<string, string>;
}

/** A MessageBus that keeps what was published, per topic, and can be made to fail. */
export class MemoryBus implements MessageBus {
  readonly published: Published[] = [];
  private failures: unknown[] = [];
  private nextId = 1;

  async publish(topic: string, message: object, attributes?: Record<string, string>): Promise<string> {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    // Through JSON, as Pub/Sub carries it: Dates and undefined do not survive.
    this.published.push({ topic, message: JSON.parse(JSON.stringify(message)) as unknown, ...(attributes ? { attributes } : {}) });
    return String(this.nextId++);
  }

  failNext(...errors: unknown[]): void {
    this.failures.push(...errors);
  }

  on(topic: string): unknown[] {
    return this.published.filter((entry) => entry.topic === topic).map((entry) => entry.message);
  }

  /** Removes and returns what was published on a topic (a subscription consuming it). */
  take(topic: string): unknown[] {
    const taken = this.published.filter((entry) => entry.topic === topic);
    for (const entry of taken) this.published.splice(this.published.indexOf(entry), 1);
    return taken.map((entry) => entry.message);
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export class RecordingLogger implements PipelineLogger {
  readonly lines: LogLine[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
  at(level: LogLine['level']): LogLine[] {
    return this.lines.filter((line) => line.level === level);
  }
}
