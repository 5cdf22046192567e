import type { PubSub, Topic } from '@google-cloud/pubsub';
import { StrataError } from '../core/errors';
import type { MessageBus } from './bus';

/** Publishing to a topic failed (after the client's own retries). */
export class PublishError extends StrataError {
  constructor(topic: string, options: { cause: unknown }) {
    const detail = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super('pipeline.publish', `publishing to ${topic} failed: ${detail}`, { topic }, options);
  }
}

/**
 * MessageBus over Cloud Pub/Sub (or its emulator: the client honours PUBSUB_EMULATOR_HOST).
 * Messages travel as JSON in `data`; attributes as given. Topic handles are reused, so the
 * client batches per topic. Topics must exist (the local runtime and deployment create them).
 */
export class PubSubMessageBus implements MessageBus {
  private readonly topics = new Map<string, Topic>();

  constructor(private readonly pubsub: PubSub) {}

  async publish(topic: string, message: object, attributes?: Record<string, string>): Promise<string> {
    const handle = this.topicHandle(topic);
    try {
      return await handle.publishMessage({ json: message, ...(attributes ? { attributes } : {}) });
    } catch (cause) {
      throw new PublishError(topic, { cause });
    }
  }

  /** Sends whatever the client still batches. */
  async flush(): Promise<void> {
    await Promise.all([...this.topics.values()].map((topic) => topic.flush()));
  }

  private topicHandle(name: string): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      topic = this.pubsub.topic(name);
      this.topics.set(name, topic);
    }
    return topic;
  }
}
