import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * `npm run eval:corpus` end to end on a synthetic corpus and a synthetic score.sh CSV: the
 * table has Strata's row and the peers' rows on the same selection. Runs the built code
 * (functions/lib, or the build output holding STRATA_CLI_MAIN).
 */
const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'eval-corpus.js');
const LIB = process.env.STRATA_CLI_MAIN ? dirname(dirname(process.env.STRATA_CLI_MAIN)) : join(ROOT, 'functions', 'lib');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, STRATA_LIB: LIB } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const message = (subject: string): string =>
  [
    'Authentication-Results: mx.google.com; dkim=pass header.i=@example.com header.s=s1; spf=pass smtp.mailfrom=alice@example.com; dmarc=pass (p=REJECT) header.from=example.com',
    'From: Alice Example <alice@example.com>',
    'To: bob@example.org',
    `Subject: ${subject}`,
    'Date: Mon, 02 Nov 2026 10:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See you at noon.',
    '',
  ].join('\r\n');

describe('eval:corpus', () => {
  let corpus: string;
  let out: string;
  beforeAll(async () => {
    corpus = await mkdtemp(join(tmpdir(), 'strata-corpus-'));
    out = join(corpus, 'out');
    for (const folder of ['phish', 'lists', 'spam']) await mkdir(join(corpus, folder));
    const rows = [
      ['phish/p1.eml', 'phishing'],
      ['lists/h1.eml', 'ham'],
      ['lists/h2.eml', 'ham'],
      ['lists/s1.eml', 'scam'],
      ['spam/x1.eml', 'spam'],
    ];
    for (const [file] of rows) await writeFile(join(corpus, file as string), message(file as string));
    await writeFile(join(corpus, 'labels.csv'), ['file,label,source', ...rows.map((row) => `${row.join(',')},synthetic`), ''].join('\n'));
    await writeFile(
      join(corpus, 'peers.csv'),
      [
        'file,label,rspamd_score,rspamd_action,rspamd_symbols,sa_score,sa_tests,rspamd_ms,sa_ms,bytes,error',
        'phish/p1.eml,phishing,8,add header,,6,,5,100,10,',
        'lists/h1.eml,ham,1,no action,,0,,5,100,10,',
        'lists/h2.eml,ham,2,no action,,1,,5,100,10,',
        'lists/s1.eml,scam,3,no action,,5.5,,5,100,10,',
        '',
      ].join('\n'),
    );
  });

  it('prints the side-by-side table for the selected groups', async () => {
    const result = await run([corpus, '--peers', join(corpus, 'peers.csv'), '--engines', 'auth,links', '--workers', '1', '--out', out]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^\| system \| flagged when \|/);
    // Strata: 2 positives (phishing, scam) and 2 negatives; spam/ is outside the default groups.
    expect(lines[2]).toMatch(/^\| Strata \(auth\+links\) \| verdict suspicious or malicious \| 2 \| 2 \| 0 \| /);
    expect(lines[3]).toBe('| rspamd 3.4 (offline) | score ≥ 6 (add header) | 2 | 2 | 0 | 50.0% | 0.0% | 100.0% (> 2) | 100.0% (> 2) | n/a | n/a | n/a |');
    expect(lines[5]).toBe('| SpamAssassin 4.0.1 (offline) | score ≥ 5 | 2 | 2 | 0 | 100.0% | 0.0% | 100.0% (> 1) | 100.0% (> 1) | n/a | n/a | n/a |');
    expect(result.stdout).toContain('positives = labels phishing, scam; negatives = ham');
    expect(result.stdout).toContain('no throughput for the peers');
    expect(await readFile(join(out, 'comparison.md'), 'utf8')).toBe(result.stdout);
    const evalJson = JSON.parse(await readFile(join(out, 'strata-eval.json'), 'utf8')) as { rows: number; positiveLabels: string[] };
    expect(evalJson).toMatchObject({ rows: 4, positiveLabels: ['phishing', 'scam'] });
  });

  it('exits 2 before scanning when the peers CSV is unusable', async () => {
    const bad = join(corpus, 'bad.csv');
    await writeFile(bad, 'file,label\n');
    const result = await run([corpus, '--peers', bad, '--engines', 'auth']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a score\.sh CSV: missing column\(s\) rspamd_score/);
  });
});
