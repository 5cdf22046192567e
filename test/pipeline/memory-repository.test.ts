import { MemoryRepository } from '../../functions/src/pipeline/memory-repository';
import { scanIdFor, type NewScan } from '../../functions/src/pipeline/repository';
import { registerRepositoryContract } from './repository-contract';

describe('MemoryRepository', () => {
  registerRepositoryContract({
    create: (clock) => {
      const repository = new MemoryRepository({ clock });
      return { repository, auditEntries: async () => repository.auditEntries() };
    },
    concurrentDeciders: 5,
  });

  describe('inspection helpers', () => {
    const scan: NewScan = {
      scanId: scanIdFor('alice@example.org', 'm1'),
      mailbox: 'alice@example.org',
      gmailMessageId: 'm1',
      direction: 'inbound',
      messageId: '<m1@example.net>',
      fromAddress: 'a@example.net',
      fromDomain: 'example.net',
      subject: 'Hello',
      receivedAt: new Date('2026-03-02T09:00:00Z'),
      expectedEngines: ['links'],
      subjectKey: 'subjects/m1',
      contentKey: 'a'.repeat(64),
      expireAt: new Date('2026-06-01T00:00:00Z'),
    };

    it('exposes stored scans and engine results with their cached flag, as copies', async () => {
      const writtenAt = new Date('2026-03-02T09:00:05Z');
      const repository = new MemoryRepository({ clock: () => writtenAt });
      await repository.createScan(scan);
      await repository.putEngineResult(
        scan.scanId,
        { engine: 'links', version: '1', status: 'ok', score: 5, findings: [], iocs: { urls: [], domains: [], sha256: [], senders: [] }, elapsedMs: 3 },
        { cached: true, expireAt: scan.expireAt },
      );

      const [stored] = repository.allScans();
      expect(stored?.scanId).toBe(scan.scanId);
      if (stored) stored.subject = 'changed by the caller';
      expect(repository.allScans()[0]?.subject).toBe('Hello');

      expect(repository.storedEngineResults(scan.scanId)).toEqual([
        { result: expect.objectContaining({ engine: 'links', score: 5 }), cached: true, writtenAt, expireAt: scan.expireAt },
      ]);
    });

    it('returns copies from getScan, so callers cannot change what is stored', async () => {
      const repository = new MemoryRepository();
      await repository.createScan(scan);
      const first = await repository.getScan(scan.scanId);
      first?.reasons.push('tampered');

      expect((await repository.getScan(scan.scanId))?.reasons).toEqual([]);
    });
  });
});
