import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  ClamdAbortedError,
  ClamdProtocolError,
  ClamdReplyError,
  ClamdTimeoutError,
  ClamdUnavailableError,
  HttpClamdClient,
  googleIdTokenProvider,
} from '../../functions/src/clamd';
import { freePort } from '../../functions/src/dev/emulators';
import { startFakeClamd, type FakeClamd } from './fake-clamd';
import { startGateway, type GatewayProcess } from './gateway-process';

describe('HttpClamdClient through the real gateway script and a fake clamd', () => {
  let fake: FakeClamd;
  let gateway: GatewayProcess;
  let client: HttpClamdClient;

  beforeAll(async () => {
    fake = await startFakeClamd((exchange) => {
      if (exchange.command === 'PING') return 'PONG';
      if (exchange.command === 'VERSION') return 'ClamAV 1.4.6/27500/Tue Jan  6 08:00:00 2026';
      if (exchange.command === 'RELOAD') return 'RELOADING';
      if (exchange.payload.includes('MARKER')) return 'stream: Test.Marker FOUND';
      if (exchange.payload.includes('BROKEN')) return 'stream: Can\'t allocate memory ERROR';
      if (exchange.payload.includes('HANG')) return { hang: true };
      return 'stream: OK';
    });
    gateway = await startGateway(fake.port, { MAX_STREAM_BYTES: String(1024 * 1024), CLAMD_TIMEOUT_MS: '500' });
    client = new HttpClamdClient({ url: gateway.url, connectTimeoutMs: 1000, replyTimeoutMs: 5000 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await fake?.close();
  });

  it('relays a scan: clean and detected, with the bytes streamed into INSTREAM intact', async () => {
    const bytes = Buffer.alloc(300 * 1024, 3);
    bytes.write('MARKER', 200 * 1024);
    await expect(client.scan(bytes)).resolves.toEqual({ infected: true, signature: 'Test.Marker' });
    const exchange = fake.exchanges.at(-1)!;
    expect(exchange.terminated).toBe(true);
    expect(exchange.payload.equals(bytes)).toBe(true);
    expect(Math.max(...exchange.chunkLengths)).toBeLessThanOrEqual(64 * 1024);
    await expect(client.scan(Buffer.from('plain words'))).resolves.toEqual({ infected: false });
  });

  it('turns an oversize body into the size-limit reply error (413), without asking clamd', async () => {
    const before = fake.exchanges.length;
    const error = await client.scan(Buffer.alloc(2 * 1024 * 1024)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClamdReplyError);
    expect((error as ClamdReplyError).sizeLimitExceeded).toBe(true);
    expect(fake.exchanges.length).toBe(before);
  });

  it('turns a clamd ERROR reply into ClamdReplyError (422) and a slow clamd into ClamdTimeoutError (504)', async () => {
    await expect(client.scan(Buffer.from('BROKEN'))).rejects.toBeInstanceOf(ClamdReplyError);
    await expect(client.scan(Buffer.from('HANG'))).rejects.toBeInstanceOf(ClamdTimeoutError);
  });

  it('pings, reads the version and relays a reload', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
    await expect(client.version()).resolves.toBe('ClamAV 1.4.6/27500/Tue Jan  6 08:00:00 2026');
    await expect(client.reload()).resolves.toBeUndefined();
  });

  it('reports clamd missing behind a running gateway as unavailable (503)', async () => {
    const port = await freePort();
    const orphan = await startGateway(port);
    try {
      const orphanClient = new HttpClamdClient({ url: orphan.url, connectTimeoutMs: 1000, replyTimeoutMs: 5000 });
      await expect(orphanClient.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ClamdUnavailableError);
      await expect(orphanClient.ping()).rejects.toBeInstanceOf(ClamdUnavailableError);
    } finally {
      await orphan.stop();
    }
  });
});

describe('HttpClamdClient edge cases against a plain HTTP server', () => {
  let server: Server | null = null;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  async function serve(handler: (request: IncomingMessage, body: Buffer) => { status: number; body: string } | null): Promise<string> {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const answer = handler(request, Buffer.concat(chunks));
        if (answer) response.writeHead(answer.status).end(answer.body);
      });
    });
    server.keepAliveTimeout = 100;
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  it('sends the Authorization header from the provider and POSTs to <url>/scan', async () => {
    const seen: string[] = [];
    const url = await serve((request) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      return { status: 200, body: 'stream: OK\n' };
    });
    const client = new HttpClamdClient({ url: `${url}/base`, connectTimeoutMs: 1000, replyTimeoutMs: 2000, authorization: async () => 'Bearer token-1' });
    await expect(client.scan(Buffer.from('x'))).resolves.toEqual({ infected: false });
    expect(seen).toEqual(['POST /base/scan Bearer token-1']);
  });

  it('maps Cloud Run and gateway statuses to the error kinds', async () => {
    const statuses = [429, 503, 504, 403, 404, 500];
    let index = 0;
    const url = await serve(() => ({ status: statuses[index++] ?? 500, body: 'nope' }));
    const client = new HttpClamdClient({ url, connectTimeoutMs: 1000, replyTimeoutMs: 2000 });
    const kinds = [];
    for (let i = 0; i < statuses.length; i++) kinds.push(((await client.scan(Buffer.from('x')).catch((error: unknown) => error)) as Error).constructor.name);
    expect(kinds).toEqual(['ClamdUnavailableError', 'ClamdUnavailableError', 'ClamdTimeoutError', 'ClamdProtocolError', 'ClamdProtocolError', 'ClamdProtocolError']);
  });

  it('is unavailable when nothing listens or credentials cannot be had', async () => {
    const port = await freePort();
    const nobody = new HttpClamdClient({ url: `http://127.0.0.1:${port}`, connectTimeoutMs: 1000, replyTimeoutMs: 2000 });
    await expect(nobody.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ClamdUnavailableError);
    const url = await serve(() => ({ status: 200, body: 'stream: OK' }));
    const noCredentials = new HttpClamdClient({
      url,
      connectTimeoutMs: 1000,
      replyTimeoutMs: 2000,
      authorization: async () => {
        throw new Error('metadata server not reachable');
      },
    });
    await expect(noCredentials.scan(Buffer.from('x'))).rejects.toThrow(/no credentials.*metadata server not reachable/);
  });

  it('times out a gateway that never answers, and aborts on the signal', async () => {
    const url = await serve(() => null);
    const client = new HttpClamdClient({ url, connectTimeoutMs: 1000, replyTimeoutMs: 300 });
    await expect(client.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ClamdTimeoutError);
    const patient = new HttpClamdClient({ url, connectTimeoutMs: 1000, replyTimeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = patient.scan(Buffer.from('x'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(ClamdAbortedError);
    server?.closeAllConnections();
  });

  it('refuses a reply it cannot read as a verdict', async () => {
    const url = await serve(() => ({ status: 200, body: '<html>login</html>' }));
    const client = new HttpClamdClient({ url, connectTimeoutMs: 1000, replyTimeoutMs: 2000 });
    await expect(client.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ClamdProtocolError);
  });
});

describe('googleIdTokenProvider', () => {
  it('asks the metadata server for an ID token with the audience, caches it and shares one fetch', async () => {
    const calls: string[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push(`${url} ${(init.headers as Record<string, string>)['Metadata-Flavor']}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return new Response('eyJ.token.sig\n', { status: 200 });
    }) as unknown as typeof fetch;
    const provider = googleIdTokenProvider('https://strata-clamd-abc.a.run.app', fakeFetch);
    const [first, second] = await Promise.all([provider(), provider()]);
    expect(first).toBe('Bearer eyJ.token.sig');
    expect(second).toBe(first);
    await expect(provider()).resolves.toBe(first);
    expect(calls).toEqual([
      'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity?audience=https%3A%2F%2Fstrata-clamd-abc.a.run.app&format=full Google',
    ]);
  });

  it('fails on a metadata error and tries again next time', async () => {
    let attempt = 0;
    const fakeFetch = (async () => (++attempt === 1 ? new Response('no', { status: 404 }) : new Response('tok', { status: 200 }))) as unknown as typeof fetch;
    const provider = googleIdTokenProvider('https://x.run.app', fakeFetch);
    await expect(provider()).rejects.toThrow(/HTTP 404/);
    await expect(provider()).resolves.toBe('Bearer tok');
  });
});
