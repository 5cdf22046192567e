import type { EngineContext, EngineOutput, Finding } from '../../../functions/src/core/engine/types';
import type { AttachmentInfo, ScanSubject } from '../../../functions/src/core/subject/types';
import { createHash } from 'node:crypto';
import { createYaraEngine, type YaraConfigInput } from '../../../functions/src/engines/yara';
import { makeSubject } from '../../support/subject';

export function context(signal = new AbortController().signal): EngineContext {
  return { signal, organisationDomains: [] };
}

export function attachment(filename: string, content: Buffer, overrides: Partial<AttachmentInfo> = {}): AttachmentInfo {
  return {
    filename,
    declaredType: 'application/octet-stream',
    detectedType: null,
    detectedExtension: null,
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    disposition: 'attachment',
    contentId: null,
    members: [],
    content,
    ...overrides,
  };
}

export function withAttachment(filename: string, content: Buffer): ScanSubject {
  return makeSubject({ attachments: [attachment(filename, content)] });
}

/** One shared engine on the shipped rules (compiling them once per test file). */
let shipped: ReturnType<typeof createYaraEngine> | null = null;

export function scanShipped(subject: ScanSubject): EngineOutput {
  shipped ??= createYaraEngine();
  return shipped.scan(subject, context()) as EngineOutput;
}

export function scanWith(config: YaraConfigInput, subject: ScanSubject): EngineOutput {
  return createYaraEngine(config).scan(subject, context()) as EngineOutput;
}

export function ids(output: EngineOutput): string[] {
  return output.findings.map((finding) => finding.id).sort();
}

export function finding(output: EngineOutput, id: string): Finding | undefined {
  return output.findings.find((item) => item.id === id);
}
