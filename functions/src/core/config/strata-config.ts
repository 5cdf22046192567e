import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { ParseLimitsSchema } from './limits';

/**
 * Deployment configuration: who the organisation is, which Authentication-Results to trust,
 * parse limits, and each engine's own config (validated again by that engine's schema).
 */
export const StrataConfigSchema = z
  .object({
    /** Domains the organisation receives mail for; mail from elsewhere is "outside". */
    organisationDomains: z.array(z.string().min(1)).default([]),
    /** The authserv-id whose Authentication-Results are trusted (Gmail stamps mx.google.com). */
    trustedAuthority: z.string().min(1).default('mx.google.com'),
    limits: ParseLimitsSchema.partial().default({}),
    /** Per-engine configuration, keyed by engine name; each engine validates its own part. */
    engines: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type StrataConfig = z.infer<typeof StrataConfigSchema>;

export const DEFAULT_STRATA_CONFIG: StrataConfig = StrataConfigSchema.parse({});

/** Formats zod issues as `path: message` lines so a bad config names every problem at once. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

export function parseStrataConfig(input: unknown, source = 'config'): StrataConfig {
  const result = StrataConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(`invalid Strata config in ${source}: ${describeIssues(result.error)}`, { source });
  }
  return result.data;
}

export async function loadStrataConfigFile(path: string): Promise<StrataConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${path}: ${(cause as Error).message}`, { path }, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(cause as Error).message}`, { path }, { cause });
  }
  return parseStrataConfig(json, path);
}
