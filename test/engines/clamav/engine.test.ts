import {
  ClamdAbortedError,
  ClamdReplyError,
  ClamdTimeoutError,
  ClamdUnavailableError,
  type ClamdClient,
  type ExchangeOptions,
  type ScanVerdict,
} from '../../../functions/src/clamd';
import { ConfigError } from '../../../functions/src/core/errors';
import { EngineUnavailableError, type EngineContext, type EngineOutput } from '../../../functions/src/core/engine/types';
import type { AttachmentInfo } from '../../../functions/src/core/subject/types';
import {
  CLAMAV_ENGINE_VERSION,
  CLAMAV_FINDING_TITLES,
  CLAMAV_SCORES,
  bodyStream,
  classifySignature,
  clamdEndpointOf,
  createClamavEngine,
  messageParts,
} from '../../../functions/src/engines/clamav';
import { makeSubject } from '../../support/subject';

const context = (signal = new AbortController().signal): EngineContext => ({ signal, organisationDomains: [] });

function attachment(filename: string, content: Buffer | undefined, overrides: Partial<AttachmentInfo> = {}): AttachmentInfo {
  return {
    filename,
    declaredType: 'application/octet-stream',
    detectedType: null,
    detectedExtension: null,
    size: content?.length ?? 0,
    sha256: `${filename.length.toString(16).padStart(2, '0')}${'a'.repeat(62)}`,
    disposition: 'attachment',
    contentId: null,
    members: [],
    content,
    ...overrides,
  };
}

/** A clamd stand-in at the client interface: the verdict comes from the bytes. */
class ScriptedClient implements ClamdClient {
  readonly endpoint = 'scripted';
  readonly scanned: string[] = [];
  active = 0;
  maxActive = 0;
  constructor(private readonly verdictOf: (text: string) => ScanVerdict | Error | 'hang', private readonly delayMs = 5) {}
  async ping(): Promise<void> {}
  async version(): Promise<string> {
    return 'scripted';
  }
  async reload(): Promise<void> {}
  async scan(bytes: Uint8Array, options: ExchangeOptions = {}): Promise<ScanVerdict> {
    const text = Buffer.from(bytes).toString('latin1');
    this.scanned.push(text);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      const verdict = this.verdictOf(text);
      await new Promise<void>((resolve, reject) => {
        const timer = verdict === 'hang' ? null : setTimeout(resolve, this.delayMs);
        options.signal?.addEventListener('abort', () => {
          if (timer) clearTimeout(timer);
          reject(new ClamdAbortedError());
        });
      });
      if (verdict instanceof Error) throw verdict;
      return verdict as ScanVerdict;
    } finally {
      this.active--;
    }
  }
}

const byMarker = (text: string): ScanVerdict => {
  const marker = /SIG=([\w.-]+)/.exec(text);
  return marker?.[1] ? { infected: true, signature: marker[1] } : { infected: false };
};

async function scanWith(client: ClamdClient, subject = makeSubject(), config: Record<string, unknown> = {}): Promise<EngineOutput> {
  return createClamavEngine(config, { client }).scan(subject, context());
}

describe('clamav engine: identity and config', () => {
  it('describes itself and defaults its config', () => {
    const engine = createClamavEngine();
    expect(engine).toMatchObject({ name: 'clamav', version: CLAMAV_ENGINE_VERSION, defaultTimeoutMs: 10_000 });
    expect(engine.config).toEqual({
      host: '127.0.0.1',
      port: 3310,
      auth: 'none',
      connectTimeoutMs: 2000,
      scanTimeoutMs: 8000,
      maxStreamBytes: 25 * 1024 * 1024,
      concurrency: 4,
      scanBodies: true,
    });
    expect(engine.config.scanTimeoutMs).toBeLessThan(engine.defaultTimeoutMs);
  });

  it('picks TCP or the HTTP gateway from the config', () => {
    expect(clamdEndpointOf(createClamavEngine({ host: 'clamd.internal', port: 3311 }).config)).toEqual({ kind: 'tcp', host: 'clamd.internal', port: 3311 });
    expect(clamdEndpointOf(createClamavEngine({ url: 'https://strata-clamd-x.a.run.app', auth: 'google-id-token' }).config)).toEqual({
      kind: 'http',
      url: 'https://strata-clamd-x.a.run.app',
      auth: 'google-id-token',
    });
  });

  it.each([
    [{ port: 0 }, 'port'],
    [{ port: 70000 }, 'port'],
    [{ concurrency: 0 }, 'concurrency'],
    [{ maxStreamBytes: -1 }, 'maxStreamBytes'],
    [{ url: 'ftp://x' }, 'url'],
    [{ auth: 'google-id-token' }, 'auth'],
    [{ hots: 'typo' }, 'hots'],
  ])('refuses %j naming %s', (input, path) => {
    expect(() => createClamavEngine(input)).toThrow(ConfigError);
    expect(() => createClamavEngine(input)).toThrow(new RegExp(`clamav.*${path}`));
  });
});

describe('clamav engine: what it sends', () => {
  it('sends every attachment and the bodies, one stream each, and nothing for an empty message', async () => {
    const client = new ScriptedClient(byMarker);
    const subject = makeSubject({ text: 'hello', html: '<p>hello</p>', attachments: [attachment('a.pdf', Buffer.from('%PDF-1.7 a')), attachment('b.zip', Buffer.from('PK b'))] });
    await expect(scanWith(client, subject)).resolves.toEqual({ score: 0, findings: [], iocs: { sha256: [] } });
    expect(client.scanned).toHaveLength(3);
    expect(client.scanned.slice(0, 2)).toEqual(['%PDF-1.7 a', 'PK b']);
    const empty = new ScriptedClient(byMarker);
    await scanWith(empty, makeSubject({ text: '', html: '' }));
    expect(empty.scanned).toEqual([]);
  });

  it('wraps the bodies as one MIME message with base64 parts, so any byte survives', () => {
    const stream = Buffer.from(bodyStream('plain ✓ text', '<b>html</b>') as Uint8Array).toString('utf8');
    expect(stream).toMatch(/^From: body@strata\.invalid\r\n/);
    const boundary = /boundary="([^"]+)"/.exec(stream)?.[1] as string;
    const parts = stream.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(2);
    const decode = (part: string) => Buffer.from(part.split('\r\n\r\n')[1] as string, 'base64').toString('utf8');
    expect(parts[0]).toContain('Content-Type: text/plain; charset=utf-8');
    expect(decode(parts[0] as string)).toBe('plain ✓ text');
    expect(decode(parts[1] as string)).toBe('<b>html</b>');
    expect(bodyStream('', '')).toBeNull();
    expect(stream.split('\r\n').every((line) => line.length <= 998)).toBe(true);
  });

  it('cuts the base64 into 76-character lines that decode back to the exact body', () => {
    const text = 'Ünïcode line ✓ and more words\n'.repeat(400);
    const html = `<p>${'x'.repeat(5000)}</p>`;
    const stream = Buffer.from(bodyStream(text, html) as Uint8Array).toString('latin1');
    const boundary = /boundary="([^"]+)"/.exec(stream)?.[1] as string;
    const parts = stream.split(`--${boundary}`).slice(1, -1);
    const lines = (part: string) => (part.split('\r\n\r\n')[1] as string).trim().split('\r\n');
    for (const part of parts) {
      const body = lines(part);
      expect(body.slice(0, -1).every((line) => line.length === 76)).toBe(true);
      expect((body.at(-1) as string).length).toBeLessThanOrEqual(76);
      // No body line can be mistaken for the delimiter.
      expect(body.some((line) => line.startsWith('--'))).toBe(false);
    }
    expect(Buffer.from(lines(parts[0] as string).join(''), 'base64').toString('utf8')).toBe(text);
    expect(Buffer.from(lines(parts[1] as string).join(''), 'base64').toString('utf8')).toBe(html);
  });

  it('skips the bodies when scanBodies is off', async () => {
    const client = new ScriptedClient(byMarker);
    await scanWith(client, makeSubject({ text: 'SIG=Body.Test' }), { scanBodies: false });
    expect(client.scanned).toEqual([]);
  });

  it('lists parts it cannot send as not scanned: over the stream limit, or content not kept', () => {
    const subject = makeSubject({
      text: 'hi',
      attachments: [attachment('big.iso', Buffer.alloc(100)), attachment('', undefined, { size: 5_000_000 }), attachment('empty.txt', Buffer.alloc(0))],
    });
    const { parts, unscanned } = messageParts(subject, { maxStreamBytes: 50, scanBodies: false });
    expect(parts).toEqual([]);
    expect(unscanned).toEqual([
      { label: 'attachment "big.iso"', reason: '100 bytes, over the 50-byte stream limit' },
      { label: 'attachment #2 (no file name)', reason: 'content not kept by the parser (5000000 bytes)' },
    ]);
  });

  it('keeps at most `concurrency` streams in flight', async () => {
    const client = new ScriptedClient(byMarker, 20);
    const attachments = Array.from({ length: 9 }, (_, index) => attachment(`f${index}.bin`, Buffer.from(`file ${index}`)));
    await scanWith(client, makeSubject({ attachments }), { concurrency: 3 });
    expect(client.scanned).toHaveLength(10);
    expect(client.maxActive).toBe(3);
  });
});

describe('clamav engine: findings', () => {
  it('reports a signature hit as clamav.infected (critical 100) with the part and the attachment hash as IOC', async () => {
    const infected = attachment('invoice.exe', Buffer.from('MZ SIG=Win.Trojan.Agent-1234-0'));
    const output = await scanWith(new ScriptedClient(byMarker), makeSubject({ attachments: [infected, attachment('ok.txt', Buffer.from('fine'))] }));
    expect(output).toEqual({
      score: 100,
      findings: [
        {
          id: 'clamav.infected',
          severity: 'critical',
          score: 100,
          title: CLAMAV_FINDING_TITLES['clamav.infected'],
          evidence: ['Win.Trojan.Agent-1234-0 in attachment "invoice.exe"'],
        },
      ],
      iocs: { sha256: [infected.sha256] },
    });
  });

  it('reports a hit in the body with the body as the part and no IOC', async () => {
    const output = await scanWith(new ScriptedClient((text) => (text.includes('From: body@strata.invalid') ? { infected: true, signature: 'Eicar-Signature' } : { infected: false })));
    expect(output.findings).toEqual([expect.objectContaining({ id: 'clamav.infected', evidence: ['Eicar-Signature in message body'] })]);
    expect(output.iocs?.sha256).toEqual([]);
  });

  it('maps heuristics below high severity, one finding per kind with every part as evidence', async () => {
    const attachments = [
      attachment('a.zip', Buffer.from('SIG=Heuristics.Encrypted.Zip')),
      attachment('b.7z', Buffer.from('SIG=Heuristics.Encrypted.7Zip')),
      attachment('c.xlsm', Buffer.from('SIG=Heuristics.OLE2.ContainsMacros.VBA')),
    ];
    const output = await scanWith(new ScriptedClient(byMarker), makeSubject({ attachments }));
    expect(output.findings.map(({ id, severity, score, evidence }) => ({ id, severity, score, evidence }))).toEqual([
      { id: 'clamav.heuristic_macro', severity: 'medium', score: 40, evidence: ['Heuristics.OLE2.ContainsMacros.VBA in attachment "c.xlsm"'] },
      {
        id: 'clamav.heuristic_encrypted',
        severity: 'medium',
        score: 35,
        evidence: ['Heuristics.Encrypted.Zip in attachment "a.zip"', 'Heuristics.Encrypted.7Zip in attachment "b.7z"'],
      },
    ]);
    expect(output.score).toBe(61); // 1 - 0.6 × 0.65
    expect(output.iocs?.sha256).toEqual([]);
  });

  it('reports not-scanned parts as a low finding next to the scan results', async () => {
    const output = await scanWith(new ScriptedClient(byMarker), makeSubject({ attachments: [attachment('huge.bin', Buffer.alloc(64))] }), { maxStreamBytes: 10 });
    expect(output.findings).toEqual([expect.objectContaining({ id: 'clamav.not_scanned', severity: 'low', score: 10 })]);
    expect(output.score).toBe(10);
  });

  it('classifies detection names', () => {
    expect(classifySignature('Win.Trojan.Emotet-9876-0')).toBe('clamav.infected');
    expect(classifySignature('Strata.Test.Eicar.UNOFFICIAL')).toBe('clamav.infected');
    expect(classifySignature('Heuristics.Phishing.Email.SSL-Spoof')).toBe('clamav.heuristic_phishing');
    expect(classifySignature('Heuristics.Phishing.Email.Cloaked.Null')).toBe('clamav.heuristic_phishing');
    expect(classifySignature('Heuristics.OLE2.ContainsMacros.VBA')).toBe('clamav.heuristic_macro');
    expect(classifySignature('Heuristics.Encrypted.PDF')).toBe('clamav.heuristic_encrypted');
    expect(classifySignature('Heuristics.Broken.Executable')).toBe('clamav.heuristic_broken');
    expect(classifySignature('Heuristics.Limits.Exceeded.MaxFileSize')).toBe('clamav.heuristic_limits');
    expect(classifySignature('Heuristics.Structured.CreditCardNumber')).toBe('clamav.heuristic_other');
    expect(classifySignature('PUA.Win.Tool.Packed-1')).toBe('clamav.pua');
    expect(classifySignature('Heuristics.Custom.UNOFFICIAL')).toBe('clamav.heuristic_other');
  });

  it('keeps every finding but clamav.infected below high, so only signature hits are decisive', () => {
    const severe = Object.entries(CLAMAV_SCORES).filter(([, score]) => score >= 60).map(([id]) => id);
    expect(severe).toEqual(['clamav.infected']);
  });
});

describe('clamav engine: failures are never clean', () => {
  const subject = makeSubject({ attachments: [attachment('a.bin', Buffer.from('a')), attachment('b.bin', Buffer.from('b'))] });

  it('throws EngineUnavailableError when no daemon answers', async () => {
    const client = new ScriptedClient(() => new ClamdUnavailableError('clamd at 127.0.0.1:3310 is not reachable: ECONNREFUSED'));
    const error = await scanWith(client, subject).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as EngineUnavailableError).engine).toBe('clamav');
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('throws the typed clamd error on an error reply or a timeout (status error)', async () => {
    await expect(scanWith(new ScriptedClient(() => new ClamdReplyError('INSTREAM size limit exceeded. ERROR')), subject)).rejects.toBeInstanceOf(ClamdReplyError);
    await expect(scanWith(new ScriptedClient(() => new ClamdTimeoutError('slow')), subject)).rejects.toBeInstanceOf(ClamdTimeoutError);
  });

  it('aborts the other streams after the first failure', async () => {
    const client = new ScriptedClient((text) => (text === 'a' ? new ClamdReplyError('stream: oops ERROR') : 'hang'));
    await expect(scanWith(client, subject, { concurrency: 4 })).rejects.toBeInstanceOf(ClamdReplyError);
    expect(client.active).toBe(0);
  });

  it('stops when the orchestrator aborts', async () => {
    const client = new ScriptedClient(() => 'hang');
    const controller = new AbortController();
    const pending = createClamavEngine({}, { client }).scan(subject, context(controller.signal));
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(ClamdAbortedError);
    expect(client.active).toBe(0);
  });
});
