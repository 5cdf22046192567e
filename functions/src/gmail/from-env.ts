import { z } from 'zod';
import { ConfigError } from '../core/errors';
import { KeyFileDwdTokenProvider, readServiceAccountKey, type ServiceAccountKey } from './auth/key-file-dwd';
import { KeylessDwdTokenProvider, type SourceCredentials } from './auth/keyless-dwd';
import { DIRECTORY_SCOPE, GMAIL_SCOPE } from './auth/scopes';
import { StaticTokenProvider } from './auth/static-token';
import type { FetchLike } from './auth/token-endpoint';
import type { AccessTokenProvider } from './auth/token-provider';
import { GoogleapisGmail } from './googleapis-gmail';
import { QuotaBudget, QuotaConfigSchema, type QuotaConfig } from './quota';

/**
 * Gmail access configured from the environment, validated in one pass so that a bad deployment
 * names every wrong variable at once. Secret values (the key JSON, the static token) never appear
 * in error messages.
 */

export const GMAIL_ENV = {
  mode: 'STRATA_DWD_MODE',
  rootUrl: 'STRATA_GMAIL_ROOT_URL',
  serviceAccount: 'STRATA_DWD_SERVICE_ACCOUNT',
  keyJson: 'STRATA_DWD_KEY_JSON',
  adminMailbox: 'STRATA_ADMIN_MAILBOX',
  tokenUrl: 'STRATA_TOKEN_URL',
  iamCredentialsUrl: 'STRATA_IAM_CREDENTIALS_URL',
  staticToken: 'STRATA_STATIC_TOKEN',
  quotaUnitsPerMinute: 'STRATA_GMAIL_QUOTA_UNITS_PER_MINUTE',
  quotaMaxWaitMs: 'STRATA_GMAIL_QUOTA_MAX_WAIT_MS',
  quotaCosts: 'STRATA_GMAIL_QUOTA_COSTS',
  retryMaxAttempts: 'STRATA_GMAIL_RETRY_MAX_ATTEMPTS',
} as const;

/** The label used for Directory errors in static mode, where nobody is impersonated. */
export const STATIC_MODE_ADMIN_LABEL = 'static-token-admin';

export type GmailCredentials =
  | { mode: 'key'; key: ServiceAccountKey }
  | { mode: 'keyless'; serviceAccount: string }
  | { mode: 'static'; token: string };

export interface GmailAccessConfig {
  credentials: GmailCredentials;
  adminMailbox: string;
  rootUrl?: string;
  tokenUrl?: string;
  iamCredentialsUrl?: string;
  quota: QuotaConfig;
  retryMaxAttempts?: number;
}

type Env = Record<string, string | undefined>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const email = z.email({ error: 'must be an email address' });
const positiveInteger = z.string().regex(/^\d+$/, { error: 'must be a whole number' }).transform(Number);

class IssueCollector {
  readonly issues: { variable: string; message: string }[] = [];

  add(variable: string, message: string): void {
    this.issues.push({ variable, message });
  }

  /** Validates one variable; an unset or empty variable is `undefined`, never an issue by itself. */
  read<T>(env: Env, variable: string, schema: z.ZodType<T>): T | undefined {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') return undefined;
    const result = schema.safeParse(raw.trim());
    if (result.success) return result.data;
    this.add(variable, result.error.issues.map((issue) => issue.message).join(', '));
    return undefined;
  }

  require<T>(value: T | undefined, env: Env, variable: string, why: string): T | undefined {
    if (value === undefined && (env[variable] ?? '').trim() === '') this.add(variable, `is required ${why}`);
    return value;
  }
}

export function parseGmailEnv(env: Env): GmailAccessConfig {
  const issues = new IssueCollector();
  const mode = issues.read(env, GMAIL_ENV.mode, z.enum(['key', 'keyless', 'static'], { error: 'must be key, keyless or static' }));
  if (mode === undefined && (env[GMAIL_ENV.mode] ?? '').trim() === '') issues.add(GMAIL_ENV.mode, 'is required (key, keyless or static)');

  const rootUrl = issues.read(env, GMAIL_ENV.rootUrl, httpUrl);
  const tokenUrl = issues.read(env, GMAIL_ENV.tokenUrl, httpUrl);
  const iamCredentialsUrl = issues.read(env, GMAIL_ENV.iamCredentialsUrl, httpUrl);
  const adminMailbox = issues.read(env, GMAIL_ENV.adminMailbox, email);

  let credentials: GmailCredentials | undefined;
  if (mode === 'key') {
    const keyJson = env[GMAIL_ENV.keyJson];
    if (keyJson === undefined || keyJson.trim() === '') {
      issues.add(GMAIL_ENV.keyJson, 'is required in key mode (the service-account key file JSON)');
    } else {
      const read = readServiceAccountKey(keyJson);
      if ('problem' in read) issues.add(GMAIL_ENV.keyJson, read.problem);
      else credentials = { mode: 'key', key: read.key };
    }
    issues.require(adminMailbox, env, GMAIL_ENV.adminMailbox, 'in key mode (the admin impersonated for Directory)');
  } else if (mode === 'keyless') {
    const serviceAccount = issues.require(
      issues.read(env, GMAIL_ENV.serviceAccount, email),
      env,
      GMAIL_ENV.serviceAccount,
      'in keyless mode (the service account holding the delegation)',
    );
    if (serviceAccount) credentials = { mode: 'keyless', serviceAccount };
    issues.require(adminMailbox, env, GMAIL_ENV.adminMailbox, 'in keyless mode (the admin impersonated for Directory)');
  } else if (mode === 'static') {
    const token = env[GMAIL_ENV.staticToken];
    if (token === undefined || token.trim() === '') issues.add(GMAIL_ENV.staticToken, 'is required in static mode');
    else credentials = { mode: 'static', token: token.trim() };
    // A fixed token only makes sense against the stand-in; refusing Google's URL prevents accidents.
    if (rootUrl === undefined && (env[GMAIL_ENV.rootUrl] ?? '').trim() === '') {
      issues.add(GMAIL_ENV.rootUrl, 'is required in static mode (static tokens are only for the local stand-in)');
    }
  }

  const quotaInput: Record<string, unknown> = {};
  const unitsPerMinute = issues.read(env, GMAIL_ENV.quotaUnitsPerMinute, positiveInteger);
  if (unitsPerMinute !== undefined) quotaInput.unitsPerMinute = unitsPerMinute;
  const maxWaitMs = issues.read(env, GMAIL_ENV.quotaMaxWaitMs, positiveInteger);
  if (maxWaitMs !== undefined) quotaInput.maxWaitMs = maxWaitMs;
  const costsJson = env[GMAIL_ENV.quotaCosts];
  if (costsJson !== undefined && costsJson.trim() !== '') {
    try {
      quotaInput.costs = JSON.parse(costsJson) as unknown;
    } catch {
      issues.add(GMAIL_ENV.quotaCosts, 'must be a JSON object such as {"messages.get":20,"messages.trash":20}');
    }
  }
  const quota = QuotaConfigSchema.safeParse(quotaInput);
  if (!quota.success) {
    for (const issue of quota.error.issues) {
      const [first, ...rest] = issue.path.map(String);
      const variable =
        first === 'costs' ? GMAIL_ENV.quotaCosts : first === 'maxWaitMs' ? GMAIL_ENV.quotaMaxWaitMs : GMAIL_ENV.quotaUnitsPerMinute;
      issues.add(variable, rest.length > 0 ? `${rest.join('.')}: ${issue.message}` : issue.message);
    }
  }
  const retryMaxAttempts = issues.read(env, GMAIL_ENV.retryMaxAttempts, positiveInteger.pipe(z.number().min(1).max(20)));

  if (issues.issues.length > 0 || !credentials || !quota.success) {
    const variables = [...new Set(issues.issues.map((issue) => issue.variable))];
    throw new ConfigError(
      `invalid Gmail access configuration: ${issues.issues.map((issue) => `${issue.variable} ${issue.message}`).join('; ')}`,
      { variables },
    );
  }

  return {
    credentials,
    adminMailbox: adminMailbox ?? STATIC_MODE_ADMIN_LABEL,
    rootUrl,
    tokenUrl,
    iamCredentialsUrl,
    quota: quota.data,
    retryMaxAttempts,
  };
}

export interface GmailRuntimeOverrides {
  fetchImplementation?: FetchLike;
  /** The runtime identity for keyless mode; Application Default Credentials otherwise. */
  sourceCredentials?: SourceCredentials;
}

/** One provider per scope: Gmail tokens for mailboxes, a Directory token for the admin. */
export function tokenProvidersFor(
  config: GmailAccessConfig,
  overrides: GmailRuntimeOverrides = {},
): { tokens: AccessTokenProvider; directoryTokens: AccessTokenProvider } {
  const { credentials } = config;
  const retry = config.retryMaxAttempts !== undefined ? { maxAttempts: config.retryMaxAttempts } : undefined;
  switch (credentials.mode) {
    case 'static': {
      const provider = new StaticTokenProvider(credentials.token);
      return { tokens: provider, directoryTokens: provider };
    }
    case 'key': {
      const build = (scope: typeof GMAIL_SCOPE | typeof DIRECTORY_SCOPE): KeyFileDwdTokenProvider =>
        new KeyFileDwdTokenProvider({ key: credentials.key, scope, tokenUrl: config.tokenUrl, fetchImplementation: overrides.fetchImplementation, retry });
      return { tokens: build(GMAIL_SCOPE), directoryTokens: build(DIRECTORY_SCOPE) };
    }
    case 'keyless': {
      const build = (scope: typeof GMAIL_SCOPE | typeof DIRECTORY_SCOPE): KeylessDwdTokenProvider =>
        new KeylessDwdTokenProvider({
          dwdServiceAccount: credentials.serviceAccount,
          scope,
          tokenUrl: config.tokenUrl,
          iamCredentialsUrl: config.iamCredentialsUrl,
          sourceCredentials: overrides.sourceCredentials,
          fetchImplementation: overrides.fetchImplementation,
          retry,
        });
      return { tokens: build(GMAIL_SCOPE), directoryTokens: build(DIRECTORY_SCOPE) };
    }
  }
}

export function createGmailFromEnv(env: Env = process.env, overrides: GmailRuntimeOverrides = {}): GoogleapisGmail {
  const config = parseGmailEnv(env);
  const { tokens, directoryTokens } = tokenProvidersFor(config, overrides);
  return new GoogleapisGmail({
    rootUrl: config.rootUrl,
    tokens,
    directoryTokens,
    adminMailbox: config.adminMailbox,
    retry: config.retryMaxAttempts !== undefined ? { maxAttempts: config.retryMaxAttempts } : undefined,
    quota: new QuotaBudget(config.quota),
    fetchImplementation: overrides.fetchImplementation,
  });
}
