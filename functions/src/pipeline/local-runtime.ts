import type { Message, PubSub, Subscription, Topic } from '@google-cloud/pubsub';
import type { Engine } from '../core/engine/types';
import { ConfigError } from '../core/errors';
import { handleEngineCompletion } from './aggregate';
import type { PipelineDeps } from './deps';
import { handleGmailNotification } from './ingest';
import { errorFields } from './logger';
import { decodeJsonData } from './payloads';
import { PubSubMessageBus } from './pubsub-bus';
import { handleScanRequest } from './scan-engine';
import { handleWatchRenewal, runSweep, type SweepReport } from './sweeper';

/** gRPC ALREADY_EXISTS: another process created the topic or subscription first. */
const ALREADY_EXISTS = 6;

export interface LocalRuntimeOptions {
  /** A client for the Pub/Sub emulator (or a real project). */
  pubsub: PubSub;
  /** Every dependency but the bus, which the runtime builds on `pubsub`. */
  deps: Omit<PipelineDeps, 'bus'>;
  /** The engine implementations; each name in config.engines must be here. */
  engines: readonly Engine[];
  /** Prefix of the subscriptions the runtime creates, so parallel runtimes (tests) do not share one. */
  subscriptionPrefix?: string;
  /** Runs the sweeper every this many ms while started; no sweeps when absent. */
  sweepIntervalMs?: number;
  /** Messages one subscription handles at once. */
  maxMessagesInFlight?: number;
  /** A failed message is nacked after this delay, so a failing handler does not spin on the emulator. */
  nackDelayMs?: number;
  /** Deletes the runtime's subscriptions on stop (tests). */
  deleteSubscriptionsOnStop?: boolean;
}

export interface LocalRuntime {
  /** The bus the handlers publish on; publish to the topics to drive the pipeline. */
  readonly bus: PubSubMessageBus;
  /** The subscription names, by role (`ingest`, `engine:<name>`, `aggregator`, `watch-renewal`). */
  readonly subscriptions: ReadonlyMap<string, string>;
  /** Runs one sweeper pass now (also what the interval runs). */
  sweepNow(now?: Date): Promise<SweepReport>;
  /** Stops receiving, waits for handlers in flight, closes (and optionally deletes) the subscriptions. */
  stop(): Promise<void>;
}

type Handler = (payload: unknown) => Promise<unknown>;

/**
 * The whole pipeline in one process, on real Pub/Sub subscriptions: what the Cloud Function
 * triggers do in production, for integration tests, the demo fallback and the pipeline
 * benchmark. Creates the four topics and its subscriptions when absent:
 *   notifications → ingest; scan requests → one subscription PER ENGINE (fan-out: every engine
 *   receives every request); completions → aggregator; renewals → watch renewal.
 * A handler that returns acks its message; one that throws nacks it (after nackDelayMs), so
 * Pub/Sub redelivers, exactly as a trigger with retries enabled. Data that is not JSON is
 * logged and acked.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { pubsub, deps: baseDeps, engines } = options;
  const { config, logger } = baseDeps;
  const missing = config.engines.filter((name) => !engines.some((engine) => engine.name === name));
  if (missing.length > 0) {
    throw new ConfigError(`local runtime: no implementation for engine(s) ${missing.join(', ')}`, { missing });
  }
  const watchTopicId = config.watchTopic.split('/').pop();
  if (watchTopicId !== config.topics.gmailNotifications) {
    logger.warn('watchTopic is not the notification topic the runtime subscribes to', {
      watchTopic: config.watchTopic,
      notificationTopic: config.topics.gmailNotifications,
    });
  }

  const bus = new PubSubMessageBus(pubsub);
  const deps: PipelineDeps = { ...baseDeps, bus };
  const prefix = options.subscriptionPrefix ?? 'strata-local';
  const routes: { role: string; topic: string; kind: string; handler: Handler }[] = [
    { role: 'ingest', topic: config.topics.gmailNotifications, kind: 'Gmail notification', handler: (payload) => handleGmailNotification(payload, deps) },
    ...config.engines.map((name) => ({
      role: `engine:${name}`,
      topic: config.topics.scanRequests,
      kind: 'scan request',
      handler: (payload: unknown) => handleScanRequest(payload, name, { ...deps, engines }),
    })),
    { role: 'aggregator', topic: config.topics.engineCompletions, kind: 'engine completion', handler: (payload) => handleEngineCompletion(payload, deps) },
    { role: 'watch-renewal', topic: config.topics.watchRenewals, kind: 'watch renewal request', handler: (payload) => handleWatchRenewal(payload, deps) },
  ];

  const topics = new Map<string, Topic>();
  for (const name of new Set(routes.map((route) => route.topic))) topics.set(name, await ensureTopic(pubsub, name));

  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const subscriptions: Subscription[] = [];
  const names = new Map<string, string>();
  const nackDelayMs = options.nackDelayMs ?? 250;

  for (const route of routes) {
    const name = `${prefix}-${route.role.replace(':', '-')}`;
    const subscription = await ensureSubscription(topics.get(route.topic) as Topic, name);
    subscription.setOptions({ flowControl: { maxMessages: options.maxMessagesInFlight ?? 16, allowExcessMessages: false } });
    subscription.on('message', (message: Message) => {
      if (stopping) {
        message.nack();
        return;
      }
      const handled = deliver(message, route).finally(() => inFlight.delete(handled));
      inFlight.add(handled);
    });
    subscription.on('error', (error: unknown) => logger.error('subscription error', { subscription: name, ...errorFields(error) }));
    subscriptions.push(subscription);
    names.set(route.role, name);
  }

  async function deliver(message: Message, route: (typeof routes)[number]): Promise<void> {
    const decoded = decodeJsonData(message.data, route.kind);
    if (!decoded.ok) {
      logger.warn('dropping a message that is not JSON', { role: route.role, messageId: message.id, ...errorFields(decoded.error) });
      message.ack();
      return;
    }
    try {
      await route.handler(decoded.value);
      message.ack();
    } catch (error) {
      logger.error('handler failed; message will be redelivered', {
        role: route.role,
        messageId: message.id,
        deliveryAttempt: message.deliveryAttempt,
        ...errorFields(error),
      });
      await delay(nackDelayMs);
      message.nack();
    }
  }

  let sweeping: Promise<SweepReport> | null = null;
  const sweepNow = (now: Date = (deps.now ?? (() => new Date()))()): Promise<SweepReport> => {
    sweeping ??= runSweep(deps, now).finally(() => {
      sweeping = null;
    });
    return sweeping;
  };
  const timer =
    options.sweepIntervalMs !== undefined
      ? setInterval(() => {
          sweepNow().catch((error: unknown) => logger.error('sweep failed', errorFields(error)));
        }, options.sweepIntervalMs)
      : undefined;

  logger.info('local pipeline runtime started', { subscriptions: [...names.values()] });
  return {
    bus,
    subscriptions: names,
    sweepNow,
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      await Promise.allSettled([...inFlight]);
      if (sweeping) await sweeping.catch(() => undefined);
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
      if (options.deleteSubscriptionsOnStop) {
        await Promise.all(subscriptions.map((subscription) => subscription.delete().catch(() => undefined)));
      }
      await bus.flush();
      logger.info('local pipeline runtime stopped', {});
    },
  };
}

async function ensureTopic(pubsub: PubSub, name: string): Promise<Topic> {
  const topic = pubsub.topic(name);
  const [exists] = await topic.exists();
  if (exists) return topic;
  try {
    await topic.create();
  } catch (error) {
    if ((error as { code?: unknown }).code !== ALREADY_EXISTS) throw error;
  }
  return topic;
}

async function ensureSubscription(topic: Topic, name: string): Promise<Subscription> {
  const subscription = topic.subscription(name);
  const [exists] = await subscription.exists();
  if (exists) return subscription;
  try {
    await topic.createSubscription(name, {
      ackDeadlineSeconds: 60,
      retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 10 } },
    });
  } catch (error) {
    if ((error as { code?: unknown }).code !== ALREADY_EXISTS) throw error;
  }
  return topic.subscription(name);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
