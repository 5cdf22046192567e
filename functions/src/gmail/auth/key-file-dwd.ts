import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../../core/errors';
import { RetryPolicy, type RetrySettings } from '../retry';
import { dwdClaims, signRs256Jwt } from './jwt';
import { assertStrataScope, type StrataScope } from './scopes';
import { exchangeJwtBearer, GOOGLE_TOKEN_URL, type FetchLike } from './token-endpoint';
import { CachedTokenProvider, type AccessTokenProvider, type IssuedToken, type TokenCacheOptions } from './token-provider';

/** The parts of a service-account key file Strata reads. */
export const ServiceAccountKeySchema = z.object({
  type: z.literal('service_account').optional(),
  client_email: z.email(),
  private_key: z.string().includes('PRIVATE KEY'),
  private_key_id: z.string().optional(),
  /** The numeric client ID the Admin console's delegation grant is keyed by. */
  client_id: z.string().optional(),
});

export type ServiceAccountKey = z.infer<typeof ServiceAccountKeySchema>;

/** Reads key-file JSON, describing what is wrong without ever echoing the key material. */
export function readServiceAccountKey(json: string): { key: ServiceAccountKey } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { problem: 'is not valid JSON' };
  }
  const result = ServiceAccountKeySchema.safeParse(value);
  if (!result.success) {
    return { problem: `is not a service-account key (${result.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ')} invalid)` };
  }
  try {
    createPrivateKey(result.data.private_key);
  } catch {
    return { problem: 'has a private_key that is not a readable PEM private key' };
  }
  return { key: result.data };
}

export function parseServiceAccountKey(json: string, source: string): ServiceAccountKey {
  const read = readServiceAccountKey(json);
  if ('problem' in read) throw new ConfigError(`${source} ${read.problem}`, { source });
  return read.key;
}

export interface KeyFileDwdOptions extends TokenCacheOptions {
  key: ServiceAccountKey;
  scope: StrataScope;
  tokenUrl?: string;
  fetchImplementation?: FetchLike;
  retry?: RetrySettings;
  timeoutMs?: number;
}

/**
 * Domain-wide delegation with a service-account key: the assertion (sub = mailbox) is signed
 * locally with the key's RS256 private key and exchanged at the token endpoint. Prefer the
 * keyless provider where key creation is blocked by organisation policy.
 */
export class KeyFileDwdTokenProvider implements AccessTokenProvider {
  readonly scope: StrataScope;
  readonly tokenUrl: string;
  private readonly cache: CachedTokenProvider;
  private readonly retry: RetryPolicy;
  private readonly now: () => number;

  constructor(private readonly options: KeyFileDwdOptions) {
    this.scope = assertStrataScope(options.scope);
    this.tokenUrl = options.tokenUrl ?? GOOGLE_TOKEN_URL;
    this.now = options.now ?? Date.now;
    this.retry = new RetryPolicy(options.retry);
    this.cache = new CachedTokenProvider((mailbox) => this.issue(mailbox), options);
  }

  getToken(mailbox: string): Promise<string> {
    return this.cache.getToken(mailbox);
  }

  invalidate(mailbox: string, token: string): void {
    this.cache.invalidate(mailbox, token);
  }

  private async issue(mailbox: string): Promise<IssuedToken> {
    const { key } = this.options;
    const claims = dwdClaims({ serviceAccount: key.client_email, mailbox, scope: this.scope, tokenUrl: this.tokenUrl, nowMs: this.now() });
    const assertion = signRs256Jwt(claims, key.private_key, key.private_key_id);
    return exchangeJwtBearer(
      assertion,
      mailbox,
      this.tokenUrl,
      { clientId: key.client_id ?? key.client_email, scope: this.scope },
      { fetchImplementation: this.options.fetchImplementation, retry: this.retry, timeoutMs: this.options.timeoutMs ?? 30_000, now: this.now },
    );
  }
}
