import { z } from 'zod';
import type { Engine } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';

// SCAFFOLD: replaced by the real engine during issue 4.
export const ContentConfigSchema = z.object({}).strict();
export type ContentConfig = z.infer<typeof ContentConfigSchema>;

export function createContentEngine(input: unknown = {}): Engine<ContentConfig> {
  const config = parseEngineConfig(ContentConfigSchema, input, 'content');
  return { name: 'content', version: '0.0.0', defaultTimeoutMs: 2000, config, scan: () => ({ score: 0, findings: [] }) };
}
