import { z } from 'zod';
import type { Engine } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';

// SCAFFOLD: replaced by the real engine during issue 4.
export const QrConfigSchema = z.object({}).strict();
export type QrConfig = z.infer<typeof QrConfigSchema>;

export function createQrEngine(input: unknown = {}): Engine<QrConfig> {
  const config = parseEngineConfig(QrConfigSchema, input, 'qr');
  return { name: 'qr', version: '0.0.0', defaultTimeoutMs: 2000, config, scan: () => ({ score: 0, findings: [] }) };
}
