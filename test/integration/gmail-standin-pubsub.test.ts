import { PubSub, type Message } from '@google-cloud/pubsub';
import { auth, gmail } from '@googleapis/gmail';
import { GmailStandin } from '../../functions/src/dev/gmail-standin';
import type { GmailNotification } from '../../functions/src/pipeline/messages';

/**
 * The stand-in's default publisher against the real Pub/Sub emulator: a watched mailbox that
 * receives three messages in quick succession yields Gmail-shaped notifications, coalesced to
 * at most one per window, the last carrying the mailbox's latest history id.
 */

const MAILBOX = 'alice@example.test';

function raw(subject: string): Buffer {
  return Buffer.from(
    [`From: sender@outside.test`, `To: ${MAILBOX}`, `Subject: ${subject}`, `Message-ID: <${subject.replace(/\s/g, '-')}-${Date.now()}@outside.test>`, '', 'Body.', ''].join('\r\n'),
  );
}

describe('gmail stand-in with the Pub/Sub emulator', () => {
  const projectId = process.env.GCLOUD_PROJECT as string;
  let pubsub: PubSub;
  let standin: GmailStandin;

  beforeAll(() => {
    pubsub = new PubSub({ projectId });
  });

  afterAll(async () => {
    await pubsub.close();
  });

  afterEach(async () => {
    await standin.stop();
  });

  it('publishes coalesced {emailAddress, historyId} notifications on the watched topic', async () => {
    const name = `gmail-standin-${Date.now()}`;
    const [topic] = await pubsub.createTopic(name);
    const [subscription] = await topic.createSubscription(`${name}-sub`);
    const received: { data: GmailNotification; raw: string }[] = [];
    let settle: () => void = () => undefined;
    const listening = new Promise<void>((resolve) => {
      settle = resolve;
    });
    subscription.on('message', (message: Message) => {
      message.ack();
      received.push({ data: JSON.parse(message.data.toString('utf8')) as GmailNotification, raw: message.data.toString('base64') });
      settle();
    });

    standin = new GmailStandin({ mailboxes: [MAILBOX], projectId, notificationWindowMs: 500 });
    const { url } = await standin.start();
    const oauth = new auth.OAuth2({ transporterOptions: { fetchImplementation: fetch } });
    oauth.setCredentials({ access_token: 'integration-token', expiry_date: Date.now() + 3_600_000 });
    const client = gmail({ version: 'v1', auth: oauth, rootUrl: url, fetchImplementation: fetch, retry: false });

    const watch = await client.users.watch({ userId: MAILBOX, requestBody: { topicName: topic.name } });
    await listening;
    expect(received[0]?.data).toEqual({ emailAddress: MAILBOX, historyId: Number(watch.data.historyId) });

    const windowEnded = standin.waitForNotification((notification) => notification.emailAddress === MAILBOX, 10_000);
    standin.deliver(MAILBOX, raw('first'));
    standin.deliver(MAILBOX, raw('second'));
    const last = standin.deliver(MAILBOX, raw('third'));
    const published = await windowEnded;
    expect(published.historyId).toBe(last.historyId);

    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    // Nothing else may trail in after the coalesced one.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(received).toHaveLength(2);
    const coalesced = received[1];
    expect(coalesced?.data).toEqual({ emailAddress: MAILBOX, historyId: Number(last.historyId) });
    // Gmail's message.data: base64 of the JSON text.
    expect(JSON.parse(Buffer.from(coalesced?.raw as string, 'base64').toString('utf8'))).toEqual({ emailAddress: MAILBOX, historyId: Number(last.historyId) });
    expect(standin.stats().notifications).toMatchObject({ published: 2, coalesced: 2, failed: 0 });

    // history.list from the watch's id finds all three deliveries.
    const history = await client.users.history.list({ userId: MAILBOX, startHistoryId: watch.data.historyId as string, historyTypes: ['messageAdded'] });
    expect(history.data.history).toHaveLength(3);
    expect(history.data.historyId).toBe(last.historyId);

    await subscription.close();
    await subscription.delete();
    await topic.delete();
  });

  it('fails the watch with 403 when the topic does not exist, as Gmail does', async () => {
    standin = new GmailStandin({ mailboxes: [MAILBOX], projectId });
    const { url } = await standin.start();
    const response = await fetch(`${url}gmail/v1/users/${MAILBOX}/watch`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ topicName: `projects/${projectId}/topics/missing-${Date.now()}` }),
    });
    expect(response.status).toBe(403);
    expect(standin.mailbox(MAILBOX).watch).toBeNull();
  });
});
