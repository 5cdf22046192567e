import type { EngineResult, EngineStatus, Finding, Severity } from '../engine/types';
import { validateEngineOutput } from '../orchestrator/validate-output';
import type { Action, ConsensusRule, DecisiveRule, Policy, VerdictLabel } from './schema';
import { SEVERITIES, VERDICTS } from './schema';

/** Which part of the policy a reason comes from. */
export type ReasonRule = 'decisive' | 'score' | 'consensus' | 'failure';

export interface Reason {
  /** The engine the finding came from; `policy` for reasons the policy itself adds (consensus, no engines). */
  engine: string;
  /** The finding id, or a `policy.*` id for reasons the policy adds. */
  findingId: string;
  severity: Severity;
  title: string;
  /** Contribution: the finding's score times its engine's weight, capped at 100 (0 for policy reasons). */
  score: number;
  evidence: string[];
  rule: ReasonRule;
}

/** `missing`: an expected engine that did not report at all. */
export type FailedEngineStatus = Exclude<EngineStatus, 'ok'> | 'missing';

export interface FailedEngine {
  engine: string;
  status: FailedEngineStatus;
  error?: string;
}

export interface Decision {
  verdict: VerdictLabel;
  /** Combined score of the engines that worked, 0-100, one decimal. */
  score: number;
  /** What decided the verdict, most important first, at most `policy.maxReasons`. */
  reasons: Reason[];
  /** The action to apply: `intendedAction`, or 'none' in passive mode. */
  action: Action;
  /** What the policy's action table says for the verdict. */
  intendedAction: Action;
  passive: boolean;
  /** Engines that failed or, being expected, never reported. Their score never counted as clean. */
  failedEngines: FailedEngine[];
  policyVersion: string;
}

/** Policy reason ids; stable so analysts and dashboards can key on them. */
export const POLICY_REASON_IDS = {
  engineFailed: 'policy.engine_failed',
  noUsableEngines: 'policy.no_usable_engines',
  consensusNotMet: 'policy.consensus_not_met',
} as const;

const POLICY_ENGINE = 'policy';
const MAX_EVIDENCE_PER_REASON = 10;

/**
 * Turns engine results into a verdict and an action. Pure: same results and policy, same
 * decision. The steps, in order:
 *
 * 1. Usable results are those with status 'ok' and well-formed output; everything else, and
 *    every expected engine that did not report, is a failed engine. If an engine reported
 *    more than once (a retried run), its first usable result is used.
 * 2. Score: a weighted noisy-OR of the usable engines' scores,
 *      score = 100 × (1 − Π (1 − sᵢ/100)^wᵢ)
 *    i.e. the chance that at least one engine is right if each engine's score were an
 *    independent probability and an engine of weight w counted as w independent engines.
 *    It stays in 0..100, never falls when a score or weight rises, equals a lone engine's
 *    score at weight 1, and weight 0 removes an engine's score.
 * 3. The score meets the thresholds: ≥ malicious → malicious, ≥ suspicious → suspicious.
 * 4. Consensus: a score-based verdict at or above a rule's verdict needs `minEngines` usable,
 *    non-zero-weight engines scoring ≥ `minEngineScore`; when a rule is not met, the verdict
 *    is capped just below that rule's verdict.
 * 5. Decisive findings raise the verdict to their rule's verdict, whatever the score and
 *    consensus say.
 * 6. Failures: with no usable engine at all, the message was not scanned, so it is never
 *    clean: at least suspicious, in either failure mode. Under fail-closed, any failed engine
 *    raises the verdict to at least `failClosedVerdict`; under fail-open the verdict stands on
 *    the engines that worked. Either way each failure is recorded and given a reason.
 * 7. The action comes from the policy's table; passive mode applies 'none' and keeps the
 *    table's action as `intendedAction`.
 */
export function decide(results: readonly EngineResult[], policy: Policy): Decision {
  const { usable, failed } = classifyResults(results, policy.expectedEngines);
  // hasOwn, not `??`: an engine named like an Object.prototype member must still weigh 1.
  const weightOf = (engine: string): number =>
    Object.hasOwn(policy.weights, engine) ? (policy.weights[engine] as number) : 1;

  const score = combineScores(usable.map((result) => ({ score: result.score, weight: weightOf(result.engine) })));
  const scoreVerdict = verdictForScore(score, policy.thresholds);

  const consensus = applyConsensus(scoreVerdict, usable, policy.consensus, weightOf);
  const decisive = decisiveMatches(usable, policy.decisiveFindings);

  let verdict = consensus.verdict;
  for (const match of decisive) verdict = atLeast(verdict, match.rule.verdict);

  const noUsableEngines = usable.length === 0;
  if (noUsableEngines) verdict = atLeast(verdict, 'suspicious');
  const failClosed = policy.onEngineFailure === 'fail-closed' && failed.length > 0;
  if (failClosed) verdict = atLeast(verdict, policy.failClosedVerdict);

  const reasons = [
    ...decisive.map((match) => decisiveReason(match, weightOf)),
    // A consensus cap that a decisive finding or a failure rule overrode explains nothing.
    ...consensus.unmet
      .filter((unmet) => rank(verdict) < rank(unmet.rule.verdict))
      .map((unmet) => consensusReason(unmet, score, scoreVerdict)),
    ...(noUsableEngines ? [noUsableEnginesReason(failed.length)] : []),
    ...failed.map((failure) => failureReason(failure, policy, noUsableEngines)),
    ...scoreReasons(usable, decisive, weightOf),
  ];

  const intendedAction = policy.actions[verdict];
  const passive = policy.mode === 'passive';
  return {
    verdict,
    score,
    reasons: rankReasons(reasons).slice(0, policy.maxReasons),
    action: passive ? 'none' : intendedAction,
    intendedAction,
    passive,
    failedEngines: failed,
    policyVersion: policy.version,
  };
}

/** The score combination of step 2, rounded to one decimal so the shown score is the compared one. */
export function combineScores(inputs: readonly { score: number; weight: number }[]): number {
  const allMiss = inputs.reduce((product, { score, weight }) => product * Math.pow(1 - score / 100, weight), 1);
  const combined = 100 * (1 - allMiss);
  return Math.round(Math.min(100, Math.max(0, combined)) * 10) / 10;
}

function verdictForScore(score: number, thresholds: Policy['thresholds']): VerdictLabel {
  if (score >= thresholds.malicious) return 'malicious';
  if (score >= thresholds.suspicious) return 'suspicious';
  return 'clean';
}

function classifyResults(
  results: readonly EngineResult[],
  expectedEngines: readonly string[],
): { usable: EngineResult[]; failed: FailedEngine[] } {
  const usableByEngine = new Map<string, EngineResult>();
  const failedByEngine = new Map<string, FailedEngine>();
  for (const result of results) {
    if (usableByEngine.has(result.engine)) continue;
    const problem = unusableBecause(result);
    if (problem === null) {
      usableByEngine.set(result.engine, result);
      failedByEngine.delete(result.engine);
    } else if (!failedByEngine.has(result.engine)) {
      failedByEngine.set(result.engine, problem);
    }
  }
  const failed = [...failedByEngine.values()];
  for (const engine of expectedEngines) {
    if (!usableByEngine.has(engine) && !failedByEngine.has(engine)) {
      failed.push({ engine, status: 'missing', error: 'expected by the policy but produced no result' });
    }
  }
  return { usable: [...usableByEngine.values()], failed };
}

/**
 * Results normally come from the orchestrator, which already validated them, but they may
 * also arrive deserialised from another process; an 'ok' result that breaks the contract is
 * counted as failed rather than trusted.
 */
function unusableBecause(result: EngineResult): FailedEngine | null {
  if (result.status !== 'ok') {
    return result.error === undefined
      ? { engine: result.engine, status: result.status }
      : { engine: result.engine, status: result.status, error: result.error };
  }
  const validation = validateEngineOutput({ score: result.score, findings: result.findings });
  if (validation.ok) return null;
  return { engine: result.engine, status: 'error', error: `reported ok with malformed output: ${validation.problem}` };
}

interface UnmetConsensus {
  rule: ConsensusRule;
  agreeing: EngineResult[];
}

function applyConsensus(
  scoreVerdict: VerdictLabel,
  usable: readonly EngineResult[],
  rules: readonly ConsensusRule[],
  weightOf: (engine: string) => number,
): { verdict: VerdictLabel; unmet: UnmetConsensus[] } {
  const unmet = rules
    .filter((rule) => rank(rule.verdict) <= rank(scoreVerdict))
    .map((rule) => ({
      rule,
      agreeing: usable.filter((result) => weightOf(result.engine) > 0 && result.score >= rule.minEngineScore),
    }))
    .filter(({ rule, agreeing }) => agreeing.length < rule.minEngines);
  const lowestUnmet = Math.min(...unmet.map(({ rule }) => rank(rule.verdict)));
  const verdict = Number.isFinite(lowestUnmet) ? atMost(scoreVerdict, VERDICTS[lowestUnmet - 1] as VerdictLabel) : scoreVerdict;
  return { verdict, unmet };
}

interface DecisiveMatch {
  engine: string;
  finding: Finding;
  rule: DecisiveRule;
}

/** Each finding is matched once, by the first rule giving it the highest verdict. */
function decisiveMatches(usable: readonly EngineResult[], rules: readonly DecisiveRule[]): DecisiveMatch[] {
  const matches: DecisiveMatch[] = [];
  for (const result of usable) {
    for (const finding of result.findings) {
      const matching = rules.filter((rule) => ruleMatches(rule, finding));
      const strongest = matching.reduce<DecisiveRule | undefined>(
        (best, rule) => (best === undefined || rank(rule.verdict) > rank(best.verdict) ? rule : best),
        undefined,
      );
      if (strongest !== undefined) matches.push({ engine: result.engine, finding, rule: strongest });
    }
  }
  return matches;
}

function ruleMatches(rule: DecisiveRule, finding: Finding): boolean {
  if (rule.minSeverity !== undefined && severityRank(finding.severity) < severityRank(rule.minSeverity)) return false;
  return rule.pattern.endsWith('*') ? finding.id.startsWith(rule.pattern.slice(0, -1)) : finding.id === rule.pattern;
}

function decisiveReason(match: DecisiveMatch, weightOf: (engine: string) => number): Reason {
  return {
    ...findingReason(match.engine, match.finding, weightOf),
    rule: 'decisive',
  };
}

function scoreReasons(
  usable: readonly EngineResult[],
  decisive: readonly DecisiveMatch[],
  weightOf: (engine: string) => number,
): Reason[] {
  const alreadyDecisive = new Set(decisive.map((match) => match.finding));
  return usable
    .filter((result) => weightOf(result.engine) > 0)
    .flatMap((result) =>
      result.findings
        .filter((finding) => finding.score > 0 && !alreadyDecisive.has(finding))
        .map((finding): Reason => ({ ...findingReason(result.engine, finding, weightOf), rule: 'score' })),
    );
}

function findingReason(engine: string, finding: Finding, weightOf: (engine: string) => number): Omit<Reason, 'rule'> {
  return {
    engine,
    findingId: finding.id,
    severity: finding.severity,
    title: finding.title,
    score: Math.round(Math.min(100, finding.score * weightOf(engine)) * 10) / 10,
    evidence: finding.evidence.slice(0, MAX_EVIDENCE_PER_REASON),
  };
}

function consensusReason({ rule, agreeing }: UnmetConsensus, score: number, scoreVerdict: VerdictLabel): Reason {
  return {
    engine: POLICY_ENGINE,
    findingId: POLICY_REASON_IDS.consensusNotMet,
    severity: 'info',
    title:
      `Score ${score} reached ${scoreVerdict}, but ${rule.verdict} needs ${rule.minEngines} engine(s) ` +
      `scoring at least ${rule.minEngineScore} and ${agreeing.length} did, so the score alone cannot make it ${rule.verdict}`,
    score: 0,
    evidence: agreeing.map((result) => `${result.engine}=${result.score}`),
    rule: 'consensus',
  };
}

function noUsableEnginesReason(failedCount: number): Reason {
  return {
    engine: POLICY_ENGINE,
    findingId: POLICY_REASON_IDS.noUsableEngines,
    severity: 'medium',
    title:
      failedCount === 0
        ? 'No engine ran, so the message was not scanned and cannot be called clean'
        : `All ${failedCount} engine(s) failed, so the message was not scanned and cannot be called clean`,
    score: 0,
    evidence: [],
    rule: 'failure',
  };
}

function failureReason(failure: FailedEngine, policy: Policy, noUsableEngines: boolean): Reason {
  let consequence: string;
  if (policy.onEngineFailure === 'fail-closed') consequence = `fail-closed: verdict at least ${policy.failClosedVerdict}`;
  else if (noUsableEngines) consequence = 'fail-open, but no engine worked';
  else consequence = 'fail-open: decided on the engines that worked';
  return {
    engine: failure.engine,
    findingId: POLICY_REASON_IDS.engineFailed,
    severity: policy.onEngineFailure === 'fail-closed' ? 'medium' : 'info',
    title: `Engine ${failure.engine} ${describeFailure(failure.status)} (${consequence})`,
    score: 0,
    evidence: failure.error === undefined ? [] : [failure.error],
    rule: 'failure',
  };
}

function describeFailure(status: FailedEngineStatus): string {
  switch (status) {
    case 'error':
      return 'failed';
    case 'timeout':
      return 'timed out';
    case 'unavailable':
      return 'was unavailable';
    case 'missing':
      return 'did not report';
  }
}

/**
 * Reasons in order of what decided: decisive findings, then why the score's verdict was
 * capped, then failures (always visible: an unscanned engine matters to whoever reads the
 * verdict), then score findings. Within a group, larger contribution first; on a tie the
 * policy's own summary (e.g. "no engine worked") before per-engine reasons, then by engine and
 * finding id so the order is stable.
 */
function rankReasons(reasons: readonly Reason[]): Reason[] {
  const groupOrder: Record<ReasonRule, number> = { decisive: 0, consensus: 1, failure: 2, score: 3 };
  return [...reasons].sort(
    (a, b) =>
      groupOrder[a.rule] - groupOrder[b.rule] ||
      b.score - a.score ||
      Number(b.engine === POLICY_ENGINE) - Number(a.engine === POLICY_ENGINE) ||
      compareText(a.engine, b.engine) ||
      compareText(a.findingId, b.findingId),
  );
}

/** Code-unit order, not localeCompare: the order must not depend on the machine's locale. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function rank(verdict: VerdictLabel): number {
  return VERDICTS.indexOf(verdict);
}

function atLeast(verdict: VerdictLabel, floor: VerdictLabel): VerdictLabel {
  return rank(verdict) >= rank(floor) ? verdict : floor;
}

function atMost(verdict: VerdictLabel, ceiling: VerdictLabel): VerdictLabel {
  return rank(verdict) <= rank(ceiling) ? verdict : ceiling;
}

function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
