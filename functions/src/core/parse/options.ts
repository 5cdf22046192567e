import { DEFAULT_PARSE_LIMITS, type ParseLimits } from '../config/limits';

export interface BuildOptions {
  /** Overrides of the default parse limits; invalid values fall back to the default. */
  limits?: Partial<ParseLimits>;
  /** The authserv-id whose Authentication-Results are trusted (default mx.google.com). */
  trustedAuthority?: string;
}

export const DEFAULT_TRUSTED_AUTHORITY = 'mx.google.com';

/**
 * Merges caller limits over the defaults. The parser must never throw on its inputs, so a
 * value that is not a positive finite number is replaced by the default instead of rejected;
 * configuration is validated properly at the edge (ParseLimitsSchema).
 */
export function resolveLimits(overrides: Partial<ParseLimits> | undefined): ParseLimits {
  const limits: ParseLimits = { ...DEFAULT_PARSE_LIMITS };
  if (!overrides) return limits;
  for (const key of Object.keys(DEFAULT_PARSE_LIMITS) as (keyof ParseLimits)[]) {
    const value = overrides[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
      limits[key] = key === 'maxCompressionRatio' ? value : Math.floor(value) || 1;
    }
  }
  return limits;
}
