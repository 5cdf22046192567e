import { z } from 'zod';
import { ConfigError } from '../../core/errors';
import { describeIssues } from '../../core/config/strata-config';
import { FaultPatchSchema } from './config';
import { GoogleApiHttpError } from './errors';
import type { GmailStandin } from './standin';

/**
 * The control API under /_standin/, for a process that drives the stand-in from outside (the
 * demo, a load generator). It needs no token: the stand-in listens on loopback only.
 *
 *   GET  /_standin/health
 *   POST /_standin/deliver                       {mailbox, raw (base64 or base64url), labelIds?, internalDate?}
 *   GET  /_standin/stats          POST /_standin/stats/reset
 *   GET  /_standin/faults         POST /_standin/faults   {reset?, ...fault patch}
 *   GET  /_standin/mailboxes      POST /_standin/mailboxes {email, isAdmin?, suspended?, archived?, fullName?}
 *   GET  /_standin/mailboxes/{email}
 *   GET  /_standin/mailboxes/{email}/messages/{id}
 *   POST /_standin/mailboxes/{email}/messages/{id}/user-modify   {addLabelIds?, removeLabelIds?}
 *   POST /_standin/mailboxes/{email}/messages/{id}/expunge
 *   GET  /_standin/notifications  POST /_standin/notifications/flush
 */

const DeliverRequestSchema = z
  .object({
    mailbox: z.string().min(3),
    raw: z.string().min(1),
    labelIds: z.array(z.string()).optional(),
    internalDate: z.number().int().nonnegative().optional(),
  })
  .strict();

const AddMailboxRequestSchema = z
  .object({
    email: z.string().min(3),
    isAdmin: z.boolean().optional(),
    suspended: z.boolean().optional(),
    archived: z.boolean().optional(),
    fullName: z.string().optional(),
  })
  .strict();

const FaultRequestSchema = FaultPatchSchema.extend({ reset: z.boolean().optional() }).strict();

const LabelChangeSchema = z
  .object({ addLabelIds: z.array(z.string()).optional(), removeLabelIds: z.array(z.string()).optional() })
  .strict();

export interface ControlAnswer {
  status: number;
  body?: unknown;
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new ConfigError(`invalid ${what}: ${describeIssues(result.error)}`, { source: 'gmail-standin control API' });
  return result.data;
}

export async function handleControlRequest(standin: GmailStandin, httpMethod: string, url: URL, body: unknown): Promise<ControlAnswer> {
  const path = url.pathname.replace(/\/+$/, '');
  const route = `${httpMethod} ${path}`;
  switch (route) {
    case 'GET /_standin/health':
      return { status: 200, body: { ok: true, mailboxes: standin.mailboxNames().length } };
    case 'POST /_standin/deliver': {
      const request = parse(DeliverRequestSchema, body, 'deliver request');
      const raw = Buffer.from(request.raw, 'base64');
      const delivered = standin.deliver(request.mailbox, raw, {
        ...(request.labelIds ? { labelIds: request.labelIds } : {}),
        ...(request.internalDate !== undefined ? { internalDate: request.internalDate } : {}),
      });
      return { status: 200, body: delivered };
    }
    case 'GET /_standin/stats':
      return { status: 200, body: standin.stats() };
    case 'POST /_standin/stats/reset':
      standin.resetStats();
      return { status: 200, body: standin.stats() };
    case 'GET /_standin/faults':
      return { status: 200, body: standin.currentFaults() };
    case 'POST /_standin/faults': {
      const { reset, ...patch } = parse(FaultRequestSchema, body, 'fault settings');
      if (reset) standin.clearFaults();
      return { status: 200, body: standin.setFaults(patch) };
    }
    case 'GET /_standin/mailboxes':
      return { status: 200, body: { mailboxes: standin.mailboxNames() } };
    case 'POST /_standin/mailboxes': {
      const { email, ...flags } = parse(AddMailboxRequestSchema, body, 'mailbox');
      standin.addMailbox(email, flags);
      return { status: 200, body: { mailboxes: standin.mailboxNames() } };
    }
    case 'GET /_standin/notifications':
      return { status: 200, body: { notifications: standin.publishedNotifications() } };
    case 'POST /_standin/notifications/flush':
      await standin.flushNotifications();
      return { status: 200, body: { notifications: standin.publishedNotifications() } };
    default:
      return mailboxRoute(standin, httpMethod, path, body);
  }
}

function mailboxRoute(standin: GmailStandin, httpMethod: string, path: string, body: unknown): ControlAnswer {
  const match = /^\/_standin\/mailboxes\/([^/]+)(?:\/messages\/([^/]+)(?:\/(user-modify|expunge))?)?$/.exec(path);
  if (!match) throw new GoogleApiHttpError(404, 'NOT_FOUND', 'notFound', `gmail-standin control API serves no ${httpMethod} ${path}`);
  const email = decodeURIComponent(match[1] as string);
  const messageId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  const action = match[3];
  if (httpMethod === 'GET' && messageId === undefined) return { status: 200, body: standin.mailbox(email) };
  if (httpMethod === 'GET' && messageId !== undefined && action === undefined) {
    const message = standin.mailbox(email).messages.find((candidate) => candidate.id === messageId);
    if (!message) throw new GoogleApiHttpError(404, 'NOT_FOUND', 'notFound', `no message ${messageId} in ${email}`);
    return { status: 200, body: message };
  }
  if (httpMethod === 'POST' && messageId !== undefined && action === 'user-modify') {
    return { status: 200, body: standin.userModify(email, messageId, parse(LabelChangeSchema, body, 'label change')) };
  }
  if (httpMethod === 'POST' && messageId !== undefined && action === 'expunge') {
    standin.expunge(email, messageId);
    return { status: 200, body: standin.mailbox(email) };
  }
  throw new GoogleApiHttpError(405, 'METHOD_NOT_ALLOWED', 'httpMethodNotAllowed', `gmail-standin control API: ${httpMethod} not allowed on ${path}`);
}
