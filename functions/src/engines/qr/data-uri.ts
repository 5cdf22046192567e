/** A base64 `data:image/…` URI found in HTML, decoded. */
export interface DataUriImage {
  /** Media type as written, lower-cased (`image/png`). */
  mediaType: string;
  bytes: Buffer;
}

export interface DataUriScan {
  images: DataUriImage[];
  /** URIs seen but not decoded: over the byte cap, or past the count cap. */
  skipped: number;
}

/**
 * `data:image/png;base64,` and variants (`;charset=…`, `;name=…` parameters, upper case). The
 * parser drops these from `subject.links` (an inline image is content, not a destination), so
 * the engine reads them from the HTML itself.
 */
const DATA_IMAGE_HEADER = /data:(image\/[a-z0-9.+-]{1,40})((?:;[a-z0-9.+-]{1,40}=[^;,"'\s]{0,200})*);base64,/gi;
/** Base64 alphabet plus the whitespace and line breaks HTML writers put into long attributes. */
const BASE64_RUN = /[A-Za-z0-9+/=\s]*/y;

/**
 * Finds base64 `data:image/` URIs in HTML text and decodes at most `maxImages` of them, each
 * at most `maxBytes` decoded. Linear in the HTML length: every URI is passed over once, and an
 * oversized one is skipped without being decoded.
 */
export function findDataUriImages(html: string, maxImages: number, maxBytes: number): DataUriScan {
  const images: DataUriImage[] = [];
  let skipped = 0;
  if (maxImages <= 0 || !html.includes('data:')) return { images, skipped };
  const maxChars = Math.ceil(maxBytes / 3) * 4;
  DATA_IMAGE_HEADER.lastIndex = 0;
  for (let header = DATA_IMAGE_HEADER.exec(html); header !== null; header = DATA_IMAGE_HEADER.exec(html)) {
    BASE64_RUN.lastIndex = DATA_IMAGE_HEADER.lastIndex;
    const run = BASE64_RUN.exec(html)?.[0] ?? '';
    DATA_IMAGE_HEADER.lastIndex += run.length;
    if (run.trim() === '') continue;
    // Whitespace at most doubles a run in practice; beyond that the image is too large anyway.
    const compact = run.length > maxChars * 2 || images.length >= maxImages ? '' : run.replace(/\s+/g, '');
    if (compact.length === 0 || compact.length > maxChars) {
      skipped++;
      continue;
    }
    images.push({ mediaType: (header[1] as string).toLowerCase(), bytes: Buffer.from(compact, 'base64') });
  }
  return { images, skipped };
}
