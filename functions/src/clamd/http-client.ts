import http from 'node:http';
import https from 'node:https';
import { ClamdAbortedError, ClamdProtocolError, ClamdReplyError, ClamdTimeoutError, ClamdUnavailableError } from './errors';
import { cleanReply, parseScanReply } from './reply';
import type { ClamdClient, ExchangeOptions, ScanVerdict } from './types';

/** Supplies the Authorization header for a request, or undefined for none. */
export type AuthorizationProvider = (signal?: AbortSignal) => Promise<string | undefined>;

export interface HttpClamdOptions {
  /** Base URL of Strata's clamd gateway (infra/clamav/gateway.js), e.g. the Cloud Run service URL. */
  url: string;
  /** Time to establish the connection; past it the daemon counts as unavailable. */
  connectTimeoutMs: number;
  /** Time for a whole request: connect, upload, scan, reply. */
  replyTimeoutMs: number;
  authorization?: AuthorizationProvider;
}

/** The gateway's replies are one clamd line or a short error text. */
const MAX_RESPONSE_BYTES = 8192;

interface GatewayResponse {
  status: number;
  body: string;
}

/**
 * clamd through Strata's HTTP gateway, for a daemon that only HTTP can reach (Cloud Run).
 * The gateway relays clamd's own reply lines, so verdicts are read by the same parser as the
 * TCP client's. Status codes the gateway (or Cloud Run in front of it) uses:
 * 200 reply line, 413 stream too large, 422 clamd error reply, 502 broken exchange with clamd,
 * 503 clamd not running (or no instance), 504 clamd too slow.
 */
export class HttpClamdClient implements ClamdClient {
  readonly endpoint: string;
  private readonly base: URL;
  private readonly agent: http.Agent;

  constructor(private readonly options: HttpClamdOptions) {
    this.base = new URL(options.url);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new TypeError(`clamd gateway URL must be http(s), got ${options.url}`);
    }
    this.endpoint = this.base.origin + this.base.pathname.replace(/\/$/, '');
    this.agent = this.base.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  async ping(options: ExchangeOptions = {}): Promise<void> {
    const reply = this.expectOk(await this.request('GET', 'ping', undefined, options), 'ping');
    if (reply !== 'PONG') throw new ClamdProtocolError(`clamd gateway ${this.endpoint} answered ping with ${JSON.stringify(reply.slice(0, 100))}`);
  }

  async version(options: ExchangeOptions = {}): Promise<string> {
    return this.expectOk(await this.request('GET', 'version', undefined, options), 'version');
  }

  async reload(options: ExchangeOptions = {}): Promise<void> {
    const reply = this.expectOk(await this.request('POST', 'reload', undefined, options), 'reload');
    if (reply !== 'RELOADING') throw new ClamdProtocolError(`clamd gateway ${this.endpoint} answered reload with ${JSON.stringify(reply.slice(0, 100))}`);
  }

  async scan(bytes: Uint8Array, options: ExchangeOptions = {}): Promise<ScanVerdict> {
    return parseScanReply(this.expectOk(await this.request('POST', 'scan', bytes, options), 'scan'));
  }

  private expectOk(response: GatewayResponse, what: string): string {
    const { status, body } = response;
    const context = { endpoint: this.endpoint, request: what, status };
    const text = cleanReply(body).slice(0, 300);
    if (status === 200) return cleanReply(body);
    if (status === 413) throw new ClamdReplyError(text.includes('size limit') ? text : 'INSTREAM size limit exceeded. ERROR', context);
    if (status === 422) throw new ClamdReplyError(text || 'ERROR', context);
    if (status === 503 || status === 429) throw new ClamdUnavailableError(`clamd gateway ${this.endpoint} has no daemon to offer (HTTP ${status}): ${text}`, context);
    if (status === 504) throw new ClamdTimeoutError(`clamd gateway ${this.endpoint} timed out (HTTP 504): ${text}`, context);
    throw new ClamdProtocolError(`clamd gateway ${this.endpoint} answered ${what} with HTTP ${status}: ${text}`, context);
  }

  private async request(method: 'GET' | 'POST', path: string, body: Uint8Array | undefined, options: ExchangeOptions): Promise<GatewayResponse> {
    const { connectTimeoutMs, replyTimeoutMs } = this.options;
    const context = { endpoint: this.endpoint, request: path };
    if (options.signal?.aborted) throw new ClamdAbortedError(context);
    let authorization: string | undefined;
    try {
      authorization = await this.options.authorization?.(options.signal);
    } catch (cause) {
      if (options.signal?.aborted) throw new ClamdAbortedError(context);
      throw new ClamdUnavailableError(`no credentials for clamd gateway ${this.endpoint}: ${(cause as Error).message}`, context, { cause });
    }
    const url = new URL(path, this.base.href.endsWith('/') ? this.base : `${this.base.href}/`);
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { accept: 'text/plain' };
    if (authorization) headers.authorization = authorization;
    if (body) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = body.length;
    }

    return new Promise<GatewayResponse>((resolve, reject) => {
      let connected = false;
      let settled = false;
      const settle = (error: Error | null, response?: GatewayResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(exchangeTimer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) {
          request.destroy();
          reject(error);
        } else resolve(response as GatewayResponse);
      };
      const unavailable = (reason: string, cause?: Error) =>
        new ClamdUnavailableError(`clamd gateway ${this.endpoint} is not reachable: ${reason}`, context, { cause });
      const onAbort = () => settle(new ClamdAbortedError(context));
      const connectTimer = setTimeout(() => settle(unavailable(`no connection within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      const exchangeTimer = setTimeout(
        () =>
          settle(
            connected
              ? new ClamdTimeoutError(`clamd gateway ${this.endpoint} did not answer ${path} within ${replyTimeoutMs} ms`, context)
              : unavailable(`no connection within ${replyTimeoutMs} ms`),
          ),
        replyTimeoutMs,
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });

      const request = transport.request(url, { method, headers, agent: this.agent });
      const markConnected = () => {
        connected = true;
        clearTimeout(connectTimer);
      };
      request.on('socket', (socket) => {
        if (socket.connecting) socket.once('connect', markConnected);
        else markConnected(); // a kept-alive socket
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        settle(connected ? new ClamdProtocolError(`clamd gateway ${this.endpoint} failed during ${path}: ${error.message}`, context, { cause: error }) : unavailable(error.code ?? error.message, error));
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        response.on('end', () => settle(null, { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => settle(new ClamdProtocolError(`clamd gateway ${this.endpoint} broke off its answer to ${path}: ${error.message}`, context, { cause: error })));
      });
      request.end(body ? Buffer.from(body.buffer, body.byteOffset, body.length) : undefined);
    });
  }
}
