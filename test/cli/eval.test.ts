import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../../functions/src/eval/csv';
import type { EvalSummary } from '../../functions/src/eval/metrics';

/**
 * End-to-end tests of `strata eval` through the built CLI (real worker pool, parser, engines and
 * the shipped default policy) on a small labelled folder written here. `npm test` builds first;
 * STRATA_CLI_MAIN=path/to/cli/main.js runs another build output instead of functions/lib.
 */
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'functions', 'bin', 'strata.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function strata(args: string[]): Promise<Run> {
  const override = process.env.STRATA_CLI_MAIN;
  const command = override
    ? ['-e', 'require(process.argv[1]).main(process.argv.slice(2)).then((code) => { process.exitCode = code; })', override, ...args]
    : [BIN, ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, command, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

type EvalJson = EvalSummary & { positiveLabels: string[]; negativeLabels: string[]; engineNames: string[] };

function lastJson(stdout: string): EvalJson {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as EvalJson;
}

function ham(id: string, subject: string): string {
  return [
    'Authentication-Results: mx.google.com; dkim=pass header.i=@example.com header.s=s1; spf=pass smtp.mailfrom=alice@example.com; dmarc=pass (p=REJECT) header.from=example.com',
    'From: Alice Example <alice@example.com>',
    'To: bob@example.org',
    `Subject: ${subject}`,
    `Message-ID: <${id}@example.com>`,
    'Date: Mon, 02 Nov 2026 10:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Are you free on Thursday? The usual place at noon.',
    '',
  ].join('\r\n');
}

/** Spoofed brand with failed DMARC and a link whose text shows another site than the IP it opens. */
function phish(id: string): string {
  return [
    'Authentication-Results: mx.google.com; dkim=none; spf=softfail smtp.mailfrom=no-reply@account-verify-center.example; dmarc=fail (p=NONE) header.from=paypal.com',
    'From: PayPal Security <service@paypal.com>',
    'Reply-To: support@account-verify-center.example',
    'To: bob@example.org',
    'Subject: Your account has been limited',
    `Message-ID: <${id}@account-verify-center.example>`,
    'Date: Mon, 02 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>We noticed unusual activity. Confirm your identity within 24 hours or your account will be suspended.</p>',
    '<p><a href="http://203.0.113.7/paypal.com/signin">https://www.paypal.com/signin</a></p>',
    '',
  ].join('\r\n');
}

describe('strata eval', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-eval-'));
    await mkdir(join(dir, 'ham'));
    await mkdir(join(dir, 'phish'));
    await mkdir(join(dir, 'news'));
    await writeFile(join(dir, 'ham', 'lunch.eml'), ham('lunch', 'Lunch on Thursday?'));
    await writeFile(join(dir, 'ham', 'notes, v2.eml'), ham('notes', 'Meeting notes'));
    await writeFile(join(dir, 'phish', 'p1.eml'), phish('p1'));
    await writeFile(join(dir, 'phish', 'p2.eml'), phish('p2'));
    await writeFile(join(dir, 'news', 'n1.eml'), ham('news', 'Weekly digest'));
    await writeFile(
      join(dir, 'ham', 'box.mbox'),
      `From alice@example.com Mon Nov  2 10:00:00 2026\n${ham('m1', 'One').replace(/\r\n/g, '\n')}\n` +
        `From alice@example.com Mon Nov  2 10:05:00 2026\n${ham('m2', 'Two').replace(/\r\n/g, '\n')}\n`,
    );
    // Paths are relative to the CSV's folder; extra columns are ignored; RFC 4180 quoting.
    await writeFile(
      join(dir, 'labels.csv'),
      [
        'file,label,source',
        'phish/p1.eml,phishing,synthetic',
        'ham/lunch.eml,ham,synthetic',
        'phish/p2.eml,phishing,"synthetic, quoted"',
        '"ham/notes, v2.eml",ham,synthetic',
        'news/n1.eml,newsletter,synthetic',
        'ham/gone.eml,ham,synthetic',
        '',
      ].join('\r\n'),
    );
    await writeFile(join(dir, 'complete.csv'), 'label,file\nphishing,phish/p1.eml\nham,ham/box.mbox\nscam,phish/p2.eml\nclean-control,ham/lunch.eml\n');
  });

  it('measures a labelled folder, names the missing row, writes the per-message CSV and exits 2', async () => {
    const out = join(dir, 'results.csv');
    const run = await strata([
      'eval',
      '--labels',
      join(dir, 'labels.csv'),
      '--positive',
      'phishing',
      '--negative',
      'ham',
      '--engines',
      'auth,links',
      '--workers',
      '1',
      '--out',
      out,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('strata eval: ham/gone.eml (ham): no such file or directory');
    expect(run.stderr).toMatch(/evaluated 5 message\(s\) from 6 row\(s\): 2 positive, 2 negative, 1 other; 1 unreadable/);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);

    const result = lastJson(run.stdout);
    expect(result).toMatchObject({
      positiveLabels: ['phishing'],
      negativeLabels: ['ham'],
      engineNames: ['auth', 'links'],
      rows: 6,
      messages: 5,
      classes: { positive: 2, negative: 2, other: 1 },
      detectionRate: 1,
      falsePositiveRate: 0,
      maliciousFalsePositiveRate: 0,
      errors: { count: 1, byClass: { positive: 0, negative: 1, other: 0 }, items: [{ file: 'ham/gone.eml', label: 'ham', error: 'no such file or directory' }] },
    });
    expect(result.counts.ham).toEqual({ clean: 2, suspicious: 0, malicious: 0, error: 1 });
    expect(result.counts.newsletter).toEqual({ clean: 1, suspicious: 0, malicious: 0, error: 0 });
    expect(result.counts.phishing?.clean).toBe(0);
    expect((result.counts.phishing?.suspicious ?? 0) + (result.counts.phishing?.malicious ?? 0)).toBe(2);
    expect(result.atFalsePositiveRate).toHaveLength(2);
    expect(result.atFalsePositiveRate[0]).toMatchObject({ target: 0.01, negatives: 2, positives: 2, allowedFalsePositives: 0, detectionRate: 1, falsePositives: 0 });
    expect(result.engines.auth?.status).toEqual({ ok: 5, error: 0, timeout: 0, unavailable: 0 });
    expect(result.engines.links?.findings['links.display_mismatch']).toMatchObject({ positives: 2, negatives: 0, positiveShare: 1, negativeShare: 0 });
    expect(result.throughput).toMatchObject({ messages: 5, workers: 1, cores: availableParallelism() });
    expect(result.throughput.messagesPerSecond).toBeGreaterThan(0);

    const text = await readFile(out, 'utf8');
    const csv = parseCsv(text).map((record) => record.fields);
    expect(csv[0]).toEqual(['file', 'label', 'class', 'verdict', 'score', 'action', 'engines', 'topFindings', 'elapsedMs', 'error']);
    expect(csv.slice(1).map((fields) => fields.slice(0, 3))).toEqual([
      ['phish/p1.eml', 'phishing', 'positive'],
      ['ham/lunch.eml', 'ham', 'negative'],
      ['phish/p2.eml', 'phishing', 'positive'],
      ['ham/notes, v2.eml', 'ham', 'negative'],
      ['news/n1.eml', 'newsletter', 'other'],
      ['ham/gone.eml', 'ham', 'negative'],
    ]);
    expect(text).toMatch(/\nham\/lunch\.eml,ham,negative,clean,[\d.]+,none,auth=ok links=ok,/);
    expect(text).toContain('\nham/gone.eml,ham,negative,,,,,,,no such file or directory\n');
    expect(csv[1]?.[7]).toMatch(/links\.display_mismatch/);
  });

  it('uses the default classes, scans every message of an mbox row and exits 0 when every row was read', async () => {
    const run = await strata(['eval', '--labels', join(dir, 'complete.csv'), '--engines', 'auth,links', '--workers', '2']);
    expect(run.code).toBe(0);
    const result = lastJson(run.stdout);
    expect(result).toMatchObject({
      positiveLabels: ['phishing', 'scam', 'malware-test'],
      negativeLabels: ['ham', 'clean-control'],
      rows: 4,
      messages: 5,
      classes: { positive: 2, negative: 3, other: 0 },
      counts: { ham: { clean: 2, error: 0 }, 'clean-control': { clean: 1 } },
      falsePositiveRate: 0,
      errors: { count: 0, items: [] },
    });
  });

  it('keeps only the rows of the groups asked for', async () => {
    const run = await strata(['eval', '--labels', join(dir, 'labels.csv'), '--groups', 'phish', '--engines', 'auth,links', '--workers', '1']);
    expect(run.code).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({ rows: 2, messages: 2, classes: { positive: 2, negative: 0, other: 0 }, falsePositiveRate: null });
  });

  it.each([
    ['no --labels', [], /--labels FILE is required/],
    ['an unknown option', ['--labels', 'x.csv', '--bogus'], /Unknown option '--bogus'/],
    ['a stray argument', ['--labels', 'x.csv', 'extra'], /Unexpected argument 'extra'/],
    ['a label in both classes', ['--labels', 'x.csv', '--positive', 'spam,ham', '--negative', 'ham'], /label\(s\) both positive and negative: ham/],
    ['an unknown engine', ['--labels', 'LABELS', '--engines', 'nope'], /unknown engine\(s\): nope/],
    ['a group with no rows', ['--labels', 'LABELS', '--groups', 'nowhere'], /no rows of .* are in the group\(s\) nowhere/],
  ])('exits 2 on %s', async (_name, args, message) => {
    const run = await strata(['eval', ...(args as string[]).map((arg) => (arg === 'LABELS' ? join(dir, 'labels.csv') : arg))]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message as RegExp);
    expect(run.stdout).toBe('');
  });

  it('exits 2 naming a labels file that does not exist', async () => {
    const missing = join(dir, 'nope.csv');
    const run = await strata(['eval', '--labels', missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${missing}: cannot read the labels file (no such file)`);
  });

  it.each([
    ['empty', '', /the labels file is empty/],
    ['missing-column', 'file,kind\nham/lunch.eml,ham\n', /missing column\(s\) label in the header row \(found: file, kind\)/],
    ['header-only', 'file,label\n', /has a header but no rows/],
    ['bad-quote', 'file,label\n"ham/lunch.eml,ham\n', /unterminated quoted field starting on line 2/],
    ['short-row', 'file,label\nham/lunch.eml,ham\nphish/p1.eml\n', /line 3: no label in this row/],
  ])('exits 2 on a bad labels CSV (%s) without scanning', async (name, text, message) => {
    const file = join(dir, `${name}.csv`);
    await writeFile(file, text);
    const run = await strata(['eval', '--labels', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});
