import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_STRATA_CONFIG, loadStrataConfigFile } from '../core/config/strata-config';
import { StrataError } from '../core/errors';
import { ClamdNotInstalledError, ClamdStartError, startClamd } from '../dev/clamd';
import { groupOf, listOption, parseLabels } from '../eval/labels';
import type { EvalSummary } from '../eval/metrics';
import { comparisonMarkdown, parsePeersCsv, peerSystemRows, selectRows, strataSystemRow, type PeerRow, type PeersMeta, type SystemRow } from '../eval/peers';
import { EXIT_CLEAN, EXIT_USAGE, processIo, type CliIo } from './io';
import { main as strataMain } from './main';

const USAGE = `Usage: npm run eval:corpus -- CORPUS_DIR [--peers PEERS.csv] [--groups phish,lists] [--negative ham]
                              [--engines a,b] [--workers N] [--config FILE] [--policy FILE] [--out DIR]
                              [--no-clamd] [--clamd-db DIR]

Runs \`strata eval\` on CORPUS_DIR/labels.csv restricted to --groups (default phish,lists): every
label of those rows except the --negative ones (default ham) is positive. With --peers (a CSV
written by shared/peers/score.sh, its .meta.json beside it), rspamd's and SpamAssassin's rows are
computed on exactly the same rows and classes. Prints the markdown table on stdout and keeps the
eval JSON, the per-message CSV and the table in --out (default: $TMPDIR/strata-eval).

When the clamav engine runs (all engines, or --engines with clamav) and the config does not point
it at a daemon, a clamd is started for the run (functions/src/dev/clamd) with the repository's
test signatures, or --clamd-db DIR; --no-clamd leaves clamav as configured (a missing daemon then
shows as clamav "unavailable" in the engine status counts).`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        peers: { type: 'string' },
        groups: { type: 'string', default: 'phish,lists' },
        negative: { type: 'string', default: 'ham' },
        out: { type: 'string', default: join(tmpdir(), 'strata-eval') },
        engines: { type: 'string' },
        workers: { type: 'string' },
        config: { type: 'string' },
        policy: { type: 'string' },
        'no-clamd': { type: 'boolean', default: false },
        'clamd-db': { type: 'string' },
      },
    });
  } catch (error) {
    io.stderr(`eval:corpus: ${(error as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr(`eval:corpus: give exactly one CORPUS_DIR\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const corpus = resolve(positionals[0] as string);
  const labelsFile = join(corpus, 'labels.csv');
  const groups = listOption(values.groups);
  const negative = listOption(values.negative);

  let positive: string[];
  let selectedFiles: Set<string>;
  try {
    const rows = parseLabels(await readFile(labelsFile, 'utf8'), labelsFile).filter((row) => groups.includes(groupOf(row.file)));
    positive = [...new Set(rows.map((row) => row.label).filter((label) => !negative.includes(label)))].sort();
    selectedFiles = new Set(rows.map((row) => row.file));
    if (rows.length === 0) throw new StrataError('eval.no_rows', `${labelsFile}: no rows in the group(s) ${groups.join(', ')}`);
  } catch (error) {
    io.stderr(`eval:corpus: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }

  // The peers' file is read before the long scan, so a wrong path fails at once.
  let peers: { rows: PeerRow[]; meta: PeersMeta | undefined } | undefined;
  if (values.peers) {
    try {
      peers = { rows: parsePeersCsv(await readFile(values.peers, 'utf8'), values.peers), meta: await readMeta(`${values.peers}.meta.json`) };
    } catch (error) {
      io.stderr(`eval:corpus: ${(error as Error).message}\n`);
      return EXIT_USAGE;
    }
  }

  await mkdir(values.out, { recursive: true });
  const resultsCsv = join(values.out, 'strata-results.csv');
  const evalArgs = ['eval', '--labels', labelsFile, '--groups', groups.join(','), '--positive', positive.join(','), '--negative', negative.join(',')];
  evalArgs.push('--out', resultsCsv);
  for (const flag of ['engines', 'workers', 'policy'] as const) {
    const value = values[flag];
    if (value !== undefined) evalArgs.push(`--${flag}`, value);
  }

  let clamd: { stop(): Promise<void> } | undefined;
  let code: number;
  let stdout = '';
  const loadBefore = loadavg();
  try {
    const config = values.config ? await loadStrataConfigFile(values.config) : DEFAULT_STRATA_CONFIG;
    const runsClamav = values.engines === undefined || listOption(values.engines).includes('clamav');
    if (runsClamav && !values['no-clamd'] && config.engines.clamav === undefined) {
      const running = await startClamd({ databaseDir: values['clamd-db'] });
      clamd = running;
      io.stderr(`eval:corpus: started clamd on ${running.host}:${running.port} (pid ${running.pid}, signatures ${running.databaseDir})\n`);
      const withClamd = { ...config, engines: { ...config.engines, clamav: running.engineConfig } };
      const configFile = join(values.out, 'strata-config.json');
      await writeFile(configFile, `${JSON.stringify(withClamd, null, 2)}\n`);
      evalArgs.push('--config', configFile);
    } else if (values.config) {
      evalArgs.push('--config', values.config);
    }
    io.stderr(`eval:corpus: strata ${evalArgs.join(' ')}\n`);
    code = await strataMain(evalArgs, { stdout: (text) => void (stdout += text), stderr: io.stderr, stderrIsTty: io.stderrIsTty });
  } catch (error) {
    const expected = error instanceof StrataError || error instanceof ClamdNotInstalledError || error instanceof ClamdStartError;
    if (!expected) throw error;
    io.stderr(`eval:corpus: ${error.message}\n`);
    return EXIT_USAGE;
  } finally {
    await clamd?.stop();
  }
  const lastLine = stdout.trimEnd().split('\n').pop() ?? '';
  if (!lastLine.startsWith('{')) {
    io.stderr(`eval:corpus: strata eval exited ${code} without a result\n`);
    return code === EXIT_CLEAN ? EXIT_USAGE : code;
  }
  const strata = JSON.parse(lastLine) as EvalSummary & { engineNames: string[]; policyVersion: string };
  await writeFile(join(values.out, 'strata-eval.json'), `${JSON.stringify(strata, null, 2)}\n`);

  const systems: SystemRow[] = [strataSystemRow(strata, `Strata (${strata.engineNames.join('+')})`)];
  const notes: string[] = [
    `corpus ${corpus}, groups ${groups.join(', ')}: positives = labels ${positive.join(', ')}; negatives = ${negative.join(', ')}`,
    `Strata: policy ${strata.policyVersion}, ${strata.throughput.workers} worker(s) on ${strata.throughput.cores} cores; ` +
      `load average ${fmtLoad(loadBefore)} before, ${fmtLoad(loadavg())} after`,
  ];
  const failing = Object.entries(strata.engines).filter(([, engine]) => engine.status.ok < strata.messages);
  for (const [name, engine] of failing) {
    notes.push(`Strata engine ${name}: ok ${engine.status.ok}, error ${engine.status.error}, timeout ${engine.status.timeout}, unavailable ${engine.status.unavailable}`);
  }
  if (strata.errors.count > 0) notes.push(`Strata: ${strata.errors.count} row(s) unreadable, left out of the rates (see ${resultsCsv})`);

  if (peers) {
    const selection = { classes: { positive, negative }, groups };
    systems.push(...peerSystemRows(peers.rows, peers.meta, selection));
    const peerFiles = new Set(selectRows(peers.rows, selection).map((row) => row.file));
    const onlyStrata = [...selectedFiles].filter((file) => !peerFiles.has(file)).length;
    const onlyPeers = [...peerFiles].filter((file) => !selectedFiles.has(file)).length;
    if (onlyStrata + onlyPeers > 0) {
      notes.push(`WARNING: the peers CSV does not cover the same rows: ${onlyStrata} only in labels.csv, ${onlyPeers} only in ${values.peers}`);
    }
    const meta = peers.meta;
    if (meta) {
      notes.push(
        `peers: ${values.peers}; versions ${Object.entries(meta.versions ?? {}).map(([name, version]) => `${name} ${version}`).join(', ')}; ` +
          `load average ${fmtLoad(meta.loadavg_at_start)} at start, ${fmtLoad(meta.loadavg_at_end)} at end; ` +
          `msg/s = messages / wall second of the peer's own pass, msg per CPU-s = per CPU-second of the daemon`,
      );
    } else notes.push(`peers: no ${values.peers}.meta.json, so no throughput for the peers`);
  }

  const markdown = [comparisonMarkdown(systems), '', ...notes.map((note) => `- ${note}`)].join('\n');
  await writeFile(join(values.out, 'comparison.md'), `${markdown}\n`);
  io.stdout(`${markdown}\n`);
  io.stderr(`eval:corpus: wrote ${join(values.out, 'comparison.md')}, strata-eval.json and strata-results.csv\n`);
  return code;
}

async function readMeta(path: string): Promise<PeersMeta | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PeersMeta;
  } catch {
    return undefined;
  }
}

function fmtLoad(load: readonly number[] | undefined): string {
  return load ? load.map((value) => value.toFixed(2)).join(' ') : 'n/a';
}
