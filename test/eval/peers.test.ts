import { summarise, type EvalRecord } from '../../functions/src/eval/metrics';
import { comparisonMarkdown, parsePeersCsv, PeersCsvError, peerSystemRows, strataSystemRow } from '../../functions/src/eval/peers';
import { resultsCsv } from '../../functions/src/eval/results-csv';
import { parseCsv } from '../../functions/src/eval/csv';

// score.sh's columns; scores chosen so each flag rule lands differently.
const PEERS_CSV = [
  'file,label,rspamd_score,rspamd_action,rspamd_symbols,sa_score,sa_tests,rspamd_ms,sa_ms,bytes,error',
  'phish/1.eml,phishing,7.5,add header,"PHISHING=3 R_X=4.5",6.1,"A=6.1",9,200,100,',
  'phish/2.eml,phishing,4.2,greylist,,2,,9,200,100,',
  'lists/3.eml,spam,1,no action,,5,,9,200,100,',
  'lists/4.eml,ham,0.5,no action,,-1,,9,200,100,',
  'lists/5.eml,ham,4.5,greylist,,0,,9,200,100,',
  'lists/6.eml,ham,,,,1,,,200,100,rspamd: timeout',
  'spam/7.eml,spam,20,reject,,30,,9,200,100,',
  '',
].join('\n');

const META = {
  cores: 2,
  loadavg_at_start: [1, 1, 1],
  peers: { rspamd: { n: 600, wall_s: 2, concurrency: 4, daemon_cpu_s: 3 }, sa: { n: 600, wall_s: 100, concurrency: 2, daemon_cpu_s: 150 } },
};

describe('peers comparison', () => {
  const rows = parsePeersCsv(PEERS_CSV, 'dev.csv');
  const selection = { classes: { positive: ['phishing', 'spam', 'scam'], negative: ['ham'] }, groups: ['phish', 'lists'] };

  it('reads score.sh rows, an empty score meaning the peer failed', () => {
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({ file: 'phish/1.eml', label: 'phishing', rspamdScore: 7.5, rspamdAction: 'add header', saScore: 6.1 });
    expect(rows[5]).toMatchObject({ rspamdScore: null, saScore: 1 });
  });

  it('rejects a CSV that is not score.sh output', () => {
    expect(() => parsePeersCsv('file,label,score\n', 'x.csv')).toThrow(PeersCsvError);
    expect(() => parsePeersCsv('file,label,score\n', 'x.csv')).toThrow(/missing column\(s\) rspamd_score, rspamd_action, sa_score/);
  });

  it('scores each peer at its default on the selected groups only, leaving failed messages out', () => {
    const [rspamd6, rspamd4, sa] = peerSystemRows(rows, META, selection);
    // positives: phish/1 (7.5, 6.1), phish/2 (4.2, 2), lists/3 spam (1, 5); spam/7 is outside the groups.
    // negatives: lists/4 (0.5, -1), lists/5 (4.5, 0), lists/6 (rspamd failed, 1).
    expect(rspamd6).toMatchObject({ positives: 3, negatives: 2, errors: 1, detectionRate: 1 / 3, falsePositiveRate: 0 });
    expect(rspamd4).toMatchObject({ detectionRate: 2 / 3, falsePositiveRate: 0.5 });
    expect(sa).toMatchObject({ positives: 3, negatives: 3, errors: 0, detectionRate: 2 / 3, falsePositiveRate: 0 });
    // rspamd: negatives 0.5, 4.5 → K = 0, cutoff 4.5 → 7.5 only. SA: negatives -1, 0, 1 → cutoff 1 → 6.1, 2 and 5 (lowest 2).
    expect(rspamd6?.atFalsePositiveRate[0]).toMatchObject({ cutoff: 4.5, threshold: 7.5, detected: 1 });
    expect(sa?.atFalsePositiveRate[1]).toMatchObject({ cutoff: 1, threshold: 2, detected: 3 });
    expect(rspamd6).toMatchObject({ messagesPerSecond: 300, messagesPerSecondPerCore: 150, messagesPerCpuSecond: 200 });
    expect(sa).toMatchObject({ messagesPerSecond: 6, messagesPerSecondPerCore: 3, messagesPerCpuSecond: 4 });
  });

  it('has no throughput without the meta file', () => {
    const [rspamd6] = peerSystemRows(rows, undefined, selection);
    expect(rspamd6).toMatchObject({ messagesPerSecond: null, messagesPerSecondPerCore: null, messagesPerCpuSecond: null });
  });

  it('prints one markdown row per system with the FPR cutoffs', () => {
    const records: EvalRecord[] = [
      { kind: 'scanned', file: 'a', source: 'a', label: 'phishing', class: 'positive', verdict: 'suspicious', score: 60, action: 'label', engines: [], topFindings: [], elapsedMs: 5 },
      { kind: 'scanned', file: 'b', source: 'b', label: 'ham', class: 'negative', verdict: 'clean', score: 10, action: 'none', engines: [], topFindings: [], elapsedMs: 5 },
    ];
    const strata = strataSystemRow(summarise(records, { rows: 2, elapsedMs: 1000, workers: 1, cores: 2, cpuMs: 500 }));
    const table = comparisonMarkdown([strata, ...peerSystemRows(rows, META, selection)]).split('\n');
    expect(table).toHaveLength(6);
    expect(table[0]).toMatch(/^\| system \| flagged when \| positives \| negatives \| errors \| detection \| false positives \| detection @ 1% FPR/);
    expect(table[2]).toBe('| Strata | verdict suspicious or malicious | 1 | 1 | 0 | 100.0% | 0.0% | 100.0% (> 10) | 100.0% (> 10) | 2.0 | 1.0 | 4.0 |');
    expect(table[3]).toBe('| rspamd 3.4 (offline) | score ≥ 6 (add header) | 3 | 2 | 1 | 33.3% | 0.0% | 33.3% (> 4.5) | 33.3% (> 4.5) | 300.0 | 150.0 | 200.0 |');
  });
});

describe('resultsCsv', () => {
  it('writes one row per record with engine statuses, top findings and errors', () => {
    const text = resultsCsv([
      {
        kind: 'scanned',
        file: 'phish/a, b.eml',
        source: '/c/phish/a, b.eml',
        label: 'phishing',
        class: 'positive',
        verdict: 'malicious',
        score: 88.5,
        action: 'quarantine',
        engines: [
          { engine: 'links', status: 'ok', findingIds: ['links.ip_literal'] },
          { engine: 'clamav', status: 'unavailable', findingIds: [] },
        ],
        topFindings: ['links.ip_literal', 'auth.no_authentication'],
        elapsedMs: 12.5,
      },
      { kind: 'error', file: 'lists/x.eml', source: '/c/lists/x.eml', label: 'ham', class: 'negative', error: 'no such file or directory' },
    ]);
    expect(parseCsv(text).map((record) => record.fields)).toEqual([
      ['file', 'label', 'class', 'verdict', 'score', 'action', 'engines', 'topFindings', 'elapsedMs', 'error'],
      ['phish/a, b.eml', 'phishing', 'positive', 'malicious', '88.5', 'quarantine', 'links=ok clamav=unavailable', 'links.ip_literal auth.no_authentication', '12.5', 'engine failure: clamav'],
      ['lists/x.eml', 'ham', 'negative', '', '', '', '', '', '', 'no such file or directory'],
    ]);
  });
});
