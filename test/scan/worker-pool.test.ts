import { join } from 'node:path';
import { DEFAULT_POLICY } from '../../functions/src/core/policy';
import { ScanPool } from '../../functions/src/scan/worker-pool';

const FAKE_WORKER = join(__dirname, '..', 'fixtures', 'scan', 'fake-worker.js');

function makePool(workers = 2, hardTimeoutMs = 5_000): ScanPool {
  return new ScanPool({
    setup: { config: {}, policy: {}, tag: 'fake' } as never,
    policy: DEFAULT_POLICY,
    engineNames: ['auth', 'links'],
    workers,
    hardTimeoutMs,
    workerScript: FAKE_WORKER,
  });
}

describe('ScanPool', () => {
  it('returns each worker report for its own message', async () => {
    const pool = makePool();
    try {
      const reports = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((name, index) => pool.scan(name, new Uint8Array(index + 1))),
      );
      expect(reports.map((report) => [report.source, report.messageId])).toEqual([
        ['a', '1@bytes'],
        ['b', '2@bytes'],
        ['c', '3@bytes'],
        ['d', '4@bytes'],
        ['e', '5@bytes'],
      ]);
    } finally {
      await pool.close();
    }
  });

  it('terminates a worker stuck in a synchronous loop and decides the message with every engine timed out', async () => {
    const pool = makePool(1, 300);
    try {
      const started = Date.now();
      const [stuck, after] = await Promise.all([pool.scan('spin', new Uint8Array(1)), pool.scan('next', new Uint8Array(2))]);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(stuck.engines.map((engine) => [engine.engine, engine.status])).toEqual([
        ['auth', 'timeout'],
        ['links', 'timeout'],
      ]);
      expect(stuck.failedEngines).toHaveLength(2);
      // Every engine failing is never a silent clean.
      expect(stuck.verdict).not.toBe('clean');
      // The message queued behind it is rescanned on a fresh worker.
      expect(after.messageId).toBe('2@bytes');
    } finally {
      await pool.close();
    }
  });

  it('retries the messages of a crashed worker once, then records an error verdict', async () => {
    const pool = makePool(1);
    try {
      const crashed = await pool.scan('crash', new Uint8Array(1));
      expect(crashed.engines.every((engine) => engine.status === 'error')).toBe(true);
      expect(crashed.engines[0]?.error).toMatch(/died twice/);
      const fine = await pool.scan('fine', new Uint8Array(3));
      expect(fine.messageId).toBe('3@bytes');
    } finally {
      await pool.close();
    }
  });

  it('turns a scan error reported by the worker into failed engines, not a clean verdict', async () => {
    const pool = makePool(1);
    try {
      const report = await pool.scan('reject', new Uint8Array(1));
      expect(report.engines.every((engine) => engine.status === 'error')).toBe(true);
      expect(report.engines[0]?.error).toMatch(/engine exploded/);
      expect(report.verdict).not.toBe('clean');
    } finally {
      await pool.close();
    }
  });
});
