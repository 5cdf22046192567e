import type { Engine, EngineOutput } from '../../functions/src/core/engine/types';
import { parsePolicy, type Policy } from '../../functions/src/core/policy';
import type { ScanSubject } from '../../functions/src/core/subject/types';
import { handleEngineCompletion, type AggregateOutcome } from '../../functions/src/pipeline/aggregate';
import { parsePipelineConfig, type PipelineConfig } from '../../functions/src/pipeline/config';
import type { PipelineDeps } from '../../functions/src/pipeline/deps';
import { handleGmailNotification, type IngestOutcome } from '../../functions/src/pipeline/ingest';
import { MemoryRepository } from '../../functions/src/pipeline/memory-repository';
import { handleScanRequest, type EngineOutcome } from '../../functions/src/pipeline/scan-engine';
import { MemoryBlobStore } from '../../functions/src/store/memory-blob-store';
import { FakeGmail, MemoryBus, RecordingLogger } from './fakes';

export const ORG = 'example.org';
export const WATCH_TOPIC = 'projects/demo-strata/topics/strata-gmail-notifications';
export const ALICE = 'alice@example.org';
export const BOB = 'bob@example.org';

/** The policy of these tests: no consensus rule (one engine may decide), a decisive test finding. */
export const TEST_POLICY: Policy = parsePolicy({
  version: 'pipeline-test-1',
  consensus: [],
  decisiveFindings: [{ pattern: 'alpha.malware', verdict: 'malicious' }],
  actions: { clean: 'none', suspicious: 'label', malicious: 'quarantine' },
});

export function testConfig(overrides: Record<string, unknown> = {}): PipelineConfig {
  return parsePipelineConfig({
    watchTopic: WATCH_TOPIC,
    organisationDomains: [ORG],
    engines: ['alpha', 'beta'],
    policy: TEST_POLICY,
    ...overrides,
  });
}

export interface CountingEngine extends Engine {
  calls: number;
}

/** A test engine: `judge` decides the output from the subject; every call is counted. */
export function testEngine(name: string, judge: (subject: ScanSubject) => EngineOutput | Promise<EngineOutput>, options: { version?: string; timeoutMs?: number; config?: unknown } = {}): CountingEngine {
  const engine: CountingEngine = {
    name,
    version: options.version ?? '1.0.0',
    defaultTimeoutMs: options.timeoutMs ?? 2_000,
    config: options.config ?? {},
    calls: 0,
    scan(subject) {
      engine.calls += 1;
      return judge(subject);
    },
  };
  return engine;
}

/** alpha: subject words decide (SUSPICIOUS → 60, MALWARE → decisive finding); beta: always clean. */
export function defaultEngines(): { alpha: CountingEngine; beta: CountingEngine } {
  return {
    alpha: testEngine('alpha', (subject) => {
      if (subject.subject.includes('MALWARE')) {
        return { score: 90, findings: [{ id: 'alpha.malware', severity: 'critical', title: 'Malware', evidence: [subject.subject], score: 90 }] };
      }
      if (subject.subject.includes('SUSPICIOUS')) {
        return { score: 60, findings: [{ id: 'alpha.odd', severity: 'medium', title: 'Odd', evidence: [], score: 60 }] };
      }
      return { score: 0, findings: [] };
    }),
    beta: testEngine('beta', () => ({ score: 0, findings: [] })),
  };
}

export interface MailSpec {
  from?: string;
  to?: string;
  cc?: string;
  subject?: string;
  body?: string;
  messageId?: string;
  /** Extra header lines, in order, placed above the others (as trace headers are). */
  headers?: [string, string][];
  attachment?: { filename: string; contentType: string; content: Buffer };
}

/** A small RFC 5322 message. */
export function mail(spec: MailSpec = {}): string {
  const CRLF = '\r\n';
  const lines: string[] = [];
  for (const [name, value] of spec.headers ?? []) lines.push(`${name}: ${value}`);
  lines.push(`From: ${spec.from ?? 'Sender <sender@outside.test>'}`);
  lines.push(`To: ${spec.to ?? ALICE}`);
  if (spec.cc) lines.push(`Cc: ${spec.cc}`);
  lines.push(`Subject: ${spec.subject ?? 'Hello'}`);
  lines.push(`Message-ID: <${spec.messageId ?? 'msg-1@outside.test'}>`);
  lines.push('Date: Mon, 30 Nov 2026 10:00:00 +0000');
  lines.push('MIME-Version: 1.0');
  const body = spec.body ?? 'Just saying hello.';
  if (!spec.attachment) {
    lines.push('Content-Type: text/plain; charset=utf-8');
    return `${lines.join(CRLF)}${CRLF}${CRLF}${body}${CRLF}`;
  }
  const boundary = 'b-strata-test';
  lines.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const parts = [
    `--${boundary}${CRLF}Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}${body}${CRLF}`,
    `--${boundary}${CRLF}Content-Type: ${spec.attachment.contentType}; name="${spec.attachment.filename}"${CRLF}` +
      `Content-Disposition: attachment; filename="${spec.attachment.filename}"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}` +
      `${spec.attachment.content.toString('base64')}${CRLF}`,
    `--${boundary}--${CRLF}`,
  ];
  return `${lines.join(CRLF)}${CRLF}${CRLF}${parts.join('')}`;
}

/** The trace headers one delivered copy carries into one mailbox. */
export function traceHeaders(recipient: string, hop: string): [string, string][] {
  return [
    ['Delivered-To', recipient],
    ['Received', `by 2002:a05:${hop} with SMTP id ${hop}; Mon, 30 Nov 2026 10:00:0${hop.length % 10} +0000`],
    ['X-Received', `by 2002:a17:${hop} with SMTP id x${hop}; Mon, 30 Nov 2026 10:00:01 +0000`],
    ['ARC-Seal', `i=1; a=rsa-sha256; t=17${hop}; cv=none; d=google.com; s=arc-20240605; b=${hop}AAAA`],
    ['Authentication-Results', 'mx.google.com; spf=pass smtp.mailfrom=sender@outside.test; dkim=pass header.d=outside.test'],
  ];
}

/** Everything a pipeline test needs, wired like production but in memory. */
export class Harness {
  current = new Date(Date.UTC(2026, 10, 30, 12, 0, 0));
  readonly clock = (): Date => new Date(this.current);
  readonly gmail = new FakeGmail();
  readonly repository = new MemoryRepository({ clock: this.clock });
  readonly blobEntries = new Map<string, Buffer>();
  readonly blobs = new MemoryBlobStore(this.blobEntries);
  readonly bus = new MemoryBus();
  readonly logger = new RecordingLogger();
  engines: Engine[];
  config: PipelineConfig;

  constructor(options: { config?: Record<string, unknown>; engines?: Engine[] } = {}) {
    this.config = testConfig(options.config);
    const { alpha, beta } = defaultEngines();
    this.engines = options.engines ?? [alpha, beta];
    this.gmail.now = () => this.current.getTime();
  }

  get deps(): PipelineDeps {
    return {
      config: this.config,
      repository: this.repository,
      blobs: this.blobs,
      bus: this.bus,
      gmail: this.gmail,
      logger: this.logger,
      now: this.clock,
    };
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }

  /** An enrolled mailbox; with a cursor at Gmail's current history id unless `cursor` is null. */
  async enroll(mailbox: string, options: { cursor?: string | null } = {}): Promise<void> {
    this.gmail.addMailbox(mailbox);
    await this.repository.upsertMailbox(mailbox, { enrolled: true });
    const cursor = options.cursor === undefined ? this.gmail.currentHistoryId() : options.cursor;
    if (cursor !== null) await this.repository.advanceCursor(mailbox, null, cursor);
  }

  notify(mailbox: string, historyId: string = this.gmail.currentHistoryId()): Promise<IngestOutcome> {
    return handleGmailNotification({ emailAddress: mailbox, historyId }, this.deps);
  }

  /**
   * Delivers what is on the bus like the subscriptions would: every scan request to every
   * configured engine, every completion to the aggregator, until nothing is left.
   */
  async drain(): Promise<{ engine: EngineOutcome[]; aggregate: AggregateOutcome[] }> {
    const outcomes = { engine: [] as EngineOutcome[], aggregate: [] as AggregateOutcome[] };
    for (;;) {
      const requests = this.bus.take(this.config.topics.scanRequests);
      const completions = this.bus.take(this.config.topics.engineCompletions);
      if (requests.length === 0 && completions.length === 0) return outcomes;
      for (const request of requests) {
        for (const engine of this.config.engines) {
          outcomes.engine.push(await handleScanRequest(request, engine, { ...this.deps, engines: this.engines }));
        }
      }
      for (const completion of completions) outcomes.aggregate.push(await handleEngineCompletion(completion, this.deps));
    }
  }
}
