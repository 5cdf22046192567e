import { badRequest } from './errors';
import type { HistoryRecordState, LabelState, Mailbox, StoredMessage } from './mailbox';

/**
 * JSON shapes of Gmail resources. Like Gmail, empty repeated fields are left out (a message with
 * no labels has no `labelIds`, an empty history page has no `history`): clients must cope.
 */

export type MessageFormat = 'minimal' | 'metadata' | 'raw' | 'full';

export const HISTORY_TYPES = ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'] as const;
export type HistoryType = (typeof HISTORY_TYPES)[number];

export function labelIdList(message: StoredMessage): string[] | undefined {
  return message.labelIds.size === 0 ? undefined : [...message.labelIds];
}

export async function messageResource(
  mailbox: Mailbox,
  message: StoredMessage,
  format: MessageFormat,
  metadataHeaders: string[],
): Promise<Record<string, unknown>> {
  const content = await mailbox.content(message);
  const resource: Record<string, unknown> = {
    id: message.id,
    threadId: message.threadId,
    ...withLabels(message),
    snippet: content.snippet,
    sizeEstimate: message.raw.length,
    historyId: String(message.historyId),
    internalDate: String(message.internalDate),
  };
  if (format === 'raw') {
    resource.raw = message.raw.toString('base64url');
  } else if (format === 'metadata') {
    const wanted = new Set(metadataHeaders.map((name) => name.toLowerCase()));
    resource.payload = {
      mimeType: content.mimeType,
      headers: message.headers.filter((header) => wanted.size === 0 || wanted.has(header.name.toLowerCase())),
    };
  } else if (format === 'full') {
    // A flattened payload (top-level headers, one part per attachment), not Gmail's MIME tree:
    // enough to discover attachment ids for attachments.get.
    resource.payload = {
      partId: '',
      mimeType: content.mimeType,
      filename: '',
      headers: message.headers,
      body: { size: 0 },
      ...(content.attachments.length === 0
        ? {}
        : {
            parts: content.attachments.map((attachment) => ({
              partId: String(attachment.index + 1),
              mimeType: attachment.mimeType,
              filename: attachment.filename,
              headers: [{ name: 'Content-Type', value: attachment.mimeType }],
              body: { attachmentId: attachment.attachmentId, size: attachment.size },
            })),
          }),
    };
  }
  return resource;
}

export function withLabels(message: StoredMessage): { labelIds?: string[] } {
  const labelIds = labelIdList(message);
  return labelIds ? { labelIds } : {};
}

export function labelResource(label: LabelState): Record<string, unknown> {
  return { ...label };
}

/**
 * One history record, cut down to the requested types. Returns null when nothing of the
 * record is of a requested type.
 */
export function historyRecordResource(record: HistoryRecordState, types: ReadonlySet<HistoryType>): Record<string, unknown> | null {
  const message = {
    id: record.message.id,
    threadId: record.message.threadId,
    ...(record.labelIdsAfter.length > 0 ? { labelIds: record.labelIdsAfter } : {}),
  };
  const resource: Record<string, unknown> = { id: String(record.id), messages: [{ id: record.message.id, threadId: record.message.threadId }] };
  let included = false;
  if (record.kind === 'messageAdded' && types.has('messageAdded')) {
    resource.messagesAdded = [{ message }];
    included = true;
  }
  if (record.kind === 'messageDeleted' && types.has('messageDeleted')) {
    resource.messagesDeleted = [{ message }];
    included = true;
  }
  if (record.kind === 'labelChange') {
    if (record.labelsAdded.length > 0 && types.has('labelAdded')) {
      resource.labelsAdded = [{ message, labelIds: record.labelsAdded }];
      included = true;
    }
    if (record.labelsRemoved.length > 0 && types.has('labelRemoved')) {
      resource.labelsRemoved = [{ message, labelIds: record.labelsRemoved }];
      included = true;
    }
  }
  return included ? resource : null;
}

export function recordTouchesLabel(record: HistoryRecordState, labelId: string): boolean {
  return record.labelIdsAfter.includes(labelId) || record.labelsAdded.includes(labelId) || record.labelsRemoved.includes(labelId);
}

/** Opaque page tokens carrying where the previous page ended, so pages stay right while mail arrives. */
export function encodePageToken(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodePageToken<T extends Record<string, string | number>>(token: string, keys: (keyof T)[]): T {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const key of keys) {
      const value = decoded[key as string];
      if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`missing ${String(key)}`);
    }
    return decoded as T;
  } catch {
    throw badRequest('Invalid pageToken');
  }
}

export function parseMaxResults(value: string | null, fallback: number, max: number): number {
  if (value === null || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw badRequest(`Invalid maxResults: ${value}`);
  return Math.min(parsed, max);
}
