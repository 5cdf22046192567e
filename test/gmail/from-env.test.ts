import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '../../functions/src/core/errors';
import { KeyFileDwdTokenProvider } from '../../functions/src/gmail/auth/key-file-dwd';
import { KeylessDwdTokenProvider } from '../../functions/src/gmail/auth/keyless-dwd';
import { DIRECTORY_SCOPE, GMAIL_SCOPE } from '../../functions/src/gmail/auth/scopes';
import { StaticTokenProvider } from '../../functions/src/gmail/auth/static-token';
import { createGmailFromEnv, parseGmailEnv, tokenProvidersFor } from '../../functions/src/gmail/from-env';
import { GoogleapisGmail } from '../../functions/src/gmail/googleapis-gmail';

const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyJson = JSON.stringify({
  type: 'service_account',
  client_email: 'strata-key@demo.iam.gserviceaccount.com',
  client_id: '1234567890',
  private_key_id: 'abc',
  private_key: privateKeyPem,
});

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseGmailEnv / createGmailFromEnv', () => {
  it('builds the adapter for static mode against the stand-in', () => {
    const env = { STRATA_DWD_MODE: 'static', STRATA_STATIC_TOKEN: 'demo-token', STRATA_GMAIL_ROOT_URL: 'http://127.0.0.1:8085' };
    const config = parseGmailEnv(env);
    expect(config.credentials).toEqual({ mode: 'static', token: 'demo-token' });
    expect(config.rootUrl).toBe('http://127.0.0.1:8085');
    expect(config.quota.unitsPerMinute).toBe(6_000);
    expect(tokenProvidersFor(config).tokens).toBeInstanceOf(StaticTokenProvider);
    expect(createGmailFromEnv(env)).toBeInstanceOf(GoogleapisGmail);
  });

  it('builds key-mode providers with one scope each', () => {
    const config = parseGmailEnv({ STRATA_DWD_MODE: 'key', STRATA_DWD_KEY_JSON: keyJson, STRATA_ADMIN_MAILBOX: 'admin@example.com' });
    expect(config.credentials.mode).toBe('key');
    const { tokens, directoryTokens } = tokenProvidersFor(config);
    expect(tokens).toBeInstanceOf(KeyFileDwdTokenProvider);
    expect((tokens as KeyFileDwdTokenProvider).scope).toBe(GMAIL_SCOPE);
    expect((directoryTokens as KeyFileDwdTokenProvider).scope).toBe(DIRECTORY_SCOPE);
    expect((tokens as KeyFileDwdTokenProvider).tokenUrl).toBe('https://oauth2.googleapis.com/token');
  });

  it('builds keyless providers with Google’s endpoints unless overridden', () => {
    const config = parseGmailEnv({
      STRATA_DWD_MODE: 'keyless',
      STRATA_DWD_SERVICE_ACCOUNT: 'strata-dwd@demo.iam.gserviceaccount.com',
      STRATA_ADMIN_MAILBOX: 'admin@example.com',
      STRATA_IAM_CREDENTIALS_URL: 'http://127.0.0.1:9000/',
    });
    const { tokens, directoryTokens } = tokenProvidersFor(config, { sourceCredentials: { getAccessToken: async () => 'runtime' } });
    const keyless = tokens as KeylessDwdTokenProvider;
    expect(keyless).toBeInstanceOf(KeylessDwdTokenProvider);
    expect(keyless.scope).toBe(GMAIL_SCOPE);
    expect((directoryTokens as KeylessDwdTokenProvider).scope).toBe(DIRECTORY_SCOPE);
    expect(keyless.tokenUrl).toBe('https://oauth2.googleapis.com/token');
    expect(keyless.iamCredentialsUrl).toBe('http://127.0.0.1:9000');
  });

  it('reads the quota settings, including cost overrides for the 2026 table', () => {
    const config = parseGmailEnv({
      STRATA_DWD_MODE: 'static',
      STRATA_STATIC_TOKEN: 't',
      STRATA_GMAIL_ROOT_URL: 'http://127.0.0.1:1',
      STRATA_GMAIL_QUOTA_UNITS_PER_MINUTE: '15000',
      STRATA_GMAIL_QUOTA_MAX_WAIT_MS: '0',
      STRATA_GMAIL_QUOTA_COSTS: '{"messages.get":20,"messages.trash":20}',
      STRATA_GMAIL_RETRY_MAX_ATTEMPTS: '7',
    });
    expect(config.quota).toEqual({ unitsPerMinute: 15_000, maxWaitMs: 0, costs: { 'messages.get': 20, 'messages.trash': 20 } });
    expect(config.retryMaxAttempts).toBe(7);
  });

  it('names every bad variable at once', () => {
    const error = configErrorOf(() =>
      parseGmailEnv({
        STRATA_DWD_MODE: 'keyless',
        STRATA_GMAIL_ROOT_URL: 'not a url',
        STRATA_TOKEN_URL: 'ftp://example.com/token',
        STRATA_GMAIL_QUOTA_UNITS_PER_MINUTE: 'lots',
        STRATA_GMAIL_QUOTA_COSTS: '{"messages.send":1}',
        STRATA_GMAIL_RETRY_MAX_ATTEMPTS: '99',
      }),
    );
    expect(error.context.variables).toEqual([
      'STRATA_GMAIL_ROOT_URL',
      'STRATA_TOKEN_URL',
      'STRATA_DWD_SERVICE_ACCOUNT',
      'STRATA_ADMIN_MAILBOX',
      'STRATA_GMAIL_QUOTA_UNITS_PER_MINUTE',
      'STRATA_GMAIL_QUOTA_COSTS',
      'STRATA_GMAIL_RETRY_MAX_ATTEMPTS',
    ]);
    expect(error.message).toMatch(/STRATA_DWD_SERVICE_ACCOUNT is required in keyless mode/);
    expect(error.message).toMatch(/messages\.send/);
  });

  it('requires a mode, and a root URL for static tokens so they are never sent to Google', () => {
    expect(configErrorOf(() => parseGmailEnv({})).message).toMatch(/STRATA_DWD_MODE is required/);
    expect(configErrorOf(() => parseGmailEnv({ STRATA_DWD_MODE: 'oauth' })).message).toMatch(/STRATA_DWD_MODE must be key, keyless or static/);
    const staticError = configErrorOf(() => parseGmailEnv({ STRATA_DWD_MODE: 'static', STRATA_STATIC_TOKEN: 't' }));
    expect(staticError.context.variables).toEqual(['STRATA_GMAIL_ROOT_URL']);
  });

  it('never echoes secrets in its errors', () => {
    const brokenKey = keyJson.replace('"client_email":"strata-key@demo.iam.gserviceaccount.com"', '"client_email":"nope"');
    const keyError = configErrorOf(() => parseGmailEnv({ STRATA_DWD_MODE: 'key', STRATA_DWD_KEY_JSON: brokenKey, STRATA_ADMIN_MAILBOX: 'admin@example.com' }));
    expect(keyError.message).toMatch(/STRATA_DWD_KEY_JSON is not a service-account key \(client_email invalid\)/);
    expect(keyError.message).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(keyError.context)).not.toContain('PRIVATE KEY');

    const unreadable = keyJson.replace(/MII[A-Za-z0-9+/]{20}/, 'MIIgarbage-garbage-garbage');
    const pemError = configErrorOf(() => parseGmailEnv({ STRATA_DWD_MODE: 'key', STRATA_DWD_KEY_JSON: unreadable, STRATA_ADMIN_MAILBOX: 'admin@example.com' }));
    expect(pemError.message).toMatch(/not a readable PEM private key/);
    expect(pemError.message).not.toContain('garbage');

    const notJson = configErrorOf(() => parseGmailEnv({ STRATA_DWD_MODE: 'key', STRATA_DWD_KEY_JSON: '{"private_key": "-----BEGIN', STRATA_ADMIN_MAILBOX: 'a@b.c' }));
    expect(notJson.message).toMatch(/STRATA_DWD_KEY_JSON is not valid JSON/);
    expect(notJson.message).not.toContain('BEGIN');
  });
});
