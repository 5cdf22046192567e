import { z } from 'zod';
import type { Engine } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';

// SCAFFOLD: replaced by the real engine during issue 4.
export const AttachmentsConfigSchema = z.object({}).strict();
export type AttachmentsConfig = z.infer<typeof AttachmentsConfigSchema>;

export function createAttachmentsEngine(input: unknown = {}): Engine<AttachmentsConfig> {
  const config = parseEngineConfig(AttachmentsConfigSchema, input, 'attachments');
  return { name: 'attachments', version: '0.0.0', defaultTimeoutMs: 2000, config, scan: () => ({ score: 0, findings: [] }) };
}
