/**
 * The small messages that travel on Pub/Sub between the pipeline's functions. Bodies and
 * attachments never ride here: they are in the blob store, referenced by SHA-256.
 */

/** What Gmail publishes on the notification topic (base64 JSON in message.data). */
export interface GmailNotification {
  emailAddress: string;
  historyId: string | number;
  /**
   * Set only on the synthetic notifications Strata's sweeper publishes to poll a quiet mailbox
   * (Gmail never sends it): the mailbox is read the same way, but no notification is recorded.
   */
  strataPoll?: boolean;
}

export type Direction = 'inbound' | 'outbound' | 'internal';

/** Published once per new message on the scan-requests topic; every engine function receives it. */
export interface ScanRequest {
  /** Non-sequential id of the scan document (hash of mailbox + Gmail message id). */
  scanId: string;
  mailbox: string;
  gmailMessageId: string;
  direction: Direction;
  /** Blob key of the serialised ScanSubject (attachment bytes stripped out, referenced by sha256). */
  subjectKey: string;
  /** Hash of what engines judge, independent of the recipient: the engine result cache key. */
  contentKey: string;
  /** The engines the aggregator waits for. */
  engines: string[];
  /** Epoch ms when the stand-in / Gmail received the message (for latency figures). */
  receivedAt: number;
}

/** Published by an engine function after it wrote its result document. */
export interface EngineCompletion {
  scanId: string;
  engine: string;
  /**
   * The expected engines that had no stored result when this engine listed them, right after
   * writing its own. Only a completion whose list is empty can find the scan complete, so the
   * aggregator skips every other one without a read. Results are written before they are listed
   * and Firestore queries are strongly consistent, so the last-written result's completion always
   * sees every result and carries an empty list. Absent on older notices: the aggregator then checks.
   */
  outstanding?: string[];
}

/** Published by the sweeper, one per mailbox, so renewal fans out and fits the time limit. */
export interface WatchRenewalRequest {
  mailbox: string;
}
