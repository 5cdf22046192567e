import { z } from 'zod';

/**
 * Limits that keep parsing bounded on hostile mail. A message over a limit still yields a
 * ScanSubject plus an anomaly; it never crashes, hangs or exhausts memory.
 */
export const ParseLimitsSchema = z
  .object({
    /** Raw message bytes read; the rest is cut off. */
    maxTotalBytes: z.number().int().positive().default(40 * 1024 * 1024),
    /** Bytes of the top-level header block. */
    maxHeaderBytes: z.number().int().positive().default(256 * 1024),
    /** MIME parts walked. */
    maxMimeParts: z.number().int().positive().default(500),
    /** MIME nesting depth. */
    maxMimeDepth: z.number().int().positive().default(30),
    /** Links kept. */
    maxLinks: z.number().int().positive().default(2000),
    /** Characters of text and of HTML body kept. */
    maxBodyChars: z.number().int().positive().default(2 * 1024 * 1024),
    /** Attachments kept. */
    maxAttachments: z.number().int().positive().default(200),
    /** Decompressed bytes across all archives of one message. */
    maxArchiveBytes: z.number().int().positive().default(64 * 1024 * 1024),
    /** Entries listed across all archives of one message. */
    maxArchiveEntries: z.number().int().positive().default(5000),
    /** Nesting depth of archives inside archives. */
    maxArchiveDepth: z.number().int().positive().default(3),
    /** Compression ratio over which an entry counts as a bomb. */
    maxCompressionRatio: z.number().positive().default(200),
    /** Wall time for building one subject. */
    maxParseMillis: z.number().int().positive().default(10_000),
  })
  .strict();

export type ParseLimits = z.infer<typeof ParseLimitsSchema>;

export const DEFAULT_PARSE_LIMITS: ParseLimits = ParseLimitsSchema.parse({});
