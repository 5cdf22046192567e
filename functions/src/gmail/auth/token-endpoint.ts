import { TokenError } from '../errors';
import { HttpStatusError, RetryPolicy } from '../retry';
import type { IssuedToken } from './token-provider';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export type FetchLike = typeof fetch;

export interface HttpCallOptions {
  fetchImplementation?: FetchLike;
  retry: RetryPolicy;
  timeoutMs: number;
  now: () => number;
}

export interface DelegationDescription {
  /** What the Admin console grant is keyed by: the numeric client ID, or the account when unknown. */
  clientId: string;
  scope: string;
}

/** Reads a JSON body without letting a non-JSON error page hide the HTTP status. */
export async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unparsed: text.slice(0, 500) };
  }
}

function field(body: unknown, name: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

/**
 * Exchanges a signed DWD assertion for an access token (RFC 7523 jwt-bearer grant). Transient
 * endpoint failures are retried with the same policy as Gmail calls; OAuth errors become a
 * TokenError that says what to fix.
 */
export async function exchangeJwtBearer(
  assertion: string,
  subject: string,
  tokenUrl: string,
  delegation: DelegationDescription,
  http: HttpCallOptions,
): Promise<IssuedToken> {
  const doFetch = http.fetchImplementation ?? fetch;
  const requestedAt = http.now();
  let body: unknown;
  try {
    body = await http.retry.run(async () => {
      const response = await doFetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
        signal: AbortSignal.timeout(http.timeoutMs),
      });
      const parsed = await readJsonBody(response);
      if (!response.ok) {
        const oauthError = field(parsed, 'error');
        throw new HttpStatusError(`token endpoint answered ${response.status}`, response.status, {
          reason: typeof oauthError === 'string' ? oauthError : undefined,
          retryAfter: response.headers.get('retry-after'),
          body: parsed,
        });
      }
      return parsed;
    });
  } catch (cause) {
    throw tokenEndpointError(cause, subject, tokenUrl, delegation);
  }
  const accessToken = field(body, 'access_token');
  const expiresIn = field(body, 'expires_in');
  if (typeof accessToken !== 'string' || accessToken === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
    throw new TokenError(`token endpoint ${tokenUrl} answered without access_token/expires_in for ${subject}`, subject);
  }
  return { accessToken, expiresAt: requestedAt + expiresIn * 1_000 };
}

function tokenEndpointError(cause: unknown, subject: string, tokenUrl: string, delegation: DelegationDescription): TokenError {
  if (!(cause instanceof HttpStatusError)) {
    return new TokenError(`token endpoint ${tokenUrl} unreachable for ${subject}: ${(cause as Error).message}`, subject, { cause });
  }
  const description = field(cause.details.body, 'error_description');
  const detail = typeof description === 'string' ? `: ${description}` : '';
  switch (cause.details.reason) {
    case 'unauthorized_client':
      return new TokenError(
        `domain-wide delegation is not granted for client ${delegation.clientId} with scope ${delegation.scope} ` +
          `(impersonating ${subject})${detail}. A super admin must add the client ID and exactly this scope under ` +
          'Admin console → Security → Access and data control → API controls → Domain-wide delegation; ' +
          'a new or changed grant can take up to 24 hours to apply.',
        subject,
        { cause },
      );
    case 'invalid_grant':
      return new TokenError(
        `token endpoint refused the assertion for ${subject}${detail}: the mailbox may not exist in the domain, ` +
          'be suspended, or the clock may be skewed',
        subject,
        { cause },
      );
    default:
      return new TokenError(
        `token endpoint ${tokenUrl} answered ${cause.status}${cause.details.reason ? ` ${cause.details.reason}` : ''} for ${subject}${detail}`,
        subject,
        { cause },
      );
  }
}
