import { z } from 'zod';
import type { Engine } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';

// SCAFFOLD: replaced by the real engine during issue 4.
export const ClamavConfigSchema = z.object({}).strict();
export type ClamavConfig = z.infer<typeof ClamavConfigSchema>;

export function createClamavEngine(input: unknown = {}): Engine<ClamavConfig> {
  const config = parseEngineConfig(ClamavConfigSchema, input, 'clamav');
  return { name: 'clamav', version: '0.0.0', defaultTimeoutMs: 2000, config, scan: () => ({ score: 0, findings: [] }) };
}
