import type { EngineResult, Finding } from '../../functions/src/core/engine/types';
import { decide, parsePolicy, type Decision } from '../../functions/src/core/policy';
import {
  InvalidHistoryIdError,
  InvalidKeyError,
  ScanNotFoundError,
  scanIdFor,
  type AuditEntry,
  type NewScan,
  type ScanRepository,
} from '../../functions/src/pipeline/repository';
import { MAX_IOCS_PER_KIND, STORED_RESULT_LIMITS } from '../../functions/src/pipeline/repository-records';

/**
 * The behaviour every ScanRepository must have, registered once per implementation: the
 * in-memory one (unit tests) and the Firestore one (against the real emulator). Keeping one
 * suite is what lets unit tests of the pipeline trust the memory stand-in.
 */

export interface RepositoryUnderTest {
  repository: ScanRepository;
  /** What appendAudit stored, oldest first (audit has no read method in the interface). */
  auditEntries(): Promise<AuditEntry[]>;
}

export interface RepositoryContractHarness {
  /** A fresh repository, isolated from every other test's data, stamping times with `clock`. */
  create(clock: () => Date): RepositoryUnderTest | Promise<RepositoryUnderTest>;
  /** Concurrent decideOnce calls in the race test (the Firestore emulator is slow under contention). */
  concurrentDeciders: number;
}

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const MAILBOX = 'alice@example.org';

export function registerRepositoryContract(harness: RepositoryContractHarness): void {
  let now: number;
  let repo: ScanRepository;
  let auditEntries: () => Promise<AuditEntry[]>;
  let messageCounter = 0;

  const clock = (): Date => new Date(now);
  const advance = (ms: number): void => {
    now += ms;
  };

  beforeEach(async () => {
    now = T0;
    const created = await harness.create(clock);
    repo = created.repository;
    auditEntries = () => created.auditEntries();
  });

  function newScan(overrides: Partial<NewScan> = {}): NewScan {
    const mailbox = overrides.mailbox ?? MAILBOX;
    const gmailMessageId = overrides.gmailMessageId ?? `18e${(messageCounter += 1).toString(16).padStart(13, '0')}`;
    return {
      scanId: scanIdFor(mailbox, gmailMessageId),
      mailbox,
      gmailMessageId,
      direction: 'inbound',
      messageId: `<${gmailMessageId}@mail.example.net>`,
      fromAddress: 'billing@example.net',
      fromDomain: 'example.net',
      subject: 'Your invoice',
      receivedAt: new Date(T0 - 1500),
      expectedEngines: ['auth', 'links'],
      subjectKey: `subjects/${gmailMessageId}`,
      contentKey: 'a'.repeat(64),
      expireAt: new Date(T0 + 90 * 86_400_000),
      ...overrides,
    };
  }

  function engineResult(engine: string, overrides: Partial<EngineResult> = {}): EngineResult {
    return {
      engine,
      version: '1.0.0',
      status: 'ok',
      score: 0,
      findings: [],
      iocs: { urls: [], domains: [], sha256: [], senders: [] },
      elapsedMs: 12,
      ...overrides,
    };
  }

  function finding(id: string, score: number): Finding {
    return { id, severity: 'high', title: `title of ${id}`, evidence: [`evidence of ${id}`], score };
  }

  function decisionOf(overrides: Partial<Decision> = {}): Decision {
    return {
      verdict: 'suspicious',
      score: 55,
      reasons: [
        {
          engine: 'links',
          findingId: 'links.ip_literal',
          severity: 'medium',
          title: 'Link to an IP address',
          score: 55,
          evidence: ['http://192.0.2.7/login'],
          rule: 'score',
        },
      ],
      action: 'label',
      intendedAction: 'label',
      passive: false,
      failedEngines: [],
      policyVersion: 'contract-policy-1',
      ...overrides,
    };
  }

  async function createdScan(overrides: Partial<NewScan> = {}): Promise<NewScan> {
    const scan = newScan(overrides);
    expect(await repo.createScan(scan)).toBe(true);
    return scan;
  }

  async function decidedScan(decision: Decision, overrides: Partial<NewScan> = {}): Promise<NewScan> {
    const scan = await createdScan(overrides);
    expect(await repo.decideOnce(scan.scanId, () => decision, clock())).not.toBeNull();
    return scan;
  }

  describe('mailboxes', () => {
    it('returns null for an unknown mailbox', async () => {
      expect(await repo.getMailbox('nobody@example.org')).toBeNull();
    });

    it('creates a mailbox with defaults on first upsert and merges later patches', async () => {
      await repo.upsertMailbox(MAILBOX, { enrolled: true, labelIds: { suspicious: 'Label_1' } });
      await repo.upsertMailbox(MAILBOX, {
        labelIds: { quarantine: 'Label_2' },
        watchExpiration: new Date(T0 + 86_400_000),
        fullSyncs: 2,
      });

      expect(await repo.getMailbox(MAILBOX)).toEqual({
        mailbox: MAILBOX,
        enrolled: true,
        historyCursor: null,
        cursorUpdatedAt: null,
        watchExpiration: new Date(T0 + 86_400_000),
        lastNotificationAt: null,
        lastNotificationHistoryId: null,
        lastSyncAt: null,
        fullSyncs: 2,
        labelIds: { suspicious: 'Label_1', quarantine: 'Label_2' },
      });
    });

    it('lists every mailbox, or only the enrolled ones', async () => {
      await repo.upsertMailbox('carol@example.org', { enrolled: true });
      await repo.upsertMailbox('bob@example.org', { enrolled: false });
      await repo.upsertMailbox(MAILBOX, { enrolled: true });

      const all = await repo.listMailboxes();
      expect(all.map((state) => state.mailbox).sort()).toEqual([MAILBOX, 'bob@example.org', 'carol@example.org']);
      const enrolled = await repo.listMailboxes({ enrolledOnly: true });
      expect(enrolled.map((state) => state.mailbox).sort()).toEqual([MAILBOX, 'carol@example.org']);
    });

    it('refuses a mailbox that cannot be a document id', async () => {
      await expect(repo.upsertMailbox('a/b@example.org', { enrolled: true })).rejects.toBeInstanceOf(InvalidKeyError);
    });
  });

  describe('history cursor', () => {
    it('moves from null (never synced) and records when', async () => {
      await repo.upsertMailbox(MAILBOX, { enrolled: true });
      advance(5000);

      expect(await repo.advanceCursor(MAILBOX, null, '1000')).toBe(true);

      const state = await repo.getMailbox(MAILBOX);
      expect(state?.historyCursor).toBe('1000');
      expect(state?.cursorUpdatedAt).toEqual(new Date(T0 + 5000));
      expect(state?.enrolled).toBe(true);
    });

    it('moves when the expected cursor matches and refuses a stale expected cursor', async () => {
      await repo.upsertMailbox(MAILBOX, { enrolled: true });
      expect(await repo.advanceCursor(MAILBOX, null, '1000')).toBe(true);
      expect(await repo.advanceCursor(MAILBOX, '1000', '1200')).toBe(true);

      // A second handler that read the cursor at 1000 lost the race.
      expect(await repo.advanceCursor(MAILBOX, '1000', '1300')).toBe(false);
      expect(await repo.advanceCursor(MAILBOX, null, '1300')).toBe(false);
      expect((await repo.getMailbox(MAILBOX))?.historyCursor).toBe('1200');
    });

    it('never moves backwards or sideways', async () => {
      await repo.upsertMailbox(MAILBOX, { enrolled: true });
      await repo.advanceCursor(MAILBOX, null, '5000');

      expect(await repo.advanceCursor(MAILBOX, '5000', '4999')).toBe(false);
      expect(await repo.advanceCursor(MAILBOX, '5000', '5000')).toBe(false);
      expect((await repo.getMailbox(MAILBOX))?.historyCursor).toBe('5000');
    });

    it('compares history ids as numbers, not strings', async () => {
      await repo.upsertMailbox(MAILBOX, { enrolled: true });
      await repo.advanceCursor(MAILBOX, null, '9');

      expect(await repo.advanceCursor(MAILBOX, '9', '10')).toBe(true);
      // Beyond 2^53, where Number would round both ids to the same value.
      expect(await repo.advanceCursor(MAILBOX, '10', '18446744073709551614')).toBe(true);
      expect(await repo.advanceCursor(MAILBOX, '18446744073709551614', '18446744073709551615')).toBe(true);
      expect((await repo.getMailbox(MAILBOX))?.historyCursor).toBe('18446744073709551615');
    });

    it('treats an unknown mailbox as never synced', async () => {
      expect(await repo.advanceCursor('new@example.org', null, '77')).toBe(true);
      expect((await repo.getMailbox('new@example.org'))?.historyCursor).toBe('77');
      // A cursor alone does not enrol a mailbox.
      expect(await repo.listMailboxes({ enrolledOnly: true })).toEqual([]);
    });

    it('refuses history ids that are not decimal numbers', async () => {
      await repo.upsertMailbox(MAILBOX, { enrolled: true });
      await expect(repo.advanceCursor(MAILBOX, null, '12abc')).rejects.toBeInstanceOf(InvalidHistoryIdError);
      await expect(repo.advanceCursor(MAILBOX, null, '-5')).rejects.toBeInstanceOf(InvalidHistoryIdError);
      expect((await repo.getMailbox(MAILBOX))?.historyCursor).toBeNull();
    });
  });

  describe('scans', () => {
    it('creates a scan once and keeps the first version', async () => {
      const scan = newScan();
      advance(250);

      expect(await repo.createScan(scan)).toBe(true);
      expect(await repo.createScan({ ...scan, subject: 'A redelivered copy' })).toBe(false);

      expect(await repo.getScan(scan.scanId)).toEqual({
        ...scan,
        createdAt: new Date(T0 + 250),
        status: 'scanning',
        decided: false,
        verdict: null,
        score: null,
        reasons: [],
        reasonDetails: [],
        engines: {},
        iocUrls: [],
        iocDomains: [],
        iocSha256: [],
        action: null,
        intendedAction: null,
        actionStatus: null,
        actionAttempts: 0,
        actionError: null,
        policyVersion: null,
        passive: null,
        decidedAt: null,
        latencyMs: null,
      });
    });

    it('returns null for an unknown scan', async () => {
      expect(await repo.getScan(scanIdFor(MAILBOX, 'never-seen'))).toBeNull();
    });

    it('stores only the scan fields, never whatever else the caller attached', async () => {
      const scan = { ...newScan(), body: 'Dear customer, click here', rawMime: 'From: x' };
      await repo.createScan(scan);

      const stored = await repo.getScan(scan.scanId);
      expect(stored).not.toHaveProperty('body');
      expect(stored).not.toHaveProperty('rawMime');
    });
  });

  describe('fetch claims', () => {
    const LEASE_MS = 60_000;
    function claimOf(owner: string, gmailMessageId = '18e0000000000fc1') {
      return { mailbox: MAILBOX, gmailMessageId, owner, now: clock(), leaseMs: LEASE_MS };
    }
    const scanIdOfClaim = scanIdFor(MAILBOX, '18e0000000000fc1');

    it('gives the first caller the claim and tells a second owner who holds it until when', async () => {
      expect(await repo.claimFetch(scanIdOfClaim, claimOf('instance-a'))).toEqual({ status: 'claimed', tookOver: false });
      const held = await repo.claimFetch(scanIdOfClaim, claimOf('instance-b'));
      expect(held).toEqual({ status: 'held', owner: 'instance-a', until: new Date(T0 + LEASE_MS) });
    });

    it('lets the owner renew its own claim', async () => {
      await repo.claimFetch(scanIdOfClaim, claimOf('instance-a'));
      advance(LEASE_MS / 2);
      expect(await repo.claimFetch(scanIdOfClaim, claimOf('instance-a'))).toEqual({ status: 'claimed', tookOver: false });
      advance(LEASE_MS / 2 + 1);
      // Renewed at T0 + LEASE_MS/2, so still held by a at T0 + LEASE_MS + 1.
      expect((await repo.claimFetch(scanIdOfClaim, claimOf('instance-b'))).status).toBe('held');
    });

    it('lets another owner take over a claim whose lease ran out', async () => {
      await repo.claimFetch(scanIdOfClaim, claimOf('instance-a'));
      advance(LEASE_MS);
      expect(await repo.claimFetch(scanIdOfClaim, claimOf('instance-b'))).toEqual({ status: 'claimed', tookOver: true });
      expect((await repo.claimFetch(scanIdOfClaim, claimOf('instance-a'))).status).toBe('held');
    });

    it('releases only its own claim', async () => {
      await repo.claimFetch(scanIdOfClaim, claimOf('instance-a'));
      await repo.releaseFetch(scanIdOfClaim, 'instance-b');
      expect((await repo.claimFetch(scanIdOfClaim, claimOf('instance-b'))).status).toBe('held');
      await repo.releaseFetch(scanIdOfClaim, 'instance-a');
      expect(await repo.claimFetch(scanIdOfClaim, claimOf('instance-b'))).toEqual({ status: 'claimed', tookOver: false });
    });

    it('reports a claim settled as skipped to everyone, and only its owner can settle it', async () => {
      await repo.claimFetch(scanIdOfClaim, claimOf('instance-a'));
      await repo.settleFetchSkipped(scanIdOfClaim, 'instance-b');
      expect((await repo.claimFetch(scanIdOfClaim, claimOf('instance-b'))).status).toBe('held');
      await repo.settleFetchSkipped(scanIdOfClaim, 'instance-a');
      expect(await repo.claimFetch(scanIdOfClaim, claimOf('instance-b'))).toEqual({ status: 'skipped', owner: 'instance-a' });
      advance(LEASE_MS * 2);
      expect((await repo.claimFetch(scanIdOfClaim, claimOf('instance-c'))).status).toBe('skipped');
    });

    it(`gives the claim to exactly one of ${harness.concurrentDeciders} concurrent owners, also on takeover`, async () => {
      const owners = Array.from({ length: harness.concurrentDeciders }, (_, index) => `instance-${index}`);
      const first = await Promise.all(owners.map((owner) => repo.claimFetch(scanIdOfClaim, claimOf(owner))));
      expect(first.filter((outcome) => outcome.status === 'claimed')).toHaveLength(1);
      advance(LEASE_MS + 1);
      const takeover = await Promise.all(owners.map((owner) => repo.claimFetch(scanIdOfClaim, claimOf(`late-${owner}`))));
      expect(takeover.filter((outcome) => outcome.status === 'claimed')).toEqual([{ status: 'claimed', tookOver: true }]);
    });

    it('keeps claims of different messages apart', async () => {
      await repo.claimFetch(scanIdOfClaim, claimOf('instance-a'));
      const other = scanIdFor(MAILBOX, '18e0000000000fc2');
      expect((await repo.claimFetch(other, claimOf('instance-b', '18e0000000000fc2'))).status).toBe('claimed');
    });
  });

  describe('engine results', () => {
    it('writes a result once; a redelivered run does not overwrite it', async () => {
      const scan = await createdScan();
      const first = engineResult('links', {
        score: 40,
        findings: [finding('links.ip_literal', 40)],
        iocs: { urls: ['http://192.0.2.7/'], domains: [], sha256: [], senders: [] },
      });

      expect(await repo.putEngineResult(scan.scanId, first, { cached: false, expireAt: scan.expireAt })).toBe(true);
      expect(await repo.putEngineResult(scan.scanId, engineResult('links', { score: 99 }), { cached: false, expireAt: scan.expireAt })).toBe(false);

      expect(await repo.listEngineResults(scan.scanId)).toEqual([first]);
    });

    it('stores a hostile-sized result bounded (over a megabyte as returned), keeping score and status', async () => {
      const scan = await createdScan();
      const huge = engineResult('links', {
        score: 90,
        findings: Array.from({ length: 5_000 }, (_, index) =>
          ({ ...finding(`links.hostile_${index}`, 90), title: 't'.repeat(1_000), evidence: Array.from({ length: 50 }, () => 'e'.repeat(10_000)) })),
        iocs: { urls: ['https://x.example/' + 'a'.repeat(3_000_000), ...Array.from({ length: 5_000 }, (_, i) => `https://h${i}.example/`)], domains: [], sha256: [], senders: [] },
        error: 'x'.repeat(100_000),
      });

      expect(await repo.putEngineResult(scan.scanId, huge, { cached: false, expireAt: scan.expireAt })).toBe(true);

      const [stored] = await repo.listEngineResults(scan.scanId);
      expect(stored).toMatchObject({ engine: 'links', score: 90, status: 'ok' });
      expect(stored?.findings).toHaveLength(STORED_RESULT_LIMITS.findings);
      expect(stored?.findings[0]?.id).toBe('links.hostile_0');
      expect(stored?.findings[0]?.evidence).toHaveLength(STORED_RESULT_LIMITS.evidencePerFinding);
      expect(stored?.findings[0]?.evidence[0]?.length).toBe(STORED_RESULT_LIMITS.evidenceChars);
      expect(stored?.iocs.urls).toHaveLength(STORED_RESULT_LIMITS.iocsPerKind);
      expect(stored?.iocs.urls[0]).toBe('https://h0.example/');
      expect(stored?.error?.length).toBe(2_000);
    });

    it("reads a scan with whether one engine's result is stored, for that scan only", async () => {
      const scan = await createdScan();
      const other = await createdScan();
      expect(await repo.getScanForEngine(scan.scanId, 'links')).toEqual({ scan: await repo.getScan(scan.scanId), reported: false });
      await repo.putEngineResult(scan.scanId, engineResult('links', { status: 'timeout', error: 'late' }), { cached: false, expireAt: scan.expireAt });
      expect(await repo.getScanForEngine(scan.scanId, 'links')).toMatchObject({ scan: { scanId: scan.scanId }, reported: true });
      expect((await repo.getScanForEngine(scan.scanId, 'auth')).reported).toBe(false);
      expect((await repo.getScanForEngine(other.scanId, 'links')).reported).toBe(false);
      expect(await repo.getScanForEngine('e'.repeat(32), 'links')).toEqual({ scan: null, reported: false });
    });

    it('tells which of the named engines reported on a scan, failed ones included, and none of another scan', async () => {
      const scan = await createdScan();
      const other = await createdScan();
      const engines = ['auth', 'links', 'qr', 'yara'];
      expect(await repo.reportedEngines(scan.scanId, engines)).toEqual([]);
      await repo.putEngineResult(scan.scanId, engineResult('links', { score: 10 }), { cached: false, expireAt: scan.expireAt });
      await repo.putEngineResult(scan.scanId, engineResult('auth', { status: 'timeout', error: 'late' }), { cached: true, expireAt: scan.expireAt });
      await repo.putEngineResult(scan.scanId, engineResult('content'), { cached: false, expireAt: scan.expireAt });
      await repo.putEngineResult(other.scanId, engineResult('qr'), { cached: false, expireAt: other.expireAt });

      expect((await repo.reportedEngines(scan.scanId, engines)).sort()).toEqual(['auth', 'links']);
      expect(await repo.reportedEngines(other.scanId, engines)).toEqual(['qr']);
      expect(await repo.reportedEngines(scan.scanId, [])).toEqual([]);
    });

    it('lists every engine of a scan, failed ones with their error, and none of another scan', async () => {
      const scan = await createdScan();
      const other = await createdScan();
      const failed = engineResult('clamav', { status: 'unavailable', error: 'clamd not reachable' });
      const links = engineResult('links', { score: 10 });
      const auth = engineResult('auth', { score: 20 });
      await repo.putEngineResult(scan.scanId, links, { cached: false, expireAt: scan.expireAt });
      await repo.putEngineResult(scan.scanId, failed, { cached: false, expireAt: scan.expireAt });
      await repo.putEngineResult(scan.scanId, auth, { cached: true, expireAt: scan.expireAt });
      await repo.putEngineResult(other.scanId, engineResult('links', { score: 70 }), { cached: false, expireAt: other.expireAt });

      const listed = await repo.listEngineResults(scan.scanId);
      expect([...listed].sort((a, b) => a.engine.localeCompare(b.engine))).toEqual([auth, failed, links]);
    });

    it('round-trips the engine cache by engine, version and content key', async () => {
      const result = engineResult('auth', { score: 35, findings: [finding('auth.dmarc_fail', 35)] });
      const contentKey = 'b'.repeat(64);
      const expireAt = new Date(T0 + 3_600_000);

      expect(await repo.getCachedEngineResult('auth', '1.0.0', contentKey, clock())).toBeNull();
      await repo.putCachedEngineResult('auth', '1.0.0', contentKey, result, expireAt);

      expect(await repo.getCachedEngineResult('auth', '1.0.0', contentKey, clock())).toEqual(result);
      expect(await repo.getCachedEngineResult('auth', '1.1.0', contentKey, clock())).toBeNull();
      expect(await repo.getCachedEngineResult('links', '1.0.0', contentKey, clock())).toBeNull();
      expect(await repo.getCachedEngineResult('auth', '1.0.0', 'c'.repeat(64), clock())).toBeNull();

      const rerun = { ...result, score: 36 };
      await repo.putCachedEngineResult('auth', '1.0.0', contentKey, rerun, expireAt);
      expect(await repo.getCachedEngineResult('auth', '1.0.0', contentKey, clock())).toEqual(rerun);
    });

    it('serves a cached result only until its expiry, even before TTL deletes it', async () => {
      const result = engineResult('clamav', { score: 0 });
      const contentKey = 'd'.repeat(64);
      await repo.putCachedEngineResult('clamav', '1.0.0', contentKey, result, new Date(T0 + 60_000));

      expect(await repo.getCachedEngineResult('clamav', '1.0.0', contentKey, new Date(T0 + 59_999))).toEqual(result);
      expect(await repo.getCachedEngineResult('clamav', '1.0.0', contentKey, new Date(T0 + 60_000))).toBeNull();
    });
  });

  describe('decideOnce', () => {
    it('decides, passes the scan and its results to decide, and then never again', async () => {
      const scan = await createdScan();
      const links = engineResult('links', { score: 55, findings: [finding('links.ip_literal', 55)] });
      await repo.putEngineResult(scan.scanId, links, { cached: false, expireAt: scan.expireAt });
      const seen: { scanId: string; decided: boolean; engines: string[] }[] = [];
      const decision = decisionOf();

      const outcome = await repo.decideOnce(
        scan.scanId,
        (current, results) => {
          seen.push({ scanId: current.scanId, decided: current.decided, engines: results.map((r) => r.engine) });
          return decision;
        },
        new Date(T0 + 3000),
      );

      expect(outcome?.decision).toEqual(decision);
      expect(outcome?.scan).toMatchObject({ scanId: scan.scanId, decided: true, status: 'decided', verdict: 'suspicious' });
      expect(seen.at(-1)).toEqual({ scanId: scan.scanId, decided: false, engines: ['links'] });

      const secondDecide = jest.fn(() => decisionOf({ verdict: 'malicious', action: 'quarantine' }));
      expect(await repo.decideOnce(scan.scanId, secondDecide, new Date(T0 + 4000))).toBeNull();
      expect(secondDecide).not.toHaveBeenCalled();
      expect((await repo.getScan(scan.scanId))?.verdict).toBe('suspicious');
    });

    it('leaves the scan undecided when decide declines, so a later call can decide', async () => {
      const scan = await createdScan();

      expect(await repo.decideOnce(scan.scanId, () => null, clock())).toBeNull();
      const waiting = await repo.getScan(scan.scanId);
      expect(waiting).toMatchObject({ decided: false, status: 'scanning', verdict: null, decidedAt: null });

      expect(await repo.decideOnce(scan.scanId, () => decisionOf(), clock())).not.toBeNull();
      expect((await repo.getScan(scan.scanId))?.decided).toBe(true);
    });

    it(`lets exactly one of ${harness.concurrentDeciders} concurrent callers decide`, async () => {
      const scan = await createdScan();
      await repo.putEngineResult(scan.scanId, engineResult('links', { score: 55 }), { cached: false, expireAt: scan.expireAt });
      const verdicts = ['clean', 'suspicious', 'malicious'] as const;

      const outcomes = await Promise.all(
        Array.from({ length: harness.concurrentDeciders }, (_, index) =>
          repo.decideOnce(
            scan.scanId,
            () => decisionOf({ verdict: verdicts[index % 3], policyVersion: `caller-${index}` }),
            new Date(T0 + 2000),
          ),
        ),
      );

      const winners = outcomes.filter((outcome) => outcome !== null);
      expect(winners).toHaveLength(1);
      const stored = await repo.getScan(scan.scanId);
      expect(stored?.decided).toBe(true);
      expect(stored?.policyVersion).toBe(winners[0]?.decision.policyVersion);
      expect(stored?.verdict).toBe(winners[0]?.decision.verdict);
    });

    it("stores the real policy's decision: verdict, reasons, engines map, IOCs, action and timing", async () => {
      const scan = await createdScan({ expectedEngines: ['auth', 'links', 'clamav'] });
      const links = engineResult('links', {
        score: 90,
        findings: [finding('links.blocklisted', 90), finding('links.ip_literal', 40)],
        iocs: {
          urls: ['http://192.0.2.7/login', 'https://evil.example.com/pay', 'http://192.0.2.7/login'],
          domains: ['evil.example.com'],
          sha256: [],
          senders: ['billing@example.net'],
        },
      });
      const auth = engineResult('auth', {
        score: 30,
        findings: [finding('auth.dmarc_fail', 30)],
        iocs: { urls: ['https://evil.example.com/pay'], domains: ['evil.example.com', 'example.net'], sha256: [], senders: [] },
      });
      const clamav = engineResult('clamav', { status: 'timeout', error: 'no answer in 20000 ms' });
      for (const result of [links, auth, clamav]) await repo.putEngineResult(scan.scanId, result, { cached: false, expireAt: scan.expireAt });
      const policy = parsePolicy({ version: 'contract-2026-03', expectedEngines: ['auth', 'links', 'clamav'] });

      const outcome = await repo.decideOnce(scan.scanId, (_scan, results) => decide(results, policy), new Date(T0 + 2500));

      const stored = await repo.getScan(scan.scanId);
      expect(stored).toEqual(outcome?.scan);
      expect(stored).toMatchObject({
        status: 'decided',
        decided: true,
        verdict: 'malicious',
        action: 'quarantine',
        actionStatus: 'pending',
        actionAttempts: 0,
        policyVersion: 'contract-2026-03',
        passive: false,
        decidedAt: new Date(T0 + 2500),
        latencyMs: 4000,
        engines: {
          links: { status: 'ok', score: 90 },
          auth: { status: 'ok', score: 30 },
          clamav: { status: 'timeout', score: 0 },
        },
      });
      expect(stored?.score).toBe(outcome?.decision.score);
      expect(stored?.reasons[0]).toBe('links.blocklisted');
      expect(stored?.reasons).toEqual(expect.arrayContaining(['links.ip_literal', 'auth.dmarc_fail', 'policy.engine_failed']));
      expect(new Set(stored?.reasons).size).toBe(stored?.reasons.length);
      expect(stored?.reasonDetails[0]).toEqual({
        engine: 'links',
        findingId: 'links.blocklisted',
        severity: 'high',
        title: 'title of links.blocklisted',
        score: 90,
        rule: 'decisive',
      });
      expect(stored?.reasonDetails).toHaveLength(outcome?.decision.reasons.length ?? -1);
      expect([...(stored?.iocUrls ?? [])].sort()).toEqual(['http://192.0.2.7/login', 'https://evil.example.com/pay']);
      expect([...(stored?.iocDomains ?? [])].sort()).toEqual(['evil.example.com', 'example.net']);
      expect(stored?.iocSha256).toEqual([]);
    });

    it('decides on the expected engines only: a stray result of another engine is not read', async () => {
      const scan = await createdScan({ expectedEngines: ['links'] });
      await repo.putEngineResult(scan.scanId, engineResult('links', { score: 5 }), { cached: false, expireAt: scan.expireAt });
      await repo.putEngineResult(scan.scanId, engineResult('stray', { score: 90 }), { cached: false, expireAt: scan.expireAt });
      let seen: string[] = [];

      await repo.decideOnce(scan.scanId, (_scan, results) => {
        seen = results.map((result) => result.engine);
        return decisionOf();
      }, clock());

      expect(seen).toEqual(['links']);
      expect(Object.keys((await repo.getScan(scan.scanId))?.engines ?? {})).toEqual(['links']);
    });

    it('bounds each IOC list and drops indicators too long to hunt for', async () => {
      const scan = await createdScan({ expectedEngines: ['links', 'attachments'] });
      const urls = Array.from({ length: MAX_IOCS_PER_KIND + 20 }, (_, index) => `https://host${index}.example.com/`);
      const hashes = ['f'.repeat(64), 'e'.repeat(64)];
      await repo.putEngineResult(
        scan.scanId,
        engineResult('links', { iocs: { urls: [`https://long.example.com/${'x'.repeat(5000)}`, ...urls], domains: [], sha256: [], senders: [] } }),
        { cached: false, expireAt: scan.expireAt },
      );
      await repo.putEngineResult(scan.scanId, engineResult('attachments', { iocs: { urls: [], domains: [], sha256: hashes, senders: [] } }), { cached: false, expireAt: scan.expireAt });

      await repo.decideOnce(scan.scanId, () => decisionOf(), clock());

      const stored = await repo.getScan(scan.scanId);
      expect(stored?.iocUrls).toHaveLength(MAX_IOCS_PER_KIND);
      expect(stored?.iocUrls.every((url) => url.length < 100)).toBe(true);
      expect(new Set(stored?.iocUrls).size).toBe(MAX_IOCS_PER_KIND);
      expect(stored?.iocSha256).toEqual(hashes);
    });

    it("marks the action skipped when the decision's action is none (passive mode), keeping what was intended", async () => {
      const scan = await decidedScan(decisionOf({ action: 'none', intendedAction: 'quarantine', passive: true, verdict: 'malicious' }));

      expect(await repo.getScan(scan.scanId)).toMatchObject({
        action: 'none',
        intendedAction: 'quarantine',
        actionStatus: 'skipped',
        passive: true,
        verdict: 'malicious',
      });
    });

    it('stores no intended action before the decision, and the applied one after an enforcing decision', async () => {
      const scan = await createdScan();
      expect((await repo.getScan(scan.scanId))?.intendedAction).toBeNull();
      await repo.decideOnce(scan.scanId, () => decisionOf({ action: 'label', intendedAction: 'label', verdict: 'suspicious' }), clock());
      expect(await repo.getScan(scan.scanId)).toMatchObject({ action: 'label', intendedAction: 'label' });
    });

    it('throws ScanNotFoundError for an unknown scan', async () => {
      await expect(repo.decideOnce(scanIdFor(MAILBOX, 'missing'), () => decisionOf(), clock())).rejects.toBeInstanceOf(ScanNotFoundError);
    });
  });

  describe('actions and audit', () => {
    it('records each action outcome and counts the attempts', async () => {
      const scan = await decidedScan(decisionOf({ action: 'quarantine', verdict: 'malicious' }));

      await repo.recordActionOutcome(scan.scanId, { status: 'failed', error: 'Gmail 429 rateLimitExceeded' });
      expect(await repo.getScan(scan.scanId)).toMatchObject({
        actionStatus: 'failed',
        actionAttempts: 1,
        actionError: 'Gmail 429 rateLimitExceeded',
      });

      await repo.recordActionOutcome(scan.scanId, { status: 'applied' });
      expect(await repo.getScan(scan.scanId)).toMatchObject({ actionStatus: 'applied', actionAttempts: 2, actionError: null });
    });

    it('throws ScanNotFoundError when recording an outcome for an unknown scan', async () => {
      await expect(repo.recordActionOutcome(scanIdFor(MAILBOX, 'missing'), { status: 'applied' })).rejects.toBeInstanceOf(
        ScanNotFoundError,
      );
    });

    it('appends audit entries', async () => {
      const failed: AuditEntry = {
        at: new Date(T0 + 1000),
        mailbox: MAILBOX,
        scanId: scanIdFor(MAILBOX, 'm1'),
        gmailMessageId: 'm1',
        action: 'quarantine',
        labelsAdded: ['Label_2'],
        labelsRemoved: ['INBOX'],
        outcome: 'failed',
        error: 'Gmail 503',
        actor: 'aggregator',
      };
      const applied: AuditEntry = { ...failed, at: new Date(T0 + 9000), outcome: 'applied', actor: 'sweeper' };
      delete applied.error;

      await repo.appendAudit(failed);
      await repo.appendAudit(applied);

      expect(await auditEntries()).toEqual([failed, applied]);
    });
  });

  describe('sweeper queries', () => {
    it('lists undecided scans created before the cut-off, oldest first, up to the limit', async () => {
      const oldest = await createdScan();
      advance(1000);
      const older = await createdScan();
      advance(1000);
      await decidedScan(decisionOf());
      advance(1000);
      const cutOff = clock();
      await createdScan();
      advance(1000);
      await createdScan();

      const overdue = await repo.listOverdueScans(cutOff, 10);
      expect(overdue.map((scan) => scan.scanId)).toEqual([oldest.scanId, older.scanId]);
      expect(overdue[0]).toMatchObject({ decided: false, createdAt: new Date(T0) });

      const limited = await repo.listOverdueScans(cutOff, 1);
      expect(limited.map((scan) => scan.scanId)).toEqual([oldest.scanId]);
    });

    it('lists scans whose action is still pending and that were decided before a time, oldest first', async () => {
      const older = await decidedScan(decisionOf({ action: 'quarantine', verdict: 'malicious' }));
      advance(1_000);
      const newer = await decidedScan(decisionOf({ action: 'label', verdict: 'suspicious' }));
      const settled = await decidedScan(decisionOf({ action: 'label', verdict: 'suspicious' }));
      await repo.recordActionOutcome(settled.scanId, { status: 'applied' });
      await decidedScan(decisionOf({ action: 'none', verdict: 'clean' }));
      advance(1_000);

      expect((await repo.listStalePendingActions(clock(), 10)).map((scan) => scan.scanId)).toEqual([older.scanId, newer.scanId]);
      expect((await repo.listStalePendingActions(new Date(T0 + 1_000), 10)).map((scan) => scan.scanId)).toEqual([older.scanId]);
      expect(await repo.listStalePendingActions(clock(), 1)).toHaveLength(1);
    });

    it('lists decided scans whose action failed fewer than the allowed times, up to the limit', async () => {
      const failedOnce = await decidedScan(decisionOf());
      const failedThrice = await decidedScan(decisionOf());
      const applied = await decidedScan(decisionOf());
      await decidedScan(decisionOf());
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await repo.recordActionOutcome(failedThrice.scanId, { status: 'failed', error: 'Gmail 500' });
      }
      await repo.recordActionOutcome(failedOnce.scanId, { status: 'failed', error: 'Gmail 500' });
      await repo.recordActionOutcome(applied.scanId, { status: 'applied' });

      const retryable = await repo.listFailedActions(3, 10);
      expect(retryable.map((scan) => scan.scanId)).toEqual([failedOnce.scanId]);
      expect(retryable[0]).toMatchObject({ actionStatus: 'failed', actionAttempts: 1, actionError: 'Gmail 500' });

      const both = await repo.listFailedActions(4, 10);
      expect(both.map((scan) => scan.scanId)).toEqual([failedOnce.scanId, failedThrice.scanId]);
      expect(await repo.listFailedActions(4, 1)).toHaveLength(1);
    });
  });
}
