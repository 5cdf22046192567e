import type { EngineStatus } from '../../functions/src/core/engine/types';
import type { VerdictLabel } from '../../functions/src/core/policy';
import type { MessageClass } from '../../functions/src/eval/labels';
import { operatingPointAtFpr, ratio, summarise, type EvalRecord } from '../../functions/src/eval/metrics';

const repeat = (value: number, times: number): number[] => Array.from({ length: times }, () => value);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('operatingPointAtFpr', () => {
  it('has no operating point without negatives', () => {
    expect(operatingPointAtFpr([10, 90], [], 0.01)).toEqual({
      target: 0.01,
      negatives: 0,
      positives: 2,
      allowedFalsePositives: null,
      cutoff: null,
      threshold: null,
      falsePositives: null,
      falsePositiveRate: null,
      detected: null,
      detectionRate: null,
    });
  });

  it('flags only scores above 0 when every negative scores 0', () => {
    // 100 negatives at 0: K = floor(1) = 1, the 2nd highest negative is 0, so flag score > 0.
    expect(operatingPointAtFpr([0, 0, 10, 50], repeat(0, 100), 0.01)).toMatchObject({
      allowedFalsePositives: 1,
      cutoff: 0,
      threshold: 10,
      falsePositives: 0,
      falsePositiveRate: 0,
      detected: 2,
      detectionRate: 0.5,
    });
  });

  it('puts the cutoff above negatives that tie, even if that flags fewer than allowed', () => {
    // 98 negatives at 0, 2 at 60; 1% of 100 allows one false positive, but the two at 60 cannot be
    // told apart, so neither may be flagged, and positives at 60 are not flagged either.
    const point = operatingPointAtFpr([60, 60, 70, 90], [...repeat(0, 98), 60, 60], 0.01);
    expect(point).toMatchObject({ allowedFalsePositives: 1, cutoff: 60, threshold: 70, falsePositives: 0, detected: 2, detectionRate: 0.5 });
  });

  it('spends the whole false-positive budget when negatives are distinct', () => {
    const negatives = range(1, 200); // 200 negatives scoring 1..200
    // 1%: K = 2, cutoff = 3rd highest = 198; negatives 199 and 200 are flagged (exactly 1%).
    expect(operatingPointAtFpr([150, 198, 199, 300], negatives, 0.01)).toMatchObject({
      allowedFalsePositives: 2,
      cutoff: 198,
      threshold: 199,
      falsePositives: 2,
      falsePositiveRate: 0.01,
      detected: 2,
      detectionRate: 0.5,
    });
    // 0.1%: K = floor(0.2) = 0, cutoff = the highest negative, 200.
    expect(operatingPointAtFpr([150, 198, 199, 300], negatives, 0.001)).toMatchObject({
      allowedFalsePositives: 0,
      cutoff: 200,
      threshold: 300,
      falsePositives: 0,
      detected: 1,
      detectionRate: 0.25,
    });
  });

  it('counts the allowed false positives without floating-point slips', () => {
    expect(operatingPointAtFpr([], range(1, 700), 0.01)).toMatchObject({ allowedFalsePositives: 7, cutoff: 693, falsePositives: 7, detectionRate: null });
    expect(operatingPointAtFpr([], range(1, 1000), 0.001)).toMatchObject({ allowedFalsePositives: 1, cutoff: 999, falsePositives: 1 });
  });

  it('flags nothing when nothing scores above the highest usable negative', () => {
    expect(operatingPointAtFpr([50, 50], [50, 50, 50], 0.01)).toMatchObject({ cutoff: 50, threshold: null, detected: 0, detectionRate: 0, falsePositives: 0 });
  });

  it('does not depend on input order', () => {
    const negatives = [5, 60, 0, 60, 3, ...repeat(1, 95)];
    const positives = [70, 60, 2];
    expect(operatingPointAtFpr(positives, negatives, 0.01)).toEqual(operatingPointAtFpr([...positives].reverse(), [...negatives].reverse(), 0.01));
  });

  it.each([0, 1, -0.1, Number.NaN])('rejects the target %p', (target) => {
    expect(() => operatingPointAtFpr([1], [1], target)).toThrow(RangeError);
  });
});

describe('ratio', () => {
  it('is null over nothing, not zero', () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
  });
});

type EngineSpec = [engine: string, status: EngineStatus, findings: string[]];

function scanned(file: string, label: string, cls: MessageClass, verdict: VerdictLabel, score: number, elapsedMs: number, engines: EngineSpec[]): EvalRecord {
  return {
    kind: 'scanned',
    file,
    source: `/corpus/${file}`,
    label,
    class: cls,
    verdict,
    score,
    action: verdict === 'clean' ? 'none' : 'label',
    engines: engines.map(([engine, status, findingIds]) => ({ engine, status, findingIds })),
    topFindings: engines.flatMap(([, , findingIds]) => findingIds),
    elapsedMs,
  };
}

describe('summarise', () => {
  const records: EvalRecord[] = [
    scanned('p1.eml', 'phishing', 'positive', 'malicious', 90, 10, [['links', 'ok', ['links.a', 'links.a']], ['auth', 'ok', ['auth.x']]]),
    scanned('p2.eml', 'phishing', 'positive', 'suspicious', 55, 20, [['links', 'ok', ['links.b']], ['auth', 'ok', []]]),
    scanned('p3.eml', 'scam', 'positive', 'clean', 10, 30, [['links', 'timeout', []], ['auth', 'ok', ['auth.x']]]),
    scanned('n1.eml', 'ham', 'negative', 'clean', 0, 40, [['links', 'ok', []], ['auth', 'ok', ['auth.x']]]),
    scanned('n2.eml', 'ham', 'negative', 'suspicious', 60, 50, [['links', 'ok', ['links.b']], ['auth', 'unavailable', []]]),
    scanned('n3.eml', 'ham', 'negative', 'clean', 5, 60, [['links', 'ok', []], ['auth', 'ok', []]]),
    scanned('o1.eml', 'spam', 'other', 'malicious', 95, 70, [['links', 'ok', ['links.a']], ['auth', 'ok', []]]),
    { kind: 'error', file: 'e1.eml', source: '/corpus/e1.eml', label: 'ham', class: 'negative', error: 'no such file or directory' },
    { kind: 'error', file: 'e2.eml', source: '/corpus/e2.eml', label: 'phishing', class: 'positive', error: 'file is empty' },
  ];
  const summary = summarise(records, { rows: 9, elapsedMs: 2000, workers: 2, cores: 2, cpuMs: 1000 });

  it('counts every label by verdict, unreadable rows under error', () => {
    expect(summary.rows).toBe(9);
    expect(summary.messages).toBe(7);
    expect(summary.classes).toEqual({ positive: 3, negative: 3, other: 1 });
    expect(summary.counts).toEqual({
      phishing: { clean: 0, suspicious: 1, malicious: 1, error: 1 },
      scam: { clean: 1, suspicious: 0, malicious: 0, error: 0 },
      ham: { clean: 2, suspicious: 1, malicious: 0, error: 1 },
      spam: { clean: 0, suspicious: 0, malicious: 1, error: 0 },
    });
  });

  it('rates positives and negatives over scanned messages only, other labels left out', () => {
    expect(summary.detectionRate).toBeCloseTo(2 / 3);
    expect(summary.maliciousRate).toBeCloseTo(1 / 3);
    expect(summary.falsePositiveRate).toBeCloseTo(1 / 3);
    expect(summary.maliciousFalsePositiveRate).toBe(0);
  });

  it('chooses the FPR operating points on the negatives of the run', () => {
    // negatives 0, 60, 5: K = floor(0.03) = 0, cutoff 60; only the positive at 90 is above it
    // (the 'other' message at 95 does not take part).
    expect(summary.atFalsePositiveRate.map((point) => [point.target, point.cutoff, point.threshold, point.detected, point.falsePositives])).toEqual([
      [0.01, 60, 90, 1, 0],
      [0.001, 60, 90, 1, 0],
    ]);
  });

  it('tallies engine statuses and findings once per message, by class', () => {
    expect(summary.engines.links).toEqual({
      status: { ok: 6, error: 0, timeout: 1, unavailable: 0 },
      findings: {
        'links.b': { positives: 1, negatives: 1, positiveShare: 1 / 3, negativeShare: 1 / 3 },
        'links.a': { positives: 1, negatives: 0, positiveShare: 1 / 3, negativeShare: 0 },
      },
    });
    expect(Object.keys(summary.engines.links?.findings ?? {})).toEqual(['links.b', 'links.a']);
    expect(summary.engines.auth).toEqual({
      status: { ok: 6, error: 0, timeout: 0, unavailable: 1 },
      findings: { 'auth.x': { positives: 2, negatives: 1, positiveShare: 2 / 3, negativeShare: 1 / 3 } },
    });
  });

  it('lists every unreadable row with its class', () => {
    expect(summary.errors).toEqual({
      count: 2,
      byClass: { positive: 1, negative: 1, other: 0 },
      items: [
        { file: 'e1.eml', label: 'ham', error: 'no such file or directory' },
        { file: 'e2.eml', label: 'phishing', error: 'file is empty' },
      ],
    });
  });

  it('reports throughput per second, per core and per CPU-second, and latency percentiles', () => {
    expect(summary.throughput).toEqual({
      elapsedMs: 2000,
      messages: 7,
      workers: 2,
      cores: 2,
      messagesPerSecond: 3.5,
      messagesPerSecondPerCore: 1.75,
      cpuSeconds: 1,
      messagesPerCpuSecond: 7,
      latencyMs: { p50: 40, p95: 70 },
    });
  });

  it('gives null rates, not zero, for a class with no messages', () => {
    const onlyHam = summarise([records[3] as EvalRecord], { rows: 1, elapsedMs: 0, workers: 1, cores: 2 });
    expect(onlyHam.detectionRate).toBeNull();
    expect(onlyHam.maliciousRate).toBeNull();
    expect(onlyHam.falsePositiveRate).toBe(0);
    expect(onlyHam.throughput.messagesPerSecond).toBeNull();
    expect(onlyHam.throughput.messagesPerCpuSecond).toBeNull();
    expect(onlyHam.atFalsePositiveRate[0]).toMatchObject({ cutoff: 0, threshold: null, detectionRate: null });
  });
});
