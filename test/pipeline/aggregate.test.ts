import { parsePolicy } from '../../functions/src/core/policy';
import { GmailApiError } from '../../functions/src/gmail/errors';
import { ensureLabels } from '../../functions/src/pipeline/actions';
import { handleEngineCompletion } from '../../functions/src/pipeline/aggregate';
import type { EngineCompletion, ScanRequest } from '../../functions/src/pipeline/messages';
import { handleScanRequest } from '../../functions/src/pipeline/scan-engine';
import { retryFailedActions } from '../../functions/src/pipeline/sweeper';
import { ALICE, BOB, Harness, TEST_POLICY, mail } from './harness';

/** Delivers one message to `mailbox`, ingests it and returns its Gmail id and scan id. */
async function deliverAndIngest(harness: Harness, subject: string, mailbox = ALICE): Promise<{ id: string; scanId: string }> {
  if ((await harness.repository.getMailbox(mailbox)) === null) await harness.enroll(mailbox);
  const id = harness.gmail.deliver(mailbox, mail({ subject, messageId: `${subject.replace(/\W/g, '')}-${mailbox}@x` }));
  await harness.notify(mailbox);
  const requests = harness.bus.on(harness.config.topics.scanRequests) as ScanRequest[];
  const request = requests.find((candidate) => candidate.gmailMessageId === id) as ScanRequest;
  return { id, scanId: request.scanId };
}

function audit(harness: Harness) {
  return harness.repository.auditEntries();
}

describe('handleEngineCompletion', () => {
  it('waits until every expected engine has reported, then decides and acts', async () => {
    const harness = new Harness();
    const { id, scanId } = await deliverAndIngest(harness, 'SUSPICIOUS offer');
    const [request] = harness.bus.take(harness.config.topics.scanRequests);
    const engineDeps = { ...harness.deps, engines: harness.engines };

    await handleScanRequest(request, 'alpha', engineDeps);
    const waiting = await handleEngineCompletion({ scanId, engine: 'alpha' }, harness.deps);
    expect(waiting).toEqual({ status: 'waiting', scanId, missing: ['beta'] });
    expect(harness.gmail.callsOf('modifyMessage')).toBe(0);

    await handleScanRequest(request, 'beta', engineDeps);
    const decided = await handleEngineCompletion({ scanId, engine: 'beta' }, harness.deps);

    expect(decided).toMatchObject({ status: 'decided', decision: { verdict: 'suspicious', action: 'label' }, action: { status: 'applied' } });
    expect(harness.gmail.labelNamesOf(ALICE, id)).toEqual(['INBOX', 'Strata/Suspicious', 'UNREAD']);
    expect(await harness.repository.getScan(scanId)).toMatchObject({
      decided: true,
      verdict: 'suspicious',
      action: 'label',
      actionStatus: 'applied',
      actionAttempts: 1,
      policyVersion: TEST_POLICY.version,
      engines: { alpha: { status: 'ok', score: 60 }, beta: { status: 'ok', score: 0 } },
    });
    expect(audit(harness)).toEqual([
      expect.objectContaining({ scanId, action: 'label', labelsAdded: ['Strata/Suspicious'], labelsRemoved: [], outcome: 'applied', actor: 'aggregator' }),
    ]);
  });

  it('skips a completion that names outstanding engines without reading the store', async () => {
    const harness = new Harness();
    const { scanId } = await deliverAndIngest(harness, 'SUSPICIOUS offer');
    const [request] = harness.bus.take(harness.config.topics.scanRequests);
    await handleScanRequest(request, 'alpha', { ...harness.deps, engines: harness.engines });
    const [completion] = harness.bus.take(harness.config.topics.engineCompletions) as EngineCompletion[];
    const getScan = jest.spyOn(harness.repository, 'getScan');
    const decideOnce = jest.spyOn(harness.repository, 'decideOnce');

    expect(await handleEngineCompletion(completion, harness.deps)).toEqual({ status: 'waiting', scanId, missing: ['beta'] });
    expect(getScan).not.toHaveBeenCalled();
    expect(decideOnce).not.toHaveBeenCalled();

    await handleScanRequest(request, 'beta', { ...harness.deps, engines: harness.engines });
    const [last] = harness.bus.take(harness.config.topics.engineCompletions) as EngineCompletion[];
    expect(await handleEngineCompletion(last, harness.deps)).toMatchObject({ status: 'decided', decision: { verdict: 'suspicious' } });
  });

  it('a completion that claims the set is complete still waits when a result is missing', async () => {
    const harness = new Harness();
    const { scanId } = await deliverAndIngest(harness, 'SUSPICIOUS offer');
    const [request] = harness.bus.take(harness.config.topics.scanRequests);
    await handleScanRequest(request, 'alpha', { ...harness.deps, engines: harness.engines });

    const outcome = await handleEngineCompletion({ scanId, engine: 'alpha', outstanding: [] }, harness.deps);

    expect(outcome).toEqual({ status: 'waiting', scanId, missing: ['beta'] });
    expect((await harness.repository.getScan(scanId))?.decided).toBe(false);
  });

  it('decides once under duplicate and concurrent completions: one action, one audit entry', async () => {
    const harness = new Harness();
    const { scanId } = await deliverAndIngest(harness, 'MALWARE inside');
    const [request] = harness.bus.take(harness.config.topics.scanRequests);
    for (const engine of ['alpha', 'beta']) await handleScanRequest(request, engine, { ...harness.deps, engines: harness.engines });

    const completions: EngineCompletion[] = [
      { scanId, engine: 'alpha' },
      { scanId, engine: 'beta' },
      { scanId, engine: 'beta' },
      { scanId, engine: 'alpha' },
    ];
    const outcomes = await Promise.all(completions.map((completion) => handleEngineCompletion(completion, harness.deps)));
    const redelivered = await handleEngineCompletion({ scanId, engine: 'alpha' }, harness.deps);

    expect(outcomes.filter((outcome) => outcome.status === 'decided')).toHaveLength(1);
    expect(redelivered).toEqual({ status: 'already-decided', scanId });
    expect(harness.gmail.callsOf('modifyMessage')).toBe(1);
    expect(audit(harness)).toHaveLength(1);
  });

  it('quarantines by adding the quarantine label and removing INBOX', async () => {
    const harness = new Harness();
    const { id, scanId } = await deliverAndIngest(harness, 'MALWARE inside');
    await harness.drain();

    expect(harness.gmail.labelNamesOf(ALICE, id)).toEqual(['Strata/Quarantine', 'UNREAD']);
    expect(audit(harness)[0]).toMatchObject({ scanId, action: 'quarantine', labelsAdded: ['Strata/Quarantine'], labelsRemoved: ['INBOX'] });
  });

  it('trashes with users.messages.trash (recoverable), never a modify or a delete', async () => {
    const harness = new Harness({
      config: { policy: { ...TEST_POLICY, actions: { clean: 'none', suspicious: 'label', malicious: 'trash' } } },
    });
    const { id } = await deliverAndIngest(harness, 'MALWARE inside');
    await harness.drain();

    expect(harness.gmail.callsOf('trashMessage')).toBe(1);
    expect(harness.gmail.callsOf('modifyMessage')).toBe(0);
    expect(harness.gmail.labelsOf(ALICE, id)).toContain('TRASH');
    expect(audit(harness)[0]).toMatchObject({ action: 'trash', labelsAdded: ['TRASH'], outcome: 'applied' });
  });

  it('applies nothing for a clean verdict and writes no audit entry', async () => {
    const harness = new Harness();
    const { id, scanId } = await deliverAndIngest(harness, 'Lunch');
    await harness.drain();

    expect(harness.gmail.labelsOf(ALICE, id)).toEqual(['INBOX', 'UNREAD']);
    expect(await harness.repository.getScan(scanId)).toMatchObject({ verdict: 'clean', action: 'none', actionStatus: 'skipped', actionAttempts: 0 });
    expect(audit(harness)).toEqual([]);
    expect(harness.gmail.callsOf('listLabels')).toBe(0);
  });

  it('in passive mode applies nothing, and the audit says what was intended', async () => {
    const harness = new Harness({ config: { policy: { ...TEST_POLICY, mode: 'passive' } } });
    const { id, scanId } = await deliverAndIngest(harness, 'MALWARE inside');
    await harness.drain();

    expect(harness.gmail.labelsOf(ALICE, id)).toEqual(['INBOX', 'UNREAD']);
    expect(harness.gmail.callsOf('modifyMessage') + harness.gmail.callsOf('trashMessage') + harness.gmail.callsOf('createLabel')).toBe(0);
    expect(await harness.repository.getScan(scanId)).toMatchObject({
      verdict: 'malicious',
      action: 'none',
      intendedAction: 'quarantine',
      passive: true,
      actionStatus: 'skipped',
    });
    expect(audit(harness)).toEqual([
      expect.objectContaining({ scanId, action: 'none', labelsAdded: [], labelsRemoved: [], outcome: 'passive', intendedAction: 'quarantine' }),
    ]);
  });

  it('records a failed action with its error, and the sweeper retry then applies it', async () => {
    const harness = new Harness();
    const { id, scanId } = await deliverAndIngest(harness, 'SUSPICIOUS offer');
    harness.gmail.failNext('modifyMessage', new GmailApiError('backend error', 500, 'messages.modify', ALICE));

    const { aggregate } = await harness.drain();

    expect(aggregate.find((outcome) => outcome.status === 'decided')).toMatchObject({ action: { status: 'failed' } });
    expect(await harness.repository.getScan(scanId)).toMatchObject({ actionStatus: 'failed', actionAttempts: 1, actionError: expect.stringContaining('backend error') });

    const retry = await retryFailedActions(harness.deps, harness.current);

    expect(retry.retried).toEqual([{ scanId, action: expect.objectContaining({ status: 'applied' }) }]);
    expect(harness.gmail.labelNamesOf(ALICE, id)).toContain('Strata/Suspicious');
    expect(await harness.repository.getScan(scanId)).toMatchObject({ actionStatus: 'applied', actionAttempts: 2, actionError: null });
    expect(audit(harness).map((entry) => [entry.outcome, entry.actor])).toEqual([
      ['failed', 'aggregator'],
      ['applied', 'sweeper'],
    ]);
  });

  it('the sweeper applies an action left pending by a decider that died, once it is stale, and only then', async () => {
    const harness = new Harness();
    const { id, scanId } = await deliverAndIngest(harness, 'SUSPICIOUS offer');
    const [request] = harness.bus.take(harness.config.topics.scanRequests);
    for (const engine of ['alpha', 'beta']) await handleScanRequest(request, engine, { ...harness.deps, engines: harness.engines });
    harness.bus.take(harness.config.topics.engineCompletions); // the completions are lost with the decider
    await harness.repository.decideOnce(scanId, () => ({
      verdict: 'suspicious', score: 60, reasons: [], action: 'label', intendedAction: 'label', passive: false, failedEngines: [], policyVersion: 't',
    }), harness.current);

    expect((await retryFailedActions(harness.deps, harness.current)).repaired).toEqual([]);
    harness.advance(harness.config.pendingActionStaleMs + 1);
    const sweep = await retryFailedActions(harness.deps, harness.current);

    expect(sweep.repaired).toEqual([{ scanId, action: expect.objectContaining({ status: 'applied' }) }]);
    expect(harness.gmail.labelNamesOf(ALICE, id)).toContain('Strata/Suspicious');
    expect(await harness.repository.getScan(scanId)).toMatchObject({ actionStatus: 'applied' });
    expect((await retryFailedActions(harness.deps, harness.current)).repaired).toEqual([]);
  });

  it('stops retrying after maxActionAttempts', async () => {
    const harness = new Harness({ config: { maxActionAttempts: 2 } });
    const { scanId } = await deliverAndIngest(harness, 'SUSPICIOUS offer');
    const outage = () => new GmailApiError('backend error', 500, 'messages.modify', ALICE);
    harness.gmail.failNext('modifyMessage', outage(), outage(), outage());
    await harness.drain();

    expect((await retryFailedActions(harness.deps, harness.current)).retried).toHaveLength(1);
    expect((await retryFailedActions(harness.deps, harness.current)).retried).toHaveLength(0);
    expect(await harness.repository.getScan(scanId)).toMatchObject({ actionStatus: 'failed', actionAttempts: 2 });
  });

  it('applies a long-pending action again when a completion is redelivered (the decider died)', async () => {
    const harness = new Harness();
    const { id, scanId } = await deliverAndIngest(harness, 'SUSPICIOUS offer');
    const [request] = harness.bus.take(harness.config.topics.scanRequests);
    for (const engine of ['alpha', 'beta']) await handleScanRequest(request, engine, { ...harness.deps, engines: harness.engines });
    // The decider decided and died before acting.
    await harness.repository.decideOnce(scanId, () => ({
      verdict: 'suspicious', score: 60, reasons: [], action: 'label', intendedAction: 'label', passive: false, failedEngines: [], policyVersion: 't',
    }), harness.current);

    expect(await handleEngineCompletion({ scanId, engine: 'beta' }, harness.deps)).toEqual({ status: 'already-decided', scanId });
    harness.advance(harness.config.pendingActionStaleMs);
    const outcome = await handleEngineCompletion({ scanId, engine: 'beta' }, harness.deps);

    expect(outcome).toMatchObject({ status: 'reapplied', action: { status: 'applied' } });
    expect(harness.gmail.labelNamesOf(ALICE, id)).toContain('Strata/Suspicious');
    expect(await harness.repository.getScan(scanId)).toMatchObject({ actionStatus: 'applied' });
  });

  it('drops invalid completions and completions of unknown scans', async () => {
    const harness = new Harness();
    expect(await handleEngineCompletion({ engine: 'alpha' }, harness.deps)).toMatchObject({ status: 'invalid' });
    expect(await handleEngineCompletion({ scanId: 'f'.repeat(32), engine: 'alpha', outstanding: 'beta' }, harness.deps)).toMatchObject({
      status: 'invalid',
      problems: [expect.stringMatching(/^outstanding: /)],
    });
    expect(await handleEngineCompletion({ scanId: 'f'.repeat(32), engine: 'alpha' }, harness.deps)).toMatchObject({ status: 'scan-missing' });
  });

  it('decides under fail-closed when an engine failed', async () => {
    const failClosed = parsePolicy({ ...TEST_POLICY, onEngineFailure: 'fail-closed', failClosedVerdict: 'suspicious' });
    const harness = new Harness({ config: { policy: failClosed } });
    harness.engines = [
      harness.engines[0] as (typeof harness.engines)[number],
      { name: 'beta', version: '1', defaultTimeoutMs: 1000, config: {}, scan: () => Promise.reject(new Error('down')) },
    ];
    const { scanId } = await deliverAndIngest(harness, 'Lunch');
    await harness.drain();

    expect(await harness.repository.getScan(scanId)).toMatchObject({ verdict: 'suspicious', action: 'label', engines: { beta: { status: 'error' } } });
  });
});

describe('labels', () => {
  it('creates the Strata labels once per mailbox and reuses their stored ids', async () => {
    const harness = new Harness();
    await deliverAndIngest(harness, 'SUSPICIOUS one');
    await deliverAndIngest(harness, 'SUSPICIOUS two');
    await deliverAndIngest(harness, 'MALWARE three');
    await deliverAndIngest(harness, 'SUSPICIOUS four', BOB);
    await harness.drain();

    expect(harness.gmail.callsOf('listLabels', ALICE)).toBe(1);
    expect(harness.gmail.callsOf('createLabel', ALICE)).toBe(2);
    expect(harness.gmail.userLabels(ALICE).map((label) => label.name).sort()).toEqual(['Strata/Quarantine', 'Strata/Suspicious']);
    expect(harness.gmail.callsOf('listLabels', BOB)).toBe(1);
    expect(harness.gmail.callsOf('createLabel', BOB)).toBe(2);
    const state = await harness.repository.getMailbox(ALICE);
    expect(Object.keys(state?.labelIds ?? {}).sort()).toEqual(['quarantine', 'suspicious']);
  });

  it('adopts a label that already exists (created by a concurrent invocation: 409 then re-list)', async () => {
    const harness = new Harness();
    await harness.enroll(ALICE);
    const [first, second] = await Promise.all([
      ensureLabels(ALICE, ['suspicious'], harness.deps),
      ensureLabels(ALICE, ['suspicious'], harness.deps),
    ]);

    expect(first.suspicious).toBeDefined();
    expect(second.suspicious).toBe(first.suspicious);
    expect(harness.gmail.userLabels(ALICE)).toHaveLength(2);
    // The loser's create answered 409 and it listed again to find the winner's label.
    expect(harness.gmail.callsOf('createLabel')).toBeGreaterThan(2);
    expect(harness.gmail.callsOf('listLabels')).toBeGreaterThan(2);
  });

  it('recreates a label a user deleted and applies the action', async () => {
    const harness = new Harness();
    await deliverAndIngest(harness, 'SUSPICIOUS one');
    await harness.drain();
    harness.gmail.deleteLabel(ALICE, 'Strata/Suspicious');

    const { id, scanId } = await deliverAndIngest(harness, 'SUSPICIOUS two');
    await harness.drain();

    expect(harness.gmail.labelNamesOf(ALICE, id)).toContain('Strata/Suspicious');
    expect(await harness.repository.getScan(scanId)).toMatchObject({ actionStatus: 'applied' });
    expect(harness.gmail.callsOf('createLabel', ALICE)).toBe(3);
  });

  it('keeps a 404 for a message that is gone as a failed action', async () => {
    const harness = new Harness();
    const { id, scanId } = await deliverAndIngest(harness, 'SUSPICIOUS one');
    harness.gmail.deleteMessage(ALICE, id);
    await harness.drain();
    expect(await harness.repository.getScan(scanId)).toMatchObject({ actionStatus: 'failed', actionError: expect.stringContaining('not found') });
  });
});
