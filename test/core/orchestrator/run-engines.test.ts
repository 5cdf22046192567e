import type { Engine, EngineContext, EngineOutput } from '../../../functions/src/core/engine/types';
import { EngineUnavailableError } from '../../../functions/src/core/engine/types';
import { ConfigError } from '../../../functions/src/core/errors';
import { EngineTimeoutError, runEngines } from '../../../functions/src/core/orchestrator';
import { makeSubject } from '../../support/subject';

const CONTEXT = { organisationDomains: ['example.org'] };
const CLEAN: EngineOutput = { score: 0, findings: [] };

function fakeEngine(
  name: string,
  scan: (context: EngineContext) => Promise<EngineOutput> | EngineOutput,
  defaultTimeoutMs = 1_000,
): Engine {
  return { name, version: '1.2.3', defaultTimeoutMs, config: {}, scan: (_subject, context) => scan(context) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function after<T>(ms: number, value: T): Promise<T> {
  await sleep(ms);
  return value;
}

describe('runEngines', () => {
  it('returns an ok result with the engine output, identity, full iocs and timing', async () => {
    let seen: EngineContext | undefined;
    const engine = fakeEngine('links', (context) => {
      seen = context;
      return {
        score: 40,
        findings: [{ id: 'links.ip_literal', severity: 'medium', title: 'IP link', evidence: ['http://10.0.0.1/'], score: 40 }],
        iocs: { urls: ['http://10.0.0.1/'] },
      };
    });

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(result).toEqual({
      engine: 'links',
      version: '1.2.3',
      status: 'ok',
      score: 40,
      findings: [{ id: 'links.ip_literal', severity: 'medium', title: 'IP link', evidence: ['http://10.0.0.1/'], score: 40 }],
      iocs: { urls: ['http://10.0.0.1/'], domains: [], sha256: [], senders: [] },
      elapsedMs: expect.any(Number),
    });
    expect(result?.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(seen?.organisationDomains).toEqual(['example.org']);
    expect(seen?.signal.aborted).toBe(false);
  });

  it('runs engines in parallel', async () => {
    const slow = (name: string) => fakeEngine(name, () => after(100, CLEAN));
    const started = performance.now();

    const results = await runEngines(makeSubject(), [{ engine: slow('a') }, { engine: slow('b') }], CONTEXT);

    expect(performance.now() - started).toBeLessThan(180);
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok']);
  });

  it('keeps the input order whatever order the engines finish in', async () => {
    const results = await runEngines(
      makeSubject(),
      [
        { engine: fakeEngine('slow', () => after(60, CLEAN)) },
        { engine: fakeEngine('fails', () => Promise.reject(new Error('no'))) },
        { engine: fakeEngine('fast', () => CLEAN) },
      ],
      CONTEXT,
    );

    expect(results.map((result) => [result.engine, result.status])).toEqual([
      ['slow', 'ok'],
      ['fails', 'error'],
      ['fast', 'ok'],
    ]);
  });

  it('cuts off an engine that never resolves and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const engine = fakeEngine(
      'hangs',
      (context) => {
        signal = context.signal;
        return new Promise<EngineOutput>(() => undefined);
      },
      50,
    );
    const started = performance.now();

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(performance.now() - started).toBeLessThan(500);
    expect(result).toMatchObject({ engine: 'hangs', status: 'timeout', score: 0, findings: [], error: 'timed out after 50 ms' });
    expect(result?.elapsedMs).toBeGreaterThanOrEqual(45);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(EngineTimeoutError);
  });

  it('cuts off an engine that keeps working asynchronously and ignores the abort', async () => {
    let iterations = 0;
    let stop = false;
    const engine = fakeEngine(
      'busy',
      async () => {
        // Yields to the event loop on every turn but never looks at the signal.
        while (!stop) {
          iterations += 1;
          await new Promise((resolve) => setImmediate(resolve));
        }
        return { score: 100, findings: [] };
      },
      50,
    );

    try {
      const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);
      expect(result?.status).toBe('timeout');
      expect(result?.score).toBe(0);
      expect(iterations).toBeGreaterThan(0);
    } finally {
      stop = true;
    }
  });

  it('turns a synchronous throw into an error result with the error name and message', async () => {
    const engine = fakeEngine('sync', () => {
      throw new TypeError('cannot read subject.links');
    });

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(result).toMatchObject({ status: 'error', score: 0, findings: [], error: 'TypeError: cannot read subject.links' });
  });

  it('turns an async rejection into an error result', async () => {
    const engine = fakeEngine('async', async () => {
      await sleep(5);
      throw new RangeError('bad offset');
    });

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(result).toMatchObject({ status: 'error', error: 'RangeError: bad offset' });
  });

  it.each([
    ['a string', 'oops', 'non-Error thrown (string): oops'],
    ['null', null, 'non-Error thrown (null): null'],
    ['an unprintable object', Object.create(null), 'non-Error thrown (object): [unprintable]'],
  ])('turns a thrown non-Error (%s) into an error result', async (_label, thrown, expected) => {
    const engine = fakeEngine('weird', () => {
      throw thrown;
    });

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(result).toMatchObject({ status: 'error', error: expected });
  });

  it('bounds a huge error message', async () => {
    const engine = fakeEngine('verbose', () => {
      throw new Error('x'.repeat(10_000));
    });

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(result?.error?.length).toBeLessThanOrEqual(501);
  });

  it('reports an EngineUnavailableError as unavailable', async () => {
    const engine = fakeEngine('clamav', () => Promise.reject(new EngineUnavailableError('clamav', 'clamd socket refused')));

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(result).toMatchObject({
      status: 'unavailable',
      score: 0,
      error: 'EngineUnavailableError: clamd socket refused',
    });
  });

  it('recognises an unavailable error by name when instanceof cannot (another copy of the class)', async () => {
    const foreign = new Error('rules file missing');
    foreign.name = 'EngineUnavailableError';
    const engine = fakeEngine('yara', () => Promise.reject(foreign));

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(result?.status).toBe('unavailable');
  });

  it.each([
    ['not an object', null, 'expected an object, got null'],
    ['score above 100', { score: 101, findings: [] }, 'score 101'],
    ['negative score', { score: -1, findings: [] }, 'score -1'],
    ['NaN score', { score: Number.NaN, findings: [] }, 'score NaN'],
    ['score as a string', { score: '50', findings: [] }, 'score string'],
    ['findings missing', { score: 10 }, 'findings is undefined'],
    ['findings not an array', { score: 10, findings: {} }, 'findings is object'],
    ['finding without id', { score: 10, findings: [{ severity: 'low', title: 't', evidence: [], score: 1 }] }, 'findings[0]: id'],
    [
      'finding with unknown severity',
      { score: 10, findings: [{ id: 'a.b', severity: 'severe', title: 't', evidence: [], score: 1 }] },
      'findings[0]: severity',
    ],
    [
      'finding score out of range',
      { score: 10, findings: [{ id: 'a.b', severity: 'low', title: 't', evidence: [], score: 500 }] },
      'findings[0]: score 500',
    ],
    ['iocs urls not strings', { score: 10, findings: [], iocs: { urls: [1] } }, 'iocs: urls'],
  ])('rejects malformed output (%s) as an error', async (_label, output, problem) => {
    const engine = fakeEngine('broken', () => output as unknown as EngineOutput);

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(result?.status).toBe('error');
    expect(result?.score).toBe(0);
    expect(result?.error).toContain('malformed output');
    expect(result?.error).toContain(problem);
  });

  it('reports output that throws while being read as an error, without rejecting', async () => {
    const trap = new Proxy(
      {},
      {
        // Not a thenable, so it reaches validation; every other read throws.
        get(_target, property) {
          if (property === 'then') return undefined;
          throw new Error('trapped');
        },
      },
    );
    const engine = fakeEngine('proxy', () => trap as EngineOutput);

    const [result] = await runEngines(makeSubject(), [{ engine }], CONTEXT);

    expect(result).toMatchObject({ status: 'error', error: 'malformed output: reading it threw Error: trapped' });
  });

  it('keeps only the known IOC kinds', async () => {
    const output = { score: 0, findings: [], iocs: { domains: ['evil.test'], secrets: ['x'] } } as unknown as EngineOutput;

    const [result] = await runEngines(makeSubject(), [{ engine: fakeEngine('iocs', () => output) }], CONTEXT);

    expect(result?.iocs).toEqual({ urls: [], domains: ['evil.test'], sha256: [], senders: [] });
  });

  it('lets a run override the engine default timeout, shorter or longer', async () => {
    const hangs = fakeEngine('hangs', () => new Promise<EngineOutput>(() => undefined), 60_000);
    const slowButFine = fakeEngine('slow', () => after(80, CLEAN), 20);
    const started = performance.now();

    const results = await runEngines(
      makeSubject(),
      [
        { engine: hangs, timeoutMs: 50 },
        { engine: slowButFine, timeoutMs: 1_000 },
      ],
      CONTEXT,
    );

    expect(performance.now() - started).toBeLessThan(500);
    expect(results.map((result) => result.status)).toEqual(['timeout', 'ok']);
    expect(results[0]?.error).toBe('timed out after 50 ms');
  });

  it('swallows a rejection (or a result) that arrives after the timeout', async () => {
    // Jest 30 fails the running test on any unhandled rejection, so waiting until after the
    // late rejection has happened is what makes this test able to fail.
    const lateReject = fakeEngine('late-reject', () => after(80, null).then(() => Promise.reject(new Error('too late'))), 20);
    const lateResolve = fakeEngine('late-resolve', () => after(80, { score: 100, findings: [] }), 20);

    const results = await runEngines(makeSubject(), [{ engine: lateReject }, { engine: lateResolve }], CONTEXT);
    await sleep(150);

    expect(results.map((result) => result.status)).toEqual(['timeout', 'timeout']);
    expect(results[1]?.score).toBe(0);
  });

  it('clears its timers once every engine has finished', async () => {
    const countTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = countTimers();

    await runEngines(
      makeSubject(),
      [{ engine: fakeEngine('quick', () => CLEAN, 60_000) }, { engine: fakeEngine('fails', () => Promise.reject(new Error('x')), 60_000) }],
      CONTEXT,
    );

    expect(countTimers()).toBe(before);
  });

  it('returns an empty list for no runs', async () => {
    await expect(runEngines(makeSubject(), [], CONTEXT)).resolves.toEqual([]);
  });

  it('refuses unusable timeouts and duplicate engine names before running anything', async () => {
    let ran = false;
    const engine = (name: string, timeout: number) =>
      fakeEngine(
        name,
        () => {
          ran = true;
          return CLEAN;
        },
        timeout,
      );

    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      await expect(runEngines(makeSubject(), [{ engine: engine('a', bad) }], CONTEXT)).rejects.toThrow(ConfigError);
    }
    await expect(
      runEngines(makeSubject(), [{ engine: engine('a', 100) }, { engine: engine('a', 100) }], CONTEXT),
    ).rejects.toThrow(/engine a appears more than once/);
    expect(ran).toBe(false);
  });
});
