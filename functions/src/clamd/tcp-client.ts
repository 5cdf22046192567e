import { connect } from 'node:net';
import { ClamdAbortedError, ClamdProtocolError, ClamdTimeoutError, ClamdUnavailableError } from './errors';
import { cleanReply, parseScanReply } from './reply';
import type { ClamdClient, ExchangeOptions, ScanVerdict } from './types';

export interface TcpClamdOptions {
  host: string;
  port: number;
  /** Time to establish the connection; past it the daemon counts as unavailable. */
  connectTimeoutMs: number;
  /** Time for a whole exchange: connect, send, reply. */
  replyTimeoutMs: number;
  /** Payload bytes per INSTREAM chunk. */
  chunkBytes?: number;
}

/** clamd's replies are one short line; anything longer is not clamd. */
const MAX_REPLY_BYTES = 4096;
const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * The INSTREAM body: `[u32 big-endian length][bytes]` chunks and a zero-length terminator.
 * The chunks are views on the caller's bytes, not copies.
 */
export function instreamFrames(bytes: Uint8Array, chunkBytes = DEFAULT_CHUNK_BYTES): Buffer[] {
  const frames: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    const length = Math.min(chunkBytes, bytes.length - offset);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(length);
    frames.push(header, Buffer.from(bytes.buffer, bytes.byteOffset + offset, length));
  }
  frames.push(Buffer.alloc(4));
  return frames;
}

/**
 * clamd's native protocol over TCP, one connection per call, `z`-prefixed (NUL-terminated)
 * commands. No dependency beyond node:net.
 */
export class TcpClamdClient implements ClamdClient {
  readonly endpoint: string;

  constructor(private readonly options: TcpClamdOptions) {
    this.endpoint = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  }

  async ping(options: ExchangeOptions = {}): Promise<void> {
    const reply = await this.exchange('PING', [], options);
    if (reply !== 'PONG') throw new ClamdProtocolError(`clamd at ${this.endpoint} answered PING with ${JSON.stringify(reply.slice(0, 100))}`);
  }

  async version(options: ExchangeOptions = {}): Promise<string> {
    return this.exchange('VERSION', [], options);
  }

  async reload(options: ExchangeOptions = {}): Promise<void> {
    const reply = await this.exchange('RELOAD', [], options);
    if (reply !== 'RELOADING') throw new ClamdProtocolError(`clamd at ${this.endpoint} answered RELOAD with ${JSON.stringify(reply.slice(0, 100))}`);
  }

  async scan(bytes: Uint8Array, options: ExchangeOptions = {}): Promise<ScanVerdict> {
    const reply = await this.exchange('INSTREAM', instreamFrames(bytes, this.options.chunkBytes), options, { bytes: bytes.length });
    return parseScanReply(reply);
  }

  private exchange(command: string, frames: readonly Buffer[], options: ExchangeOptions, extra: Record<string, unknown> = {}): Promise<string> {
    const { host, port, connectTimeoutMs, replyTimeoutMs } = this.options;
    const where = `clamd at ${this.endpoint}`;
    const context = { endpoint: this.endpoint, command, ...extra };
    return new Promise<string>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new ClamdAbortedError(context));
        return;
      }
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      const received: Buffer[] = [];
      let receivedBytes = 0;
      let connected = false;
      let settled = false;

      const settle = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(exchangeTimer);
        options.signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        if (error) reject(error);
        else resolve(cleanReply(Buffer.concat(received, receivedBytes).toString('utf8')));
      };
      // A connection that ends after some reply bytes ends the reply; one that ends before any is broken.
      const closedEarly = (cause?: Error) =>
        receivedBytes > 0
          ? settle(null)
          : settle(new ClamdProtocolError(`${where} closed the connection during ${command} without a reply`, context, { cause }));
      const onAbort = () => settle(new ClamdAbortedError(context));
      options.signal?.addEventListener('abort', onAbort, { once: true });

      const unavailable = (reason: string, cause?: Error) =>
        new ClamdUnavailableError(`${where} is not reachable: ${reason}`, context, { cause });
      const connectTimer = setTimeout(() => settle(unavailable(`no connection within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      const exchangeTimer = setTimeout(
        () =>
          settle(
            connected
              ? new ClamdTimeoutError(`${where} did not answer ${command} within ${replyTimeoutMs} ms`, context)
              : unavailable(`no connection within ${replyTimeoutMs} ms`),
          ),
        replyTimeoutMs,
      );

      socket.once('connect', () => {
        connected = true;
        clearTimeout(connectTimer);
        // Everything is queued at once: the frames are views on bytes already in memory. Corked,
        // they leave in one writev: on a no-delay socket each write is otherwise a system call and
        // a TCP segment of its own, which on loopback costs more than the bytes themselves.
        socket.cork();
        socket.write(`z${command}\0`);
        for (const frame of frames) socket.write(frame);
        socket.uncork();
      });
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        receivedBytes += chunk.length;
        if (chunk.includes(0)) settle(null);
        else if (receivedBytes > MAX_REPLY_BYTES) settle(new ClamdProtocolError(`${where} sent more than ${MAX_REPLY_BYTES} bytes without ending its reply`, context));
      });
      socket.on('end', () => closedEarly());
      socket.on('close', () => closedEarly());
      socket.on('error', (error: NodeJS.ErrnoException) => {
        // Before the connection exists, every failure means nobody is serving there.
        if (!connected) settle(unavailable(error.code ?? error.message, error));
        // clamd closes early after an error reply (e.g. size limit) while we may still be writing.
        else closedEarly(error);
      });
    });
  }
}
