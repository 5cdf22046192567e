import type { z } from 'zod';
import { describeIssues } from '../config/strata-config';
import { ConfigError } from '../errors';

/**
 * Validates an engine's config section at the edge: the parsed, defaulted config, or a
 * ConfigError naming the engine and every bad path.
 */
export function parseEngineConfig<Schema extends z.ZodType>(schema: Schema, input: unknown, engine: string): z.infer<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new ConfigError(`invalid ${engine} engine config: ${describeIssues(parsed.error)}`, { engine });
  }
  return parsed.data;
}
