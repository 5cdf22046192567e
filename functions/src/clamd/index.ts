import { HttpClamdClient } from './http-client';
import { googleIdTokenProvider } from './id-token';
import { TcpClamdClient } from './tcp-client';
import type { ClamdClient } from './types';

export * from './errors';
export type { ClamdClient, ExchangeOptions, ScanVerdict } from './types';
export { parseScanReply } from './reply';
export { TcpClamdClient, instreamFrames, type TcpClamdOptions } from './tcp-client';
export { HttpClamdClient, type AuthorizationProvider, type HttpClamdOptions } from './http-client';
export { googleIdTokenProvider } from './id-token';

export type ClamdEndpoint =
  | { kind: 'tcp'; host: string; port: number }
  /** Strata's HTTP gateway; `auth: 'google-id-token'` for a Cloud Run service that requires IAM. */
  | { kind: 'http'; url: string; auth: 'none' | 'google-id-token' };

export interface ClamdClientOptions {
  endpoint: ClamdEndpoint;
  connectTimeoutMs: number;
  replyTimeoutMs: number;
}

/** The client for where the daemon is: clamd's own TCP port, or the HTTP gateway in front of it. */
export function createClamdClient(options: ClamdClientOptions): ClamdClient {
  const { endpoint, connectTimeoutMs, replyTimeoutMs } = options;
  if (endpoint.kind === 'tcp') return new TcpClamdClient({ host: endpoint.host, port: endpoint.port, connectTimeoutMs, replyTimeoutMs });
  const authorization = endpoint.auth === 'google-id-token' ? googleIdTokenProvider(new URL(endpoint.url).origin) : undefined;
  return new HttpClamdClient({ url: endpoint.url, connectTimeoutMs, replyTimeoutMs, authorization });
}
