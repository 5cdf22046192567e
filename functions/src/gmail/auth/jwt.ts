import { createSign } from 'node:crypto';

/** The claims of a domain-wide delegation assertion (RFC 7523 with Google's `scope` claim). */
export interface DwdClaims {
  /** The service account that holds the delegation. */
  iss: string;
  /** The mailbox to act as. */
  sub: string;
  scope: string;
  /** The token endpoint the assertion is exchanged at. */
  aud: string;
  iat: number;
  exp: number;
}

/** Google accepts assertions valid for at most one hour. */
export const ASSERTION_LIFETIME_SECONDS = 3_600;

export function dwdClaims(input: { serviceAccount: string; mailbox: string; scope: string; tokenUrl: string; nowMs: number }): DwdClaims {
  const iat = Math.floor(input.nowMs / 1_000);
  return { iss: input.serviceAccount, sub: input.mailbox, scope: input.scope, aud: input.tokenUrl, iat, exp: iat + ASSERTION_LIFETIME_SECONDS };
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Signs claims as a compact RS256 JWT with a PEM private key (the service-account key file's). */
export function signRs256Jwt(claims: object, privateKeyPem: string, keyId?: string): string {
  const header = keyId ? { alg: 'RS256', typ: 'JWT', kid: keyId } : { alg: 'RS256', typ: 'JWT' };
  const signingInput = `${base64UrlJson(header)}.${base64UrlJson(claims)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKeyPem);
  return `${signingInput}.${signature.toString('base64url')}`;
}
