import { Firestore, Timestamp } from '@google-cloud/firestore';
import { COLLECTIONS, FirestoreRepository } from '../../functions/src/pipeline/firestore-repository';
import { RepositoryError, scanIdFor, type AuditEntry, type NewScan } from '../../functions/src/pipeline/repository';
import { registerRepositoryContract } from '../pipeline/repository-contract';

/**
 * The repository contract against the real Firestore emulator, plus what only Firestore can
 * show: the stored document layout of docs/data-model.md. Each test gets its own collection
 * prefix instead of clearing the database, so suites running in parallel on the same
 * emulator never wipe each other's data.
 */

let db: Firestore;
let prefixCounter = 0;

function uniquePrefix(): string {
  prefixCounter += 1;
  return `t${process.pid}_${Date.now().toString(36)}_${prefixCounter}_`;
}

beforeAll(() => {
  db = new Firestore({ projectId: process.env.GCLOUD_PROJECT });
});

afterAll(async () => {
  await db.terminate();
});

async function readAudit(prefix: string): Promise<AuditEntry[]> {
  const snapshot = await db.collection(prefix + COLLECTIONS.audit).orderBy('at').get();
  return snapshot.docs.map((doc) => {
    const { at, error, ...rest } = doc.data();
    const entry = { ...rest, at: (at as Timestamp).toDate() } as AuditEntry;
    if (error !== null) entry.error = error as string;
    return entry;
  });
}

describe('FirestoreRepository (emulator)', () => {
  registerRepositoryContract({
    create: (clock) => {
      const prefix = uniquePrefix();
      return { repository: new FirestoreRepository(db, prefix, { clock }), auditEntries: () => readAudit(prefix) };
    },
    // Contended transactions are slow on the emulator (seconds for five); three still race.
    concurrentDeciders: 3,
  });

  describe('stored layout', () => {
    const receivedAt = new Date('2026-03-02T09:00:00.000Z');
    const clock = () => new Date('2026-03-02T09:00:01.000Z');
    const scan: NewScan = {
      scanId: scanIdFor('alice@example.org', '18e00aa'),
      mailbox: 'alice@example.org',
      gmailMessageId: '18e00aa',
      direction: 'inbound',
      messageId: '<18e00aa@mail.example.net>',
      fromAddress: 'billing@example.net',
      fromDomain: 'example.net',
      subject: 'Your invoice',
      receivedAt,
      expectedEngines: ['links'],
      subjectKey: 'subjects/18e00aa',
      contentKey: 'd'.repeat(64),
      expireAt: new Date('2026-06-01T00:00:00.000Z'),
    };
    const links = {
      engine: 'links',
      version: '2.1.0',
      status: 'ok' as const,
      score: 40,
      findings: [{ id: 'links.ip_literal', severity: 'medium' as const, title: 'IP link', evidence: ['http://192.0.2.7/'], score: 40 }],
      iocs: { urls: ['http://192.0.2.7/'], domains: [], sha256: [], senders: [] },
      elapsedMs: 9,
    };

    it('writes scan documents with exactly the data-model fields, dates as Timestamps', async () => {
      const prefix = uniquePrefix();
      const repository = new FirestoreRepository(db, prefix, { clock });
      await repository.createScan(scan);

      const created = (await db.collection(`${prefix}scans`).doc(scan.scanId).get()).data() ?? {};
      expect(Object.keys(created).sort()).toEqual(
        [
          'mailbox', 'direction', 'gmailMessageId', 'messageId', 'fromAddress', 'fromDomain', 'subject', 'receivedAt',
          'createdAt', 'status', 'decided', 'verdict', 'score', 'reasons', 'reasonDetails', 'engines', 'expectedEngines',
          'iocUrls', 'iocDomains', 'iocSha256', 'action', 'intendedAction', 'actionStatus', 'actionAttempts', 'actionError', 'policyVersion',
          'passive', 'decidedAt', 'latencyMs', 'expireAt', 'subjectKey', 'contentKey',
        ].sort(),
      );
      expect(created.receivedAt).toBeInstanceOf(Timestamp);
      expect(created.expireAt).toBeInstanceOf(Timestamp);
      expect((created.createdAt as Timestamp).toDate()).toEqual(clock());

      await repository.putEngineResult(scan.scanId, links, { cached: true, expireAt: scan.expireAt });
      await repository.decideOnce(
        scan.scanId,
        () => ({
          verdict: 'suspicious',
          score: 40,
          reasons: [{ engine: 'links', findingId: 'links.ip_literal', severity: 'medium', title: 'IP link', score: 40, evidence: ['x'], rule: 'score' }],
          action: 'label',
          intendedAction: 'label',
          passive: false,
          failedEngines: [],
          policyVersion: 'layout-1',
        }),
        new Date('2026-03-02T09:00:03.000Z'),
      );
      const decided = (await db.collection(`${prefix}scans`).doc(scan.scanId).get()).data() ?? {};
      expect(Object.keys(decided).sort()).toEqual(Object.keys(created).sort());
      expect(decided.decidedAt).toBeInstanceOf(Timestamp);
      expect(decided).toMatchObject({ status: 'decided', decided: true, latencyMs: 3000, iocUrls: ['http://192.0.2.7/'] });
      // Evidence can quote the message; the scan keeps only the reason's summary.
      expect(decided.reasonDetails).toEqual([
        { engine: 'links', findingId: 'links.ip_literal', severity: 'medium', title: 'IP link', score: 40, rule: 'score' },
      ]);
    });

    it('keeps engine results in the scan subcollection with the cached flag and write time', async () => {
      const prefix = uniquePrefix();
      const repository = new FirestoreRepository(db, prefix, { clock });
      await repository.createScan(scan);
      await repository.putEngineResult(scan.scanId, links, { cached: true, expireAt: scan.expireAt });

      const stored = (await db.doc(`${prefix}scans/${scan.scanId}/engines/links`).get()).data();
      expect(stored).toEqual({ ...links, cached: true, writtenAt: Timestamp.fromDate(clock()), expireAt: Timestamp.fromDate(scan.expireAt) });
    });

    it('keys the engine cache as {engine}__{version}__{contentKey}, with its TTL field', async () => {
      const prefix = uniquePrefix();
      const repository = new FirestoreRepository(db, prefix, { clock });
      const expireAt = new Date(clock().getTime() + 3_600_000);
      await repository.putCachedEngineResult('links', '2.1.0', scan.contentKey, links, expireAt);

      const stored = await db.doc(`${prefix}engineCache/links__2.1.0__${scan.contentKey}`).get();
      expect(stored.get('score')).toBe(40);
      expect(stored.get('expireAt')).toEqual(Timestamp.fromDate(expireAt));
    });

    it('treats a cache entry written without expireAt (before entries expired) as absent', async () => {
      const prefix = uniquePrefix();
      const repository = new FirestoreRepository(db, prefix, { clock });
      await db.doc(`${prefix}engineCache/links__2.1.0__${scan.contentKey}`).set({ ...links, writtenAt: Timestamp.fromDate(clock()) });

      expect(await repository.getCachedEngineResult('links', '2.1.0', scan.contentKey, clock())).toBeNull();
    });

    it('stores mailbox dates as Timestamps and merges label ids in place', async () => {
      const prefix = uniquePrefix();
      const repository = new FirestoreRepository(db, prefix, { clock });
      await repository.upsertMailbox('alice@example.org', { enrolled: true, labelIds: { suspicious: 'Label_1' } });
      await repository.advanceCursor('alice@example.org', null, '4242');
      await repository.upsertMailbox('alice@example.org', { labelIds: { quarantine: 'Label_2' } });

      const stored = (await db.doc(`${prefix}mailboxes/alice@example.org`).get()).data();
      expect(stored).toEqual({
        enrolled: true,
        historyCursor: '4242',
        cursorUpdatedAt: Timestamp.fromDate(clock()),
        labelIds: { suspicious: 'Label_1', quarantine: 'Label_2' },
      });
    });

    it('keeps tenants with different prefixes apart', async () => {
      const tenantA = new FirestoreRepository(db, uniquePrefix(), { clock });
      const tenantB = new FirestoreRepository(db, uniquePrefix(), { clock });
      await tenantA.createScan(scan);
      await tenantA.upsertMailbox('alice@example.org', { enrolled: true });

      expect(await tenantB.getScan(scan.scanId)).toBeNull();
      expect(await tenantB.listMailboxes()).toEqual([]);
      expect(await tenantB.createScan(scan)).toBe(true);
    });

    it('reports a write Firestore refuses as RepositoryError naming the operation and scan', async () => {
      const repository = new FirestoreRepository(db, uniquePrefix(), { clock });
      // Over the 1 MiB document limit: the parser bounds subjects, but the store must not fail silently.
      const oversized = { ...scan, subject: 'x'.repeat(1_100_000) };

      const failure = await repository.createScan(oversized).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RepositoryError);
      expect(failure).toMatchObject({ code: 'repository.failed', context: { operation: 'createScan', scanId: scan.scanId } });
      expect(await repository.getScan(scan.scanId)).toBeNull();
    });

    it('passes an error thrown by decide through unchanged', async () => {
      const repository = new FirestoreRepository(db, uniquePrefix(), { clock });
      await repository.createScan(scan);
      const policyBug = new TypeError('policy exploded');

      await expect(
        repository.decideOnce(scan.scanId, () => {
          throw policyBug;
        }, clock()),
      ).rejects.toBe(policyBug);
      expect((await repository.getScan(scan.scanId))?.decided).toBe(false);
    });
  });
});
