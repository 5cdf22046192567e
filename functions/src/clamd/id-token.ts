import type { AuthorizationProvider } from './http-client';

const METADATA_IDENTITY_URL = 'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity';
/** Google ID tokens live one hour; renew well before. */
const TOKEN_LIFETIME_MS = 50 * 60 * 1000;
const METADATA_TIMEOUT_MS = 3000;

/**
 * Bearer ID tokens for a Cloud Run service that requires IAM (roles/run.invoker), fetched from
 * the metadata server of the function's own runtime identity, with the service URL as audience.
 * Cached for 50 minutes; concurrent callers share one fetch.
 */
export function googleIdTokenProvider(audience: string, fetchImpl: typeof fetch = fetch): AuthorizationProvider {
  let cached: { value: string; expiresAt: number } | null = null;
  let inflight: Promise<string> | null = null;
  return async () => {
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    inflight ??= (async () => {
      try {
        const url = `${METADATA_IDENTITY_URL}?audience=${encodeURIComponent(audience)}&format=full`;
        const response = await fetchImpl(url, { headers: { 'Metadata-Flavor': 'Google' }, signal: AbortSignal.timeout(METADATA_TIMEOUT_MS) });
        if (!response.ok) throw new Error(`metadata server answered HTTP ${response.status}`);
        const token = (await response.text()).trim();
        if (!token) throw new Error('metadata server returned an empty identity token');
        cached = { value: `Bearer ${token}`, expiresAt: Date.now() + TOKEN_LIFETIME_MS };
        return cached.value;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  };
}
