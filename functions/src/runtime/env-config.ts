import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../core/errors';
import { parsePolicy } from '../core/policy';
import { ENGINE_NAMES } from '../engines/names';
import { DEFAULT_TOPICS } from '../pipeline/bus';
import { parsePipelineConfig, type PipelineConfig } from '../pipeline/config';

type Env = Record<string, string | undefined>;

/** The environment variables the deployed functions read (set in functions/.env.<project>). */
export const PIPELINE_ENV = {
  project: 'GCLOUD_PROJECT',
  organisationDomains: 'STRATA_ORGANISATION_DOMAINS',
  engines: 'STRATA_ENGINES',
  policy: 'STRATA_POLICY',
  watchTopic: 'STRATA_WATCH_TOPIC',
  pipelineConfig: 'STRATA_PIPELINE_CONFIG',
  blobStore: 'STRATA_BLOB_STORE',
  blobBucket: 'STRATA_BLOB_BUCKET',
} as const;

/** Where the shipped policies live, relative paths in STRATA_POLICY resolve from the functions folder. */
const FUNCTIONS_ROOT = join(__dirname, '..', '..');

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * Builds the validated pipeline configuration from the environment. STRATA_PIPELINE_CONFIG may
 * carry any other PipelineConfig field as JSON; the named variables win over it.
 */
export function pipelineConfigFromEnv(env: Env = process.env): PipelineConfig {
  let base: Record<string, unknown> = {};
  const json = env[PIPELINE_ENV.pipelineConfig];
  if (json !== undefined && json.trim() !== '') {
    try {
      base = JSON.parse(json) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigError(`${PIPELINE_ENV.pipelineConfig} is not valid JSON: ${(cause as Error).message}`, {}, { cause });
    }
  }
  const project = env[PIPELINE_ENV.project] ?? env.GOOGLE_CLOUD_PROJECT;
  const watchTopic =
    env[PIPELINE_ENV.watchTopic] ?? base.watchTopic ?? (project ? `projects/${project}/topics/${DEFAULT_TOPICS.gmailNotifications}` : undefined);
  const policyPath = env[PIPELINE_ENV.policy];
  const input = {
    ...base,
    watchTopic,
    engines: list(env[PIPELINE_ENV.engines]) ?? base.engines ?? [...ENGINE_NAMES],
    organisationDomains: list(env[PIPELINE_ENV.organisationDomains]) ?? base.organisationDomains,
    policy: policyPath ? loadPolicySync(policyPath) : base.policy,
  };
  return parsePipelineConfig(input, 'pipeline configuration (environment)');
}

function loadPolicySync(path: string): unknown {
  const resolved = isAbsolute(path) ? path : join(FUNCTIONS_ROOT, path);
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (cause) {
    throw new ConfigError(`${PIPELINE_ENV.policy}: cannot read policy file ${resolved}`, { path: resolved }, { cause });
  }
  try {
    return parsePolicy(JSON.parse(text), resolved);
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw new ConfigError(`${PIPELINE_ENV.policy}: ${resolved} is not valid JSON`, { path: resolved }, { cause });
  }
}

export type BlobStoreChoice = { kind: 'gcs'; bucket: string } | { kind: 'firestore' };

/** Cloud Storage in production; chunked Firestore documents where no bucket exists (emulators, demo). */
export function blobStoreChoiceFromEnv(env: Env = process.env): BlobStoreChoice {
  const kind = env[PIPELINE_ENV.blobStore] ?? (env[PIPELINE_ENV.blobBucket] ? 'gcs' : 'firestore');
  if (kind === 'firestore') return { kind };
  if (kind === 'gcs') {
    const bucket = env[PIPELINE_ENV.blobBucket];
    if (!bucket) throw new ConfigError(`${PIPELINE_ENV.blobStore}=gcs needs ${PIPELINE_ENV.blobBucket}`);
    return { kind, bucket };
  }
  throw new ConfigError(`${PIPELINE_ENV.blobStore} must be gcs or firestore, got '${kind}'`);
}
