import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRs256Jwt } from '../../../functions/src/gmail/auth/jwt';

/**
 * Local stand-ins for Google's two identity endpoints, doing the real cryptography:
 *  - IAM Credentials `signJwt`: holds the delegated service account's RSA key (the key never
 *    leaves, as with Google-managed keys), checks the caller's bearer token and that the caller
 *    may sign as that account, then signs the payload RS256.
 *  - OAuth token endpoint: verifies the assertion's RS256 signature with the account's public
 *    key, checks grant type, aud, iat/exp, iss, sub and that every requested scope was granted
 *    to the account in the "Admin console" (the `delegations` table), and issues access tokens
 *    bound to subject and scope.
 */

export interface ServiceAccountKeyPair {
  email: string;
  clientId: string;
  keyId: string;
  privateKeyPem: string;
  publicKey: KeyObject;
}

export function newServiceAccount(email: string, clientId: string): ServiceAccountKeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    email,
    clientId,
    keyId: randomBytes(8).toString('hex'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: createPublicKey(privateKey),
  };
}

/** The key-file JSON Google hands out for a service-account key. */
export function keyFileJson(account: ServiceAccountKeyPair): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: 'demo-strata',
    private_key_id: account.keyId,
    private_key: account.privateKeyPem,
    client_email: account.email,
    client_id: account.clientId,
    token_uri: 'https://oauth2.googleapis.com/token',
  });
}

export interface IssuedAccessToken {
  token: string;
  subject: string;
  scopes: string[];
  serviceAccount: string;
  expiresAt: number;
}

export interface VerifiedAssertion {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

interface JsonAnswer {
  status: number;
  body: unknown;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, answer: JsonAnswer): void {
  response.writeHead(answer.status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(answer.body));
}

function oauthError(error: string, description: string): JsonAnswer {
  return { status: 400, body: { error, error_description: description } };
}

function googleError(status: number, statusText: string, message: string): JsonAnswer {
  return { status, body: { error: { code: status, message, status: statusText, errors: [{ message, domain: 'global', reason: statusText.toLowerCase() }] } } };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export class GoogleIdentityEndpoints {
  /** Service accounts by email: their public keys are what Google would use to verify. */
  readonly accounts = new Map<string, ServiceAccountKeyPair>();
  /** Domain-wide delegation grants: client ID → scopes a super admin authorised. */
  readonly delegations = new Map<string, Set<string>>();
  /** Callers' bearer tokens → the service accounts they hold roles/iam.serviceAccountTokenCreator on. */
  readonly tokenCreators = new Map<string, Set<string>>();
  readonly issued = new Map<string, IssuedAccessToken>();
  readonly verifiedAssertions: VerifiedAssertion[] = [];
  readonly signJwtCalls: { serviceAccount: string; bearer: string | undefined; payload: Record<string, unknown> }[] = [];
  readonly tokenRequests: { grantType: string | null; outcome: string }[] = [];
  /** The next N token requests answer 503, to exercise retries. */
  failNextTokenRequests = 0;
  tokenLifetimeSeconds = 3_600;

  tokenUrl = '';
  iamCredentialsUrl = '';
  private readonly servers: Server[] = [];

  addServiceAccount(account: ServiceAccountKeyPair): void {
    this.accounts.set(account.email, account);
  }

  grantDelegation(clientId: string, scopes: string[]): void {
    this.delegations.set(clientId, new Set(scopes));
  }

  allowSigning(callerToken: string, serviceAccount: string): void {
    const allowed = this.tokenCreators.get(callerToken) ?? new Set<string>();
    allowed.add(serviceAccount);
    this.tokenCreators.set(callerToken, allowed);
  }

  /** What a resource server learns from a token (Google's tokeninfo): whom it acts for and with which scopes. */
  tokenInfo(token: string, now = Date.now()): IssuedAccessToken | undefined {
    const info = this.issued.get(token);
    return info && info.expiresAt > now ? info : undefined;
  }

  async start(): Promise<void> {
    const iam = createServer((request, response) => {
      void this.handleSignJwt(request).then((answer) => send(response, answer));
    });
    const oauth = createServer((request, response) => {
      void this.handleToken(request).then((answer) => send(response, answer));
    });
    this.servers.push(iam, oauth);
    this.iamCredentialsUrl = await listen(iam);
    this.tokenUrl = `${await listen(oauth)}/token`;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }

  private async handleSignJwt(request: IncomingMessage): Promise<JsonAnswer> {
    const match = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):signJwt$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) return googleError(404, 'NOT_FOUND', `no route ${request.method} ${request.url}`);
    const serviceAccount = decodeURIComponent(match[1]!);
    const authorization = request.headers.authorization;
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const body = JSON.parse(await readBody(request)) as { payload?: string };
    const payload = JSON.parse(body.payload ?? '{}') as Record<string, unknown>;
    this.signJwtCalls.push({ serviceAccount, bearer, payload });

    if (!bearer || !this.tokenCreators.has(bearer)) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    const account = this.accounts.get(serviceAccount);
    if (!account) return googleError(404, 'NOT_FOUND', `Service account ${serviceAccount} not found.`);
    if (!this.tokenCreators.get(bearer)!.has(serviceAccount)) {
      return googleError(403, 'PERMISSION_DENIED', "Permission 'iam.serviceAccounts.signJwt' denied on resource (or it may not exist).");
    }
    return { status: 200, body: { keyId: account.keyId, signedJwt: signRs256Jwt(payload, account.privateKeyPem, account.keyId) } };
  }

  private async handleToken(request: IncomingMessage): Promise<JsonAnswer> {
    const form = new URLSearchParams(await readBody(request));
    const grantType = form.get('grant_type');
    const answer = this.exchange(grantType, form.get('assertion'));
    this.tokenRequests.push({ grantType, outcome: answer.status === 200 ? 'issued' : String((answer.body as { error?: unknown }).error) });
    return answer;
  }

  private exchange(grantType: string | null, assertion: string | null): JsonAnswer {
    if (this.failNextTokenRequests > 0) {
      this.failNextTokenRequests -= 1;
      return { status: 503, body: { error: 'temporarily_unavailable' } };
    }
    if (grantType !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return oauthError('unsupported_grant_type', `Invalid grant_type: ${grantType}`);
    const parts = (assertion ?? '').split('.');
    if (parts.length !== 3) return oauthError('invalid_grant', 'Invalid JWT: not three parts');
    const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header.alg !== 'RS256') return oauthError('invalid_grant', 'Invalid JWT: alg must be RS256');

    const account = typeof claims.iss === 'string' ? this.accounts.get(claims.iss) : undefined;
    if (!account) return oauthError('invalid_grant', 'Invalid JWT: unknown issuer');
    const signatureValid = verify('RSA-SHA256', Buffer.from(`${headerPart}.${claimsPart}`), account.publicKey, Buffer.from(signaturePart, 'base64url'));
    if (!signatureValid) return oauthError('invalid_grant', 'Invalid JWT Signature.');

    const nowSeconds = Math.floor(Date.now() / 1_000);
    if (claims.aud !== this.tokenUrl) return oauthError('invalid_grant', `Invalid JWT: aud must be ${this.tokenUrl}`);
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return oauthError('invalid_grant', 'Invalid JWT: iat/exp missing');
    if (claims.iat > nowSeconds + 60 || claims.exp <= nowSeconds) return oauthError('invalid_grant', 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.');
    if (claims.exp - claims.iat > 3_600) return oauthError('invalid_grant', 'Invalid JWT: exp more than an hour after iat');
    if (typeof claims.sub !== 'string' || !claims.sub.includes('@')) return oauthError('invalid_grant', 'Invalid email or User ID');
    if (typeof claims.scope !== 'string' || claims.scope.trim() === '') return oauthError('invalid_scope', 'Empty or missing scope not allowed.');

    const scopes = claims.scope.split(' ');
    const granted = this.delegations.get(account.clientId);
    if (!granted || !scopes.every((scope) => granted.has(scope))) {
      return oauthError('unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.');
    }

    this.verifiedAssertions.push({ header, claims });
    const token = `ya29.local-${randomBytes(12).toString('hex')}`;
    this.issued.set(token, {
      token,
      subject: claims.sub,
      scopes,
      serviceAccount: account.email,
      expiresAt: Date.now() + this.tokenLifetimeSeconds * 1_000,
    });
    return { status: 200, body: { access_token: token, expires_in: this.tokenLifetimeSeconds, token_type: 'Bearer' } };
  }
}
