import { admin } from '@googleapis/admin';
import { auth, gmail, type gmail_v1 } from '@googleapis/gmail';
import { GmailStandin, InMemoryNotificationPublisher, type GmailStandinOptions } from '../../../functions/src/dev/gmail-standin';

/**
 * Drives the stand-in the way Strata does: the real googleapis clients with rootUrl pointed at
 * it. Retries are off so a test sees each answer the server gives (gaxios would otherwise retry
 * GETs on 429/5xx with backoff).
 */

export const ALICE = 'alice@example.test';
export const BOB = 'bob@example.test';

export function gmailClient(rootUrl: string, token = 'test-token'): gmail_v1.Gmail {
  const oauth = new auth.OAuth2({ transporterOptions: { fetchImplementation: fetch } });
  oauth.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return gmail({ version: 'v1', auth: oauth, rootUrl, fetchImplementation: fetch, retry: false });
}

export function directoryClient(rootUrl: string, token = 'test-token') {
  const oauth = new auth.OAuth2({ transporterOptions: { fetchImplementation: fetch } });
  oauth.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return admin({ version: 'directory_v1', auth: oauth, rootUrl, fetchImplementation: fetch, retry: false });
}

export interface Running {
  standin: GmailStandin;
  url: string;
  client: gmail_v1.Gmail;
  publisher: InMemoryNotificationPublisher;
}

/** Starts a stand-in on a free loopback port with an in-memory publisher (tests stop it). */
export async function startStandin(options: GmailStandinOptions = {}): Promise<Running> {
  const publisher = new InMemoryNotificationPublisher();
  const standin = new GmailStandin({ mailboxes: [ALICE, BOB], publisher, ...options });
  const { url } = await standin.start();
  return { standin, url, client: gmailClient(url), publisher };
}

export interface MailSpec {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  body?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

let counter = 0;

/** A small RFC 5322 message written for the test (CRLF line endings, optional attachments). */
export function makeRaw(spec: MailSpec = {}): Buffer {
  counter += 1;
  const headers = [
    `From: ${spec.from ?? 'Sender <sender@outside.test>'}`,
    `To: ${spec.to ?? ALICE}`,
    `Subject: ${spec.subject ?? `Test message ${counter}`}`,
    `Date: Mon, 02 Jun 2025 10:00:00 +0000`,
    `Message-ID: <${spec.messageId ?? `msg-${counter}-${Date.now()}@outside.test`}>`,
    ...(spec.inReplyTo ? [`In-Reply-To: <${spec.inReplyTo}>`] : []),
    ...(spec.references ? [`References: ${spec.references}`] : []),
    'MIME-Version: 1.0',
  ];
  const body = spec.body ?? `Hello, this is message number ${counter}.`;
  if (!spec.attachments || spec.attachments.length === 0) {
    return Buffer.from([...headers, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n'));
  }
  const boundary = `b-${counter}`;
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    ...spec.attachments.flatMap((attachment) => [
      `--${boundary}`,
      `Content-Type: ${attachment.contentType}; name="${attachment.filename}"`,
      `Content-Disposition: attachment; filename="${attachment.filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      ...(attachment.content.toString('base64').match(/.{1,76}/g) ?? ['']),
    ]),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from([...headers, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts].join('\r\n'));
}

/** The HTTP status and Google error reason a rejected googleapis call carried. */
export async function apiFailure(call: Promise<unknown>): Promise<{ status: number; reason: string | undefined; message: string; body: unknown }> {
  try {
    await call;
  } catch (error) {
    const failure = error as { status?: number; response?: { status?: number; data?: unknown } };
    const status = failure.status ?? failure.response?.status;
    if (typeof status !== 'number') throw error;
    const data = failure.response?.data as { error?: { errors?: { reason?: string }[]; message?: string } } | undefined;
    return { status, reason: data?.error?.errors?.[0]?.reason, message: data?.error?.message ?? '', body: data };
  }
  throw new Error('expected the call to fail, it succeeded');
}
