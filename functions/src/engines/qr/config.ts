import { z } from 'zod';
import { LinksConfigSchema } from '../links';

const MIB = 1024 * 1024;

/**
 * The qr engine's caps. Every one bounds work on hostile mail; the defaults keep a message with
 * a handful of images well inside the engine's timeout and the whole scanner near 100 msg/s per
 * core on ordinary mail (most messages carry no image the engine has to decode).
 */
export const QrConfigSchema = z
  .object({
    /** Images decoded per message (after deduplication and the size filters); the rest are counted as skipped. */
    maxImagesPerMessage: z.number().int().min(1).max(200).default(12),
    /** Candidate images looked at (header read) per message, from every source together. */
    maxCandidatesPerMessage: z.number().int().min(1).max(1000).default(64),
    /** Encoded bytes of one image; larger ones are skipped unread. */
    maxImageBytes: z.number().int().min(1024).max(64 * MIB).default(8 * MIB),
    /** Declared pixels (width × height) of one image; larger ones are skipped before decoding. */
    maxInputPixels: z.number().int().min(10_000).max(268_000_000).default(40_000_000),
    /**
     * Pixels an image is scaled down to before the QR search. jsQR costs about 0.1 ms per thousand
     * pixels; a QR code that still has two pixels per module survives.
     */
    maxDecodePixels: z.number().int().min(40_000).max(16_000_000).default(1_200_000),
    /** Images whose shorter side is below this cannot hold a QR code a phone would read (icons, tracking pixels). */
    minImageSide: z.number().int().min(21).max(1000).default(60),
    /** Images longer than this many times their width (or the reverse) are banners and rules, not QR codes. */
    maxAspectRatio: z.number().min(1).max(100).default(8),
    /**
     * A second, cheaper attempt when the first finds nothing: thresholded, padded with a quiet
     * zone, both polarities, at most `fallbackMaxPixels`. Catches inverted, low-contrast and
     * margin-less codes.
     */
    fallbackAttempt: z.boolean().default(true),
    fallbackMaxPixels: z.number().int().min(40_000).max(4_000_000).default(360_000),
    /** PDF attachments opened per message, bytes of one PDF, and image objects taken from one PDF. */
    maxPdfsPerMessage: z.number().int().min(0).max(50).default(4),
    maxPdfBytes: z.number().int().min(1024).max(64 * MIB).default(16 * MIB),
    maxImagesPerPdf: z.number().int().min(1).max(200).default(16),
    /** `data:image/…;base64,` images taken from the HTML body and HTML attachments per message. */
    maxDataUriImages: z.number().int().min(0).max(500).default(32),
    /** Render SVG images (attachments and data: URIs) with librsvg; SVGs over `maxSvgBytes` are skipped. */
    decodeSvg: z.boolean().default(true),
    maxSvgBytes: z.number().int().min(1024).max(16 * MIB).default(1 * MIB),
    /** Wall time the engine spends decoding per message; also stops when the orchestrator aborts. */
    timeBudgetMs: z.number().int().min(50).max(60_000).default(2_000),
    /**
     * A message whose visible text is shorter than this (characters, whitespace collapsed) is
     * "short": a QR code is then most of what it says, as in quishing lures.
     */
    shortMessageChars: z.number().int().min(0).max(100_000).default(500),
    /** Decode results remembered across messages by image SHA-256 (logos and signatures repeat). 0 disables. */
    cacheEntries: z.number().int().min(0).max(100_000).default(2_000),
    /** Evidence strings kept per finding, and bounds on IOC URLs and domains. */
    maxEvidencePerFinding: z.number().int().min(1).max(50).default(5),
    maxIocs: z.number().int().min(1).max(1000).default(50),
    /**
     * Config of the link analysis applied to decoded URLs: the links engine's schema. Give it the
     * same values as the `links` engine section so both judge links alike.
     */
    links: LinksConfigSchema.prefault({}),
  })
  .strict();

export type QrConfig = z.infer<typeof QrConfigSchema>;
export type QrConfigInput = z.input<typeof QrConfigSchema>;
