import { z } from 'zod';
import { registrableOf } from '../../core/brands';
import { DEFAULT_PARSE_LIMITS } from '../../core/config/limits';
import { DEFAULT_OFFICE_LIMITS } from '../../core/documents/office';
import { passwordCandidates } from '../../core/documents/passwords';
import { DEFAULT_PDF_LIMITS } from '../../core/documents/pdf';
import type { Engine, EngineContext, EngineOutput } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';
import type { ScanSubject } from '../../core/subject/types';
import { AttachmentAnalyser, type AnalyserOptions } from './analyse';
import { FindingCollector } from './findings';
import type { RiskCategory, RiskyType } from './names';
import { PATH_SEPARATOR } from './report';
import { SCORES } from './scores';

export { ATTACHMENT_FINDING_TITLES, type AttachmentFindingId } from './findings';
export { SCORES as ATTACHMENT_SCORES } from './scores';

const extension = z
  .string()
  .trim()
  .toLowerCase()
  .transform((ext) => ext.replace(/^\./, ''))
  .refine((ext) => /^[a-z0-9][a-z0-9_-]{0,19}$/.test(ext), { message: 'expected a file extension such as "exe" or ".exe"' });

const riskCategory = z.enum(['executable', 'script', 'shortcut', 'disk_image', 'onenote', 'help_file', 'web_query', 'uncommon_archive', 'unscanned_archive', 'macro_document']);

export const AttachmentsConfigSchema = z
  .object({
    /** Extensions the organisation also treats as dangerous, added to the shipped table (docs/engines/attachments.md). */
    extraDangerousExtensions: z
      .array(
        z
          .object({
            extension,
            /** Decides the finding id (`executable` → attachments.executable …). */
            category: riskCategory.default('executable'),
            score: z.number().min(0).max(100).optional(),
            label: z.string().min(1).max(80).default('type listed as dangerous by the organisation'),
          })
          .strict(),
      )
      .default([]),
    /** Extensions the organisation exchanges routinely: no name finding for them (content rules still apply). */
    allowedExtensions: z.array(extension).default([]),
    /** Detected MIME types (e.g. "application/x-msdownload" for a software vendor) not reported as dangerous or mismatched. */
    allowedTypes: z.array(z.string().trim().toLowerCase().regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, 'expected a MIME type such as application/pdf')).default([]),
    limits: z
      .object({
        /** Decompressed bytes of archive members re-extracted per message. */
        maxArchiveBytes: z.number().int().positive().default(DEFAULT_PARSE_LIMITS.maxArchiveBytes),
        maxArchiveEntries: z.number().int().positive().default(DEFAULT_PARSE_LIMITS.maxArchiveEntries),
        maxArchiveDepth: z.number().int().min(1).max(10).default(DEFAULT_PARSE_LIMITS.maxArchiveDepth),
        maxCompressionRatio: z.number().positive().default(DEFAULT_PARSE_LIMITS.maxCompressionRatio),
        /** PDFs larger than this are not parsed (reported as not analysed). */
        maxPdfBytes: z.number().int().positive().default(DEFAULT_PDF_LIMITS.maxBytes),
        maxPdfObjects: z.number().int().positive().default(DEFAULT_PDF_LIMITS.maxObjects),
        /** Bytes of one Office stream or part read (VBA projects, XML parts). */
        maxOfficePartBytes: z.number().int().positive().default(DEFAULT_OFFICE_LIMITS.zip.maxPartBytes),
        /** Bytes of an HTML/SVG attachment analysed. */
        maxHtmlBytes: z.number().int().positive().default(2 * 1024 * 1024),
        /** Files (attachments plus archive members) analysed per message. */
        maxFiles: z.number().int().positive().default(500),
      })
      .strict()
      .default({
        maxArchiveBytes: DEFAULT_PARSE_LIMITS.maxArchiveBytes,
        maxArchiveEntries: DEFAULT_PARSE_LIMITS.maxArchiveEntries,
        maxArchiveDepth: DEFAULT_PARSE_LIMITS.maxArchiveDepth,
        maxCompressionRatio: DEFAULT_PARSE_LIMITS.maxCompressionRatio,
        maxPdfBytes: DEFAULT_PDF_LIMITS.maxBytes,
        maxPdfObjects: DEFAULT_PDF_LIMITS.maxObjects,
        maxOfficePartBytes: DEFAULT_OFFICE_LIMITS.zip.maxPartBytes,
        maxHtmlBytes: 2 * 1024 * 1024,
        maxFiles: 500,
      }),
    /** Evidence strings kept per finding. */
    maxEvidencePerFinding: z.number().int().min(1).max(50).default(5),
    /** Files and URLs behind findings at or above this score are reported as IOCs. */
    iocMinScore: z.number().min(0).max(100).default(20),
    maxIocs: z.number().int().min(1).max(1000).default(50),
  })
  .strict();

export type AttachmentsConfig = z.infer<typeof AttachmentsConfigSchema>;
export type AttachmentsConfigInput = z.input<typeof AttachmentsConfigSchema>;

export const ATTACHMENTS_ENGINE_VERSION = '1.1.0';

function analyserOptions(config: AttachmentsConfig): AnalyserOptions {
  const { limits } = config;
  const extra = new Map<string, RiskyType>(
    config.extraDangerousExtensions.map((entry) => [entry.extension, { category: entry.category as RiskCategory, label: entry.label, ...(entry.score !== undefined ? { score: entry.score } : {}) }]),
  );
  return {
    extraRiskyExtensions: extra,
    allowedExtensions: new Set(config.allowedExtensions),
    allowedTypes: new Set(config.allowedTypes),
    walk: {
      maxArchiveBytes: limits.maxArchiveBytes,
      maxArchiveEntries: limits.maxArchiveEntries,
      maxArchiveDepth: limits.maxArchiveDepth,
      maxCompressionRatio: limits.maxCompressionRatio,
    },
    pdf: { ...DEFAULT_PDF_LIMITS, maxBytes: limits.maxPdfBytes, maxObjects: limits.maxPdfObjects },
    office: {
      ...DEFAULT_OFFICE_LIMITS,
      cfb: { ...DEFAULT_OFFICE_LIMITS.cfb, maxStreamBytes: limits.maxOfficePartBytes },
      zip: { ...DEFAULT_OFFICE_LIMITS.zip, maxPartBytes: limits.maxOfficePartBytes, maxCompressionRatio: limits.maxCompressionRatio },
    },
    maxHtmlBytes: limits.maxHtmlBytes,
    maxFiles: limits.maxFiles,
  };
}

/** Parser anomalies about archives of this message, reported under the attachments' findings. */
function archiveAnomalies(subject: ScanSubject, collector: FindingCollector): void {
  for (const anomaly of subject.anomalies) {
    if (anomaly.code === 'archive.bomb_ratio') collector.add('attachments.archive_bomb', SCORES.archiveBomb, anomaly.detail.replace(': ', PATH_SEPARATOR));
    if (anomaly.code === 'archive.corrupt') collector.add('attachments.archive_unreadable', SCORES.archiveUnreadable, anomaly.detail);
  }
}

async function scanAttachments(subject: ScanSubject, context: EngineContext, config: AttachmentsConfig, options: AnalyserOptions): Promise<EngineOutput> {
  const collector = new FindingCollector(config.maxEvidencePerFinding, config.iocMinScore, config.maxIocs);
  if (subject.attachments.length === 0) return collector.output();
  const organisationDomains = new Set(context.organisationDomains.map((domain) => registrableOf(domain.toLowerCase()) || domain.toLowerCase()));
  const sender = { fromDomain: subject.from?.registrableDomain ?? '', organisationDomains };
  const passwords = passwordCandidates(`${subject.subject}\n${subject.text}`);
  const analyser = new AttachmentAnalyser(options, collector, sender, passwords, context.signal);
  for (const [index, attachment] of subject.attachments.entries()) await analyser.analyseAttachment(attachment, index);
  archiveAnomalies(subject, collector);
  return collector.output();
}

/**
 * The attachments engine: what each attachment really is and what opening it would do. File
 * names (dangerous and double extensions, bidi and invisible characters), true types against
 * names and declared types, archives opened and their members judged by the same rules, Office
 * macros (VBA source decompressed and read), DDE and remote templates, PDF active content and
 * lures, HTML/SVG login pages, redirects and smuggling, and calendar-invite lures. No network
 * I/O; heavy analysis only for the types that need it. See docs/engines/attachments.md.
 */
export function createAttachmentsEngine(input: unknown = {}): Engine<AttachmentsConfig> {
  const config = parseEngineConfig(AttachmentsConfigSchema, input, 'attachments');
  const options = analyserOptions(config);
  return {
    name: 'attachments',
    version: ATTACHMENTS_ENGINE_VERSION,
    defaultTimeoutMs: 3000,
    config,
    scan: (subject, context) => scanAttachments(subject, context, config, options),
  };
}
