import { createServer, type Server, type Socket } from 'node:net';

/** What the fake daemon received in one connection. */
export interface FakeExchange {
  command: string;
  /** INSTREAM chunk lengths as framed by the client (the zero terminator excluded). */
  chunkLengths: number[];
  /** The reassembled INSTREAM payload. */
  payload: Buffer;
  /** True once the client sent the zero-length terminator. */
  terminated: boolean;
}

/** How the fake answers: a reply line (NUL added), or a misbehaviour. */
export type FakeBehaviour = string | { hang: true } | { close: true } | { replyEarlyAfterBytes: number; reply: string };

export interface FakeClamd {
  port: number;
  exchanges: FakeExchange[];
  /** Connections currently open (to check that aborted clients hang up). */
  openConnections(): number;
  close(): Promise<void>;
}

/**
 * A clamd stand-in that speaks the `z`-prefixed protocol, for protocol edge cases a real daemon
 * will not produce on demand (hangs, garbage, early close). `answer` decides per exchange.
 */
export async function startFakeClamd(answer: (exchange: FakeExchange) => FakeBehaviour): Promise<FakeClamd> {
  const exchanges: FakeExchange[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let exchange: FakeExchange | null = null;
    const payload: Buffer[] = [];
    let payloadBytes = 0;
    let answered = false;
    const respond = (behaviour: FakeBehaviour) => {
      answered = true;
      if (typeof behaviour === 'string') socket.end(`${behaviour}\0`);
      else if ('close' in behaviour) socket.destroy();
      else if ('reply' in behaviour) socket.end(`${behaviour.reply}\0`);
      // hang: say nothing, keep the connection
    };
    socket.on('data', (data: Buffer) => {
      if (answered) return;
      buffer = Buffer.concat([buffer, data]);
      if (!exchange) {
        const end = buffer.indexOf(0);
        if (end < 0) return;
        exchange = { command: buffer.subarray(1, end).toString(), chunkLengths: [], payload: Buffer.alloc(0), terminated: false };
        exchanges.push(exchange);
        buffer = buffer.subarray(end + 1);
        if (exchange.command !== 'INSTREAM') {
          respond(answer(exchange));
          return;
        }
      }
      const behaviour = answer(exchange);
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (length === 0) {
          exchange.terminated = true;
          exchange.payload = Buffer.concat(payload);
          respond(answer(exchange));
          return;
        }
        if (buffer.length < 4 + length) break;
        exchange.chunkLengths.push(length);
        payload.push(buffer.subarray(4, 4 + length));
        payloadBytes += length;
        buffer = buffer.subarray(4 + length);
        if (typeof behaviour === 'object' && 'replyEarlyAfterBytes' in behaviour && payloadBytes >= behaviour.replyEarlyAfterBytes) {
          exchange.payload = Buffer.concat(payload);
          respond(behaviour);
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    exchanges,
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
