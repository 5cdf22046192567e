import { createHash } from 'node:crypto';
import { emptyIocs, type Engine, type EngineResult } from '../core/engine/types';
import { runEngines } from '../core/orchestrator';
import type { ScanSubject } from '../core/subject/types';
import { canonicalJson } from './canonical-json';
import { clockOf, type EngineDeps } from './deps';
import { describeError, errorFields } from './logger';
import type { EngineCompletion, ScanRequest } from './messages';
import { validateScanRequest } from './payloads';
import { isSubjectUnavailable, loadSubject } from './subject-codec';

export type EngineOutcome =
  | { status: 'invalid'; problems: string[] }
  /** The request does not name this engine (it was dispatched before the engine was added). */
  | { status: 'not-expected'; scanId: string }
  /** The scan document is gone (expired) or was never created; nothing to report to. */
  | { status: 'scan-missing'; scanId: string }
  /** The sweeper already finalised the scan; a late result would change nothing. */
  | { status: 'already-decided'; scanId: string }
  /** A redelivery: the result was written before; only the completion notice is sent again. */
  | { status: 'already-reported'; scanId: string }
  | { status: 'reported'; scanId: string; result: EngineResult; cached: boolean; written: boolean };

/**
 * Runs one engine on one scan request (each engine function receives every request) and
 * reports: the engine result is written under the scan (create-if-absent) and an
 * EngineCompletion is published for the aggregator, naming the engines still outstanding.
 *
 * - Cache: results are reused by (engine, cache version, contentKey), where the cache version
 *   is the engine's version plus a fingerprint of its configuration and the organisation's
 *   domains (a changed blocklist or domain list must not serve old verdicts). Only 'ok' results
 *   are cached: a failure is never replayed onto another message.
 * - The engine runs through the core orchestrator: its timeout and failure isolation apply, so
 *   a crashing or hanging engine yields an 'error' / 'timeout' result, never a thrown handler.
 * - A subject blob that is absent or corrupt yields an 'error' result (recorded, never clean).
 *   A blob store that cannot be reached throws, so Pub/Sub redelivers.
 * - Redelivery writes nothing twice: an engine that already reported only re-publishes its
 *   completion (the aggregator is idempotent), covering a crash between write and publish.
 */
export async function handleScanRequest(request: unknown, engineName: string, deps: EngineDeps): Promise<EngineOutcome> {
  const { repository, logger } = deps;
  const validated = validateScanRequest(request);
  if (!validated.ok) {
    logger.warn('dropping an invalid scan request', { engine: engineName, ...errorFields(validated.error) });
    return { status: 'invalid', problems: validated.error.problems };
  }
  const scanRequest = validated.value;
  const { scanId } = scanRequest;
  if (!scanRequest.engines.includes(engineName)) {
    logger.info('scan request does not name this engine; ignored', { scanId, engine: engineName });
    return { status: 'not-expected', scanId };
  }
  const engine = deps.engines.find((candidate) => candidate.name === engineName);
  const cacheVersion = engine === undefined ? null : engineCacheVersion(engine, deps.config.organisationDomains);
  // The cache lookup runs alongside the scan read: both are on the path of every scan request,
  // and a lookup wasted on a scan that turns out decided or reported is rare.
  const [{ scan, reported }, cacheHit] = await Promise.all([
    repository.getScanForEngine(scanId, engineName),
    engine === undefined || cacheVersion === null ? null : cachedResult(scanRequest, engine.name, cacheVersion, deps),
  ]);
  if (scan === null) {
    logger.warn('scan request for a scan that does not exist; ignored', { scanId, engine: engineName });
    return { status: 'scan-missing', scanId };
  }
  if (scan.decided) return { status: 'already-decided', scanId };
  if (reported) {
    await publishCompletion(scan.expectedEngines, scanId, engineName, deps);
    return { status: 'already-reported', scanId };
  }

  const started = clockOf(deps)();
  const cached = cacheHit !== null;
  const result = cacheHit ?? (await produceResult(scanRequest, engineName, engine, deps));
  // Only 'ok' results are cached: a failure is never replayed onto another message.
  const cacheIt = !cached && result.status === 'ok' && cacheVersion !== null;
  const cacheExpireAt = new Date(clockOf(deps)().getTime() + deps.config.engineCacheTtlMs);
  // The result and its cache entry are written at once: two independent documents, and the
  // completion should not wait for the cache.
  const [written] = await Promise.all([
    repository.putEngineResult(scanId, result, { cached, expireAt: scan.expireAt }),
    cacheIt ? repository.putCachedEngineResult(engineName, cacheVersion, scanRequest.contentKey, result, cacheExpireAt) : undefined,
  ]);
  await publishCompletion(scan.expectedEngines, scanId, engineName, deps);
  logger.info('engine reported', {
    scanId,
    mailbox: scanRequest.mailbox,
    engine: engineName,
    status: result.status,
    score: result.score,
    cached,
    written,
    elapsedMs: clockOf(deps)().getTime() - started.getTime(),
    ...(result.error ? { engineError: result.error } : {}),
  });
  return { status: 'reported', scanId, result, cached, written };
}

/** A cached 'ok' result of this engine version and configuration for the same content, or null. */
async function cachedResult(request: ScanRequest, engineName: string, cacheVersion: string, deps: EngineDeps): Promise<EngineResult | null> {
  const hit = await deps.repository.getCachedEngineResult(engineName, cacheVersion, request.contentKey, clockOf(deps)());
  return hit !== null && hit.status === 'ok' ? { ...hit, engine: engineName } : null;
}

/** Runs the engine on the stored subject (there was no cache hit). */
async function produceResult(request: ScanRequest, engineName: string, engine: Engine | undefined, deps: EngineDeps): Promise<EngineResult> {
  const { config, logger, blobs } = deps;
  if (engine === undefined) {
    logger.error('engine is not available in this process', { scanId: request.scanId, engine: engineName });
    return failedResult(engineName, 'unknown', 'unavailable', 'engine is not deployed in this function');
  }

  let subject: ScanSubject;
  try {
    subject = await loadSubject(request.subjectKey, blobs);
  } catch (error) {
    if (!isSubjectUnavailable(error)) throw error;
    logger.error('subject unavailable; the engine result is an error', { scanId: request.scanId, engine: engine.name, ...errorFields(error) });
    return failedResult(engine.name, engine.version, 'error', describeError(error));
  }
  const timeoutMs = config.engineTimeoutsMs[engine.name];
  const [result] = await runEngines(subject, [{ engine, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }], {
    organisationDomains: config.organisationDomains,
  });
  return result as EngineResult;
}

/**
 * The version part of an engine's cache key: its declared version and a fingerprint of what
 * else shapes its output (its configuration and the organisation's domains). Null when the
 * configuration cannot be fingerprinted (not plain data): such an engine is not cached at all
 * rather than risk serving results of another configuration.
 */
export function engineCacheVersion(engine: Pick<Engine, 'version' | 'config'>, organisationDomains: readonly string[]): string | null {
  let fingerprint: string;
  try {
    fingerprint = createHash('sha256')
      .update(canonicalJson({ config: engine.config ?? null, organisationDomains: [...organisationDomains].sort() }))
      .digest('hex')
      .slice(0, 16);
  } catch {
    return null;
  }
  return `${engine.version}+${fingerprint}`;
}

/**
 * Publishes this engine's completion with the engines still outstanding, read after this
 * engine's result was written (see EngineCompletion.outstanding): one batched existence read
 * here spares the aggregator a scan read and a full result read on every completion but the last.
 */
async function publishCompletion(expectedEngines: readonly string[], scanId: string, engine: string, deps: EngineDeps): Promise<void> {
  const reported = new Set(await deps.repository.reportedEngines(scanId, expectedEngines));
  const outstanding = expectedEngines.filter((expected) => !reported.has(expected));
  const completion: EngineCompletion = { scanId, engine, outstanding };
  await deps.bus.publish(deps.config.topics.engineCompletions, completion, { scanId, engine });
}

function failedResult(engine: string, version: string, status: 'error' | 'unavailable', error: string): EngineResult {
  return { engine, version, status, score: 0, findings: [], iocs: emptyIocs(), elapsedMs: 0, error };
}
