import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CachedTokenProvider, type AccessTokenProvider } from '../../functions/src/gmail/auth/token-provider';
import { GmailApiError, HistoryGoneError, QuotaBudgetExceededError, TokenError } from '../../functions/src/gmail/errors';
import { GoogleapisGmail, type GoogleapisGmailOptions } from '../../functions/src/gmail/googleapis-gmail';
import { QuotaBudget } from '../../functions/src/gmail/quota';

/**
 * The adapter's own behaviour (error mapping, retries, counting, headers) against a scripted
 * loopback server; the Gmail semantics themselves are covered against the stand-in in
 * test/integration/gmail-adapter.test.ts.
 */

interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

type Reply = (request: SeenRequest, response: ServerResponse) => void;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}

function googleError(status: number, reason: string, headers: Record<string, string> = {}): Reply {
  return json(status, { error: { code: status, message: reason, errors: [{ reason, domain: 'global', message: reason }] } }, headers);
}

const resetConnection: Reply = (_request, response) => {
  response.socket?.destroy();
};

class ScriptedServer {
  readonly seen: SeenRequest[] = [];
  private readonly replies: Reply[] = [];
  private server: Server | undefined;
  url = '';

  /** Queues replies, answered in order; when the queue is empty, `fallback` answers. */
  reply(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  fallback: Reply = json(200, {});

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://local');
    const seen: SeenRequest = {
      method: request.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      authorization: request.headers.authorization,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    this.seen.push(seen);
    (this.replies.shift() ?? this.fallback)(seen, response);
  }
}

/** Tokens that name their mailbox, so the test can see which token went where. */
const namedTokens: AccessTokenProvider = { getToken: async (mailbox) => `token-for-${mailbox}` };

describe('GoogleapisGmail against a scripted server', () => {
  const server = new ScriptedServer();
  let sleeps: number[];

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.seen.length = 0;
    server.fallback = json(200, {});
    sleeps = [];
  });

  function adapter(overrides: Partial<GoogleapisGmailOptions> = {}): GoogleapisGmail {
    return new GoogleapisGmail({
      rootUrl: server.url,
      tokens: namedTokens,
      directoryTokens: { getToken: async (mailbox) => `directory-token-for-${mailbox}` },
      adminMailbox: 'admin@example.com',
      quota: new QuotaBudget(),
      retry: {
        maxAttempts: 4,
        random: () => 0.5,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      },
      fetchImplementation: fetch,
      ...overrides,
    });
  }

  it("sends each mailbox's own token, acts on that mailbox's path, and disables gaxios' retries", async () => {
    server.reply(json(200, { emailAddress: 'ann@example.com', historyId: '42', messagesTotal: 3 }));
    const gmail = adapter();
    await expect(gmail.getProfile('ann@example.com')).resolves.toEqual({ emailAddress: 'ann@example.com', historyId: '42', messagesTotal: 3 });
    server.reply(json(503, {}));
    await expect(gmail.getProfile('bob@example.com')).resolves.toBeDefined();
    expect(server.seen.map((request) => [request.path, request.authorization])).toEqual([
      ['/gmail/v1/users/ann%40example.com/profile', 'Bearer token-for-ann@example.com'],
      ['/gmail/v1/users/bob%40example.com/profile', 'Bearer token-for-bob@example.com'],
      ['/gmail/v1/users/bob%40example.com/profile', 'Bearer token-for-bob@example.com'],
    ]);
    // Exactly one retry, ours (with our sleep), not an extra round from gaxios.
    expect(sleeps).toHaveLength(1);
  });

  it("uses Node's fetch when none is given, so it also works inside Jest", async () => {
    server.reply(json(200, { emailAddress: 'ann@example.com', historyId: '1', messagesTotal: 0 }));
    await expect(adapter({ fetchImplementation: undefined }).getProfile('ann@example.com')).resolves.toMatchObject({ historyId: '1' });
  });

  it('decodes the base64url raw message into the exact bytes', async () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xfe, 0x3e, 0x3f, 0x00, 0x0d, 0x0a, ...Buffer.from('Subject: hi\r\n\r\nbody')]);
    server.reply(
      json(200, {
        id: 'm1',
        threadId: 't1',
        labelIds: ['INBOX', 'UNREAD'],
        historyId: '77',
        internalDate: '1767225600000',
        sizeEstimate: bytes.length,
        raw: bytes.toString('base64url'),
      }),
    );
    const message = await adapter().getRawMessage('ann@example.com', 'm1');
    expect(message.raw.equals(bytes)).toBe(true);
    expect(message).toMatchObject({ id: 'm1', threadId: 't1', labelIds: ['INBOX', 'UNREAD'], historyId: '77', internalDate: 1767225600000 });
    expect(server.seen[0]!.query.get('format')).toBe('raw');
  });

  it('maps history.list 404 to HistoryGoneError without retrying', async () => {
    server.reply(googleError(404, 'notFound'));
    const failure = adapter().listHistory('ann@example.com', { startHistoryId: '5' });
    await expect(failure).rejects.toBeInstanceOf(HistoryGoneError);
    await expect(failure).rejects.toMatchObject({ status: 404, method: 'history.list', mailbox: 'ann@example.com', startHistoryId: '5' });
    expect(server.seen).toHaveLength(1);
  });

  it('maps other failures to GmailApiError with status, reason, method, mailbox and attempts; 4xx are not retried', async () => {
    server.reply(googleError(400, 'failedPrecondition'));
    const failure = adapter().modifyMessage('ann@example.com', 'm1', { addLabelIds: ['X'] });
    await expect(failure).rejects.toBeInstanceOf(GmailApiError);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      reason: 'failedPrecondition',
      method: 'messages.modify',
      mailbox: 'ann@example.com',
      attempts: 1,
    });
    expect(server.seen).toHaveLength(1);
  });

  it('retries 429, 403 userRateLimitExceeded, 5xx and connection resets, honouring Retry-After', async () => {
    server.reply(
      googleError(429, 'rateLimitExceeded', { 'retry-after': '7' }),
      googleError(403, 'userRateLimitExceeded'),
      resetConnection,
      json(200, { labelIds: ['TRASH'] }),
    );
    const gmail = adapter();
    await expect(gmail.trashMessage('ann@example.com', 'm1')).resolves.toEqual({ labelIds: ['TRASH'] });
    expect(server.seen).toHaveLength(4);
    expect(sleeps[0]).toBe(7_000);
    expect(sleeps.slice(1)).toEqual([1_000, 2_000]);
    expect(gmail.stats().calls['messages.trash']).toBe(4);
    expect(gmail.stats().retries['messages.trash']).toBe(3);
    // Each attempt is a request Gmail charges for.
    expect(gmail.stats().units['ann@example.com']).toBe(20);
  });

  it('gives up after maxAttempts with the last status', async () => {
    server.fallback = googleError(503, 'backendError');
    const failure = adapter().listLabels('ann@example.com');
    await expect(failure).rejects.toMatchObject({ status: 503, reason: 'backendError', attempts: 4 });
    expect(server.seen).toHaveLength(4);
  });

  it('reports a connection that keeps failing as status 0 with the network code', async () => {
    server.fallback = resetConnection;
    const failure = adapter({ retry: { maxAttempts: 2, sleep: async () => undefined } }).stop('ann@example.com');
    await expect(failure).rejects.toMatchObject({ status: 0, method: 'stop', attempts: 2 });
    await expect(failure).rejects.toThrow(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('does not call Gmail when the quota budget is spent, and says when to come back', async () => {
    const quota = new QuotaBudget({ unitsPerMinute: 100, maxWaitMs: 0 });
    const gmail = adapter({ quota });
    await gmail.watch('ann@example.com', { topicName: 'projects/p/topics/t' });
    const failure = gmail.listHistory('ann@example.com', { startHistoryId: '1' });
    await expect(failure).rejects.toBeInstanceOf(QuotaBudgetExceededError);
    await expect(failure).rejects.toMatchObject({ method: 'history.list', retryAfterMs: expect.any(Number) });
    expect(server.seen).toHaveLength(1);
    // Another mailbox has its own budget.
    await expect(gmail.getProfile('bob@example.com')).resolves.toBeDefined();
  });

  it('drops a token Gmail refuses with 401 and retries once with a newly issued one', async () => {
    let issued = 0;
    const tokens = new CachedTokenProvider(async (mailbox) => ({ accessToken: `${mailbox}-v${(issued += 1)}`, expiresAt: Date.now() + 3_600_000 }));
    const gmail = adapter({ tokens });
    server.reply(json(200, { emailAddress: 'ann@example.com', historyId: '1', messagesTotal: 0 }));
    await gmail.getProfile('ann@example.com');
    server.reply(googleError(401, 'authError'), json(200, { emailAddress: 'ann@example.com', historyId: '2', messagesTotal: 0 }));

    await expect(gmail.getProfile('ann@example.com')).resolves.toMatchObject({ historyId: '2' });

    expect(server.seen.map((request) => request.authorization)).toEqual([
      'Bearer ann@example.com-v1',
      'Bearer ann@example.com-v1',
      'Bearer ann@example.com-v2',
    ]);
    expect(sleeps).toEqual([]);
  });

  it('gives up on a second 401 in a row: the new token is refused too (delegation revoked)', async () => {
    let issued = 0;
    const tokens = new CachedTokenProvider(async (mailbox) => ({ accessToken: `${mailbox}-v${(issued += 1)}`, expiresAt: Date.now() + 3_600_000 }));
    server.reply(googleError(401, 'authError'), googleError(401, 'authError'));

    const failure = adapter({ tokens }).getProfile('ann@example.com');

    await expect(failure).rejects.toBeInstanceOf(GmailApiError);
    await expect(failure).rejects.toMatchObject({ status: 401, attempts: 2 });
    expect(issued).toBe(2);
  });

  it('lets token failures through as they are, without calling Gmail', async () => {
    const failing: AccessTokenProvider = {
      getToken: async (mailbox) => {
        throw new TokenError('delegation missing', mailbox);
      },
    };
    await expect(adapter({ tokens: failing }).getProfile('ann@example.com')).rejects.toBeInstanceOf(TokenError);
    expect(server.seen).toHaveLength(0);
  });

  it('lists Directory users with the directory token of the admin, defaulting to my_customer', async () => {
    server.reply(
      json(200, {
        users: [
          { primaryEmail: 'ann@example.com', suspended: false },
          { primaryEmail: 'old@example.com', suspended: true, archived: true },
        ],
        nextPageToken: 'p2',
      }),
    );
    const gmail = adapter();
    await expect(gmail.listUsers({ maxResults: 500 })).resolves.toEqual({
      users: [
        { primaryEmail: 'ann@example.com', suspended: false },
        { primaryEmail: 'old@example.com', suspended: true, archived: true },
      ],
      nextPageToken: 'p2',
    });
    const [request] = server.seen;
    expect(request!.path).toBe('/admin/directory/v1/users');
    expect(request!.query.get('customer')).toBe('my_customer');
    expect(request!.authorization).toBe('Bearer directory-token-for-admin@example.com');
    // Directory calls do not spend the admin's Gmail units.
    expect(gmail.stats()).toEqual({ calls: { 'directory.users.list': 1 }, units: {}, retries: {} });
  });

  it('skips an empty batchModify instead of paying 50 units for it', async () => {
    const gmail = adapter();
    await gmail.batchModify('ann@example.com', { ids: [], addLabelIds: ['X'] });
    expect(server.seen).toHaveLength(0);
    await gmail.batchModify('ann@example.com', { ids: ['a', 'b'], addLabelIds: ['X'] });
    expect(server.seen[0]!.body).toEqual({ ids: ['a', 'b'], addLabelIds: ['X'] });
    expect(gmail.stats().units['ann@example.com']).toBe(50);
  });

  it('refuses a messages.get answer without a raw body', async () => {
    server.reply(json(200, { id: 'm1', threadId: 't1' }));
    await expect(adapter().getRawMessage('ann@example.com', 'm1')).rejects.toMatchObject({ reason: 'malformedResponse', method: 'messages.get' });
  });
});
