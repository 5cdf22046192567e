import { GoogleAuth } from 'google-auth-library';
import { TokenError } from '../errors';
import { HttpStatusError, reasonFromGoogleErrorBody, RetryPolicy, type RetrySettings } from '../retry';
import { dwdClaims } from './jwt';
import { assertStrataScope, type StrataScope } from './scopes';
import { exchangeJwtBearer, GOOGLE_TOKEN_URL, readJsonBody, type FetchLike } from './token-endpoint';
import { CachedTokenProvider, type AccessTokenProvider, type IssuedToken, type TokenCacheOptions } from './token-provider';

export const IAM_CREDENTIALS_URL = 'https://iamcredentials.googleapis.com';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** The function's own identity, used only to call signJwt. */
export interface SourceCredentials {
  getAccessToken(): Promise<string>;
}

/** Application Default Credentials: the runtime service account on Cloud Functions. */
export class ApplicationDefaultCredentials implements SourceCredentials {
  private auth: GoogleAuth | undefined;

  async getAccessToken(): Promise<string> {
    // Created lazily so that constructing the provider never touches the metadata server.
    this.auth ??= new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
    const token = await this.auth.getAccessToken();
    if (!token) throw new Error('Application Default Credentials returned no access token');
    return token;
  }
}

export interface KeylessDwdOptions extends TokenCacheOptions {
  /** The service account whose client ID holds the delegation grant, e.g. strata-dwd@project.iam.gserviceaccount.com. */
  dwdServiceAccount: string;
  scope: StrataScope;
  sourceCredentials?: SourceCredentials;
  tokenUrl?: string;
  iamCredentialsUrl?: string;
  fetchImplementation?: FetchLike;
  retry?: RetrySettings;
  timeoutMs?: number;
}

/**
 * Domain-wide delegation without a key file. The runtime identity asks IAM Credentials to sign
 * the DWD assertion as the delegated service account (it needs roles/iam.serviceAccountTokenCreator
 * on it), then exchanges the signed JWT at the token endpoint. Google's Node auth library has no
 * `subject` for impersonated credentials, hence this flow.
 */
export class KeylessDwdTokenProvider implements AccessTokenProvider {
  readonly scope: StrataScope;
  readonly tokenUrl: string;
  readonly iamCredentialsUrl: string;
  private readonly cache: CachedTokenProvider;
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  private readonly sourceCredentials: SourceCredentials;
  private readonly timeoutMs: number;

  constructor(private readonly options: KeylessDwdOptions) {
    this.scope = assertStrataScope(options.scope);
    this.tokenUrl = options.tokenUrl ?? GOOGLE_TOKEN_URL;
    this.iamCredentialsUrl = (options.iamCredentialsUrl ?? IAM_CREDENTIALS_URL).replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.retry = new RetryPolicy(options.retry);
    this.sourceCredentials = options.sourceCredentials ?? new ApplicationDefaultCredentials();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.cache = new CachedTokenProvider((mailbox) => this.issue(mailbox), options);
  }

  getToken(mailbox: string): Promise<string> {
    return this.cache.getToken(mailbox);
  }

  invalidate(mailbox: string, token: string): void {
    this.cache.invalidate(mailbox, token);
  }

  private async issue(mailbox: string): Promise<IssuedToken> {
    const signedJwt = await this.signAssertion(mailbox);
    return exchangeJwtBearer(
      signedJwt,
      mailbox,
      this.tokenUrl,
      // The numeric client ID is not known without another API call; the account identifies it.
      { clientId: `of service account ${this.options.dwdServiceAccount}`, scope: this.scope },
      { fetchImplementation: this.options.fetchImplementation, retry: this.retry, timeoutMs: this.timeoutMs, now: this.now },
    );
  }

  private async signAssertion(mailbox: string): Promise<string> {
    const account = this.options.dwdServiceAccount;
    const claims = dwdClaims({ serviceAccount: account, mailbox, scope: this.scope, tokenUrl: this.tokenUrl, nowMs: this.now() });
    const url = `${this.iamCredentialsUrl}/v1/projects/-/serviceAccounts/${encodeURIComponent(account)}:signJwt`;
    const doFetch = this.options.fetchImplementation ?? fetch;
    let sourceToken: string;
    try {
      sourceToken = await this.sourceCredentials.getAccessToken();
    } catch (cause) {
      throw new TokenError(`cannot get the runtime identity's own token to call signJwt: ${(cause as Error).message}`, mailbox, { cause });
    }
    let body: unknown;
    try {
      body = await this.retry.run(async () => {
        const response = await doFetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${sourceToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ payload: JSON.stringify(claims) }),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const parsed = await readJsonBody(response);
        if (!response.ok) {
          throw new HttpStatusError(`signJwt answered ${response.status}`, response.status, {
            reason: reasonFromGoogleErrorBody(parsed),
            retryAfter: response.headers.get('retry-after'),
            body: parsed,
          });
        }
        return parsed;
      });
    } catch (cause) {
      throw signJwtError(cause, mailbox, account);
    }
    const signedJwt = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).signedJwt : undefined;
    if (typeof signedJwt !== 'string' || signedJwt === '') {
      throw new TokenError(`signJwt for ${account} answered without signedJwt`, mailbox);
    }
    return signedJwt;
  }
}

function signJwtError(cause: unknown, mailbox: string, account: string): TokenError {
  if (!(cause instanceof HttpStatusError)) {
    return new TokenError(`IAM Credentials signJwt unreachable for ${account}: ${(cause as Error).message}`, mailbox, { cause });
  }
  switch (cause.status) {
    case 401:
      return new TokenError(`signJwt rejected the runtime identity's token (401) while signing as ${account}`, mailbox, { cause });
    case 403:
      return new TokenError(
        `the runtime identity may not sign as ${account} (403): grant it roles/iam.serviceAccountTokenCreator on that ` +
          'service account and enable iamcredentials.googleapis.com',
        mailbox,
        { cause },
      );
    case 404:
      return new TokenError(`service account ${account} not found by signJwt (404)`, mailbox, { cause });
    default:
      return new TokenError(`signJwt for ${account} answered ${cause.status}`, mailbox, { cause });
  }
}
