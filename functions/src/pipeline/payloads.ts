import { z } from 'zod';
import { InvalidPayloadError } from './errors';
import type { EngineCompletion, GmailNotification, ScanRequest, WatchRenewalRequest } from './messages';

/**
 * Validation of what arrives on Pub/Sub. Every handler checks its payload before acting: a bad
 * payload is logged and dropped (InvalidPayloadError), never thrown into a redelivery loop.
 */

const HistoryId = z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d{1,30}$/, 'must be a decimal history id'));
const Mailbox = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
  .transform((address) => address.toLowerCase());
const Hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `must be ${length} lowercase hex digits`);
const Name = z.string().min(1).max(200);

const GmailNotificationSchema = z.object({
  emailAddress: Mailbox,
  historyId: HistoryId,
  strataPoll: z.boolean().optional(),
});

const ScanRequestSchema = z.object({
  scanId: Hex(32),
  mailbox: Mailbox,
  gmailMessageId: Name,
  direction: z.enum(['inbound', 'outbound', 'internal']),
  subjectKey: Hex(64),
  contentKey: Hex(64),
  engines: z.array(Name).min(1),
  receivedAt: z.number().finite(),
});

const EngineCompletionSchema = z.object({ scanId: Hex(32), engine: Name, outstanding: z.array(Name).max(100).optional() });
const WatchRenewalRequestSchema = z.object({ mailbox: Mailbox });

/** A notification with its mailbox lower-cased and its history id as a decimal string. */
export type ValidGmailNotification = Omit<GmailNotification, 'historyId'> & { historyId: string };

export type Validated<T> = { ok: true; value: T } | { ok: false; error: InvalidPayloadError };

function validate<T>(schema: z.ZodType<T>, kind: string, payload: unknown): Validated<T> {
  const result = schema.safeParse(payload);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, error: new InvalidPayloadError(kind, problems) };
}

export const validateGmailNotification = (payload: unknown): Validated<ValidGmailNotification> =>
  validate(GmailNotificationSchema, 'Gmail notification', payload);
export const validateScanRequest = (payload: unknown): Validated<ScanRequest> => validate(ScanRequestSchema, 'scan request', payload);
export const validateEngineCompletion = (payload: unknown): Validated<EngineCompletion> =>
  validate(EngineCompletionSchema, 'engine completion', payload);
export const validateWatchRenewalRequest = (payload: unknown): Validated<WatchRenewalRequest> =>
  validate(WatchRenewalRequestSchema, 'watch renewal request', payload);

/** Pub/Sub message data (JSON, as bytes or text) to a value; InvalidPayloadError when it is not JSON. */
export function decodeJsonData(data: Uint8Array | string, kind: string): Validated<unknown> {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: new InvalidPayloadError(kind, [`not JSON: ${(error as Error).message}`]) };
  }
}
