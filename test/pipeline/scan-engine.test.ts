import { engineCacheVersion, handleScanRequest } from '../../functions/src/pipeline/scan-engine';
import type { EngineCompletion, ScanRequest } from '../../functions/src/pipeline/messages';
import { scanIdFor } from '../../functions/src/pipeline/ids';
import { ALICE, BOB, Harness, mail, testEngine, traceHeaders } from './harness';

/** Ingests one message per mailbox and returns the scan requests, engines not yet run. */
async function dispatched(harness: Harness, spec = { subject: 'Hello' }, mailboxes = [ALICE]): Promise<ScanRequest[]> {
  for (const mailbox of mailboxes) {
    await harness.enroll(mailbox);
    harness.gmail.deliver(mailbox, mail({ ...spec, to: 'staff@example.org', headers: traceHeaders(mailbox, mailbox.slice(0, 3)) }));
    await harness.notify(mailbox);
  }
  return harness.bus.take(harness.config.topics.scanRequests) as ScanRequest[];
}

describe('handleScanRequest', () => {
  it('runs the engine, writes its result and publishes a completion', async () => {
    const harness = new Harness();
    const [request] = await dispatched(harness, { subject: 'SUSPICIOUS offer' });

    const outcome = await handleScanRequest(request, 'alpha', { ...harness.deps, engines: harness.engines });

    expect(outcome).toMatchObject({ status: 'reported', cached: false, written: true, result: { engine: 'alpha', status: 'ok', score: 60 } });
    const stored = harness.repository.storedEngineResults(request?.scanId as string);
    expect(stored.map((entry) => [entry.result.engine, entry.result.status, entry.cached])).toEqual([['alpha', 'ok', false]]);
    expect(harness.bus.on(harness.config.topics.engineCompletions) as EngineCompletion[]).toEqual([
      { scanId: request?.scanId, engine: 'alpha', outstanding: ['beta'] },
    ]);
  });

  it("names the engines still outstanding after its own write: empty only in the last engine's completion", async () => {
    const harness = new Harness();
    const [request] = await dispatched(harness);
    const engineDeps = { ...harness.deps, engines: harness.engines };

    await handleScanRequest(request, 'beta', engineDeps);
    await handleScanRequest(request, 'alpha', engineDeps);
    await handleScanRequest(request, 'beta', engineDeps); // a redelivery lists again

    expect(harness.bus.on(harness.config.topics.engineCompletions) as EngineCompletion[]).toEqual([
      { scanId: request?.scanId, engine: 'beta', outstanding: ['alpha'] },
      { scanId: request?.scanId, engine: 'alpha', outstanding: [] },
      { scanId: request?.scanId, engine: 'beta', outstanding: [] },
    ]);
  });

  it('concurrent engines: at least one completion finds the set complete', async () => {
    const harness = new Harness();
    const [request] = await dispatched(harness);
    const engineDeps = { ...harness.deps, engines: harness.engines };

    await Promise.all(['alpha', 'beta'].map((engine) => handleScanRequest(request, engine, engineDeps)));

    const completions = harness.bus.on(harness.config.topics.engineCompletions) as EngineCompletion[];
    expect(completions).toHaveLength(2);
    expect(completions.some((completion) => completion.outstanding?.length === 0)).toBe(true);
  });

  it('reuses a cached result for the same content in another mailbox without running the engine', async () => {
    const harness = new Harness();
    const [forAlice, forBob] = await dispatched(harness, { subject: 'Campaign' }, [ALICE, BOB]);
    expect(forAlice?.contentKey).toBe(forBob?.contentKey);
    const alpha = harness.engines[0] as ReturnType<typeof testEngine>;

    await handleScanRequest(forAlice, 'alpha', { ...harness.deps, engines: harness.engines });
    const second = await handleScanRequest(forBob, 'alpha', { ...harness.deps, engines: harness.engines });

    expect(alpha.calls).toBe(1);
    expect(second).toMatchObject({ status: 'reported', cached: true, written: true, result: { engine: 'alpha', status: 'ok' } });
    expect(harness.repository.storedEngineResults(forBob?.scanId as string)[0]?.cached).toBe(true);
  });

  it('stamps the result with the scan expiry and runs the engine again once the cached result expired', async () => {
    const harness = new Harness();
    const [forAlice, forBob] = await dispatched(harness, { subject: 'Campaign' }, [ALICE, BOB]);
    const alpha = harness.engines[0] as ReturnType<typeof testEngine>;

    await handleScanRequest(forAlice, 'alpha', { ...harness.deps, engines: harness.engines });
    harness.advance(harness.config.engineCacheTtlMs);
    const second = await handleScanRequest(forBob, 'alpha', { ...harness.deps, engines: harness.engines });

    expect(alpha.calls).toBe(2);
    expect(second).toMatchObject({ status: 'reported', cached: false });
    const scan = await harness.repository.getScan(forAlice?.scanId as string);
    expect(harness.repository.storedEngineResults(forAlice?.scanId as string)[0]?.expireAt).toEqual(scan?.expireAt);
  });

  it('never caches a failure, and records the failed engine as failed', async () => {
    let crash = true;
    const flaky = testEngine('alpha', () => {
      if (crash) throw new Error('engine exploded');
      return { score: 0, findings: [] };
    });
    const harness = new Harness({ engines: [flaky, testEngine('beta', () => ({ score: 0, findings: [] }))] });
    const [forAlice, forBob] = await dispatched(harness, { subject: 'Campaign' }, [ALICE, BOB]);

    const failed = await handleScanRequest(forAlice, 'alpha', { ...harness.deps, engines: harness.engines });
    crash = false;
    const next = await handleScanRequest(forBob, 'alpha', { ...harness.deps, engines: harness.engines });

    expect(failed).toMatchObject({ status: 'reported', cached: false, result: { status: 'error', error: 'Error: engine exploded' } });
    expect(harness.repository.storedEngineResults(forAlice?.scanId as string)[0]?.result.status).toBe('error');
    expect(next).toMatchObject({ cached: false, result: { status: 'ok' } });
    expect(flaky.calls).toBe(2);
  });

  it('turns a hanging engine into a timeout result through the orchestrator', async () => {
    const hanging = testEngine('alpha', () => new Promise(() => undefined), { timeoutMs: 5_000 });
    const harness = new Harness({ engines: [hanging], config: { engines: ['alpha'], engineTimeoutsMs: { alpha: 30 } } });
    const [request] = await dispatched(harness);

    const outcome = await handleScanRequest(request, 'alpha', { ...harness.deps, engines: harness.engines });

    expect(outcome).toMatchObject({ status: 'reported', result: { status: 'timeout' } });
    expect(harness.bus.on(harness.config.topics.engineCompletions)).toHaveLength(1);
  });

  it('records an error (never clean) when the subject blob is missing', async () => {
    const harness = new Harness();
    const [request] = await dispatched(harness);
    await harness.blobs.delete(request?.subjectKey as string);
    const alpha = harness.engines[0] as ReturnType<typeof testEngine>;

    const outcome = await handleScanRequest(request, 'alpha', { ...harness.deps, engines: harness.engines });

    expect(outcome).toMatchObject({ status: 'reported', cached: false, result: { status: 'error', score: 0 } });
    expect(outcome.status === 'reported' && outcome.result.error).toMatch(/subject .* is unavailable: subject blob .* is absent/);
    expect(alpha.calls).toBe(0);
    expect(harness.bus.on(harness.config.topics.engineCompletions)).toHaveLength(1);
  });

  it('writes nothing twice on redelivery but publishes the completion again', async () => {
    const harness = new Harness();
    const [request] = await dispatched(harness);
    const alpha = harness.engines[0] as ReturnType<typeof testEngine>;

    await handleScanRequest(request, 'alpha', { ...harness.deps, engines: harness.engines });
    const again = await handleScanRequest(request, 'alpha', { ...harness.deps, engines: harness.engines });

    expect(again).toEqual({ status: 'already-reported', scanId: request?.scanId });
    expect(alpha.calls).toBe(1);
    expect(harness.repository.storedEngineResults(request?.scanId as string)).toHaveLength(1);
    expect(harness.bus.on(harness.config.topics.engineCompletions)).toHaveLength(2);
  });

  it('concurrent deliveries of one request leave one result', async () => {
    const harness = new Harness();
    const [request] = await dispatched(harness);

    const outcomes = await Promise.all([1, 2, 3].map(() => handleScanRequest(request, 'beta', { ...harness.deps, engines: harness.engines })));

    expect(harness.repository.storedEngineResults(request?.scanId as string)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'reported' && outcome.written)).toHaveLength(1);
  });

  it('records an engine this process does not have as unavailable', async () => {
    const harness = new Harness({ engines: [testEngine('beta', () => ({ score: 0, findings: [] }))] });
    const [request] = await dispatched(harness);

    const outcome = await handleScanRequest(request, 'alpha', { ...harness.deps, engines: harness.engines });

    expect(outcome).toMatchObject({ status: 'reported', result: { engine: 'alpha', status: 'unavailable' } });
    expect(harness.logger.at('error').map((line) => line.message)).toContain('engine is not available in this process');
  });

  it('ignores invalid requests, requests that do not name the engine, and scans already decided or gone', async () => {
    const harness = new Harness();
    const deps = { ...harness.deps, engines: harness.engines };
    const [request] = await dispatched(harness);

    expect(await handleScanRequest({ scanId: 'x' }, 'alpha', deps)).toMatchObject({ status: 'invalid' });
    expect(await handleScanRequest({ ...request, engines: ['beta'] }, 'alpha', deps)).toMatchObject({ status: 'not-expected' });
    const orphan = { ...request, scanId: scanIdFor(ALICE, 'never-created') };
    expect(await handleScanRequest(orphan, 'alpha', deps)).toMatchObject({ status: 'scan-missing' });

    await harness.repository.decideOnce(request?.scanId as string, () => ({
      verdict: 'clean', score: 0, reasons: [], action: 'none', intendedAction: 'none', passive: false, failedEngines: [], policyVersion: 't',
    }), harness.current);
    expect(await handleScanRequest(request, 'alpha', deps)).toMatchObject({ status: 'already-decided' });
    expect(harness.bus.on(harness.config.topics.engineCompletions)).toHaveLength(0);
  });
});

describe('engineCacheVersion', () => {
  it('changes with the engine version, its configuration and the organisation domains', () => {
    const base = engineCacheVersion({ version: '1.0.0', config: { blocklist: ['a.test'] } }, ['example.org']);
    expect(base).toMatch(/^1\.0\.0\+[0-9a-f]{16}$/);
    expect(engineCacheVersion({ version: '1.0.1', config: { blocklist: ['a.test'] } }, ['example.org'])).not.toBe(base);
    expect(engineCacheVersion({ version: '1.0.0', config: { blocklist: ['b.test'] } }, ['example.org'])).not.toBe(base);
    expect(engineCacheVersion({ version: '1.0.0', config: { blocklist: ['a.test'] } }, ['example.com'])).not.toBe(base);
    expect(engineCacheVersion({ version: '1.0.0', config: { blocklist: ['a.test'] } }, ['example.org'])).toBe(base);
  });

  it('declines to cache an engine whose configuration cannot be fingerprinted', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(engineCacheVersion({ version: '1', config: circular }, [])).toBeNull();
  });
});
