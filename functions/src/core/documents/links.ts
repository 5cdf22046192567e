import { analyseIcs, isICalendar } from './ics';
import { ooxmlExternalReferences } from './office';
import { analysePdf, DEFAULT_PDF_LIMITS } from './pdf';
import { sniffType } from './sniff';

/**
 * The web addresses a document attachment leads its reader to, for link analysis: URI actions of
 * a PDF, external hyperlinks and remote references of an OOXML document, URLs of an iCalendar
 * invitation. HTML and SVG attachments are not handled here: the parser's HTML link extractor
 * reads them with link text and form context.
 */

export interface DocumentUrlLimits {
  /** Documents larger than this are not opened for links. */
  maxBytes: number;
  maxUrls: number;
}

export const DEFAULT_DOCUMENT_URL_LIMITS: DocumentUrlLimits = { maxBytes: DEFAULT_PDF_LIMITS.maxBytes, maxUrls: 200 };

const WEB_URL = /^(?:https?|ftp):\/\//i;

function distinctWebUrls(urls: string[], max: number): string[] {
  const out = new Set<string>();
  for (const url of urls) {
    const trimmed = url.trim();
    if (WEB_URL.test(trimmed)) out.add(trimmed);
    if (out.size >= max) break;
  }
  return [...out];
}

/**
 * URLs in the document (http, https, ftp only), distinct and bounded; [] for other content.
 * `passwords` are tried on an encrypted PDF (see passwordCandidates). Never throws.
 */
export async function documentUrls(bytes: Uint8Array, passwords: readonly string[] = [], limits: DocumentUrlLimits = DEFAULT_DOCUMENT_URL_LIMITS): Promise<string[]> {
  if (bytes.length === 0 || bytes.length > limits.maxBytes) return [];
  try {
    const type = sniffType(bytes);
    if (type === 'pdf') return distinctWebUrls((await analysePdf(bytes, DEFAULT_PDF_LIMITS, { passwords })).uris, limits.maxUrls);
    if (type === 'zip') return distinctWebUrls(ooxmlExternalReferences(bytes).filter((ref) => ref.remote).map((ref) => ref.target), limits.maxUrls);
    if (type === 'icalendar') {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      return isICalendar(text) ? distinctWebUrls(analyseIcs(text).urls, limits.maxUrls) : [];
    }
  } catch {
    // A document that cannot be read has no links to offer; the attachments engine reports it.
  }
  return [];
}
