import { buildScanSubject } from '../../../functions/src/core/parse';
import { runEngines } from '../../../functions/src/core/orchestrator';
import { DEFAULT_POLICY, decide } from '../../../functions/src/core/policy';
import type { EngineContext, EngineOutput } from '../../../functions/src/core/engine/types';
import { EngineUnavailableError } from '../../../functions/src/core/engine/types';
import { startClamd, type RunningClamd } from '../../../functions/src/dev/clamd';
import { createClamavEngine } from '../../../functions/src/engines/clamav';
import { startGateway } from '../../clamd/gateway-process';
import { clamExe, eicar, emlWithAttachment, emlWithBody, zip } from './fixtures';

/**
 * The clamav engine against a real clamd loaded with the repository's test signatures.
 * clamd is required (CI installs clamav, clamav-daemon and clamav-testfiles): without it these
 * tests fail with ClamdNotInstalledError, they are not skipped.
 */

const context = (): EngineContext => ({ signal: new AbortController().signal, organisationDomains: [] });

let clamd: RunningClamd;

beforeAll(async () => {
  clamd = await startClamd();
});

afterAll(async () => {
  await clamd?.stop();
});

async function scanEml(raw: Buffer, config: Record<string, unknown> = {}): Promise<EngineOutput> {
  const engine = createClamavEngine({ ...clamd.engineConfig, ...config });
  return engine.scan(await buildScanSubject(raw), context());
}

function ids(output: EngineOutput): string[] {
  return output.findings.map((finding) => finding.id);
}

describe('clamav engine with a real clamd', () => {
  it('finds EICAR in an attachment: critical, decisive, with its SHA-256 as IOC', async () => {
    const raw = emlWithAttachment({ filename: 'eicar.com', contentType: 'application/octet-stream', data: eicar() });
    const output = await scanEml(raw);
    expect(output.score).toBe(100);
    expect(output.findings).toEqual([
      expect.objectContaining({ id: 'clamav.infected', severity: 'critical', score: 100, evidence: ['Strata.Test.Eicar.UNOFFICIAL in attachment "eicar.com"'] }),
    ]);
    expect(output.iocs?.sha256).toEqual(['275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f']);
    const result = { engine: 'clamav', version: '1', status: 'ok' as const, score: output.score, findings: output.findings, iocs: { urls: [], domains: [], senders: [], sha256: [] }, elapsedMs: 1 };
    expect(decide([result], DEFAULT_POLICY).verdict).toBe('malicious');
  });

  it('finds EICAR pasted inline in a plain-text body', async () => {
    const output = await scanEml(emlWithBody({ text: `Hello,\r\nrun this:\r\n${eicar().toString('ascii')}\r\nthanks` }));
    expect(output.findings).toEqual([expect.objectContaining({ id: 'clamav.infected', evidence: ['Strata.Test.Eicar.UNOFFICIAL in message body'] })]);
    expect(output.iocs?.sha256).toEqual([]);
  });

  it('finds EICAR pasted into an HTML-only body, on a long line (through the text the parser derives)', async () => {
    // ClamAV matches HTML after normalising it (lower case), so the EICAR string is found in the
    // visible text, which the engine sends as the text/plain part of the body stream.
    const html = `<html><body><p>${'word '.repeat(400)}${eicar().toString('ascii')}${' more'.repeat(400)}</p></body></html>`;
    const output = await scanEml(emlWithBody({ html }));
    expect(ids(output)).toEqual(['clamav.infected']);
  });

  it('finds the ClamAV test executable inside a zip', async () => {
    const data = zip([{ name: 'payroll/clam.exe', data: clamExe() }]);
    const output = await scanEml(emlWithAttachment({ filename: 'payroll.zip', contentType: 'application/zip', data }));
    expect(output.findings).toEqual([
      expect.objectContaining({ id: 'clamav.infected', severity: 'critical', evidence: ['Strata.Test.ClamAVTestFile.MD5.UNOFFICIAL in attachment "payroll.zip"'] }),
    ]);
  });

  it('leaves a clean message at score 0 with no findings', async () => {
    const data = zip([{ name: 'notes.txt', data: Buffer.from('Minutes of the meeting.\n') }]);
    const output = await scanEml(emlWithAttachment({ filename: 'notes.zip', contentType: 'application/zip', data, text: 'Minutes attached, see https://www.example.com/meeting' }));
    expect(output).toEqual({ score: 0, findings: [], iocs: { sha256: [] } });
  });

  it('reports an encrypted zip as a heuristic, not as malware, so the default policy does not quarantine it', async () => {
    const data = zip([{ name: 'invoice.pdf', data: Buffer.from('%PDF-1.4 not really'), encrypted: true }]);
    const output = await scanEml(emlWithAttachment({ filename: 'invoice.zip', contentType: 'application/zip', data, text: 'Password: 1234' }));
    expect(ids(output)).toEqual(['clamav.heuristic_encrypted']);
    expect(output.findings[0]).toMatchObject({ severity: 'medium', evidence: [expect.stringMatching(/^Heuristics\.Encrypted\.Zip in attachment "invoice.zip"$/)] });
    const result = { engine: 'clamav', version: '1', status: 'ok' as const, score: output.score, findings: output.findings, iocs: { urls: [], domains: [], senders: [], sha256: [] }, elapsedMs: 1 };
    expect(decide([result], DEFAULT_POLICY).verdict).not.toBe('malicious');
    expect(output.iocs?.sha256).toEqual([]);
  });

  it('reports ClamAV’s phishing heuristic on the HTML body as a medium finding', async () => {
    const html = '<html><body><p>Your account is locked.</p><a href="http://198.51.100.7/login">https://www.paypal.com/signin</a></body></html>';
    const output = await scanEml(emlWithBody({ text: 'Your account is locked.', html }));
    expect(ids(output)).toEqual(['clamav.heuristic_phishing']);
    expect(output.findings[0]).toMatchObject({ severity: 'medium', evidence: [expect.stringMatching(/^Heuristics\.Phishing\..* in message body$/)] });
  });

  it('reports an attachment over maxStreamBytes as not scanned instead of skipping it', async () => {
    const data = Buffer.alloc(4096, 0x41);
    const output = await scanEml(emlWithAttachment({ filename: 'big.bin', contentType: 'application/octet-stream', data }), { maxStreamBytes: 2048 });
    expect(output.findings).toEqual([
      expect.objectContaining({ id: 'clamav.not_scanned', severity: 'low', evidence: ['attachment "big.bin": 4096 bytes, over the 2048-byte stream limit'] }),
    ]);
  });

  it('works through the HTTP gateway of the Cloud Run image', async () => {
    const gateway = await startGateway(clamd.port);
    try {
      const raw = emlWithAttachment({ filename: 'eicar.txt', contentType: 'text/plain', data: eicar() });
      const output = await scanEml(raw, { url: gateway.url });
      expect(ids(output)).toEqual(['clamav.infected']);
      await expect(scanEml(emlWithBody({ text: 'hello' }), { url: gateway.url })).resolves.toMatchObject({ score: 0, findings: [] });
    } finally {
      await gateway.stop();
    }
  });
});

describe('clamav engine when the daemon goes away', () => {
  it('is unavailable, never clean, once clamd is stopped', async () => {
    const own = await startClamd();
    const engine = createClamavEngine(own.engineConfig);
    const subject = await buildScanSubject(emlWithBody({ text: 'an ordinary message' }));
    await expect(engine.scan(subject, context())).resolves.toMatchObject({ score: 0, findings: [] });
    await own.stop();
    await expect(engine.scan(subject, context())).rejects.toBeInstanceOf(EngineUnavailableError);
    const [result] = await runEngines(subject, [{ engine }], { organisationDomains: [] });
    expect(result).toMatchObject({ engine: 'clamav', status: 'unavailable', score: 0 });
    expect(result?.error).toMatch(/not reachable/);
  });
});
