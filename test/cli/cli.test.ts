import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AVAILABLE_ENGINES } from '../../functions/src/engines/registry';

/**
 * End-to-end tests of the built `strata` binary: real worker threads, real parser, real
 * engines and the shipped default policy. `npm test` builds before jest runs.
 */
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'functions', 'bin', 'strata.js');
const EXAMPLES = join(ROOT, 'examples', 'mail');
const EXAMPLE_CONFIG = join(ROOT, 'examples', 'strata.config.json');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function strata(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const CLEAN_MESSAGE = [
  'Authentication-Results: mx.google.com; dkim=pass header.i=@example.com header.s=s1; spf=pass smtp.mailfrom=alice@example.com; dmarc=pass (p=REJECT) header.from=example.com',
  'From: Alice Example <alice@example.com>',
  'To: bob@example.org',
  'Subject: Lunch on Thursday?',
  'Message-ID: <lunch-1@example.com>',
  'Date: Mon, 02 Nov 2026 10:00:00 +0000',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Are you free for lunch on Thursday? The usual place at noon.',
  '',
].join('\r\n');

describe('strata scan', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-cli-'));
    await writeFile(join(dir, 'clean.eml'), CLEAN_MESSAGE);
    await writeFile(join(dir, 'empty.eml'), '');
    await writeFile(join(dir, 'picture.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  });

  it('prints one JSON object per message with the required fields and exits 0 when nothing is flagged', async () => {
    const run = await strata(['scan', '--json', join(dir, 'clean.eml')]);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines).toHaveLength(1);
    const [report] = lines as [Record<string, unknown>];
    expect(report).toMatchObject({ source: join(dir, 'clean.eml'), messageId: 'lunch-1@example.com', verdict: 'clean', action: 'none' });
    expect(typeof report.score).toBe('number');
    expect(Array.isArray(report.reasons)).toBe(true);
    const engines = report.engines as { engine: string; status: string; version: string; elapsedMs: number }[];
    // Every shipped engine by default; clamav through a private clamd the CLI starts (clamd is installed here).
    expect(engines.map((engine) => engine.engine).sort()).toEqual([...AVAILABLE_ENGINES].sort());
    expect(engines.filter((engine) => engine.status !== 'ok' || engine.version.length === 0)).toEqual([]);
    expect(run.stderr).toMatch(/started clamd on 127\.0\.0\.1:\d+/);
    expect(run.stderr).toMatch(/scanned 1 message\(s\).*clean 1, suspicious 0, malicious 0/);
    expect(run.stderr).toMatch(/throughput [\d.]+ messages\/s; per message p50 [\d.]+ ms, p95 [\d.]+ ms/);
  });

  it('judges the shipped samples as their manifest says and exits 1', async () => {
    const manifest = JSON.parse(await readFile(join(EXAMPLES, 'manifest.json'), 'utf8')) as {
      file: string;
      expect: 'clean' | 'flagged' | 'malicious';
    }[];
    const run = await strata(['scan', '--json', '--config', EXAMPLE_CONFIG, EXAMPLES]);
    expect(run.code).toBe(1);
    const bySource = new Map(jsonLines(run.stdout).map((line) => [line.source as string, line]));
    expect(bySource.size).toBe(manifest.length);
    // 'malicious' samples carry EICAR: the clamav engine (private clamd) makes them malicious.
    const outcomes = manifest.map((entry) => {
      const verdict = bySource.get(join(EXAMPLES, entry.file))?.verdict;
      return { file: entry.file, outcome: verdict === 'clean' ? 'clean' : verdict === 'malicious' && entry.expect === 'malicious' ? 'malicious' : 'flagged' };
    });
    expect(outcomes).toEqual(manifest.map((entry) => ({ file: entry.file, outcome: entry.expect })));
  });

  it('with --no-clamd and no daemon configured, records clamav unavailable and still gives a verdict', async () => {
    const config = join(dir, 'closed-clamd.json');
    // Port 9 (discard) on loopback: nothing listens there.
    await writeFile(config, JSON.stringify({ engines: { clamav: { host: '127.0.0.1', port: 9 } } }));
    const run = await strata(['scan', '--json', '--no-clamd', '--config', config, '--engines', 'auth,clamav', join(dir, 'clean.eml')]);
    expect(run.code).toBe(0);
    const [report] = jsonLines(run.stdout) as [Record<string, unknown>];
    const engines = report.engines as { engine: string; status: string }[];
    expect(engines.find((engine) => engine.engine === 'clamav')?.status).toBe('unavailable');
    expect(report.verdict).toBe('clean');
    expect(run.stderr).not.toMatch(/started clamd/);
  });

  it('reports unreadable and non-mail inputs by name, still scans the rest, and exits 2', async () => {
    const run = await strata(['scan', '--json', join(dir, 'clean.eml'), join(dir, 'empty.eml'), join(dir, 'missing.eml'), join(dir, 'picture.png')]);
    expect(run.code).toBe(2);
    expect(jsonLines(run.stdout).map((line) => line.source)).toEqual([join(dir, 'clean.eml')]);
    expect(run.stderr).toContain(`${join(dir, 'empty.eml')}: file is empty`);
    expect(run.stderr).toContain(`${join(dir, 'missing.eml')}: no such file or directory`);
    expect(run.stderr).toContain(`${join(dir, 'picture.png')}: not an email message`);
  });

  it('scans every message of an mbox', async () => {
    const mbox = join(dir, 'box.mbox');
    await writeFile(
      mbox,
      `From alice@example.com Mon Nov  2 10:00:00 2026\n${CLEAN_MESSAGE.replace(/\r\n/g, '\n')}\n` +
        `From alice@example.com Mon Nov  2 10:05:00 2026\n${CLEAN_MESSAGE.replace(/\r\n/g, '\n').replace('lunch-1', 'lunch-2')}\n`,
    );
    const run = await strata(['scan', '--json', mbox]);
    expect(run.code).toBe(0);
    expect(jsonLines(run.stdout).map((line) => [line.source, line.messageId])).toEqual([
      [`${mbox}#1`, 'lunch-1@example.com'],
      [`${mbox}#2`, 'lunch-2@example.com'],
    ]);
  });

  it('runs only the engines asked for', async () => {
    const run = await strata(['scan', '--json', '--engines', 'auth', join(dir, 'clean.eml')]);
    expect(run.code).toBe(0);
    const [report] = jsonLines(run.stdout) as [{ engines: { engine: string }[] }];
    expect(report.engines.map((engine) => engine.engine)).toEqual(['auth']);
  });

  it('prints a readable table by default', async () => {
    const run = await strata(['scan', join(EXAMPLES, '07-phish-m365-password-expiry-ip-link.eml')]);
    expect(run.code).toBe(1);
    const [header, row] = run.stdout.split('\n');
    expect(header).toMatch(/^VERDICT\s+SCORE\s+ACTION\s+SOURCE/);
    expect(row).toMatch(/^(suspicious|malicious)\s+[\d.]+\s+(label|quarantine)\s+.*07-phish/);
    expect(run.stdout).toMatch(/- (auth|links)\.\w+: /);
  });

  it.each([
    [['scan'], /no PATH given/],
    [['scan', '--engines', 'nope', 'x.eml'], new RegExp(`unknown engine\\(s\\): nope; available: ${AVAILABLE_ENGINES.join(', ')}`)],
    [['scan', '--workers', '0', 'x.eml'], /--workers must be a whole number/],
    [['scan', '--bogus', 'x.eml'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 on the usage error %j', async (args, message) => {
    const run = await strata(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message as RegExp);
  });

  it('exits 2 naming an invalid policy file', async () => {
    const policy = join(dir, 'bad-policy.json');
    await writeFile(policy, '{"thresholds": {"suspicious": "high"}}');
    const run = await strata(['scan', '--policy', policy, join(dir, 'clean.eml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(policy);
  });

  it('exits 2 naming a config file that fails validation', async () => {
    const config = join(dir, 'bad-config.json');
    await writeFile(config, '{"organisationDomains": "example.com", "limits": {"maxMimeParts": -1}}');
    const run = await strata(['scan', '--config', config, join(dir, 'clean.eml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(config);
    expect(run.stderr).toMatch(/organisationDomains/);
    expect(run.stderr).toMatch(/limits\.maxMimeParts/);
  });
});
