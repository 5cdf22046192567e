export * from './types';
export * from './errors';
export * from './auth';
export { GoogleapisGmail, type AdapterMethod, type GmailAdapterStats, type GoogleapisGmailOptions } from './googleapis-gmail';
export {
  GMAIL_METHODS,
  LEGACY_QUOTA_COSTS,
  parseQuotaConfig,
  QuotaBudget,
  QuotaConfigSchema,
  REPORTED_2026_COST_OVERRIDES,
  type GmailMethod,
  type QuotaClock,
  type QuotaConfig,
  type QuotaConfigInput,
} from './quota';
export { describeFailure, HttpStatusError, isRetryableFailure, parseRetryAfter, RetryOptionsSchema, RetryPolicy, type RetryOptions, type RetrySettings } from './retry';
export { createGmailFromEnv, GMAIL_ENV, parseGmailEnv, tokenProvidersFor, type GmailAccessConfig, type GmailCredentials, type GmailRuntimeOverrides } from './from-env';
