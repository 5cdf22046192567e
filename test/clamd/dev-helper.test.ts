import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ClamdUnavailableError } from '../../functions/src/clamd';
import {
  ClamdNotInstalledError,
  ClamdStartError,
  TEST_SIGNATURE_DIR,
  clamdConfigText,
  findClamdBinary,
  memoryBackedDir,
  startClamd,
} from '../../functions/src/dev/clamd';

describe('clamd dev helper', () => {
  it('says how to install clamd when the binary is missing', () => {
    expect(() => findClamdBinary('/nonexistent/clamd')).toThrow(ClamdNotInstalledError);
  });

  it('generates a loopback, foreground config with the mail scanning options', () => {
    const text = clamdConfigText({ databaseDir: '/db', port: 4321, logFile: '/log/clamd.log', streamMaxBytes: 1000, maxThreads: 2, temporaryDir: '/dev/shm/x' });
    for (const line of ['Foreground yes', 'DatabaseDirectory /db', 'TCPSocket 4321', 'TCPAddr 127.0.0.1', 'StreamMaxLength 1000', 'TemporaryDirectory /dev/shm/x', 'ScanMail yes', 'AlertEncrypted yes', 'AlertOLE2Macros yes']) {
      expect(text.split('\n')).toContain(line);
    }
  });

  it('starts clamd with the repository signatures, answers PING, and stops', async () => {
    // The real binary is required: CI installs it (scripts/install-system.sh); a missing one fails here.
    const clamd = await startClamd();
    let temporaryDir = '';
    try {
      expect(clamd.databaseDir).toBe(TEST_SIGNATURE_DIR);
      const config = readFileSync(clamd.configFile, 'utf8');
      expect(config).toContain(`TCPSocket ${clamd.port}`);
      temporaryDir = /^TemporaryDirectory (.+)$/m.exec(config)?.[1] ?? '';
      expect(existsSync(temporaryDir)).toBe(true);
      await expect(clamd.client.ping()).resolves.toBeUndefined();
      await expect(clamd.client.version()).resolves.toMatch(/^ClamAV \d+\.\d+/);
    } finally {
      await clamd.stop();
    }
    await expect(clamd.client.ping()).rejects.toBeInstanceOf(ClamdUnavailableError);
    expect(existsSync(dirname(clamd.configFile))).toBe(false);
    expect(existsSync(temporaryDir)).toBe(false);
  });

  it('puts temporary files on /dev/shm when it is writable, and falls back to the run folder otherwise', () => {
    expect(memoryBackedDir('x', '/nonexistent-root')).toBeNull();
    const root = mkdtempSync(join(tmpdir(), 'shm-'));
    try {
      expect(memoryBackedDir('strata-clamd-1', root)).toBe(join(root, 'strata-clamd-1'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports a daemon that cannot start, with its log', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'strata-clamd-empty-'));
    const runDir = mkdtempSync(join(tmpdir(), 'strata-clamd-run-'));
    try {
      const error = await startClamd({ databaseDir: empty, runDir, readyTimeoutMs: 20_000 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ClamdStartError);
      expect((error as Error).message).toMatch(/exited during start-up/);
      expect((error as ClamdStartError).logFile.startsWith(runDir)).toBe(true);
    } finally {
      rmSync(empty, { recursive: true, force: true });
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
