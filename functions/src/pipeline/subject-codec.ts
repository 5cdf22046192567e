import { StrataError } from '../core/errors';
import type { AttachmentInfo, ScanSubject } from '../core/subject/types';
import { BlobIntegrityError, InvalidBlobKeyError } from '../store/blob-store-errors';
import { isBlobKey, type BlobStore } from '../store/blob-store';
import { SubjectUnavailableError } from './errors';

/** Tag of the stored form, checked on the way back so a foreign blob is refused, not misread. */
export const SUBJECT_FORMAT = 'strata.subject.v1';

/** An attachment as stored: metadata only, its bytes in a blob of their own (null when the parser kept none). */
export type StoredAttachment = Omit<AttachmentInfo, 'content'> & { contentBlobKey: string | null };

export interface StoredSubject {
  format: typeof SUBJECT_FORMAT;
  subject: Omit<ScanSubject, 'attachments'> & { attachments: StoredAttachment[] };
}

/**
 * Stores a subject for the engine functions and returns its blob key. Attachment bytes go in
 * blobs of their own, keyed by their SHA-256, so the attachment of a campaign that reached a
 * thousand mailboxes is stored once; the subject blob holds only their keys. Idempotent: the
 * same subject stores the same blobs under the same keys.
 */
export async function storeSubject(subject: ScanSubject, blobs: BlobStore): Promise<string> {
  const attachments = await Promise.all(
    subject.attachments.map(async ({ content, ...metadata }): Promise<StoredAttachment> => {
      const contentBlobKey = content ? await blobs.put(content) : null;
      return { ...metadata, contentBlobKey };
    }),
  );
  const stored: StoredSubject = { format: SUBJECT_FORMAT, subject: { ...subject, attachments } };
  return blobs.put(Buffer.from(JSON.stringify(stored), 'utf8'));
}

/**
 * Loads a stored subject with its attachments' bytes put back. Throws SubjectUnavailableError
 * when the subject or an attachment blob is absent, corrupt or not a stored subject (an engine
 * records that as an error result); store outages (BlobStoreAccessError) pass through, because
 * a retry may succeed.
 */
export async function loadSubject(subjectKey: string, blobs: BlobStore): Promise<ScanSubject> {
  const bytes = await readBlob(subjectKey, subjectKey, blobs, 'subject blob');
  const stored = decodeStoredSubject(subjectKey, bytes);
  const attachments = await Promise.all(
    stored.subject.attachments.map(async ({ contentBlobKey, ...metadata }): Promise<AttachmentInfo> => {
      if (contentBlobKey === null) return metadata;
      const content = await readBlob(subjectKey, contentBlobKey, blobs, `attachment ${JSON.stringify(metadata.filename)}`);
      return { ...metadata, content };
    }),
  );
  return { ...stored.subject, attachments };
}

async function readBlob(subjectKey: string, key: string, blobs: BlobStore, what: string): Promise<Buffer> {
  if (!isBlobKey(key)) throw new SubjectUnavailableError(subjectKey, `${what} key ${JSON.stringify(String(key).slice(0, 80))} is not a blob key`);
  let bytes: Buffer | null;
  try {
    bytes = await blobs.get(key);
  } catch (error) {
    if (error instanceof BlobIntegrityError || error instanceof InvalidBlobKeyError) {
      throw new SubjectUnavailableError(subjectKey, `${what} ${key} is corrupt`, { cause: error });
    }
    throw error;
  }
  if (bytes === null) throw new SubjectUnavailableError(subjectKey, `${what} ${key} is absent`);
  return bytes;
}

/** Parses and checks the stored form's shape; the subject inside was written by storeSubject. */
export function decodeStoredSubject(subjectKey: string, bytes: Uint8Array): StoredSubject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw new SubjectUnavailableError(subjectKey, 'the subject blob is not JSON', { cause });
  }
  const problem = shapeProblem(parsed);
  if (problem !== null) throw new SubjectUnavailableError(subjectKey, `the subject blob is not a stored subject: ${problem}`);
  return parsed as StoredSubject;
}

function shapeProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not an object';
  if (value.format !== SUBJECT_FORMAT) return `format ${JSON.stringify(value.format)} is not ${SUBJECT_FORMAT}`;
  const subject = value.subject;
  if (!isRecord(subject)) return 'subject missing';
  if (!isRecord(subject.ids) || !Array.isArray(subject.headers) || !isRecord(subject.auth)) return 'ids, headers or auth missing';
  if (!Array.isArray(subject.attachments)) return 'attachments missing';
  for (const attachment of subject.attachments) {
    if (!isRecord(attachment) || !(attachment.contentBlobKey === null || typeof attachment.contentBlobKey === 'string')) {
      return 'an attachment has no contentBlobKey';
    }
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether an error means the subject itself is gone or broken (as opposed to the store being unreachable). */
export function isSubjectUnavailable(error: unknown): error is SubjectUnavailableError {
  return error instanceof SubjectUnavailableError || (error instanceof StrataError && error.code === 'pipeline.subject_unavailable');
}
