import type { NotificationPublisher } from '../../../functions/src/dev/gmail-standin';
import { ALICE, BOB, apiFailure, makeRaw, startStandin, type Running } from './support';

const TOPIC = 'projects/demo-strata/topics/gmail-notifications';
const WEEK = 7 * 24 * 60 * 60 * 1000;

describe('gmail stand-in: watch and notifications', () => {
  let running: Running;

  afterEach(async () => {
    jest.useRealTimers();
    await running.standin.stop();
  });

  it('watch returns historyId and a 7-day expiration and sends one notification in Gmail’s format at once', async () => {
    const now = 1_750_000_000_000;
    running = await startStandin({ now: () => now, notificationWindowMs: 100 });
    running.standin.deliver(ALICE, makeRaw());
    const { data } = await running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC, labelIds: ['INBOX'], labelFilterBehavior: 'INCLUDE' } });
    expect(data).toEqual({ historyId: running.standin.mailbox(ALICE).historyId, expiration: String(now + WEEK) });
    expect(running.publisher.published).toHaveLength(1);
    const [published] = running.publisher.published;
    expect(published?.topicName).toBe(TOPIC);
    expect(JSON.parse(published?.data.toString('utf8') as string)).toEqual({ emailAddress: ALICE, historyId: Number(data.historyId) });
    expect(running.standin.mailbox(ALICE).watch).toMatchObject({ topicName: TOPIC, labelIds: ['INBOX'], labelFilterBehavior: 'INCLUDE' });
  });

  it('coalesces changes inside the window into one notification with the latest historyId', async () => {
    running = await startStandin({ notificationWindowMs: 300 });
    await running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC } });
    const next = running.standin.waitForNotification((notification) => notification.emailAddress === ALICE);
    running.standin.deliver(ALICE, makeRaw());
    running.standin.deliver(ALICE, makeRaw());
    const last = running.standin.deliver(ALICE, makeRaw());
    const notification = await next;
    expect(notification.historyId).toBe(last.historyId);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(running.publisher.decoded().map((entry) => entry.historyId)).toEqual([expect.any(Number), Number(last.historyId)]);
    expect(running.standin.stats().notifications).toMatchObject({ published: 2, coalesced: 2 });
  });

  it('publishes at most once per second per user by default, at the end of the window', async () => {
    let now = 1_750_000_000_000;
    running = await startStandin({ now: () => now });
    await running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC } });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    running.standin.deliver(ALICE, makeRaw());
    const latest = running.standin.deliver(ALICE, makeRaw());
    now += 999;
    jest.advanceTimersByTime(999);
    expect(running.publisher.published).toHaveLength(1);
    now += 1;
    jest.advanceTimersByTime(1);
    await running.standin.flushNotifications();
    expect(running.publisher.decoded()).toHaveLength(2);
    expect(running.publisher.decoded()[1]?.historyId).toBe(Number(latest.historyId));
    // A change after a quiet second goes out straight away.
    now += 5_000;
    jest.advanceTimersByTime(5_000);
    const third = running.standin.deliver(ALICE, makeRaw());
    await running.standin.flushNotifications();
    expect(running.publisher.decoded()[2]?.historyId).toBe(Number(third.historyId));
  });

  it('notifies for Strata’s own modify and trash calls too', async () => {
    running = await startStandin({ notificationWindowMs: 0 });
    const delivered = running.standin.deliver(ALICE, makeRaw());
    await running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC } });
    await running.client.users.messages.modify({ userId: ALICE, id: delivered.id, requestBody: { removeLabelIds: ['UNREAD'] } });
    await running.client.users.messages.trash({ userId: ALICE, id: delivered.id });
    await running.standin.flushNotifications();
    expect(running.publisher.decoded().map((entry) => String(entry.historyId))).toEqual([
      delivered.historyId,
      expect.any(String),
      running.standin.mailbox(ALICE).historyId,
    ]);
  });

  it('honours the watch label filter: INCLUDE only those labels, EXCLUDE all but them', async () => {
    running = await startStandin({ notificationWindowMs: 0 });
    await running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC, labelIds: ['INBOX'] } });
    await running.client.users.watch({ userId: BOB, requestBody: { topicName: TOPIC, labelIds: ['SPAM'], labelFilterBehavior: 'EXCLUDE' } });
    running.publisher.published.length = 0;
    running.standin.deliver(ALICE, makeRaw(), { labelIds: ['SENT'] });
    running.standin.deliver(BOB, makeRaw(), { labelIds: ['SPAM'] });
    await running.standin.flushNotifications();
    expect(running.publisher.published).toHaveLength(0);
    running.standin.deliver(ALICE, makeRaw());
    running.standin.deliver(BOB, makeRaw());
    await running.standin.flushNotifications();
    expect(running.publisher.decoded().map((entry) => entry.emailAddress)).toEqual([ALICE, BOB]);
  });

  it('stops notifying after users.stop and after the watch expires', async () => {
    let now = 1_750_000_000_000;
    running = await startStandin({ now: () => now, notificationWindowMs: 0 });
    await running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC } });
    await running.client.users.watch({ userId: BOB, requestBody: { topicName: TOPIC } });
    await running.client.users.stop({ userId: ALICE });
    expect(running.standin.mailbox(ALICE).watch).toBeNull();
    running.standin.deliver(ALICE, makeRaw());
    const beforeExpiry = running.standin.deliver(BOB, makeRaw());
    await running.standin.flushNotifications();
    expect(running.publisher.decoded().slice(2)).toEqual([{ topicName: TOPIC, emailAddress: BOB, historyId: Number(beforeExpiry.historyId) }]);
    now += WEEK;
    running.standin.deliver(BOB, makeRaw());
    await running.standin.flushNotifications();
    expect(running.publisher.published).toHaveLength(3);
  });

  it('drops the next N notifications, or a fraction, when told to', async () => {
    running = await startStandin({ notificationWindowMs: 0, seed: 3 });
    await running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC } });
    running.standin.setFaults({ dropNextNotifications: 2 });
    running.standin.deliver(ALICE, makeRaw());
    running.standin.deliver(ALICE, makeRaw());
    const kept = running.standin.deliver(ALICE, makeRaw());
    await running.standin.flushNotifications();
    expect(running.publisher.decoded().slice(1).map((entry) => entry.historyId)).toEqual([Number(kept.historyId)]);
    expect(running.standin.stats().notifications.dropped).toBe(2);

    running.standin.setFaults({ dropNotificationRate: 0.5 });
    for (let index = 0; index < 40; index++) running.standin.deliver(ALICE, makeRaw({ body: 'x' }));
    await running.standin.flushNotifications();
    const dropped = running.standin.stats().notifications.dropped - 2;
    expect(dropped).toBeGreaterThan(8);
    expect(dropped).toBeLessThan(32);
  });

  it('flushNotifications sends a pending notification before its window ends', async () => {
    running = await startStandin({ notificationWindowMs: 60_000 });
    await running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC } });
    const latest = running.standin.deliver(ALICE, makeRaw());
    expect(running.publisher.published).toHaveLength(1);
    await running.standin.flushNotifications();
    expect(running.publisher.decoded()[1]?.historyId).toBe(Number(latest.historyId));
  });

  it('rejects a malformed topic, a topic of another project, and a topic it cannot publish to', async () => {
    running = await startStandin({ projectId: 'demo-strata' });
    expect((await apiFailure(running.client.users.watch({ userId: ALICE, requestBody: { topicName: 'gmail-notifications' } }))).status).toBe(400);
    expect((await apiFailure(running.client.users.watch({ userId: ALICE, requestBody: { topicName: 'projects/other/topics/t' } }))).status).toBe(400);
    expect((await apiFailure(running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC, labelIds: ['Label_9'] } }))).status).toBe(400);
    await running.standin.stop();

    const failing: NotificationPublisher = { publish: async () => Promise.reject(new Error('Resource not found')) };
    running = await startStandin({ publisher: failing });
    const failure = await apiFailure(running.client.users.watch({ userId: ALICE, requestBody: { topicName: TOPIC } }));
    expect(failure.status).toBe(403);
    expect(failure.message).toContain('Resource not found');
    expect(running.standin.mailbox(ALICE).watch).toBeNull();
  });
});
