import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { freePort, startEmulators, stopEmulators, type EmulatorSet } from '../../functions/src/dev/emulators';

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

describe('startEmulators', () => {
  it('starts an emulator again on another port when its first port was taken before the JVM could bind it', async () => {
    // A listener that holds the port and drops every connection, as another process would.
    const blocker = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const logDir = await mkdtemp(join(tmpdir(), 'strata-emulators-'));
    let calls = 0;
    const choosePort = async () => (++calls === 1 ? taken : freePort());
    let set: EmulatorSet | undefined;
    try {
      set = await startEmulators({ projectId: 'demo-port-race', logDir, choosePort });
      // The first attempt (one of the two emulators) got the taken port and was retried.
      expect([set.firestore.port, set.pubsub.port]).not.toContain(taken);
      expect(calls).toBe(3);
      const log = [await readFile(join(logDir, 'firestore-emulator.log'), 'utf8'), await readFile(join(logDir, 'pubsub-emulator.log'), 'utf8')].join('\n');
      expect(log).toMatch(/BindException|Address already in use/);
      const db = new Firestore({ projectId: 'demo-port-race', host: `127.0.0.1:${set.firestore.port}`, ssl: false });
      await db.collection('race').doc('a').set({ ok: true });
      expect((await db.collection('race').doc('a').get()).data()).toEqual({ ok: true });
      await db.terminate();
    } finally {
      if (set) stopEmulators(set);
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 120_000);
});
