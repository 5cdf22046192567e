import { z } from 'zod';
import { BUILTIN_BRANDS, registrableOf } from '../../core/brands';
import type { Engine, EngineContext, EngineOutput } from '../../core/engine/types';
import type { ExtractedLink, ScanSubject } from '../../core/subject/types';
import { parseEngineConfig } from '../../core/engine/config';
import { emptyBlocklist, loadBlocklist } from './blocklist';
import { LinkChecker } from './checks';
import { buildReferenceData } from './reference';

export { LINK_FINDING_TITLES, type LinkFindingId } from './findings';
export { SCORES as LINK_SCORES } from './checks';
export { unwrapUrl, type UnwrapResult, type UnwrapStep } from './unwrap';

const domainName = z
  .string()
  .trim()
  .min(1)
  .regex(/^(?:\*\.)?[^\s/:?#@]+\.[^\s/:?#@]+$/, 'expected a domain name such as example.com');

/** A domain whose lookalikes are reported: lower-cased, with a public suffix, no wildcard. */
const protectedDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((domain) => domain.replace(/\.$/, ''))
  .refine((domain) => /^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u.test(domain) && registrableOf(domain) !== '', {
    message: 'expected a domain name with a public suffix, such as example.com',
  });

export const LinksConfigSchema = z
  .object({
    /**
     * Local blocklist: one domain, IP, URL or SHA-256 per line, `#` comments. Read once when the
     * engine is created; an unreadable or malformed file is a configuration error.
     */
    blocklistFile: z.string().min(1).optional(),
    /** Domains whose links raise no finding except a blocklist hit (e.g. the organisation's own sites). */
    allowlistDomains: z.array(domainName).default([]),
    /** Added to the shipped URL-shortener list. */
    extraShorteners: z.array(domainName).default([]),
    /** Added to the shipped ESP click-tracker list (lowers display-mismatch scores through them). */
    extraClickTrackers: z.array(domainName).default([]),
    /** Added to the shipped abused-TLD list, without the dot. */
    extraSuspiciousTlds: z.array(z.string().trim().regex(/^[a-z0-9-]+$/i, 'expected a TLD without dot')).default([]),
    /** Added to the shipped free-hosting list. */
    extraFreeHosting: z
      .array(
        z
          .object({
            domain: domainName,
            pathPrefix: z.string().startsWith('/').optional(),
            score: z.number().min(0).max(100),
            label: z.string().min(1),
          })
          .strict(),
      )
      .default([]),
    /**
     * Domains (partners, subsidiaries) whose lookalikes in links are reported, besides the built-in
     * brands and the organisation's own domains from the scan context. List every domain you own.
     */
    protectedDomains: z.array(protectedDomain).default([]),
    /** Extra brand groups (domains of one owner) whose display in link text raises mismatch scores. */
    extraBrandDomainGroups: z.array(z.array(domainName).min(1)).default([]),
    /** How many redirector layers are peeled off one link. */
    maxUnwrapDepth: z.number().int().min(1).max(10).default(5),
    /** Evidence strings kept per finding. */
    maxEvidencePerFinding: z.number().int().min(1).max(50).default(5),
    /** Links behind findings at or above this score are reported as IOCs. */
    iocMinScore: z.number().min(0).max(100).default(20),
    /** Bound on IOC URLs and on IOC domains reported per message. */
    maxIocs: z.number().int().min(1).max(1000).default(50),
  })
  .strict();

export type LinksConfig = z.infer<typeof LinksConfigSchema>;
export type LinksConfigInput = z.input<typeof LinksConfigSchema>;

export const LINKS_ENGINE_VERSION = '1.1.0';

/**
 * The links engine: judges every link of a message (and what known redirectors hide behind it)
 * for deception (text showing one site, link opening another; hosts imitating a brand or the
 * organisation), hiding (IP hosts, look-alike IDNs, shorteners), risky destinations (free hosting,
 * abused TLDs, data: documents), credential forms, and a local blocklist that also covers
 * attachment hashes. Pure: all files are read here, once.
 */
export function createLinksEngine(input: LinksConfigInput = {}): Engine<LinksConfig> {
  const config = parseEngineConfig(LinksConfigSchema, input, 'links');
  const checker = buildLinkChecker(config);

  return {
    name: 'links',
    version: LINKS_ENGINE_VERSION,
    defaultTimeoutMs: 2000,
    config,
    scan: (subject, context) => checker.scan(subject, context),
  };
}

/**
 * Judges links that another engine found where the parser cannot look (URLs decoded from QR
 * codes, say) with exactly the links engine's rules. `subject` supplies the sender the rules
 * compare against; its own links, attachments and recipients are ignored (no `links.recipient_in_url`).
 * Returns `links.*` findings.
 */
export type LinkAnalyser = (subject: ScanSubject, links: readonly ExtractedLink[], context: EngineContext) => EngineOutput;

/** A LinkAnalyser built from a links config section (validated like the links engine's own). */
export function createLinkAnalyser(input: LinksConfigInput = {}): LinkAnalyser {
  const checker = buildLinkChecker(parseEngineConfig(LinksConfigSchema, input, 'links'));
  // To and Cc are left out: the recipient-address rule stays with the caller (the QR engine has its
  // own `qr.recipient_in_url`), so the same signal is not counted twice in one engine.
  return (subject, links, context) => checker.scan({ ...subject, links: [...links], attachments: [], to: [], cc: [] }, context);
}

function buildLinkChecker(config: LinksConfig): LinkChecker {
  return new LinkChecker({
    reference: buildReferenceData({
      shorteners: config.extraShorteners,
      clickTrackers: config.extraClickTrackers,
      suspiciousTlds: config.extraSuspiciousTlds,
      freeHosting: config.extraFreeHosting,
      brandDomainGroups: config.extraBrandDomainGroups,
      allowlistDomains: config.allowlistDomains,
    }),
    brands: BUILTIN_BRANDS,
    protectedDomains: config.protectedDomains,
    blocklist: config.blocklistFile !== undefined ? loadBlocklist(config.blocklistFile) : emptyBlocklist(),
    maxUnwrapDepth: config.maxUnwrapDepth,
    maxEvidencePerFinding: config.maxEvidencePerFinding,
    iocMinScore: config.iocMinScore,
    maxIocs: config.maxIocs,
  });
}
