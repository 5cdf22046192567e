import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../core/errors';
import {
  DEFAULT_UNIT_COSTS,
  applyFaultPatch,
  noFaults,
  parseFaultPatch,
  parseStandinSettings,
  type FaultPatch,
  type Faults,
  type StandinSettings,
  type StandinSettingsInput,
} from './config';
import { readAttachment } from './content';
import { handleControlRequest } from './control';
import {
  GoogleApiHttpError,
  StandinUsageError,
  badRequest,
  failedPrecondition,
  injectedServerError,
  insufficientScopes,
  methodNotAllowed,
  notFound,
  permissionDenied,
  unauthenticated,
  userRateLimited,
} from './errors';
import { Mailbox, type LabelState, type MailboxFlags, type StoredMessage } from './mailbox';
import {
  NotificationCoalescer,
  PubSubNotificationPublisher,
  type NotificationPublisher,
  type PublishedNotification,
} from './notifications';
import { SeededRandom } from './prng';
import { compileQuery } from './query';
import { PerUserQuota } from './quota';
import {
  HISTORY_TYPES,
  decodePageToken,
  encodePageToken,
  historyRecordResource,
  labelResource,
  messageResource,
  parseMaxResults,
  recordTouchesLabel,
  withLabels,
  type HistoryType,
  type MessageFormat,
} from './resources';

/**
 * A local Gmail API (plus Directory users.list) with Gmail's semantics, for tests and the demo.
 * Strata's real adapter talks to it through the googleapis client with `rootUrl` pointed here.
 * Another process drives it through the control API under /_standin/ (see control.ts).
 */

export const SCOPE_MAIL = 'https://mail.google.com/';
export const SCOPE_MODIFY = 'https://www.googleapis.com/auth/gmail.modify';
export const SCOPE_READONLY = 'https://www.googleapis.com/auth/gmail.readonly';
export const SCOPE_LABELS = 'https://www.googleapis.com/auth/gmail.labels';
export const SCOPE_DIRECTORY_USER = 'https://www.googleapis.com/auth/admin.directory.user';
export const SCOPE_DIRECTORY_USER_READONLY = 'https://www.googleapis.com/auth/admin.directory.user.readonly';

const READ_SCOPES = [SCOPE_MAIL, SCOPE_MODIFY, SCOPE_READONLY];
const WRITE_SCOPES = [SCOPE_MAIL, SCOPE_MODIFY];
const LABEL_WRITE_SCOPES = [SCOPE_MAIL, SCOPE_MODIFY, SCOPE_LABELS];
const DIRECTORY_SCOPES = [SCOPE_DIRECTORY_USER, SCOPE_DIRECTORY_USER_READONLY];

/** What an access token stands for (the DWD tests resolve it through a local OAuth endpoint). */
export interface TokenInfo {
  subject: string;
  scopes: string[];
}

/** Resolves a bearer token; null or undefined means the token is not valid (401). */
export type TokenInfoResolver = (token: string) => TokenInfo | null | undefined | Promise<TokenInfo | null | undefined>;

export interface GmailStandinOptions extends StandinSettingsInput {
  /** Mailboxes hosted from the start. */
  mailboxes?: string[];
  /**
   * Strict token mode: every token is resolved and must belong to the mailbox it acts on (403
   * "Delegation denied" otherwise) and carry a scope that allows the method. Without it any
   * bearer token may act for any mailbox.
   */
  tokenInfo?: TokenInfoResolver;
  /** Where notifications go; defaults to Pub/Sub through @google-cloud/pubsub. */
  publisher?: NotificationPublisher;
  /** Clock for quota windows, internalDate, watch expiry and relative search terms. */
  now?: () => number;
}

export interface DeliverOptions {
  /** Default ['INBOX', 'UNREAD']; use ['SENT'] for mail the mailbox sent. */
  labelIds?: string[];
  /** Epoch ms Gmail received the message; default now. */
  internalDate?: number;
}

export interface DeliveredMessage {
  id: string;
  threadId: string;
  historyId: string;
}

export interface MessageState {
  id: string;
  threadId: string;
  labelIds: string[];
  historyId: string;
  internalDate: number;
  sizeEstimate: number;
  trashed: boolean;
  spam: boolean;
  rfc822MessageId: string;
}

export interface MailboxState {
  email: string;
  historyId: string;
  /** Retained history starts after this id; older cursors answer 404. */
  oldestAvailableHistoryId: string;
  watch: { topicName: string; labelIds: string[]; labelFilterBehavior: 'INCLUDE' | 'EXCLUDE'; expiration: number } | null;
  labels: LabelState[];
  messages: MessageState[];
  flags: MailboxFlags;
}

export interface StandinStats {
  /** Requests per method (discovery names), whatever their outcome. */
  calls: Record<string, number>;
  /** Quota units spent per mailbox. */
  units: Record<string, number>;
  /** Calls answered with the rate-limit error, per mailbox (quota or forced). */
  rateLimited: Record<string, number>;
  injectedErrors: number;
  notifications: { published: number; dropped: number; coalesced: number; failed: number };
}

interface RequestContext {
  method: string;
  url: URL;
  body: unknown;
  /** The mailbox the call acts for (resolved 'me'); undefined for Directory calls. */
  mailbox: Mailbox | undefined;
  token: TokenInfo | undefined;
}

interface JsonAnswer {
  status: number;
  body?: unknown;
}

type Handler = (context: RequestContext, params: string[]) => Promise<JsonAnswer> | JsonAnswer;

interface Route {
  httpMethod: string;
  pattern: RegExp;
  method: string;
  scopes: string[];
  /** Gmail routes act for the mailbox in the path; Directory routes do not. */
  gmail: boolean;
  handler: Handler;
}

export class GmailStandin {
  readonly settings: StandinSettings;
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly historyRandom: SeededRandom;
  private readonly faultRandom: SeededRandom;
  private readonly notificationRandom: SeededRandom;
  private readonly quota: PerUserQuota;
  private readonly costs: Record<string, number>;
  private readonly publisher: NotificationPublisher;
  private readonly ownsPublisher: boolean;
  private readonly coalescer: NotificationCoalescer;
  private readonly tokenInfo: TokenInfoResolver | undefined;
  private readonly routes: Route[];
  private readonly notificationListeners = new Set<(notification: PublishedNotification) => void>();
  private readonly publishedLog: PublishedNotification[] = [];
  private faults: Faults = noFaults();
  private counters: StandinStats = emptyStats();
  private server: Server | undefined;
  private messageSequence = 0;
  readonly now: () => number;

  constructor(options: GmailStandinOptions = {}) {
    const { mailboxes, tokenInfo, publisher, now, ...settings } = options;
    this.settings = parseStandinSettings(settings);
    this.now = now ?? (() => Date.now());
    this.historyRandom = new SeededRandom(this.settings.seed);
    this.faultRandom = new SeededRandom(this.settings.seed ^ 0x5bd1e995);
    this.notificationRandom = new SeededRandom(this.settings.seed ^ 0x1b873593);
    this.quota = new PerUserQuota(this.settings.quota.unitsPerMinutePerUser);
    this.costs = { ...DEFAULT_UNIT_COSTS, ...this.settings.quota.costs };
    this.tokenInfo = tokenInfo;
    this.ownsPublisher = publisher === undefined;
    this.publisher = publisher ?? new PubSubNotificationPublisher(this.settings.projectId);
    this.coalescer = new NotificationCoalescer(
      this.settings.notificationWindowMs,
      this.publisher,
      {
        currentTarget: (email) => {
          const mailbox = this.mailboxes.get(email);
          const watch = mailbox?.watch;
          if (!mailbox || !watch || watch.expiration <= this.now()) return undefined;
          return { topicName: watch.topicName, historyId: mailbox.historyId };
        },
        shouldDrop: () => this.consumeNotificationDrop(),
        now: () => this.now(),
      },
      {
        published: (notification) => {
          this.counters.notifications.published += 1;
          this.publishedLog.push(notification);
          for (const listener of this.notificationListeners) listener(notification);
        },
        dropped: () => {
          this.counters.notifications.dropped += 1;
        },
        failed: (mailbox, error) => {
          this.counters.notifications.failed += 1;
          console.error(`gmail-standin: publishing the notification for ${mailbox} failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      },
    );
    this.routes = this.buildRoutes();
    for (const email of mailboxes ?? []) this.addMailbox(email);
  }

  // ---------------------------------------------------------------- lifecycle

  async start(port = 0, host = '127.0.0.1'): Promise<{ url: string; port: number }> {
    if (this.server) throw new StandinUsageError('the stand-in is already started');
    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return { url: `http://${host}:${address.port}/`, port: address.port };
  }

  /** Stops listening and forgets pending notifications (call flushNotifications first to send them). */
  async stop(): Promise<void> {
    this.coalescer.cancel();
    await this.coalescer.settled();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (this.ownsPublisher) await this.publisher.close?.();
  }

  // ---------------------------------------------------------------- mailboxes

  addMailbox(email: string, flags: MailboxFlags = {}): Mailbox {
    const key = normaliseEmail(email);
    if (!key.includes('@')) throw new StandinUsageError(`not an email address: '${email}'`, { email });
    const existing = this.mailboxes.get(key);
    if (existing) return existing;
    // Gmail's ids are large and unrelated between mailboxes.
    const initialHistoryId = this.historyRandom.intBetween(1_000, 999_999);
    const mailbox = new Mailbox(key, { ...flags }, initialHistoryId, this.settings.retainedHistoryRecords, this.historyRandom);
    this.mailboxes.set(key, mailbox);
    return mailbox;
  }

  mailboxNames(): string[] {
    return [...this.mailboxes.keys()].sort();
  }

  /** A snapshot of one mailbox: labels per message, trashed, watch, history position. */
  mailbox(email: string): MailboxState {
    const mailbox = this.hostedMailbox(email);
    return {
      email: mailbox.email,
      historyId: String(mailbox.historyId),
      oldestAvailableHistoryId: String(mailbox.prunedThrough),
      watch: mailbox.watch ? { ...mailbox.watch, labelIds: [...mailbox.watch.labelIds] } : null,
      labels: [...mailbox.labels.values()].map((label) => ({ ...label })),
      messages: [...mailbox.messages.values()].map(messageState),
      flags: { ...mailbox.flags },
    };
  }

  message(email: string, messageId: string): MessageState {
    const message = this.hostedMailbox(email).messages.get(messageId);
    if (!message) throw new StandinUsageError(`no message ${messageId} in ${email}`, { email, messageId });
    return messageState(message);
  }

  /** Gmail receiving a message: one messageAdded record, and a notification when watched. */
  deliver(email: string, raw: Buffer, options: DeliverOptions = {}): DeliveredMessage {
    const mailbox = this.hostedMailbox(email);
    if (!Buffer.isBuffer(raw) || raw.length === 0) throw new StandinUsageError('a delivered message needs raw bytes', { email });
    const internalDate = options.internalDate ?? this.now();
    const labelIds = options.labelIds ?? ['INBOX', 'UNREAD'];
    const id = this.nextMessageId(internalDate);
    let delivered;
    try {
      delivered = mailbox.deliver(id, raw, labelIds, internalDate);
    } catch (error) {
      if (error instanceof GoogleApiHttpError) throw new StandinUsageError(`cannot deliver to ${email}: ${error.message}`, { email, labelIds });
      throw error;
    }
    this.changedByRecord(mailbox, delivered.record);
    return { id, threadId: delivered.message.threadId, historyId: String(delivered.record.id) };
  }

  /** A label change made by the user or by Gmail itself (a move to spam, starring, …): no API rules apply. */
  userModify(email: string, messageId: string, change: { addLabelIds?: string[]; removeLabelIds?: string[] }): MessageState {
    const mailbox = this.hostedMailbox(email);
    const record = this.asUsage(() => mailbox.changeLabels(messageId, change.addLabelIds ?? [], change.removeLabelIds ?? [], false), email, messageId);
    this.changedByRecord(mailbox, record);
    return messageState(mailbox.message(messageId));
  }

  /** The user deleting a message for good (or Gmail emptying the trash): a messageDeleted record. */
  expunge(email: string, messageId: string): void {
    const mailbox = this.hostedMailbox(email);
    this.changedByRecord(mailbox, this.asUsage(() => mailbox.expunge(messageId), email, messageId));
  }

  // ---------------------------------------------------------------- faults, stats, notifications

  setFaults(patch: FaultPatch): Faults {
    this.faults = applyFaultPatch(this.faults, parseFaultPatch(patch));
    return this.currentFaults();
  }

  clearFaults(): void {
    this.faults = noFaults();
  }

  currentFaults(): Faults {
    return structuredClone(this.faults);
  }

  /** The next `count` calls acting for `mailbox` answer with the rate-limit error. */
  forceRateLimit(mailbox: string, count: number): void {
    this.setFaults({ forcedRateLimits: { [normaliseEmail(mailbox)]: count } });
  }

  /** The next users.history.list for `mailbox` answers 404 whatever its startHistoryId. */
  staleHistory(mailbox: string): void {
    const key = normaliseEmail(mailbox);
    if (!this.faults.staleHistory.includes(key)) this.faults.staleHistory.push(key);
  }

  stats(): StandinStats {
    return { ...structuredClone(this.counters), notifications: { ...this.counters.notifications, coalesced: this.coalescer.coalesced } };
  }

  resetStats(): void {
    this.counters = emptyStats();
    this.coalescer.coalesced = 0;
  }

  /** Every notification handed to the publisher so far, oldest first. */
  publishedNotifications(): PublishedNotification[] {
    return this.publishedLog.map((notification) => ({ ...notification }));
  }

  /** Calls `listener` after each published notification; returns the unsubscribe function. */
  onNotification(listener: (notification: PublishedNotification) => void): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /** Resolves with the first notification (from now on) that satisfies `predicate`. */
  waitForNotification(predicate: (notification: PublishedNotification) => boolean = () => true, timeoutMs = 10_000): Promise<PublishedNotification> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new StandinUsageError(`no matching notification within ${timeoutMs} ms`, { timeoutMs }));
      }, timeoutMs);
      const unsubscribe = this.onNotification((notification) => {
        if (!predicate(notification)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(notification);
      });
    });
  }

  /** Publishes every notification still waiting for its window and waits for the publishes. */
  flushNotifications(): Promise<void> {
    return this.coalescer.flush();
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://standin.local');
    const control = url.pathname.startsWith('/_standin/');
    let answer: JsonAnswer & { headers?: Record<string, string> };
    try {
      const body = await readJsonBody(request, this.settings.maxRequestBodyBytes);
      answer = control ? await handleControlRequest(this, request.method ?? 'GET', url, body) : await this.handleApi(request.method ?? 'GET', request, url, body);
    } catch (error) {
      answer = errorAnswer(error);
    }
    if (!control && this.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.faults.latencyMs));
    sendJson(response, answer.status, answer.body, answer.headers);
  }

  private async handleApi(httpMethod: string, request: IncomingMessage, url: URL, body: unknown): Promise<JsonAnswer> {
    const match = this.matchRoute(httpMethod, url.pathname);
    if (!match) throw new GoogleApiHttpError(404, 'NOT_FOUND', 'notFound', `gmail-standin serves no ${httpMethod} ${url.pathname}`);
    const { route, params } = match;
    this.counters.calls[route.method] = (this.counters.calls[route.method] ?? 0) + 1;
    const token = await this.authenticate(request, route);
    const mailbox = route.gmail ? this.authorisedMailbox(params[0] as string, token) : undefined;
    if (mailbox) this.applyForcedRateLimit(mailbox);
    this.applyErrorFault(route.method);
    if (mailbox) this.charge(mailbox, route.method);
    return route.handler({ method: route.method, url, body, mailbox, token }, route.gmail ? params.slice(1) : params);
  }

  private matchRoute(httpMethod: string, pathname: string): { route: Route; params: string[] } | undefined {
    for (const route of this.routes) {
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      if (route.httpMethod !== httpMethod) continue;
      return { route, params: match.slice(1).map((part) => decodeURIComponent(part)) };
    }
    return undefined;
  }

  private async authenticate(request: IncomingMessage, route: Route): Promise<TokenInfo | undefined> {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthenticated();
    const bearer = match[1] as string;
    if (!this.tokenInfo) return { subject: bearer.includes('@') ? normaliseEmail(bearer) : '', scopes: [] };
    const info = await this.tokenInfo(bearer);
    if (!info) throw unauthenticated();
    if (!route.scopes.some((scope) => info.scopes.includes(scope))) throw insufficientScopes();
    if (!route.gmail) {
      const admin = this.mailboxes.get(normaliseEmail(info.subject));
      if (!admin?.flags.isAdmin) throw permissionDenied('Not Authorized to access this resource/api');
    }
    return { subject: normaliseEmail(info.subject), scopes: info.scopes };
  }

  /** Resolves the path's userId ('me' or an address) to a hosted mailbox the token may act for. */
  private authorisedMailbox(userId: string, token: TokenInfo | undefined): Mailbox {
    let email: string;
    if (userId === 'me') {
      if (token?.subject) {
        email = token.subject;
      } else if (this.mailboxes.size === 1) {
        email = [...this.mailboxes.keys()][0] as string;
      } else {
        throw failedPrecondition("gmail-standin: userId 'me' needs a token naming a mailbox (strict mode, or a bearer token equal to the address)");
      }
    } else {
      email = normaliseEmail(userId);
    }
    if (this.tokenInfo && token && token.subject !== email) throw permissionDenied(`Delegation denied for ${token.subject}`);
    const mailbox = this.mailboxes.get(email);
    if (!mailbox) throw failedPrecondition('Mail service not enabled');
    return mailbox;
  }

  private applyForcedRateLimit(mailbox: Mailbox): void {
    const remaining = this.faults.forcedRateLimits[mailbox.email] ?? 0;
    if (remaining > 0) {
      this.faults.forcedRateLimits[mailbox.email] = remaining - 1;
      this.counters.rateLimited[mailbox.email] = (this.counters.rateLimited[mailbox.email] ?? 0) + 1;
      throw userRateLimited(this.settings.quota.rejectionStyle);
    }
  }

  private applyErrorFault(method: string): void {
    const faults = this.faults;
    if (faults.errorRate <= 0) return;
    if (faults.errorMethods.length > 0 && !faults.errorMethods.includes(method)) return;
    if (this.faultRandom.next() >= faults.errorRate) return;
    this.counters.injectedErrors += 1;
    throw injectedServerError(this.faultRandom.pick(faults.errorStatuses));
  }

  private charge(mailbox: Mailbox, method: string): void {
    const units = this.costs[method] ?? 0;
    if (!this.quota.tryCharge(mailbox.email, units, this.now())) {
      this.counters.rateLimited[mailbox.email] = (this.counters.rateLimited[mailbox.email] ?? 0) + 1;
      throw userRateLimited(this.settings.quota.rejectionStyle);
    }
    this.counters.units[mailbox.email] = (this.counters.units[mailbox.email] ?? 0) + units;
  }

  private consumeNotificationDrop(): boolean {
    if (this.faults.dropNextNotifications > 0) {
      this.faults.dropNextNotifications -= 1;
      return true;
    }
    return this.faults.dropNotificationRate > 0 && this.notificationRandom.next() < this.faults.dropNotificationRate;
  }

  // ---------------------------------------------------------------- Gmail semantics shared by handlers

  /** A watched mailbox changed: notify, unless the watch's label filter leaves the change out. */
  private changed(mailbox: Mailbox, touchedLabels: ReadonlySet<string>): void {
    const watch = mailbox.watch;
    if (!watch || watch.expiration <= this.now()) return;
    if (watch.labelIds.length > 0) {
      const touches = watch.labelIds.some((label) => touchedLabels.has(label));
      if (watch.labelFilterBehavior === 'INCLUDE' ? !touches : touches) return;
    }
    this.coalescer.changed(mailbox.email);
  }

  private changedByRecord(mailbox: Mailbox, record: { labelIdsAfter: string[]; labelsAdded: string[]; labelsRemoved: string[] } | null): void {
    if (!record) return;
    this.changed(mailbox, new Set([...record.labelIdsAfter, ...record.labelsAdded, ...record.labelsRemoved]));
  }

  private hostedMailbox(email: string): Mailbox {
    const mailbox = this.mailboxes.get(normaliseEmail(email));
    if (!mailbox) throw new StandinUsageError(`the stand-in hosts no mailbox ${email}`, { email });
    return mailbox;
  }

  private asUsage<T>(operation: () => T, email: string, messageId: string): T {
    try {
      return operation();
    } catch (error) {
      if (error instanceof GoogleApiHttpError) throw new StandinUsageError(`${email} ${messageId}: ${error.message}`, { email, messageId });
      throw error;
    }
  }

  /** Gmail-looking ids (16 hex digits) that sort with internalDate. */
  private nextMessageId(internalDate: number): string {
    for (;;) {
      this.messageSequence = (this.messageSequence + 1) & 0xfffff;
      const id = ((BigInt(Math.max(0, Math.floor(internalDate))) << 20n) | BigInt(this.messageSequence)).toString(16).padStart(16, '0');
      if (![...this.mailboxes.values()].some((mailbox) => mailbox.messages.has(id))) return id;
    }
  }

  // ---------------------------------------------------------------- routes

  private buildRoutes(): Route[] {
    const user = '/gmail/v1/users/([^/]+)';
    const gmail = (httpMethod: string, path: string, method: string, scopes: string[], handler: Handler): Route => ({
      httpMethod,
      pattern: new RegExp(`^${user}${path}$`),
      method,
      scopes,
      gmail: true,
      handler,
    });
    const refuseDeletion: Handler = () => {
      throw methodNotAllowed('gmail-standin deliberately serves no permanent deletion: Strata must never need it');
    };
    return [
      gmail('GET', '/profile', 'users.getProfile', READ_SCOPES, (context) => this.getProfile(need(context.mailbox))),
      gmail('POST', '/watch', 'users.watch', READ_SCOPES, (context) => this.watch(need(context.mailbox), context.body)),
      gmail('POST', '/stop', 'users.stop', READ_SCOPES, (context) => this.stopWatch(need(context.mailbox))),
      gmail('GET', '/history', 'users.history.list', READ_SCOPES, (context) => this.listHistory(need(context.mailbox), context.url)),
      gmail('GET', '/messages', 'users.messages.list', READ_SCOPES, (context) => this.listMessages(need(context.mailbox), context.url)),
      gmail('POST', '/messages/batchModify', 'users.messages.batchModify', WRITE_SCOPES, (context) => this.batchModify(need(context.mailbox), context.body)),
      gmail('POST', '/messages/batchDelete', 'users.messages.batchDelete', [SCOPE_MAIL], refuseDeletion),
      gmail('GET', '/messages/([^/]+)', 'users.messages.get', READ_SCOPES, (context, [id]) => this.getMessage(need(context.mailbox), need(id), context.url)),
      gmail('DELETE', '/messages/([^/]+)', 'users.messages.delete', [SCOPE_MAIL], refuseDeletion),
      gmail('POST', '/messages/([^/]+)/modify', 'users.messages.modify', WRITE_SCOPES, (context, [id]) => this.modify(need(context.mailbox), need(id), context.body)),
      gmail('POST', '/messages/([^/]+)/trash', 'users.messages.trash', WRITE_SCOPES, (context, [id]) => this.trash(need(context.mailbox), need(id))),
      gmail('POST', '/messages/([^/]+)/untrash', 'users.messages.untrash', WRITE_SCOPES, (context, [id]) => this.untrash(need(context.mailbox), need(id))),
      gmail('GET', '/messages/([^/]+)/attachments/([^/]+)', 'users.messages.attachments.get', READ_SCOPES, (context, [id, attachmentId]) =>
        this.getAttachment(need(context.mailbox), need(id), need(attachmentId)),
      ),
      gmail('DELETE', '/threads/([^/]+)', 'users.threads.delete', [SCOPE_MAIL], refuseDeletion),
      gmail('GET', '/labels', 'users.labels.list', READ_SCOPES, (context) => this.listLabels(need(context.mailbox))),
      gmail('POST', '/labels', 'users.labels.create', LABEL_WRITE_SCOPES, (context) => this.createLabel(need(context.mailbox), context.body)),
      gmail('GET', '/labels/([^/]+)', 'users.labels.get', READ_SCOPES, (context, [id]) => this.getLabel(need(context.mailbox), need(id))),
      {
        httpMethod: 'GET',
        pattern: /^\/admin\/directory\/v1\/users$/,
        method: 'directory.users.list',
        scopes: DIRECTORY_SCOPES,
        gmail: false,
        handler: (context) => this.listUsers(context.url),
      },
    ];
  }

  private getProfile(mailbox: Mailbox): JsonAnswer {
    const threads = new Set([...mailbox.messages.values()].map((message) => message.threadId));
    return {
      status: 200,
      body: { emailAddress: mailbox.email, messagesTotal: mailbox.messages.size, threadsTotal: threads.size, historyId: String(mailbox.historyId) },
    };
  }

  private async watch(mailbox: Mailbox, body: unknown): Promise<JsonAnswer> {
    const request = asObject(body);
    const topicName = request.topicName;
    if (typeof topicName !== 'string' || topicName === '') throw badRequest('Invalid topicName: missing');
    const topic = /^projects\/([^/]+)\/topics\/([^/]+)$/.exec(topicName);
    if (!topic) throw badRequest(`Invalid topicName does not match projects/*/topics/*: ${topicName}`);
    if (this.settings.projectId && topic[1] !== this.settings.projectId) {
      throw badRequest(`Invalid topicName does not match projects/${this.settings.projectId}/topics/*`);
    }
    const labelIds = stringList(request.labelIds, 'labelIds');
    mailbox.assertLabelsExist(labelIds);
    const behaviour = request.labelFilterBehavior ?? request.labelFilterAction ?? 'INCLUDE';
    const labelFilterBehavior = String(behaviour).toUpperCase();
    if (labelFilterBehavior !== 'INCLUDE' && labelFilterBehavior !== 'EXCLUDE') throw badRequest(`Invalid labelFilterBehavior: ${String(behaviour)}`);
    const previous = mailbox.watch;
    const expiration = this.now() + this.settings.watchLifetimeMs;
    mailbox.watch = { topicName, labelIds, labelFilterBehavior, expiration };
    try {
      await this.coalescer.publishNow(mailbox.email);
    } catch (error) {
      mailbox.watch = previous;
      const reason = error instanceof Error ? error.message : String(error);
      throw permissionDenied(`Error sending test message to Cloud PubSub ${topicName} : ${reason}`);
    }
    return { status: 200, body: { historyId: String(mailbox.historyId), expiration: String(expiration) } };
  }

  private stopWatch(mailbox: Mailbox): JsonAnswer {
    mailbox.watch = undefined;
    this.coalescer.cancel(mailbox.email);
    return { status: 204 };
  }

  private listHistory(mailbox: Mailbox, url: URL): JsonAnswer {
    const startParam = url.searchParams.get('startHistoryId');
    if (startParam === null || startParam === '') throw badRequest('Missing required parameter: startHistoryId');
    if (!/^\d+$/.test(startParam)) throw badRequest(`Invalid startHistoryId: ${startParam}`);
    const startHistoryId = Number(startParam);
    const staleIndex = this.faults.staleHistory.indexOf(mailbox.email);
    if (staleIndex >= 0) {
      this.faults.staleHistory.splice(staleIndex, 1);
      throw notFound();
    }
    const pageToken = url.searchParams.get('pageToken');
    const after = pageToken ? Number(decodePageToken<{ after: number }>(pageToken, ['after']).after) : startHistoryId;
    // Records after the cursor may have been pruned: the client must fall back to a full sync.
    if (startHistoryId < mailbox.prunedThrough || after < mailbox.prunedThrough) throw notFound();
    const maxResults = parseMaxResults(url.searchParams.get('maxResults'), 100, 500);
    const requestedTypes = url.searchParams.getAll('historyTypes');
    for (const type of requestedTypes) {
      if (!(HISTORY_TYPES as readonly string[]).includes(type)) throw badRequest(`Invalid value for historyTypes: ${type}`);
    }
    const types = new Set<HistoryType>(requestedTypes.length > 0 ? (requestedTypes as HistoryType[]) : HISTORY_TYPES);
    const labelId = url.searchParams.get('labelId');
    if (labelId) mailbox.assertLabelsExist([labelId]);

    const history: Record<string, unknown>[] = [];
    let lastIncluded: number | undefined;
    let more = false;
    for (let index = mailbox.firstRecordAfter(Math.max(after, startHistoryId)); index < mailbox.records.length; index++) {
      const record = mailbox.records[index];
      if (!record) break;
      if (labelId && !recordTouchesLabel(record, labelId)) continue;
      const resource = historyRecordResource(record, types);
      if (!resource) continue;
      if (history.length === maxResults) {
        more = true;
        break;
      }
      history.push(resource);
      lastIncluded = record.id;
    }
    return {
      status: 200,
      body: {
        ...(history.length > 0 ? { history } : {}),
        ...(more && lastIncluded !== undefined ? { nextPageToken: encodePageToken({ after: lastIncluded }) } : {}),
        historyId: String(mailbox.historyId),
      },
    };
  }

  private listMessages(mailbox: Mailbox, url: URL): JsonAnswer {
    const maxResults = parseMaxResults(url.searchParams.get('maxResults'), 100, 500);
    const labelIds = url.searchParams.getAll('labelIds');
    mailbox.assertLabelsExist(labelIds);
    const includeSpamTrash = url.searchParams.get('includeSpamTrash') === 'true';
    const query = compileQuery(url.searchParams.get('q') ?? undefined, { labels: mailbox.labels.values(), now: this.now() });
    const showSpamTrash = includeSpamTrash || query.reachesSpamOrTrash || labelIds.includes('TRASH') || labelIds.includes('SPAM');
    const matching = [...mailbox.messages.values()]
      .filter((message) => showSpamTrash || !(message.labelIds.has('TRASH') || message.labelIds.has('SPAM')))
      .filter((message) => labelIds.every((label) => message.labelIds.has(label)))
      .filter((message) => query.matches(message))
      .sort(newestFirst);
    const pageToken = url.searchParams.get('pageToken');
    let startIndex = 0;
    if (pageToken) {
      const position = decodePageToken<{ date: number; id: string }>(pageToken, ['date', 'id']);
      startIndex = matching.findIndex((message) => newestFirst(message, { internalDate: Number(position.date), id: String(position.id) }) > 0);
      if (startIndex < 0) startIndex = matching.length;
    }
    const page = matching.slice(startIndex, startIndex + maxResults);
    const last = page[page.length - 1];
    const more = startIndex + maxResults < matching.length;
    return {
      status: 200,
      body: {
        ...(page.length > 0 ? { messages: page.map((message) => ({ id: message.id, threadId: message.threadId })) } : {}),
        ...(more && last ? { nextPageToken: encodePageToken({ date: last.internalDate, id: last.id }) } : {}),
        resultSizeEstimate: matching.length,
      },
    };
  }

  private async getMessage(mailbox: Mailbox, id: string, url: URL): Promise<JsonAnswer> {
    const format = (url.searchParams.get('format') ?? 'full').toLowerCase();
    if (!['minimal', 'metadata', 'raw', 'full'].includes(format)) throw badRequest(`Invalid value for format: ${format}`);
    const message = mailbox.message(id);
    return { status: 200, body: await messageResource(mailbox, message, format as MessageFormat, url.searchParams.getAll('metadataHeaders')) };
  }

  private modify(mailbox: Mailbox, id: string, body: unknown): JsonAnswer {
    const request = asObject(body);
    const add = stringList(request.addLabelIds, 'addLabelIds');
    const remove = stringList(request.removeLabelIds, 'removeLabelIds');
    mailbox.message(id);
    this.changedByRecord(mailbox, mailbox.changeLabels(id, add, remove, true));
    return { status: 200, body: minimalMessage(mailbox.message(id)) };
  }

  /**
   * All or nothing: every id must exist (404 otherwise, nothing changed). Stricter than Gmail may
   * be, on purpose: a client that copes with this copes with Gmail skipping unknown ids.
   */
  private batchModify(mailbox: Mailbox, body: unknown): JsonAnswer {
    const request = asObject(body);
    const ids = stringList(request.ids, 'ids');
    if (ids.length === 0) throw badRequest('ids must not be empty');
    if (ids.length > 1000) throw badRequest(`Too many ids: ${ids.length} (at most 1000)`);
    const add = stringList(request.addLabelIds, 'addLabelIds');
    const remove = stringList(request.removeLabelIds, 'removeLabelIds');
    mailbox.assertLabelsExist([...add, ...remove]);
    for (const id of ids) mailbox.message(id);
    for (const id of new Set(ids)) this.changedByRecord(mailbox, mailbox.changeLabels(id, add, remove, true));
    return { status: 204 };
  }

  private trash(mailbox: Mailbox, id: string): JsonAnswer {
    this.changedByRecord(mailbox, mailbox.trash(id));
    return { status: 200, body: minimalMessage(mailbox.message(id)) };
  }

  private untrash(mailbox: Mailbox, id: string): JsonAnswer {
    this.changedByRecord(mailbox, mailbox.untrash(id));
    return { status: 200, body: minimalMessage(mailbox.message(id)) };
  }

  private async getAttachment(mailbox: Mailbox, id: string, attachmentId: string): Promise<JsonAnswer> {
    const message = mailbox.message(id);
    const content = await readAttachment(message.id, message.raw, attachmentId);
    if (!content) throw notFound();
    return { status: 200, body: { attachmentId, size: content.length, data: content.toString('base64url') } };
  }

  private listLabels(mailbox: Mailbox): JsonAnswer {
    return { status: 200, body: { labels: [...mailbox.labels.values()].map(labelResource) } };
  }

  private getLabel(mailbox: Mailbox, id: string): JsonAnswer {
    const label = mailbox.labels.get(id);
    if (!label) throw notFound();
    return { status: 200, body: labelResource(label) };
  }

  private createLabel(mailbox: Mailbox, body: unknown): JsonAnswer {
    const request = asObject(body);
    if (typeof request.name !== 'string') throw badRequest('Invalid label name');
    const label = mailbox.createLabel({
      name: request.name,
      ...(request.messageListVisibility === 'show' || request.messageListVisibility === 'hide' ? { messageListVisibility: request.messageListVisibility } : {}),
      ...(request.labelListVisibility === 'labelShow' || request.labelListVisibility === 'labelShowIfUnread' || request.labelListVisibility === 'labelHide'
        ? { labelListVisibility: request.labelListVisibility }
        : {}),
      ...(typeof request.color === 'object' && request.color !== null ? { color: request.color as LabelState['color'] } : {}),
    });
    return { status: 200, body: labelResource(label) };
  }

  private listUsers(url: URL): JsonAnswer {
    const customer = url.searchParams.get('customer');
    const domain = url.searchParams.get('domain')?.toLowerCase();
    if (!customer && !domain) throw badRequest('Bad Request', 'badRequest');
    if (customer && customer !== 'my_customer' && customer !== this.settings.customerId) throw badRequest('Bad Request', 'badRequest');
    const maxResults = parseMaxResults(url.searchParams.get('maxResults'), 100, 500);
    const emails = this.mailboxNames().filter((email) => !domain || email.endsWith(`@${domain}`));
    const pageToken = url.searchParams.get('pageToken');
    const after = pageToken ? String(decodePageToken<{ after: string }>(pageToken, ['after']).after) : '';
    const remaining = emails.filter((email) => email > after);
    const page = remaining.slice(0, maxResults);
    const last = page[page.length - 1];
    return {
      status: 200,
      body: {
        kind: 'admin#directory#users',
        ...(page.length > 0 ? { users: page.map((email) => this.directoryUser(email)) } : {}),
        ...(remaining.length > maxResults && last ? { nextPageToken: encodePageToken({ after: last }) } : {}),
      },
    };
  }

  private directoryUser(email: string): Record<string, unknown> {
    const mailbox = this.hostedMailbox(email);
    const localPart = email.slice(0, email.indexOf('@'));
    return {
      kind: 'admin#directory#user',
      id: directoryUserId(email),
      primaryEmail: email,
      name: { fullName: mailbox.flags.fullName ?? localPart, givenName: mailbox.flags.fullName ?? localPart, familyName: '' },
      isAdmin: Boolean(mailbox.flags.isAdmin),
      suspended: Boolean(mailbox.flags.suspended),
      archived: Boolean(mailbox.flags.archived),
    };
  }
}

function errorAnswer(error: unknown): JsonAnswer & { headers?: Record<string, string> } {
  if (error instanceof GoogleApiHttpError) return { status: error.httpStatus, body: error.body(), headers: error.headers };
  if (error instanceof StandinUsageError || error instanceof ConfigError) {
    return { status: 400, body: { error: { code: 400, message: error.message, status: 'INVALID_ARGUMENT' } } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { error: { code: 500, message: `gmail-standin internal error: ${message}`, status: 'INTERNAL' } } };
}

/** Directory ids are 21-digit numbers; derived from the address so they stay put across runs. */
function directoryUserId(email: string): string {
  const digest = createHash('sha256').update(email).digest();
  return `1${digest.readBigUInt64BE(0).toString().padStart(20, '0')}`;
}

function emptyStats(): StandinStats {
  return { calls: {}, units: {}, rateLimited: {}, injectedErrors: 0, notifications: { published: 0, dropped: 0, coalesced: 0, failed: 0 } };
}

function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new StandinUsageError('route parameter missing');
  return value;
}

function newestFirst(a: Pick<StoredMessage, 'internalDate' | 'id'>, b: Pick<StoredMessage, 'internalDate' | 'id'>): number {
  if (a.internalDate !== b.internalDate) return b.internalDate - a.internalDate;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function minimalMessage(message: StoredMessage): Record<string, unknown> {
  return { id: message.id, threadId: message.threadId, ...withLabels(message) };
}

function messageState(message: StoredMessage): MessageState {
  return {
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
    historyId: String(message.historyId),
    internalDate: message.internalDate,
    sizeEstimate: message.raw.length,
    trashed: message.labelIds.has('TRASH'),
    spam: message.labelIds.has('SPAM'),
    rfc822MessageId: message.rfc822MessageId,
  };
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Invalid JSON payload: expected an object');
  return body as Record<string, unknown>;
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw badRequest(`Invalid value for ${field}: expected a list of strings`);
  return value as string[];
}

async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new GoogleApiHttpError(413, 'INVALID_ARGUMENT', 'uploadTooLarge', `Request body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw badRequest('Invalid JSON payload received.', 'parseError');
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}
