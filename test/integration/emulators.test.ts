import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';

/** The harness itself: both emulators answer through the real client libraries. */
describe('emulator harness', () => {
  it('exports the emulator addresses to the test workers', () => {
    expect(process.env.FIRESTORE_EMULATOR_HOST).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(process.env.PUBSUB_EMULATOR_HOST).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('round-trips a Firestore transaction', async () => {
    const db = new Firestore({ projectId: process.env.GCLOUD_PROJECT });
    const ref = db.collection('harness').doc('counter');
    await ref.set({ n: 1 });
    await db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      tx.update(ref, { n: (snap.get('n') as number) + 1 });
    });
    expect((await ref.get()).get('n')).toBe(2);
    await db.terminate();
  });

  it('publishes and pulls a Pub/Sub message', async () => {
    const pubsub = new PubSub({ projectId: process.env.GCLOUD_PROJECT });
    const [topic] = await pubsub.createTopic(`harness-${Date.now()}`);
    const [subscription] = await topic.createSubscription(`${topic.name.split('/').pop()}-sub`);
    const received = new Promise<string>((resolve) => {
      subscription.on('message', (message) => {
        message.ack();
        resolve(message.data.toString());
      });
    });
    await topic.publishMessage({ json: { hello: 'world' } });
    expect(JSON.parse(await received)).toEqual({ hello: 'world' });
    await subscription.close();
    await pubsub.close();
  });
});
