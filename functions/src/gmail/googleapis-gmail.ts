import { admin, type admin_directory_v1 } from '@googleapis/admin';
import { gmail, type gmail_v1, type MethodOptions } from '@googleapis/gmail';
import { StrataError } from '../core/errors';
import type { AccessTokenProvider } from './auth/token-provider';
import type { FetchLike } from './auth/token-endpoint';
import { GmailApiError, HistoryGoneError } from './errors';
import type { GmailMethod, QuotaBudget } from './quota';
import { describeFailure, RetryPolicy, type RetrySettings } from './retry';
import type {
  DirectoryUser,
  GmailApi,
  GmailLabel,
  HistoryMessageRef,
  HistoryPage,
  HistoryRecord,
  MessageListPage,
  RawMessage,
  WatchResponse,
} from './types';

/** Directory calls draw on the Admin SDK's quota, not the mailbox's Gmail units. */
export type AdapterMethod = GmailMethod | 'directory.users.list';

export interface GoogleapisGmailOptions {
  /** Where Gmail (and, unless directoryRootUrl is set, Directory) lives; Google's by default. */
  rootUrl?: string;
  directoryRootUrl?: string;
  /** Tokens for mailboxes, scope gmail.modify. */
  tokens: AccessTokenProvider;
  /**
   * Tokens for the Directory, scope admin.directory.user.readonly, impersonating adminMailbox.
   * Defaults to `tokens`, which is only right when every token is the same (static mode).
   */
  directoryTokens?: AccessTokenProvider;
  /** The admin impersonated for Directory users.list. */
  adminMailbox: string;
  retry?: RetrySettings;
  quota: QuotaBudget;
  /** Defaults to Node's global fetch. */
  fetchImplementation?: FetchLike;
  /** Per HTTP request. A 50 MB message is about 67 MB of base64 JSON, hence the generous default. */
  requestTimeoutMs?: number;
}

export interface GmailAdapterStats {
  /** HTTP requests per method, retries included: each one costs quota. */
  calls: Record<string, number>;
  /** Quota units reserved per mailbox. */
  units: Record<string, number>;
  /** Retries per method (a subset of calls). */
  retries: Record<string, number>;
}

type Send<T> = (options: MethodOptions) => Promise<{ data: T }>;

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function increment(counter: Record<string, number>, key: string, by = 1): void {
  counter[key] = (counter[key] ?? 0) + by;
}

function messageRef(message: gmail_v1.Schema$Message | undefined): HistoryMessageRef | undefined {
  if (!message?.id) return undefined;
  const ref: HistoryMessageRef = { id: message.id, threadId: message.threadId ?? '' };
  if (message.labelIds) ref.labelIds = message.labelIds;
  return ref;
}

function messageEntries(entries: { message?: gmail_v1.Schema$Message }[] | undefined): { message: HistoryMessageRef }[] | undefined {
  if (!entries) return undefined;
  return entries.flatMap((entry) => {
    const ref = messageRef(entry.message);
    return ref ? [{ message: ref }] : [];
  });
}

function labelEntries(
  entries: { message?: gmail_v1.Schema$Message; labelIds?: string[] | null }[] | undefined,
): { message: HistoryMessageRef; labelIds: string[] }[] | undefined {
  if (!entries) return undefined;
  return entries.flatMap((entry) => {
    const ref = messageRef(entry.message);
    return ref ? [{ message: ref, labelIds: entry.labelIds ?? [] }] : [];
  });
}

function historyRecord(record: gmail_v1.Schema$History): HistoryRecord {
  const result: HistoryRecord = { id: record.id ?? '' };
  const added = messageEntries(record.messagesAdded);
  const deleted = messageEntries(record.messagesDeleted);
  const labelsAdded = labelEntries(record.labelsAdded);
  const labelsRemoved = labelEntries(record.labelsRemoved);
  if (added) result.messagesAdded = added;
  if (deleted) result.messagesDeleted = deleted;
  if (labelsAdded) result.labelsAdded = labelsAdded;
  if (labelsRemoved) result.labelsRemoved = labelsRemoved;
  return result;
}

function label(source: gmail_v1.Schema$Label): GmailLabel {
  return { id: source.id ?? '', name: source.name ?? '', type: source.type === 'system' ? 'system' : 'user' };
}

/**
 * GmailApi over the real REST API (@googleapis/gmail, @googleapis/admin). Each call fetches the
 * mailbox's token, reserves quota units, and runs under the retry policy; gaxios' own retries
 * are off so that one policy, with one set of counters, governs every request.
 */
export class GoogleapisGmail implements GmailApi {
  private readonly gmail: gmail_v1.Gmail;
  private readonly directory: admin_directory_v1.Admin;
  private readonly retry: RetryPolicy;
  private readonly directoryTokens: AccessTokenProvider;
  private readonly timeoutMs: number;
  private readonly counters: GmailAdapterStats = { calls: {}, units: {}, retries: {} };

  constructor(private readonly options: GoogleapisGmailOptions) {
    const rootUrl = options.rootUrl ? withTrailingSlash(options.rootUrl) : undefined;
    const directoryRootUrl = options.directoryRootUrl ? withTrailingSlash(options.directoryRootUrl) : rootUrl;
    // Node's own fetch, like the token providers: gaxios would otherwise import node-fetch lazily,
    // which fails inside Jest's VM and gives network errors a second shape to classify.
    const fetchImplementation = options.fetchImplementation ?? fetch;
    this.gmail = gmail({ version: 'v1', rootUrl, fetchImplementation });
    this.directory = admin({ version: 'directory_v1', rootUrl: directoryRootUrl, fetchImplementation });
    this.retry = new RetryPolicy(options.retry);
    this.directoryTokens = options.directoryTokens ?? options.tokens;
    this.timeoutMs = options.requestTimeoutMs ?? 120_000;
  }

  stats(): GmailAdapterStats {
    return { calls: { ...this.counters.calls }, units: { ...this.counters.units }, retries: { ...this.counters.retries } };
  }

  resetStats(): void {
    this.counters.calls = {};
    this.counters.units = {};
    this.counters.retries = {};
  }

  async getProfile(mailbox: string): Promise<{ emailAddress: string; historyId: string; messagesTotal: number }> {
    const data = await this.call('getProfile', mailbox, (o) => this.gmail.users.getProfile({ userId: mailbox }, o));
    return { emailAddress: data.emailAddress ?? mailbox, historyId: data.historyId ?? '', messagesTotal: data.messagesTotal ?? 0 };
  }

  async watch(
    mailbox: string,
    request: { topicName: string; labelIds?: string[]; labelFilterBehavior?: 'INCLUDE' | 'EXCLUDE' },
  ): Promise<WatchResponse> {
    const data = await this.call('watch', mailbox, (o) => this.gmail.users.watch({ userId: mailbox, requestBody: request }, o));
    return { historyId: data.historyId ?? '', expiration: Number(data.expiration ?? 0) };
  }

  async stop(mailbox: string): Promise<void> {
    await this.call('stop', mailbox, (o) => this.gmail.users.stop({ userId: mailbox }, o));
  }

  async listHistory(
    mailbox: string,
    request: { startHistoryId: string; pageToken?: string; historyTypes?: string[]; maxResults?: number; labelId?: string },
  ): Promise<HistoryPage> {
    const data = await this.call(
      'history.list',
      mailbox,
      (o) => this.gmail.users.history.list({ userId: mailbox, ...request }, o),
      (error) => (error.status === 404 ? new HistoryGoneError(mailbox, request.startHistoryId, { cause: error.cause, attempts: error.attempts }) : error),
    );
    const page: HistoryPage = { history: (data.history ?? []).map(historyRecord), historyId: data.historyId ?? '' };
    if (data.nextPageToken) page.nextPageToken = data.nextPageToken;
    return page;
  }

  async listMessages(
    mailbox: string,
    request: { q?: string; labelIds?: string[]; pageToken?: string; maxResults?: number; includeSpamTrash?: boolean },
  ): Promise<MessageListPage> {
    const data = await this.call('messages.list', mailbox, (o) => this.gmail.users.messages.list({ userId: mailbox, ...request }, o));
    const page: MessageListPage = {
      messages: (data.messages ?? []).flatMap((m) => (m.id ? [{ id: m.id, threadId: m.threadId ?? '' }] : [])),
      resultSizeEstimate: data.resultSizeEstimate ?? 0,
    };
    if (data.nextPageToken) page.nextPageToken = data.nextPageToken;
    return page;
  }

  async getRawMessage(mailbox: string, messageId: string): Promise<RawMessage> {
    const data = await this.call('messages.get', mailbox, (o) =>
      this.gmail.users.messages.get({ userId: mailbox, id: messageId, format: 'raw' }, o),
    );
    if (typeof data.raw !== 'string') {
      throw new GmailApiError(`messages.get ${messageId} for ${mailbox} returned no raw body`, 200, 'messages.get', mailbox, {
        reason: 'malformedResponse',
      });
    }
    return {
      id: data.id ?? messageId,
      threadId: data.threadId ?? '',
      labelIds: data.labelIds ?? [],
      historyId: data.historyId ?? '',
      internalDate: Number(data.internalDate ?? 0),
      sizeEstimate: data.sizeEstimate ?? 0,
      // Gmail sends base64url; Node's decoder also accepts padding and the standard alphabet.
      raw: Buffer.from(data.raw, 'base64url'),
    };
  }

  async modifyMessage(
    mailbox: string,
    messageId: string,
    change: { addLabelIds?: string[]; removeLabelIds?: string[] },
  ): Promise<{ labelIds: string[] }> {
    const data = await this.call('messages.modify', mailbox, (o) =>
      this.gmail.users.messages.modify({ userId: mailbox, id: messageId, requestBody: change }, o),
    );
    return { labelIds: data.labelIds ?? [] };
  }

  async batchModify(mailbox: string, change: { ids: string[]; addLabelIds?: string[]; removeLabelIds?: string[] }): Promise<void> {
    // An empty batch would still cost 50 units for nothing.
    if (change.ids.length === 0) return;
    await this.call('messages.batchModify', mailbox, (o) => this.gmail.users.messages.batchModify({ userId: mailbox, requestBody: change }, o));
  }

  async trashMessage(mailbox: string, messageId: string): Promise<{ labelIds: string[] }> {
    const data = await this.call('messages.trash', mailbox, (o) => this.gmail.users.messages.trash({ userId: mailbox, id: messageId }, o));
    return { labelIds: data.labelIds ?? [] };
  }

  async untrashMessage(mailbox: string, messageId: string): Promise<{ labelIds: string[] }> {
    const data = await this.call('messages.untrash', mailbox, (o) => this.gmail.users.messages.untrash({ userId: mailbox, id: messageId }, o));
    return { labelIds: data.labelIds ?? [] };
  }

  async listLabels(mailbox: string): Promise<GmailLabel[]> {
    const data = await this.call('labels.list', mailbox, (o) => this.gmail.users.labels.list({ userId: mailbox }, o));
    return (data.labels ?? []).map(label);
  }

  async createLabel(mailbox: string, name: string): Promise<GmailLabel> {
    const data = await this.call('labels.create', mailbox, (o) =>
      this.gmail.users.labels.create(
        { userId: mailbox, requestBody: { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' } },
        o,
      ),
    );
    return label(data);
  }

  async listUsers(request: { customer?: string; domain?: string; pageToken?: string; maxResults?: number }): Promise<{
    users: DirectoryUser[];
    nextPageToken?: string;
  }> {
    // Directory wants either a customer or a domain; my_customer is the admin's own customer.
    const scopeOfListing = request.customer || !request.domain ? { customer: request.customer ?? 'my_customer' } : { domain: request.domain };
    const data = await this.call('directory.users.list', this.options.adminMailbox, (o) =>
      this.directory.users.list({ ...scopeOfListing, pageToken: request.pageToken, maxResults: request.maxResults }, o),
    );
    const users = (data.users ?? []).flatMap((user): DirectoryUser[] => {
      if (!user.primaryEmail) return [];
      const entry: DirectoryUser = { primaryEmail: user.primaryEmail, suspended: user.suspended === true };
      if (typeof user.archived === 'boolean') entry.archived = user.archived;
      return [entry];
    });
    return data.nextPageToken ? { users, nextPageToken: data.nextPageToken } : { users };
  }

  /**
   * One logical call: per attempt a (cached) token, a quota reservation for Gmail methods, and
   * the request. Failures that survive the retry policy become GmailApiError; `refine` lets a
   * method turn a status into a more specific error (history.list 404 → HistoryGoneError).
   */
  private async call<T>(method: AdapterMethod, mailbox: string, send: Send<T>, refine?: (error: GmailApiError) => Error): Promise<T> {
    const isDirectory = method === 'directory.users.list';
    const tokens = isDirectory ? this.directoryTokens : this.options.tokens;
    let attempts = 0;
    let reissued = false;
    const attempt = async (): Promise<Awaited<ReturnType<Send<T>>>> => {
      const token = await tokens.getToken(mailbox);
      if (!isDirectory) increment(this.counters.units, mailbox.toLowerCase(), await this.options.quota.reserve(mailbox, method));
      attempts += 1;
      increment(this.counters.calls, method);
      try {
        return await send({ headers: { Authorization: `Bearer ${token}` }, retry: false, timeout: this.timeoutMs });
      } catch (error) {
        // A cached token Gmail no longer accepts would otherwise fail every call for the rest
        // of its hour: drop it and try once more with a newly issued one.
        if (describeFailure(error, Date.now()).status !== 401 || reissued || tokens.invalidate === undefined) throw error;
        reissued = true;
        tokens.invalidate(mailbox, token);
        return attempt();
      }
    };
    try {
      const response = await this.retry.run(attempt, () => increment(this.counters.retries, method));
      return response.data;
    } catch (error) {
      if (error instanceof StrataError) throw error;
      const apiError = this.toGmailApiError(error, method, mailbox, attempts);
      throw refine ? refine(apiError) : apiError;
    }
  }

  private toGmailApiError(error: unknown, method: AdapterMethod, mailbox: string, attempts: number): GmailApiError {
    const facts = describeFailure(error, Date.now());
    const status = facts.status ?? 0;
    const what = facts.status !== undefined ? `HTTP ${status}${facts.reason ? ` ${facts.reason}` : ''}` : (facts.networkCode ?? 'request failed');
    const detail = error instanceof Error ? `: ${error.message}` : '';
    return new GmailApiError(`${method} for ${mailbox} failed after ${attempts} attempt(s) with ${what}${detail}`, status, method, mailbox, {
      cause: error,
      reason: facts.reason,
      attempts,
    });
  }
}
