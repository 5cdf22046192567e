import type { Engine, EngineContext, EngineOutput, EngineResult, EngineStatus } from '../engine/types';
import { emptyIocs, EngineUnavailableError } from '../engine/types';
import { ConfigError, StrataError } from '../errors';
import type { ScanSubject } from '../subject/types';
import { validateEngineOutput } from './validate-output';

export interface EngineRun {
  engine: Engine;
  /** Overrides `engine.defaultTimeoutMs` for this run. */
  timeoutMs?: number;
}

export interface RunContext {
  organisationDomains: string[];
}

/**
 * The reason an engine's AbortSignal carries when the orchestrator's timeout fires, so an
 * engine (or a library it passes the signal to) can tell a timeout from other aborts.
 */
export class EngineTimeoutError extends StrataError {
  constructor(
    readonly engine: string,
    readonly timeoutMs: number,
  ) {
    super('engine.timeout', `timed out after ${timeoutMs} ms`, { engine, timeoutMs });
  }
}

/** setTimeout silently turns delays above this into 1 ms, which would time every engine out at once. */
const MAX_TIMER_MS = 2_147_483_647;
/** Failure reasons end up in reports and logs; a hostile or buggy engine must not flood them. */
const MAX_ERROR_CHARS = 500;

/**
 * Runs every engine on one subject in parallel and returns one result per run, in input order.
 * It never rejects because of an engine: each failure is isolated into that engine's result.
 *
 * - Timeouts are enforced from outside the engine: a timer races the scan, and on expiry the
 *   engine's AbortSignal is aborted (reason: EngineTimeoutError) and its result is 'timeout'.
 *   Whatever the engine does later (resolve or reject) is ignored and never surfaces as an
 *   unhandled rejection.
 * - A synchronous throw or a rejection becomes 'error' (with the error's name and message);
 *   an EngineUnavailableError becomes 'unavailable'; output that breaks the EngineOutput
 *   contract (score outside 0..100, findings not an array, malformed finding) becomes 'error'.
 * - Every failed result carries score 0 and no findings, but its status is not 'ok': the
 *   policy must count it as failed, never as clean.
 *
 * Limitation: an engine that blocks the event loop (a synchronous infinite loop, a
 * catastrophic regex) cannot be pre-empted in-process, because the timer callback can only
 * run once the engine yields. Such engines must be isolated in another thread or process:
 * the CLI runs each scan in a worker thread that its pool terminates when the scan overruns,
 * and the cloud pipeline runs each engine in its own function with its own deadline.
 *
 * Throws ConfigError (before running anything) when a run's timeout is not a usable delay or
 * two runs share an engine name (the policy keys results by name).
 */
export async function runEngines(
  subject: ScanSubject,
  runs: readonly EngineRun[],
  context: RunContext,
): Promise<EngineResult[]> {
  const timeouts = resolveTimeouts(runs);
  return Promise.all(runs.map((run, index) => runOne(subject, run.engine, timeouts[index] as number, context)));
}

function resolveTimeouts(runs: readonly EngineRun[]): number[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const timeouts = runs.map(({ engine, timeoutMs }) => {
    const effective = timeoutMs ?? engine.defaultTimeoutMs;
    if (!Number.isFinite(effective) || effective <= 0 || effective > MAX_TIMER_MS) {
      problems.push(`engine ${engine.name}: timeout ${String(effective)} ms is not in 1..${MAX_TIMER_MS}`);
    }
    if (seen.has(engine.name)) problems.push(`engine ${engine.name} appears more than once`);
    seen.add(engine.name);
    return effective;
  });
  if (problems.length > 0) {
    throw new ConfigError(`invalid engine runs: ${problems.join('; ')}`, { problems });
  }
  return timeouts;
}

type Outcome =
  | { kind: 'returned'; output: unknown }
  | { kind: 'threw'; error: unknown }
  | { kind: 'timed-out' };

async function runOne(
  subject: ScanSubject,
  engine: Engine,
  timeoutMs: number,
  context: RunContext,
): Promise<EngineResult> {
  const controller = new AbortController();
  const engineContext: EngineContext = {
    signal: controller.signal,
    organisationDomains: context.organisationDomains,
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new EngineTimeoutError(engine.name, timeoutMs));
      resolve({ kind: 'timed-out' });
    }, timeoutMs);
  });
  // Both handlers are attached here, before the race, so a rejection that arrives after the
  // timeout has already decided the result is still handled (and dropped).
  const scanned: Promise<Outcome> = invokeScan(engine, subject, engineContext).then(
    (output) => ({ kind: 'returned', output }),
    (error: unknown) => ({ kind: 'threw', error }),
  );
  try {
    const outcome = await Promise.race([scanned, timedOut]);
    return toResult(engine, outcome, timeoutMs, performance.now() - started);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls the engine so that a synchronous throw becomes a rejection like any async failure. */
function invokeScan(engine: Engine, subject: ScanSubject, context: EngineContext): Promise<unknown> {
  try {
    return Promise.resolve(engine.scan(subject, context));
  } catch (error) {
    return Promise.reject(error);
  }
}

function toResult(engine: Engine, outcome: Outcome, timeoutMs: number, elapsedMs: number): EngineResult {
  switch (outcome.kind) {
    case 'timed-out':
      return failedResult(engine, 'timeout', `timed out after ${timeoutMs} ms`, elapsedMs);
    case 'threw':
      return isUnavailable(outcome.error)
        ? failedResult(engine, 'unavailable', describeError(outcome.error), elapsedMs)
        : failedResult(engine, 'error', describeError(outcome.error), elapsedMs);
    case 'returned':
      try {
        const validation = validateEngineOutput(outcome.output);
        if (!validation.ok) {
          return failedResult(engine, 'error', `malformed output: ${validation.problem}`, elapsedMs);
        }
        return okResult(engine, validation.output, elapsedMs);
      } catch (error) {
        // Output with throwing getters (a Proxy, a class) fails while being read.
        return failedResult(engine, 'error', `malformed output: reading it threw ${describeError(error)}`, elapsedMs);
      }
  }
}

function okResult(engine: Engine, output: EngineOutput, elapsedMs: number): EngineResult {
  return {
    engine: engine.name,
    version: engine.version,
    status: 'ok',
    score: output.score,
    findings: output.findings,
    // Field by field rather than a spread, so keys outside the IOC contract do not travel on.
    iocs: {
      urls: output.iocs?.urls ?? [],
      domains: output.iocs?.domains ?? [],
      sha256: output.iocs?.sha256 ?? [],
      senders: output.iocs?.senders ?? [],
    },
    elapsedMs,
  };
}

function failedResult(
  engine: Engine,
  status: Exclude<EngineStatus, 'ok'>,
  error: string,
  elapsedMs: number,
): EngineResult {
  return {
    engine: engine.name,
    version: engine.version,
    status,
    score: 0,
    findings: [],
    iocs: emptyIocs(),
    elapsedMs,
    error,
  };
}

/** By name too, because a class loaded twice (two bundles, a worker) breaks instanceof. */
function isUnavailable(error: unknown): boolean {
  return (
    error instanceof EngineUnavailableError ||
    (error instanceof Error && error.name === 'EngineUnavailableError')
  );
}

function describeError(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `non-Error thrown (${error === null ? 'null' : typeof error}): ${safeString(error)}`;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/** String() itself can throw (a Symbol.toPrimitive that throws, an object without a prototype). */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}
