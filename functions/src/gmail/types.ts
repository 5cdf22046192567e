/**
 * The Gmail operations Strata uses, behind one interface. The production adapter
 * (googleapis-gmail.ts) speaks the real REST API through @googleapis/gmail; tests and the demo
 * point the same adapter at the local stand-in (dev/gmail-standin) through `rootUrl`.
 * Every method takes the mailbox (the user's email address) it acts for; with domain-wide
 * delegation each mailbox has its own token and its own quota.
 */

export interface HistoryMessageRef {
  id: string;
  threadId: string;
  labelIds?: string[];
}

/** One record of users.history.list; only the parts Strata reads. */
export interface HistoryRecord {
  id: string;
  messagesAdded?: { message: HistoryMessageRef }[];
  labelsAdded?: { message: HistoryMessageRef; labelIds: string[] }[];
  labelsRemoved?: { message: HistoryMessageRef; labelIds: string[] }[];
  messagesDeleted?: { message: HistoryMessageRef }[];
}

export interface HistoryPage {
  history: HistoryRecord[];
  nextPageToken?: string;
  /** The mailbox's current history id: store it once the last page is read. */
  historyId: string;
}

export interface MessageListPage {
  messages: { id: string; threadId: string }[];
  nextPageToken?: string;
  resultSizeEstimate: number;
}

export interface RawMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  historyId: string;
  /** Milliseconds since the epoch when Gmail received it. */
  internalDate: number;
  sizeEstimate: number;
  raw: Buffer;
}

export interface GmailLabel {
  id: string;
  name: string;
  type: 'system' | 'user';
}

export interface WatchResponse {
  historyId: string;
  /** Epoch milliseconds. */
  expiration: number;
}

export interface DirectoryUser {
  primaryEmail: string;
  suspended: boolean;
  archived?: boolean;
}

export interface GmailApi {
  getProfile(mailbox: string): Promise<{ emailAddress: string; historyId: string; messagesTotal: number }>;
  watch(mailbox: string, request: { topicName: string; labelIds?: string[]; labelFilterBehavior?: 'INCLUDE' | 'EXCLUDE' }): Promise<WatchResponse>;
  stop(mailbox: string): Promise<void>;
  /** Throws HistoryGoneError when startHistoryId is older than Gmail's retained window (HTTP 404). */
  listHistory(
    mailbox: string,
    request: { startHistoryId: string; pageToken?: string; historyTypes?: string[]; maxResults?: number; labelId?: string },
  ): Promise<HistoryPage>;
  listMessages(
    mailbox: string,
    request: { q?: string; labelIds?: string[]; pageToken?: string; maxResults?: number; includeSpamTrash?: boolean },
  ): Promise<MessageListPage>;
  getRawMessage(mailbox: string, messageId: string): Promise<RawMessage>;
  modifyMessage(mailbox: string, messageId: string, change: { addLabelIds?: string[]; removeLabelIds?: string[] }): Promise<{ labelIds: string[] }>;
  batchModify(mailbox: string, change: { ids: string[]; addLabelIds?: string[]; removeLabelIds?: string[] }): Promise<void>;
  trashMessage(mailbox: string, messageId: string): Promise<{ labelIds: string[] }>;
  untrashMessage(mailbox: string, messageId: string): Promise<{ labelIds: string[] }>;
  listLabels(mailbox: string): Promise<GmailLabel[]>;
  createLabel(mailbox: string, name: string): Promise<GmailLabel>;
  /** Directory users.list for the customer (admin mailbox impersonated). */
  listUsers(request: { customer?: string; domain?: string; pageToken?: string; maxResults?: number }): Promise<{
    users: DirectoryUser[];
    nextPageToken?: string;
  }>;
}
