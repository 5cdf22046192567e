import { z } from 'zod';
import type { Engine } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';
import { BUILTIN_BRANDS, registrableOf } from '../../core/brands';
import { AuthChecker } from './checks';

export { BUILTIN_BRANDS, SERVICE_WORDS, type Brand } from '../../core/brands';
export { AUTH_FINDING_TITLES, AUTH_SCORES, SECONDARY_WEIGHT, type AuthFindingId } from './findings';
export { effectiveDmarcPolicy } from './checks';

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .transform((domain) => domain.replace(/\.$/, ''))
  .refine((domain) => /^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u.test(domain) && registrableOf(domain) !== '', {
    message: 'expected a domain name with a public suffix, such as example.com',
  });

const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'expected an email address such as jane@example.com');

const protectedPerson = z
  .object({
    /** The name as people write it ("Jane Doe"); matched regardless of case, diacritics and word order. */
    name: z
      .string()
      .trim()
      .refine((name) => /[\p{L}\p{N}]/u.test(name), { message: 'expected a name with at least one letter' }),
    /** Every address the person really sends from; the name with any other address is impersonation. */
    addresses: z.array(emailAddress).default([]),
  })
  .strict();

export const AuthConfigSchema = z
  .object({
    /** The organisation's own and partner domains: impersonating and imitating them is reported. */
    protectedDomains: z.array(domainName).default([]),
    /** People (executives, finance) whose name with an outside address is impersonation. */
    protectedPeople: z.array(protectedPerson).default([]),
    /** The organisation's receiving domains; merged with the ones the orchestrator passes per scan. */
    organisationDomains: z.array(domainName).default([]),
    /** Check display names and sender domains against the shipped list of impersonated brands. */
    useBuiltinBrands: z.boolean().default(true),
  })
  .strict();

export type AuthConfig = z.infer<typeof AuthConfigSchema>;
export type AuthConfigInput = z.input<typeof AuthConfigSchema>;

export const AUTH_ENGINE_VERSION = '1.0.0';

/**
 * The auth engine: who the message really comes from. Reads the provider's SPF, DKIM, DMARC
 * and ARC verdicts (never the sender's own claims), checks From alignment and the Reply-To and
 * Return-Path domains, and catches impersonation: protected people's names, brand and
 * organisation names in display names, addresses shown in display names, and lookalike or
 * mixed-script sender domains. See docs/engines/auth.md.
 */
export function createAuthEngine(input: AuthConfigInput = {}): Engine<AuthConfig> {
  const config = parseEngineConfig(AuthConfigSchema, input, 'auth');
  const checker = new AuthChecker({
    brands: config.useBuiltinBrands ? BUILTIN_BRANDS : [],
    protectedDomains: config.protectedDomains,
    protectedPeople: config.protectedPeople,
    organisationDomains: config.organisationDomains,
  });
  return {
    name: 'auth',
    version: AUTH_ENGINE_VERSION,
    defaultTimeoutMs: 2000,
    config,
    scan: (subject, context) => checker.scan(subject, context),
  };
}
