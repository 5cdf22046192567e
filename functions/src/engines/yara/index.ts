import { z } from 'zod';
import type { Engine } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';

// SCAFFOLD: replaced by the real engine during issue 4.
export const YaraConfigSchema = z.object({}).strict();
export type YaraConfig = z.infer<typeof YaraConfigSchema>;

export function createYaraEngine(input: unknown = {}): Engine<YaraConfig> {
  const config = parseEngineConfig(YaraConfigSchema, input, 'yara');
  return { name: 'yara', version: '0.0.0', defaultTimeoutMs: 2000, config, scan: () => ({ score: 0, findings: [] }) };
}
