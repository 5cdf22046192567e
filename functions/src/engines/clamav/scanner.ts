import { ClamdUnavailableError, type ClamdClient, type ScanVerdict } from '../../clamd';
import { rankedFindings } from '../../core/engine/findings';
import { EngineUnavailableError, type EngineOutput } from '../../core/engine/types';
import type { ScanSubject } from '../../core/subject/types';
import { CLAMAV_FINDING_TITLES, CLAMAV_SCORES, classifySignature, severityFor, type ClamavFindingId } from './findings';
import { messageParts, type ScanPart } from './parts';

const MAX_EVIDENCE = 10;

export interface ScanSettings {
  maxStreamBytes: number;
  concurrency: number;
  scanBodies: boolean;
}

/**
 * Sends the parts to clamd, at most `concurrency` streams at once. The first failure aborts
 * the other streams and is thrown: a message is scanned whole or not at all, never half-clean.
 */
async function scanParts(client: ClamdClient, parts: readonly ScanPart[], concurrency: number, signal: AbortSignal): Promise<ScanVerdict[]> {
  const verdicts: ScanVerdict[] = new Array(parts.length);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && next < parts.length) {
      const index = next++;
      const part = parts[index] as ScanPart;
      try {
        verdicts[index] = await client.scan(part.bytes, { signal: stop.signal });
      } catch (error) {
        // The first failure is the one to report; the streams it aborts fail after it.
        if (failure === null) failure = error;
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, parts.length) }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (failure !== null) throw failure;
  return verdicts;
}

/** Scans one message with clamd and turns the verdicts into findings. */
export async function scanWithClamd(client: ClamdClient, subject: ScanSubject, settings: ScanSettings, signal: AbortSignal): Promise<EngineOutput> {
  const { parts, unscanned } = messageParts(subject, settings);
  let verdicts: ScanVerdict[];
  try {
    verdicts = await scanParts(client, parts, settings.concurrency, signal);
  } catch (error) {
    if (error instanceof ClamdUnavailableError) throw new EngineUnavailableError('clamav', error.message, { cause: error });
    throw error;
  }

  const byId = new Map<ClamavFindingId, { score: number; evidence: string[] }>();
  const add = (id: ClamavFindingId, evidence: string) => {
    const entry = byId.get(id) ?? { score: CLAMAV_SCORES[id], evidence: [] };
    if (entry.evidence.length < MAX_EVIDENCE && !entry.evidence.includes(evidence)) entry.evidence.push(evidence);
    byId.set(id, entry);
  };
  const infectedSha256 = new Set<string>();
  verdicts.forEach((verdict, index) => {
    if (!verdict.infected) return;
    const part = parts[index] as ScanPart;
    const id = classifySignature(verdict.signature);
    add(id, `${verdict.signature.slice(0, 200)} in ${part.label}`);
    if (id === 'clamav.infected' && part.sha256) infectedSha256.add(part.sha256);
  });
  for (const part of unscanned) add('clamav.not_scanned', `${part.label}: ${part.reason}`);

  const findings = rankedFindings(byId, (id) => CLAMAV_FINDING_TITLES[id], severityFor);
  const remaining = findings.reduce((product, finding) => product * (1 - finding.score / 100), 1);
  return { score: Math.min(100, Math.round(100 * (1 - remaining))), findings, iocs: { sha256: [...infectedSha256] } };
}
