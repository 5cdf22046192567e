import {
  ClamdAbortedError,
  ClamdProtocolError,
  ClamdReplyError,
  ClamdTimeoutError,
  ClamdUnavailableError,
  TcpClamdClient,
  instreamFrames,
} from '../../functions/src/clamd';
import { freePort } from '../../functions/src/dev/emulators';
import { startFakeClamd, type FakeBehaviour, type FakeClamd, type FakeExchange } from './fake-clamd';

let fake: FakeClamd | null = null;

/** Waits until the fake has seen every connection close (the server sees it a little after the client). */
async function allConnectionsClosed(server: FakeClamd): Promise<number> {
  const deadline = Date.now() + 5000;
  while (server.openConnections() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return server.openConnections();
}

afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function clientFor(answer: (exchange: FakeExchange) => FakeBehaviour, options: { chunkBytes?: number; replyTimeoutMs?: number } = {}): Promise<TcpClamdClient> {
  fake = await startFakeClamd(answer);
  return new TcpClamdClient({ host: '127.0.0.1', port: fake.port, connectTimeoutMs: 1000, replyTimeoutMs: options.replyTimeoutMs ?? 3000, chunkBytes: options.chunkBytes });
}

describe('instreamFrames', () => {
  it('frames bytes as big-endian length-prefixed chunks and ends with a zero length', () => {
    const frames = instreamFrames(Buffer.from('abcdefghij'), 4);
    expect(frames.map((frame) => frame.toString('hex'))).toEqual([
      '00000004',
      Buffer.from('abcd').toString('hex'),
      '00000004',
      Buffer.from('efgh').toString('hex'),
      '00000002',
      Buffer.from('ij').toString('hex'),
      '00000000',
    ]);
    expect(instreamFrames(new Uint8Array(0))).toEqual([Buffer.alloc(4)]);
  });

  it('frames a view on a larger buffer without reading outside it', () => {
    const backing = Buffer.from('XXhelloYY');
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 5);
    expect(Buffer.concat(instreamFrames(view, 3)).toString('latin1')).toBe('\0\0\0\x03hel\0\0\0\x02lo\0\0\0\0');
  });
});

describe('TcpClamdClient against a fake clamd', () => {
  it('streams the bytes in chunks, terminates, and reads OK as clean', async () => {
    const client = await clientFor(() => 'stream: OK', { chunkBytes: 1000 });
    const bytes = Buffer.alloc(2500, 7);
    await expect(client.scan(bytes)).resolves.toEqual({ infected: false });
    const [exchange] = fake!.exchanges;
    expect(exchange).toMatchObject({ command: 'INSTREAM', chunkLengths: [1000, 1000, 500], terminated: true });
    expect(exchange!.payload.equals(bytes)).toBe(true);
  });

  it('reads FOUND with the signature name', async () => {
    const client = await clientFor((exchange) => (exchange.payload.includes('MARKER') ? 'stream: Test.Marker FOUND' : 'stream: OK'));
    await expect(client.scan(Buffer.from('xx MARKER xx'))).resolves.toEqual({ infected: true, signature: 'Test.Marker' });
    await expect(client.scan(Buffer.from('nothing'))).resolves.toEqual({ infected: false });
  });

  it('scans an empty stream (just the terminator)', async () => {
    const client = await clientFor(() => 'stream: OK');
    await expect(client.scan(new Uint8Array(0))).resolves.toEqual({ infected: false });
    expect(fake!.exchanges[0]).toMatchObject({ chunkLengths: [], terminated: true });
  });

  it('throws ClamdReplyError on an ERROR reply', async () => {
    const client = await clientFor(() => 'stream: Access denied ERROR');
    await expect(client.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ClamdReplyError);
  });

  it('reports the size limit when clamd answers and hangs up while the client is still sending', async () => {
    const client = await clientFor(() => ({ replyEarlyAfterBytes: 64 * 1024, reply: 'INSTREAM size limit exceeded. ERROR' }));
    const error = await client.scan(Buffer.alloc(8 * 1024 * 1024, 1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClamdReplyError);
    expect((error as ClamdReplyError).sizeLimitExceeded).toBe(true);
  });

  it('throws ClamdUnavailableError when nothing listens', async () => {
    const port = await freePort();
    const client = new TcpClamdClient({ host: '127.0.0.1', port, connectTimeoutMs: 1000, replyTimeoutMs: 2000 });
    const error = await client.scan(Buffer.from('x')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClamdUnavailableError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    await expect(client.ping()).rejects.toBeInstanceOf(ClamdUnavailableError);
  });

  it('throws ClamdUnavailableError when the connection is not accepted in time', async () => {
    // TEST-NET-1 is never routed: the connect either times out or fails at once; both mean unavailable.
    const client = new TcpClamdClient({ host: '192.0.2.1', port: 3310, connectTimeoutMs: 200, replyTimeoutMs: 2000 });
    const started = Date.now();
    await expect(client.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ClamdUnavailableError);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('throws ClamdTimeoutError when clamd accepts but never answers, and hangs up', async () => {
    const client = await clientFor(() => ({ hang: true }), { replyTimeoutMs: 300 });
    await expect(client.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ClamdTimeoutError);
    expect(await allConnectionsClosed(fake!)).toBe(0);
  });

  it('throws ClamdProtocolError when clamd closes without a reply or answers nonsense', async () => {
    const closing = await clientFor(() => ({ close: true }));
    await expect(closing.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ClamdProtocolError);
    await fake!.close();
    const garbage = await clientFor(() => 'hello there');
    await expect(garbage.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ClamdProtocolError);
  });

  it('stops at once on abort, hangs up, and rejects with ClamdAbortedError', async () => {
    const client = await clientFor(() => ({ hang: true }), { replyTimeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = client.scan(Buffer.from('x'), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(ClamdAbortedError);
    expect(await allConnectionsClosed(fake!)).toBe(0);
    await expect(client.scan(Buffer.from('x'), { signal: controller.signal })).rejects.toBeInstanceOf(ClamdAbortedError);
  });

  it('pings, reads the version and asks for a reload', async () => {
    const client = await clientFor((exchange) => ({ PING: 'PONG', VERSION: 'ClamAV 1.4.6/27500/Tue Jan  6 08:00:00 2026', RELOAD: 'RELOADING' })[exchange.command] ?? 'UNKNOWN COMMAND');
    await expect(client.ping()).resolves.toBeUndefined();
    await expect(client.version()).resolves.toBe('ClamAV 1.4.6/27500/Tue Jan  6 08:00:00 2026');
    await expect(client.reload()).resolves.toBeUndefined();
    expect(fake!.exchanges.map((exchange) => exchange.command)).toEqual(['PING', 'VERSION', 'RELOAD']);
  });

  it('rejects a ping answered with anything but PONG', async () => {
    const client = await clientFor(() => 'PANG');
    await expect(client.ping()).rejects.toBeInstanceOf(ClamdProtocolError);
  });
});
