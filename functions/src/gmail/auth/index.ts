export { CachedTokenProvider, DEFAULT_REFRESH_MARGIN_MS, type AccessTokenProvider, type IssuedToken, type TokenCacheOptions, type TokenIssuer } from './token-provider';
export { KeyFileDwdTokenProvider, parseServiceAccountKey, readServiceAccountKey, ServiceAccountKeySchema, type KeyFileDwdOptions, type ServiceAccountKey } from './key-file-dwd';
export {
  ApplicationDefaultCredentials,
  CLOUD_PLATFORM_SCOPE,
  IAM_CREDENTIALS_URL,
  KeylessDwdTokenProvider,
  type KeylessDwdOptions,
  type SourceCredentials,
} from './keyless-dwd';
export { StaticTokenProvider } from './static-token';
export { assertStrataScope, DIRECTORY_SCOPE, GMAIL_SCOPE, STRATA_SCOPES, type StrataScope } from './scopes';
export { GOOGLE_TOKEN_URL, JWT_BEARER_GRANT, type FetchLike } from './token-endpoint';
export { ASSERTION_LIFETIME_SECONDS, dwdClaims, signRs256Jwt, type DwdClaims } from './jwt';
