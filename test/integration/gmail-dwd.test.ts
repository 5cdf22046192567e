import { ConfigError } from '../../functions/src/core/errors';
import { KeyFileDwdTokenProvider, parseServiceAccountKey } from '../../functions/src/gmail/auth/key-file-dwd';
import { KeylessDwdTokenProvider, type SourceCredentials } from '../../functions/src/gmail/auth/keyless-dwd';
import { DIRECTORY_SCOPE, GMAIL_SCOPE, type StrataScope } from '../../functions/src/gmail/auth/scopes';
import { TokenError } from '../../functions/src/gmail/errors';
import { parseGmailEnv, tokenProvidersFor } from '../../functions/src/gmail/from-env';
import { GoogleIdentityEndpoints, keyFileJson, newServiceAccount, type ServiceAccountKeyPair } from '../gmail/support/google-identity-endpoints';

const RUNTIME_IDENTITY_TOKEN = 'runtime-identity-access-token';
const noWait = { baseDelayMs: 1, maxDelayMs: 5 };

describe('Keyless DWD: the token flow, against local endpoints', () => {
  let endpoints: GoogleIdentityEndpoints;
  let keylessAccount: ServiceAccountKeyPair;
  let keyFileAccount: ServiceAccountKeyPair;
  const runtimeIdentity: SourceCredentials = { getAccessToken: async () => RUNTIME_IDENTITY_TOKEN };

  beforeAll(async () => {
    keylessAccount = newServiceAccount('strata-dwd@demo-strata.iam.gserviceaccount.com', '101000000000000000001');
    keyFileAccount = newServiceAccount('strata-key@demo-strata.iam.gserviceaccount.com', '101000000000000000002');
    endpoints = new GoogleIdentityEndpoints();
    endpoints.addServiceAccount(keylessAccount);
    endpoints.addServiceAccount(keyFileAccount);
    endpoints.allowSigning(RUNTIME_IDENTITY_TOKEN, keylessAccount.email);
    await endpoints.start();
  });

  afterAll(async () => {
    await endpoints.stop();
  });

  beforeEach(() => {
    endpoints.delegations.clear();
    endpoints.grantDelegation(keylessAccount.clientId, [GMAIL_SCOPE, DIRECTORY_SCOPE]);
    endpoints.grantDelegation(keyFileAccount.clientId, [GMAIL_SCOPE, DIRECTORY_SCOPE]);
    endpoints.signJwtCalls.length = 0;
    endpoints.tokenRequests.length = 0;
    endpoints.verifiedAssertions.length = 0;
    endpoints.failNextTokenRequests = 0;
  });

  function keyless(scope: StrataScope = GMAIL_SCOPE, sourceCredentials = runtimeIdentity): KeylessDwdTokenProvider {
    return new KeylessDwdTokenProvider({
      dwdServiceAccount: keylessAccount.email,
      scope,
      sourceCredentials,
      tokenUrl: endpoints.tokenUrl,
      iamCredentialsUrl: endpoints.iamCredentialsUrl,
      fetchImplementation: fetch,
      retry: noWait,
    });
  }

  describe('KeylessDwdTokenProvider', () => {
    it('has IAM sign the assertion as the DWD account, and the token endpoint verifies it and issues a token for the mailbox', async () => {
      const before = Math.floor(Date.now() / 1_000);
      const token = await keyless().getToken('ann@example.com');

      expect(endpoints.signJwtCalls).toHaveLength(1);
      const signCall = endpoints.signJwtCalls[0]!;
      expect(signCall.serviceAccount).toBe(keylessAccount.email);
      expect(signCall.bearer).toBe(RUNTIME_IDENTITY_TOKEN);

      // The token endpoint verified the RS256 signature with the account's public key before recording it.
      expect(endpoints.verifiedAssertions).toHaveLength(1);
      const { header, claims } = endpoints.verifiedAssertions[0]!;
      expect(header).toMatchObject({ alg: 'RS256', kid: keylessAccount.keyId });
      expect(claims).toEqual({
        iss: keylessAccount.email,
        sub: 'ann@example.com',
        scope: GMAIL_SCOPE,
        aud: endpoints.tokenUrl,
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
      expect(claims.iat as number).toBeGreaterThanOrEqual(before);
      expect((claims.exp as number) - (claims.iat as number)).toBe(3_600);
      expect(endpoints.tokenRequests).toEqual([{ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', outcome: 'issued' }]);

      expect(endpoints.tokenInfo(token)).toMatchObject({ subject: 'ann@example.com', scopes: [GMAIL_SCOPE], serviceAccount: keylessAccount.email });
    });

    it('caches tokens per user and coalesces a burst for one user into one signJwt and one exchange', async () => {
      const provider = keyless();
      const annBurst = await Promise.all(Array.from({ length: 10 }, () => provider.getToken('ann@example.com')));
      const annLater = await provider.getToken('ann@example.com');
      const bob = await provider.getToken('bob@example.com');

      expect(new Set(annBurst).size).toBe(1);
      expect(annLater).toBe(annBurst[0]);
      expect(bob).not.toBe(annLater);
      expect(endpoints.signJwtCalls.map((call) => call.payload.sub)).toEqual(['ann@example.com', 'bob@example.com']);
      expect(endpoints.tokenRequests).toHaveLength(2);
      expect(endpoints.tokenInfo(bob)?.subject).toBe('bob@example.com');
    });

    it('maps unauthorized_client to a TokenError naming the missing delegation and the Admin console step', async () => {
      endpoints.grantDelegation(keylessAccount.clientId, [GMAIL_SCOPE]);
      const directory = keyless(DIRECTORY_SCOPE);
      const failure = directory.getToken('admin@example.com');
      await expect(failure).rejects.toBeInstanceOf(TokenError);
      await expect(failure).rejects.toThrow(/domain-wide delegation is not granted/);
      await expect(failure).rejects.toThrow(keylessAccount.email);
      await expect(failure).rejects.toThrow(DIRECTORY_SCOPE);
      await expect(failure).rejects.toThrow(/Domain-wide delegation/);
      await expect(failure).rejects.toMatchObject({ subject: 'admin@example.com' });
      expect(endpoints.tokenRequests.map((request) => request.outcome)).toEqual(['unauthorized_client']);

      // Once the admin adds the scope, the same provider succeeds: the failure was not cached.
      endpoints.grantDelegation(keylessAccount.clientId, [GMAIL_SCOPE, DIRECTORY_SCOPE]);
      const token = await directory.getToken('admin@example.com');
      expect(endpoints.tokenInfo(token)).toMatchObject({ subject: 'admin@example.com', scopes: [DIRECTORY_SCOPE] });
    });

    it('says which role is missing when the runtime identity may not sign as the DWD account', async () => {
      const stranger = 'another-function-identity-token';
      endpoints.allowSigning(stranger, 'someone-else@demo-strata.iam.gserviceaccount.com');
      const failure = keyless(GMAIL_SCOPE, { getAccessToken: async () => stranger }).getToken('ann@example.com');
      await expect(failure).rejects.toBeInstanceOf(TokenError);
      await expect(failure).rejects.toThrow(/roles\/iam\.serviceAccountTokenCreator/);
      expect(endpoints.tokenRequests).toHaveLength(0);
    });

    it('reports a rejected runtime token as such, and a failing runtime identity before any call', async () => {
      await expect(keyless(GMAIL_SCOPE, { getAccessToken: async () => 'forged' }).getToken('ann@example.com')).rejects.toThrow(/401/);
      const broken = keyless(GMAIL_SCOPE, {
        getAccessToken: async () => {
          throw new Error('metadata server unreachable');
        },
      });
      await expect(broken.getToken('ann@example.com')).rejects.toThrow(/runtime identity's own token.*metadata server unreachable/);
    });

    it('retries a briefly unavailable token endpoint', async () => {
      endpoints.failNextTokenRequests = 2;
      const token = await keyless().getToken('ann@example.com');
      expect(endpoints.tokenRequests.map((request) => request.outcome)).toEqual(['temporarily_unavailable', 'temporarily_unavailable', 'issued']);
      expect(endpoints.tokenInfo(token)?.subject).toBe('ann@example.com');
    });
  });

  describe('KeyFileDwdTokenProvider', () => {
    function keyFile(scope: StrataScope, json = keyFileJson(keyFileAccount)): KeyFileDwdTokenProvider {
      return new KeyFileDwdTokenProvider({
        key: parseServiceAccountKey(json, 'test key'),
        scope,
        tokenUrl: endpoints.tokenUrl,
        fetchImplementation: fetch,
        retry: noWait,
      });
    }

    it('signs the assertion locally with the key file and gets a token bound to the mailbox', async () => {
      const provider = keyFile(GMAIL_SCOPE);
      const token = await provider.getToken('ann@example.com');
      expect(await provider.getToken('ann@example.com')).toBe(token);

      expect(endpoints.signJwtCalls).toHaveLength(0);
      expect(endpoints.verifiedAssertions).toHaveLength(1);
      const { header, claims } = endpoints.verifiedAssertions[0]!;
      expect(header).toMatchObject({ alg: 'RS256', kid: keyFileAccount.keyId });
      expect(claims).toMatchObject({ iss: keyFileAccount.email, sub: 'ann@example.com', scope: GMAIL_SCOPE, aud: endpoints.tokenUrl });
      expect((claims.exp as number) - (claims.iat as number)).toBe(3_600);
      expect(endpoints.tokenInfo(token)).toMatchObject({ subject: 'ann@example.com', scopes: [GMAIL_SCOPE] });
    });

    it('is refused when the key does not belong to the account it claims (the signature is really checked)', async () => {
      const impostor = newServiceAccount(keyFileAccount.email, keyFileAccount.clientId);
      const failure = keyFile(GMAIL_SCOPE, keyFileJson(impostor)).getToken('ann@example.com');
      await expect(failure).rejects.toBeInstanceOf(TokenError);
      await expect(failure).rejects.toThrow(/Invalid JWT Signature/);
      expect(endpoints.verifiedAssertions).toHaveLength(0);
    });

    it('maps unauthorized_client to a TokenError naming the numeric client ID and scope', async () => {
      endpoints.delegations.delete(keyFileAccount.clientId);
      const failure = keyFile(GMAIL_SCOPE).getToken('ann@example.com');
      await expect(failure).rejects.toThrow(new RegExp(`not granted for client ${keyFileAccount.clientId} with scope ${GMAIL_SCOPE.replace(/\./g, '\\.')}`));
    });
  });

  describe('scopes', () => {
    it('asks for exactly gmail.modify for mailboxes and directory.user.readonly for the Directory, in both DWD modes', async () => {
      const modes = [
        {
          STRATA_DWD_MODE: 'keyless',
          STRATA_DWD_SERVICE_ACCOUNT: keylessAccount.email,
          STRATA_ADMIN_MAILBOX: 'admin@example.com',
          STRATA_TOKEN_URL: endpoints.tokenUrl,
          STRATA_IAM_CREDENTIALS_URL: endpoints.iamCredentialsUrl,
        },
        {
          STRATA_DWD_MODE: 'key',
          STRATA_DWD_KEY_JSON: keyFileJson(keyFileAccount),
          STRATA_ADMIN_MAILBOX: 'admin@example.com',
          STRATA_TOKEN_URL: endpoints.tokenUrl,
        },
      ];
      for (const env of modes) {
        const { tokens, directoryTokens } = tokenProvidersFor(parseGmailEnv(env), { fetchImplementation: fetch, sourceCredentials: runtimeIdentity });
        const mailboxToken = await tokens.getToken('ann@example.com');
        const directoryToken = await directoryTokens.getToken('admin@example.com');
        expect(endpoints.tokenInfo(mailboxToken)?.scopes).toEqual(['https://www.googleapis.com/auth/gmail.modify']);
        expect(endpoints.tokenInfo(directoryToken)?.scopes).toEqual(['https://www.googleapis.com/auth/admin.directory.user.readonly']);
      }
      const requested = endpoints.verifiedAssertions.map((assertion) => assertion.claims.scope);
      expect(new Set(requested)).toEqual(new Set([GMAIL_SCOPE, DIRECTORY_SCOPE]));
    });

    it('refuses to build a provider for any broader scope', () => {
      for (const scope of ['https://mail.google.com/', 'https://www.googleapis.com/auth/admin.directory.user', `${GMAIL_SCOPE} https://mail.google.com/`]) {
        expect(() => new KeylessDwdTokenProvider({ dwdServiceAccount: keylessAccount.email, scope: scope as StrataScope, sourceCredentials: runtimeIdentity })).toThrow(
          ConfigError,
        );
        expect(() => new KeyFileDwdTokenProvider({ key: parseServiceAccountKey(keyFileJson(keyFileAccount), 'k'), scope: scope as StrataScope })).toThrow(ConfigError);
      }
    });
  });
});
