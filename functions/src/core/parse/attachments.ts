import type { AttachmentInfo } from '../subject/types';
import { ArchiveBudget, inspectArchive } from './archive';
import { detectType } from './detect-type';
import type { DecodedAttachment } from './mail-decoder';

/** Attachment metadata with the type detected from magic bytes (content when kept, else its head). */
export async function describeAttachment(decoded: DecodedAttachment): Promise<AttachmentInfo> {
  const detected = await detectType(decoded.content ?? decoded.head);
  const info: AttachmentInfo = {
    filename: decoded.filename,
    declaredType: decoded.declaredType,
    detectedType: detected?.mime ?? null,
    detectedExtension: detected?.ext ?? null,
    size: decoded.size,
    sha256: decoded.sha256,
    disposition: decoded.disposition,
    contentId: decoded.contentId,
    members: [],
  };
  if (decoded.content) info.content = decoded.content;
  return info;
}

/** Fills `members` of archive attachments, sharing one budget across the message. Stops at the deadline. */
export async function inspectArchives(attachments: AttachmentInfo[], budget: ArchiveBudget): Promise<void> {
  for (const attachment of attachments) {
    if (budget.deadline.expired()) return;
    if (!attachment.content) continue;
    attachment.members = await inspectArchive(attachment.content, attachment.filename || 'attachment', budget);
  }
}
