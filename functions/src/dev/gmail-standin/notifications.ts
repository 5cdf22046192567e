import { PubSub } from '@google-cloud/pubsub';

/**
 * Gmail push notifications. Gmail publishes `{"emailAddress","historyId"}` on the watched topic,
 * at most once per second per user: changes inside the window collapse into one notification
 * carrying the latest history id, sent when the window ends.
 */

/** Where notifications go. The default publishes to Pub/Sub (PUBSUB_EMULATOR_HOST is honoured). */
export interface NotificationPublisher {
  publish(topicName: string, data: Buffer): Promise<void>;
  close?(): Promise<void>;
}

export interface PublishedNotification {
  topicName: string;
  emailAddress: string;
  historyId: string;
  /** Epoch ms the publish was handed to the publisher. */
  at: number;
}

export class PubSubNotificationPublisher implements NotificationPublisher {
  private client: PubSub | undefined;

  constructor(private readonly projectId?: string) {}

  async publish(topicName: string, data: Buffer): Promise<void> {
    this.client ??= new PubSub(this.projectId ? { projectId: this.projectId } : {});
    await this.client.topic(topicName).publishMessage({ data });
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }
}

/** Collects notifications in memory; for tests that look at what would have been published. */
export class InMemoryNotificationPublisher implements NotificationPublisher {
  readonly published: { topicName: string; data: Buffer }[] = [];

  async publish(topicName: string, data: Buffer): Promise<void> {
    this.published.push({ topicName, data });
  }

  decoded(): { topicName: string; emailAddress: string; historyId: string }[] {
    return this.published.map(({ topicName, data }) => ({ topicName, ...(JSON.parse(data.toString('utf8')) as { emailAddress: string; historyId: string }) }));
  }
}

interface MailboxWindow {
  lastSentAt: number;
  timer: NodeJS.Timeout | undefined;
}

export interface NotificationSource {
  /** Current history id and watch topic of a mailbox, or undefined when it is not (or no longer) watched. */
  currentTarget(mailbox: string): { topicName: string; historyId: number } | undefined;
  /** Whether this notification is dropped by fault injection. */
  shouldDrop(): boolean;
  now(): number;
}

export interface NotificationEvents {
  published(notification: PublishedNotification): void;
  dropped(mailbox: string): void;
  failed(mailbox: string, error: unknown): void;
}

/** One-per-window-per-mailbox publishing with coalescing. */
export class NotificationCoalescer {
  private readonly windows = new Map<string, MailboxWindow>();
  private readonly inFlight = new Set<Promise<void>>();
  coalesced = 0;

  constructor(
    private readonly windowMs: number,
    private readonly publisher: NotificationPublisher,
    private readonly source: NotificationSource,
    private readonly events: NotificationEvents,
  ) {}

  /** A watched mailbox changed: publish now if its window is open, else once the window ends. */
  changed(mailbox: string): void {
    const state = this.windowFor(mailbox);
    if (state.timer) {
      this.coalesced += 1;
      return;
    }
    const wait = state.lastSentAt + this.windowMs - this.source.now();
    if (wait <= 0) {
      this.send(mailbox);
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.send(mailbox);
    }, wait);
    state.timer.unref();
  }

  /**
   * The notification a successful watch sends straight away. It is awaited so a topic that cannot
   * be published to fails the watch call, as Gmail's does.
   */
  async publishNow(mailbox: string): Promise<void> {
    const state = this.windowFor(mailbox);
    if (state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    state.lastSentAt = this.source.now();
    const target = this.source.currentTarget(mailbox);
    if (!target) return;
    await this.publisher.publish(target.topicName, encodeNotification(mailbox, target.historyId));
    this.events.published({ topicName: target.topicName, emailAddress: mailbox, historyId: String(target.historyId), at: state.lastSentAt });
  }

  /** Sends every notification still waiting for its window, and waits for all publishes. */
  async flush(): Promise<void> {
    for (const [mailbox, state] of this.windows) {
      if (!state.timer) continue;
      clearTimeout(state.timer);
      state.timer = undefined;
      this.send(mailbox);
    }
    await this.settled();
  }

  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Forgets pending notifications (stop, or users.stop for one mailbox). */
  cancel(mailbox?: string): void {
    for (const [name, state] of this.windows) {
      if (mailbox !== undefined && name !== mailbox) continue;
      if (state.timer) clearTimeout(state.timer);
      state.timer = undefined;
    }
  }

  private windowFor(mailbox: string): MailboxWindow {
    let state = this.windows.get(mailbox);
    if (!state) {
      state = { lastSentAt: Number.NEGATIVE_INFINITY, timer: undefined };
      this.windows.set(mailbox, state);
    }
    return state;
  }

  private send(mailbox: string): void {
    const state = this.windowFor(mailbox);
    state.lastSentAt = this.source.now();
    const target = this.source.currentTarget(mailbox);
    if (!target) return;
    if (this.source.shouldDrop()) {
      this.events.dropped(mailbox);
      return;
    }
    const at = state.lastSentAt;
    const publication = this.publisher
      .publish(target.topicName, encodeNotification(mailbox, target.historyId))
      .then(
        () => this.events.published({ topicName: target.topicName, emailAddress: mailbox, historyId: String(target.historyId), at }),
        (error: unknown) => this.events.failed(mailbox, error),
      )
      .finally(() => this.inFlight.delete(publication));
    this.inFlight.add(publication);
  }
}

/** Gmail's payload: JSON with the email address and the mailbox's history id as a number. */
export function encodeNotification(emailAddress: string, historyId: number): Buffer {
  return Buffer.from(JSON.stringify({ emailAddress, historyId }), 'utf8');
}
