import { createHash } from 'node:crypto';
import type { EngineContext, EngineOutput, Finding } from '../../../functions/src/core/engine/types';
import { buildScanSubject } from '../../../functions/src/core/parse';
import { detectType } from '../../../functions/src/core/parse/detect-type';
import type { AttachmentInfo, ScanSubject } from '../../../functions/src/core/subject/types';
import { createAttachmentsEngine, type AttachmentsConfigInput } from '../../../functions/src/engines/attachments';
import { messageWithAttachments, type AttachedFile } from '../../core/parse/builders';
import { address, makeSubject } from '../../support/subject';

export function context(organisationDomains: string[] = [], signal = new AbortController().signal): EngineContext {
  return { signal, organisationDomains };
}

/** An attachment as the parser describes it (type from magic bytes, content kept). */
export async function attachment(filename: string, content: Buffer | string, declaredType = 'application/octet-stream'): Promise<AttachmentInfo> {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  const detected = await detectType(bytes);
  return {
    filename,
    declaredType,
    detectedType: detected?.mime ?? null,
    detectedExtension: detected?.ext ?? null,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    disposition: 'attachment',
    contentId: null,
    members: [],
    content: new Uint8Array(bytes),
  };
}

export function subjectWith(attachments: AttachmentInfo[], overrides: Partial<ScanSubject> = {}): ScanSubject {
  return makeSubject({ attachments, ...overrides });
}

export async function scan(subject: ScanSubject, config: AttachmentsConfigInput = {}, organisationDomains: string[] = []): Promise<EngineOutput> {
  return createAttachmentsEngine(config).scan(subject, context(organisationDomains));
}

/** Scans one attachment in an otherwise ordinary message. */
export async function scanFile(filename: string, content: Buffer | string, declaredType?: string, config: AttachmentsConfigInput = {}): Promise<EngineOutput> {
  return scan(subjectWith([await attachment(filename, content, declaredType)]), config);
}

export function finding(output: EngineOutput, id: string): Finding | undefined {
  return output.findings.find((item) => item.id === id);
}

export function ids(output: EngineOutput): string[] {
  return output.findings.map((item) => item.id).sort();
}

/** A full message with a text body and attachments, run through the real parser. */
export async function parsedMessage(text: string, files: AttachedFile[], from = 'sender@outside.example'): Promise<ScanSubject> {
  return buildScanSubject(messageWithAttachments(text, files, from));
}

export { address };
