import { combineScores, decide, POLICY_REASON_IDS } from '../../../functions/src/core/policy';
import { failed, finding, ok, policy } from './helpers';

/** Two engines agreeing is what the default consensus rule needs for a score-based malicious. */
const NO_CONSENSUS = { consensus: [] };

describe('combineScores', () => {
  it('is a weighted noisy-OR: a lone engine at weight 1 keeps its score, agreement compounds', () => {
    expect(combineScores([{ score: 70, weight: 1 }])).toBe(70);
    expect(combineScores([{ score: 50, weight: 1 }, { score: 50, weight: 1 }])).toBe(75);
    expect(combineScores([{ score: 50, weight: 2 }])).toBe(75);
    expect(combineScores([{ score: 100, weight: 0 }, { score: 20, weight: 1 }])).toBe(20);
    expect(combineScores([])).toBe(0);
    expect(combineScores([{ score: 100, weight: 1 }, { score: 90, weight: 3 }])).toBe(100);
  });

  it('never falls when a score or a weight rises', () => {
    const base = combineScores([{ score: 30, weight: 1 }, { score: 40, weight: 1 }]);
    expect(combineScores([{ score: 35, weight: 1 }, { score: 40, weight: 1 }])).toBeGreaterThan(base);
    expect(combineScores([{ score: 30, weight: 1.5 }, { score: 40, weight: 1 }])).toBeGreaterThan(base);
    expect(combineScores([{ score: 30, weight: 1 }, { score: 40, weight: 1 }, { score: 0, weight: 1 }])).toBe(base);
  });
});

describe('decide: score, weights and thresholds', () => {
  it('weights change the combined score and so the verdict', () => {
    const results = [ok('links', 40), ok('auth', 10)];

    const plain = decide(results, policy());
    const weighted = decide(results, policy({ weights: { links: 2 } }));
    const muted = decide(results, policy({ weights: { links: 0 } }));

    expect(plain.score).toBe(46);
    expect(plain.verdict).toBe('clean');
    expect(weighted.score).toBe(67.6);
    expect(weighted.verdict).toBe('suspicious');
    expect(muted.score).toBe(10);
  });

  it('an engine named like an Object.prototype member still weighs 1', () => {
    expect(decide([ok('constructor', 60)], policy()).score).toBe(60);
  });

  it.each([
    [49.9, 'clean'],
    [50, 'suspicious'],
    [79.9, 'suspicious'],
    [80, 'malicious'],
  ])('score %d is %s at the default thresholds (50 / 80)', (score, verdict) => {
    expect(decide([ok('a', score)], policy(NO_CONSENSUS)).verdict).toBe(verdict);
  });

  it('uses the policy thresholds', () => {
    const strictish = policy({ ...NO_CONSENSUS, thresholds: { suspicious: 20, malicious: 30 } });
    expect(decide([ok('a', 25)], strictish).verdict).toBe('suspicious');
    expect(decide([ok('a', 30)], strictish).verdict).toBe('malicious');
    expect(decide([ok('a', 19)], strictish).verdict).toBe('clean');
  });

  it('records the policy version', () => {
    expect(decide([ok('a', 0)], policy({ version: 'acme-7' })).policyVersion).toBe('acme-7');
  });
});

describe('decide: decisive findings', () => {
  it('an AV hit alone makes the message malicious while every other engine says clean', () => {
    const results = [ok('clamav', 0, [finding('clamav.Win.Trojan.Agent', 0, 'critical')]), ok('links', 0), ok('auth', 0)];

    const decision = decide(results, policy());

    expect(decision.score).toBe(0);
    expect(decision.verdict).toBe('malicious');
    expect(decision.action).toBe('quarantine');
    expect(decision.reasons[0]).toMatchObject({ engine: 'clamav', findingId: 'clamav.Win.Trojan.Agent', rule: 'decisive' });
  });

  it('a blocklisted link is decisive by exact id, and only that id', () => {
    expect(decide([ok('links', 5, [finding('links.blocklisted', 5)])], policy()).verdict).toBe('malicious');
    expect(decide([ok('links', 5, [finding('links.blocklisted_maybe', 5)])], policy()).verdict).toBe('clean');
  });

  it('bypasses consensus: a decisive finding from a single engine is enough', () => {
    const decision = decide([ok('links', 90, [finding('links.blocklisted', 90)])], policy());

    expect(decision.verdict).toBe('malicious');
    expect(decision.reasons.some((reason) => reason.rule === 'consensus')).toBe(false);
  });

  it('respects minSeverity: an informational AV finding is not decisive', () => {
    const decision = decide([ok('clamav', 0, [finding('clamav.skipped_encrypted', 0, 'info')])], policy());

    expect(decision.verdict).toBe('clean');
  });

  it('a rule with verdict suspicious raises clean to suspicious but never lowers a verdict', () => {
    const rules = { ...NO_CONSENSUS, decisiveFindings: [{ pattern: 'yara.*', verdict: 'suspicious' }] };

    expect(decide([ok('yara', 10, [finding('yara.macro', 10)])], policy(rules)).verdict).toBe('suspicious');
    expect(decide([ok('yara', 95, [finding('yara.macro', 95)])], policy(rules)).verdict).toBe('malicious');
  });

  it('ignores findings of failed engines', () => {
    const crashed = { ...failed('clamav'), findings: [finding('clamav.Eicar', 100, 'critical')] };

    expect(decide([crashed, ok('links', 0)], policy()).verdict).toBe('clean');
  });
});

describe('decide: consensus', () => {
  it('caps a score-based malicious at suspicious when only one engine is confident', () => {
    const decision = decide([ok('links', 90), ok('auth', 10)], policy());

    expect(decision.score).toBe(91);
    expect(decision.verdict).toBe('suspicious');
    expect(decision.reasons[0]).toMatchObject({
      engine: 'policy',
      findingId: POLICY_REASON_IDS.consensusNotMet,
      rule: 'consensus',
      evidence: ['links=90'],
    });
  });

  it('allows malicious when enough engines agree', () => {
    const decision = decide([ok('links', 60), ok('auth', 60)], policy());

    expect(decision.score).toBe(84);
    expect(decision.verdict).toBe('malicious');
    expect(decision.reasons.some((reason) => reason.rule === 'consensus')).toBe(false);
  });

  it('does not count an engine of weight 0 as agreeing', () => {
    const decision = decide([ok('links', 90), ok('content', 90)], policy({ weights: { content: 0 } }));

    expect(decision.verdict).toBe('suspicious');
  });

  it('a consensus rule on suspicious can hold many weak signals at clean', () => {
    const floor = policy({ consensus: [{ verdict: 'suspicious', minEngines: 1, minEngineScore: 30 }] });
    const weak = [ok('a', 25), ok('b', 25), ok('c', 25)];

    expect(decide(weak, floor).score).toBe(57.8);
    expect(decide(weak, floor).verdict).toBe('clean');
    expect(decide(weak, policy(NO_CONSENSUS)).verdict).toBe('suspicious');
  });

  it('an unmet lower rule caps a malicious score below that rule too', () => {
    const rules = policy({
      consensus: [
        { verdict: 'suspicious', minEngines: 1, minEngineScore: 60 },
        { verdict: 'malicious', minEngines: 2, minEngineScore: 50 },
      ],
    });

    const decision = decide([ok('a', 55), ok('b', 55), ok('c', 55)], rules);

    expect(decision.score).toBe(90.9);
    expect(decision.verdict).toBe('clean');
  });
});

describe('decide: engine failures', () => {
  it('fail-open decides on the engines that worked and records the failure', () => {
    const decision = decide([ok('links', 0), failed('clamav', 'timeout', 'timed out after 50 ms')], policy());

    expect(decision.verdict).toBe('clean');
    expect(decision.failedEngines).toEqual([{ engine: 'clamav', status: 'timeout', error: 'timed out after 50 ms' }]);
    expect(decision.reasons).toContainEqual(
      expect.objectContaining({
        engine: 'clamav',
        findingId: POLICY_REASON_IDS.engineFailed,
        rule: 'failure',
        evidence: ['timed out after 50 ms'],
      }),
    );
  });

  it('fail-closed makes a message with a failed engine at least suspicious', () => {
    const decision = decide([ok('links', 0), failed('clamav', 'unavailable')], policy({ onEngineFailure: 'fail-closed' }));

    expect(decision.verdict).toBe('suspicious');
    expect(decision.action).toBe('label');
  });

  it('fail-closed uses failClosedVerdict and never lowers a worse verdict', () => {
    const closedMalicious = policy({ onEngineFailure: 'fail-closed', failClosedVerdict: 'malicious' });
    expect(decide([ok('links', 0), failed('clamav')], closedMalicious).verdict).toBe('malicious');

    const closed = policy({ onEngineFailure: 'fail-closed' });
    const decisive = [ok('links', 0, [finding('links.blocklisted', 0)]), failed('clamav')];
    expect(decide(decisive, closed).verdict).toBe('malicious');
  });

  it('fail-closed with every engine working changes nothing', () => {
    expect(decide([ok('links', 0), ok('auth', 0)], policy({ onEngineFailure: 'fail-closed' })).verdict).toBe('clean');
  });

  it('when every engine failed, even fail-open does not call the message clean', () => {
    const decision = decide([failed('links'), failed('auth', 'timeout')], policy());

    expect(decision.verdict).toBe('suspicious');
    expect(decision.score).toBe(0);
    expect(decision.failedEngines.map((failure) => failure.engine)).toEqual(['links', 'auth']);
    expect(decision.reasons[0]).toMatchObject({ findingId: POLICY_REASON_IDS.noUsableEngines, rule: 'failure' });
  });

  it('with no results at all the message was not scanned and is not clean', () => {
    const decision = decide([], policy());

    expect(decision.verdict).toBe('suspicious');
    expect(decision.reasons[0]?.findingId).toBe(POLICY_REASON_IDS.noUsableEngines);
  });

  it('an expected engine missing from the results counts as failed', () => {
    const expected = { expectedEngines: ['links', 'clamav'] };

    const open = decide([ok('links', 0)], policy(expected));
    const closed = decide([ok('links', 0)], policy({ ...expected, onEngineFailure: 'fail-closed' }));

    expect(open.verdict).toBe('clean');
    expect(open.failedEngines).toEqual([
      { engine: 'clamav', status: 'missing', error: 'expected by the policy but produced no result' },
    ]);
    expect(closed.verdict).toBe('suspicious');
  });

  it('an expected engine that reported a failure is listed once, with its own status', () => {
    const decision = decide([ok('links', 0), failed('clamav', 'timeout')], policy({ expectedEngines: ['clamav'] }));

    expect(decision.failedEngines).toEqual([{ engine: 'clamav', status: 'timeout', error: 'boom' }]);
  });

  it("treats an 'ok' result with malformed output as failed, not clean", () => {
    const corrupt = { ...ok('links', 0), score: Number.NaN };

    const decision = decide([corrupt], policy());

    expect(decision.verdict).toBe('suspicious');
    expect(decision.failedEngines[0]).toMatchObject({ engine: 'links', status: 'error' });
    expect(decision.failedEngines[0]?.error).toContain('score NaN');
  });

  it('uses the usable result of an engine that reported twice (a retried run), and counts it once', () => {
    const decision = decide([failed('links', 'timeout'), ok('links', 60), ok('links', 60), ok('auth', 0)], policy());

    expect(decision.failedEngines).toEqual([]);
    expect(decision.score).toBe(60);
  });
});

describe('decide: actions and mode', () => {
  it('maps each verdict to the action of the policy table', () => {
    const table = policy({ ...NO_CONSENSUS, actions: { clean: 'none', suspicious: 'quarantine', malicious: 'trash' } });

    expect(decide([ok('a', 0)], table)).toMatchObject({ verdict: 'clean', action: 'none', intendedAction: 'none' });
    expect(decide([ok('a', 60)], table)).toMatchObject({ verdict: 'suspicious', action: 'quarantine' });
    expect(decide([ok('a', 90)], table)).toMatchObject({ verdict: 'malicious', action: 'trash', passive: false });
  });

  it('passive mode records the intended action but applies none', () => {
    const decision = decide([ok('clamav', 0, [finding('clamav.Eicar', 0, 'critical')])], policy({ mode: 'passive' }));

    expect(decision).toMatchObject({ verdict: 'malicious', action: 'none', intendedAction: 'quarantine', passive: true });
  });
});

describe('decide: reasons', () => {
  it('orders reasons decisive, consensus, failure, then score findings by contribution', () => {
    const results = [
      ok('links', 90, [finding('links.ip_literal', 30), finding('links.lookalike', 70), finding('links.info', 0, 'info')]),
      ok('auth', 40, [finding('auth.dmarc_fail', 40)]),
      ok('attachments', 20, [finding('attachments.macro', 20), finding('attachments.suspicious_macro', 30, 'high')]),
      failed('clamav'),
    ];
    const rules = policy({
      weights: { auth: 2 },
      decisiveFindings: [{ pattern: 'attachments.suspicious_*', verdict: 'suspicious' }],
    });

    const decision = decide(results, rules);

    expect(decision.verdict).toBe('suspicious');
    expect(decision.reasons.map((reason) => [reason.rule, reason.findingId, reason.score])).toEqual([
      ['decisive', 'attachments.suspicious_macro', 30],
      ['consensus', POLICY_REASON_IDS.consensusNotMet, 0],
      ['failure', POLICY_REASON_IDS.engineFailed, 0],
      ['score', 'auth.dmarc_fail', 80],
      ['score', 'links.lookalike', 70],
      ['score', 'links.ip_literal', 30],
      ['score', 'attachments.macro', 20],
    ]);
  });

  it('keeps at most maxReasons, the most important first, with bounded evidence', () => {
    const findings = Array.from({ length: 30 }, (_, index) =>
      finding(`links.f${String(index).padStart(2, '0')}`, index + 1, 'low', Array.from({ length: 50 }, (_e, n) => `e${n}`)),
    );

    const decision = decide([ok('links', 40, findings)], policy({ maxReasons: 5 }));

    expect(decision.reasons.map((reason) => reason.score)).toEqual([30, 29, 28, 27, 26]);
    expect(decision.reasons.every((reason) => reason.evidence.length === 10)).toBe(true);
  });

  it('bounds to 10 reasons by default', () => {
    const findings = Array.from({ length: 15 }, (_, index) => finding(`links.f${index}`, 5));

    expect(decide([ok('links', 40, findings)], policy()).reasons).toHaveLength(10);
  });

  it('leaves out findings of engines weighted 0, which do not contribute', () => {
    const decision = decide([ok('content', 50, [finding('content.urgent', 50)]), ok('links', 0)], policy({ weights: { content: 0 } }));

    expect(decision.reasons).toEqual([]);
    expect(decision.verdict).toBe('clean');
  });
});
