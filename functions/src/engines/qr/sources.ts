import { createHash } from 'node:crypto';
import type { AttachmentInfo, ScanSubject } from '../../core/subject/types';
import { findDataUriImages } from './data-uri';

/**
 * Where an image sits, as the reader meets it: shown in the message body (inline `cid:` part or
 * `data:` URI), attached as a file (an image, or a `data:` image inside an HTML attachment), or
 * inside a PDF attachment.
 */
export type Placement = 'body' | 'attachment' | 'pdf';

export interface EncodedImage {
  bytes: Uint8Array;
  /** Says which image, for evidence: `attachment "scan.png"`, `data: image 2 in the HTML body`. */
  label: string;
  placement: Placement;
  /** SHA-256 of the bytes: duplicates are searched once, results are cached across messages. */
  sha256: string;
  /** SVG is rendered rather than decoded, and has no pixel size of its own. */
  vector: boolean;
}

export interface PdfAttachment {
  bytes: Uint8Array;
  filename: string;
  sha256: string;
}

export type SkipReason = 'too_large' | 'over_cap' | 'unsupported' | 'unreadable' | 'unreadable_pdf' | 'encrypted_pdf' | 'out_of_time';

/** Images (and PDFs) not searched, by reason; the deliberate skips (tiny, banner-shaped, duplicate, empty) are not counted here. */
export type SkipCounts = Record<SkipReason, number>;

export function emptySkipCounts(): SkipCounts {
  return { too_large: 0, over_cap: 0, unsupported: 0, unreadable: 0, unreadable_pdf: 0, encrypted_pdf: 0, out_of_time: 0 };
}

export interface SourceLimits {
  maxImageBytes: number;
  maxSvgBytes: number;
  decodeSvg: boolean;
  maxPdfBytes: number;
  maxPdfsPerMessage: number;
  maxDataUriImages: number;
}

export interface CollectedSources {
  images: EncodedImage[];
  pdfs: PdfAttachment[];
}

/** Raster types sharp's prebuilt libvips reads, plus BMP (read by ./bmp). */
const RASTER_TYPES = new Set(['image/png', 'image/apng', 'image/jpeg', 'image/gif', 'image/webp', 'image/tiff', 'image/avif', 'image/bmp']);
const SVG_NAME = /\.svgz?$/i;
const HTML_NAME = /\.(?:s?html?|xhtml)$/i;
/** HTML attachments are searched for data: images only up to this many characters. */
const MAX_HTML_ATTACHMENT_CHARS = 4 * 1024 * 1024;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Every image of a message that could carry a QR code, and its PDF attachments (whose images are
 * listed later, asynchronously). Attachment images come first, then inline images, then `data:`
 * images; nothing is decoded here beyond base64.
 */
export function collectSources(subject: ScanSubject, limits: SourceLimits, skipped: SkipCounts): CollectedSources {
  const images: EncodedImage[] = [];
  const pdfs: PdfAttachment[] = [];
  let dataUriBudget = limits.maxDataUriImages;

  const ordered = [...subject.attachments].sort((a, b) => inlineRank(a) - inlineRank(b));
  for (const attachment of ordered) {
    const kind = attachmentKind(attachment);
    if (kind === 'other') continue;
    const name = attachment.filename || attachment.contentId || 'unnamed';
    if (kind === 'unsupported-image') {
      skipped.unsupported++;
      continue;
    }
    const content = attachment.content;
    // An empty part (it happens, with a declared image type) holds nothing to search.
    if (content?.length === 0 || attachment.size === 0) continue;
    if (!content) {
      // The parser kept no bytes (over its content budget).
      skipped.too_large++;
      continue;
    }
    if (kind === 'pdf') {
      if (content.length > limits.maxPdfBytes) skipped.too_large++;
      else if (pdfs.length >= limits.maxPdfsPerMessage) skipped.over_cap++;
      else pdfs.push({ bytes: content, filename: name, sha256: attachment.sha256 });
      continue;
    }
    if (kind === 'html') {
      const html = Buffer.from(content.subarray(0, MAX_HTML_ATTACHMENT_CHARS)).toString('latin1');
      dataUriBudget -= addDataUris(html, `HTML attachment "${name}"`, 'attachment', dataUriBudget, limits, images, skipped);
      continue;
    }
    const vector = kind === 'svg';
    if (vector && !limits.decodeSvg) continue;
    if (content.length > (vector ? limits.maxSvgBytes : limits.maxImageBytes)) {
      skipped.too_large++;
      continue;
    }
    const inline = attachment.disposition === 'inline' && attachment.contentId !== null;
    images.push({
      bytes: content,
      label: inline ? `inline image "${name}"` : `attachment "${name}"`,
      placement: inline ? 'body' : 'attachment',
      sha256: attachment.sha256,
      vector,
    });
  }
  addDataUris(subject.html, 'the HTML body', 'body', dataUriBudget, limits, images, skipped);
  return { images, pdfs };
}

/** Files before inline parts: an attached image is what quishing sends; inline parts are often logos. */
function inlineRank(attachment: AttachmentInfo): number {
  return attachment.disposition === 'inline' && attachment.contentId !== null ? 1 : 0;
}

type AttachmentKind = 'raster' | 'svg' | 'pdf' | 'html' | 'unsupported-image' | 'other';

function attachmentKind(attachment: AttachmentInfo): AttachmentKind {
  const detected = attachment.detectedType;
  const declared = attachment.declaredType;
  if (detected === 'application/pdf') return 'pdf';
  if (detected !== null && RASTER_TYPES.has(detected)) return 'raster';
  // SVG is text: magic bytes say XML or nothing; trust the declared type or the name.
  if (declared === 'image/svg+xml' || SVG_NAME.test(attachment.filename)) return detected === null || detected.endsWith('xml') ? 'svg' : 'other';
  if (detected?.startsWith('image/')) return 'unsupported-image';
  // Declared an image but unrecognisable: probably damaged; the header probe will tell.
  if (detected === null && declared.startsWith('image/')) return 'raster';
  if (detected === null && (declared === 'text/html' || declared === 'application/xhtml+xml' || HTML_NAME.test(attachment.filename))) return 'html';
  return 'other';
}

/** Adds the data: images of some HTML; returns how many URIs it used of the budget. */
function addDataUris(
  html: string,
  where: string,
  placement: Placement,
  budget: number,
  limits: SourceLimits,
  images: EncodedImage[],
  skipped: SkipCounts,
): number {
  if (html === '') return 0;
  const found = findDataUriImages(html, Math.max(0, budget), limits.maxImageBytes);
  skipped.over_cap += found.skipped;
  let used = 0;
  for (const [index, image] of found.images.entries()) {
    used++;
    const vector = image.mediaType === 'image/svg+xml';
    if (vector && (!limits.decodeSvg || image.bytes.length > limits.maxSvgBytes)) {
      if (limits.decodeSvg) skipped.too_large++;
      continue;
    }
    images.push({
      bytes: image.bytes,
      label: `data: image ${index + 1} (${image.mediaType}) in ${where}`,
      placement,
      sha256: sha256Hex(image.bytes),
      vector,
    });
  }
  return used;
}
