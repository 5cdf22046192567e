import type { ScanSubject } from '../../core/subject/types';
import { decodeBmpGrey, readBmpHeader } from './bmp';
import type { QrConfig } from './config';
import { QrDecoder, type ImageInput, type ImageSize } from './decode';
import type { ImageLibraries } from './libraries';
import { listPdfImages, type PdfImageData } from './pdf-images';
import { passwordCandidates } from './pdf-passwords';
import { ResultCache } from './result-cache';
import { collectSources, emptySkipCounts, type Placement, type SkipCounts } from './sources';

/** A QR code found in one image. */
export interface FoundCode {
  payload: string;
  /** Which image, for evidence. */
  label: string;
  placement: Placement;
}

/** What one message's search did, for evidence and for measurements. */
export interface SearchStats {
  candidates: number;
  duplicates: number;
  cacheHits: number;
  /** Deliberately not searched: too small or too elongated to hold a readable code. */
  tooSmallOrElongated: number;
  decoded: number;
  attempts: number;
  /** Attempts the finder screen let through to jsQR. */
  jsqrRuns: number;
  skipped: SkipCounts;
}

export interface SearchResult {
  codes: FoundCode[];
  stats: SearchStats;
}

/** An image to search, its size known (from the header or the PDF dictionary) before any pixel is decoded. */
interface Candidate {
  key: string;
  label: string;
  placement: Placement;
  size: ImageSize;
  vector: boolean;
  load(): ImageInput;
}

/** An image whose size is still to be read from its header. */
interface Pending {
  key: string;
  label: string;
  placement: Placement;
  vector: boolean;
  bytes: Uint8Array;
}

const PLACEMENT_RANK: Readonly<Record<Placement, number>> = { attachment: 0, pdf: 1, body: 2 };

/**
 * Searches every image of a message for QR codes, within the configured caps and time budget:
 * sources are collected, duplicates (same SHA-256) dropped, sizes read from headers, images that
 * cannot hold a readable code skipped, the rest decoded most-likely-first until the per-message
 * cap or the budget is reached. One image failing never stops the others.
 */
export class ImageSearch {
  private readonly decoder: QrDecoder;
  private readonly cache: ResultCache;

  constructor(
    private readonly libraries: ImageLibraries,
    private readonly config: QrConfig,
  ) {
    this.decoder = new QrDecoder(libraries, config);
    this.cache = new ResultCache(config.cacheEntries);
  }

  async search(subject: ScanSubject, signal: AbortSignal): Promise<SearchResult> {
    const { config } = this;
    const started = performance.now();
    const shouldStop = (): boolean => signal.aborted || performance.now() - started > config.timeBudgetMs;
    const stats: SearchStats = { candidates: 0, duplicates: 0, cacheHits: 0, tooSmallOrElongated: 0, decoded: 0, attempts: 0, jsqrRuns: 0, skipped: emptySkipCounts() };
    const codes: FoundCode[] = [];
    const seen = new Set<string>();
    const queue: Candidate[] = [];

    /** Dedupes, applies the candidate cap and answers from the cache; true when the image still needs its size. */
    const admit = (key: string, label: string, placement: Placement): boolean => {
      if (seen.has(key)) {
        stats.duplicates++;
        return false;
      }
      seen.add(key);
      if (stats.candidates >= config.maxCandidatesPerMessage) {
        stats.skipped.over_cap++;
        return false;
      }
      stats.candidates++;
      const cached = this.cache.get(key);
      if (cached === undefined) return true;
      stats.cacheHits++;
      if (cached.status === 'found') codes.push({ payload: cached.payload, label, placement });
      if (cached.status === 'unreadable') stats.skipped.unreadable++;
      return false;
    };

    const sources = collectSources(subject, config, stats.skipped);
    const pending: Pending[] = [];
    for (const image of sources.images) {
      if (admit(image.sha256, image.label, image.placement)) pending.push({ key: image.sha256, ...image });
    }
    for (const item of pending) {
      if (shouldStop()) {
        stats.skipped.out_of_time++;
        continue;
      }
      const candidate = await this.sized(item);
      if (candidate === null) {
        stats.skipped.unreadable++;
        this.cache.set(item.key, { status: 'unreadable' });
      } else this.enqueue(candidate, queue, stats);
    }

    const passwords = sources.pdfs.length > 0 ? passwordCandidates(subject) : [];
    for (const pdf of sources.pdfs) {
      if (shouldStop()) {
        stats.skipped.out_of_time++;
        continue;
      }
      try {
        const listed = await listPdfImages(pdf.bytes, config.maxImagesPerPdf, passwords);
        if (listed.encrypted) stats.skipped.encrypted_pdf++;
        stats.skipped.over_cap += listed.skipped;
        const opened = listed.password ? ` (encrypted; opened with the password "${listed.password.slice(0, 32)}" found in the message)` : '';
        for (const image of listed.images) {
          const key = `${pdf.sha256}#${image.objectNumber}`;
          const label = `image (object ${image.objectNumber}) in PDF "${pdf.filename}"${opened}`;
          if (!admit(key, label, 'pdf')) continue;
          this.enqueue(
            { key, label, placement: 'pdf', vector: false, size: { width: image.width, height: image.height, format: 'pdf' }, load: () => pdfInput(image.load()) },
            queue,
            stats,
          );
        }
      } catch {
        stats.skipped.unreadable_pdf++;
      }
    }

    queue.sort((a, b) => PLACEMENT_RANK[a.placement] - PLACEMENT_RANK[b.placement] || squareness(b.size) - squareness(a.size));
    for (const [index, candidate] of queue.entries()) {
      if (index >= config.maxImagesPerMessage) {
        stats.skipped.over_cap += queue.length - index;
        break;
      }
      if (shouldStop()) {
        stats.skipped.out_of_time += queue.length - index;
        break;
      }
      await this.searchOne(candidate, shouldStop, stats, codes);
    }
    return { codes, stats };
  }

  private async searchOne(candidate: Candidate, shouldStop: () => boolean, stats: SearchStats, codes: FoundCode[]): Promise<void> {
    try {
      const outcome = await this.decoder.decode(candidate.load(), candidate.size, shouldStop);
      stats.attempts += outcome.attempts;
      stats.jsqrRuns += outcome.jsqrRuns;
      if (outcome.status === 'interrupted') {
        stats.skipped.out_of_time++;
        return;
      }
      stats.decoded++;
      if (outcome.status === 'found') {
        codes.push({ payload: outcome.payload, label: candidate.label, placement: candidate.placement });
        this.cache.set(candidate.key, { status: 'found', payload: outcome.payload });
      } else {
        this.cache.set(candidate.key, { status: 'none' });
      }
    } catch {
      // Corrupt data, an unsupported variant, a decoder bug on odd input: this image only.
      stats.skipped.unreadable++;
      this.cache.set(candidate.key, { status: 'unreadable' });
    }
  }

  /** The size from the header (BMP read here, everything else by sharp); null when unreadable. */
  private async sized(item: Pending): Promise<Candidate | null> {
    const bmp = readBmpHeader(item.bytes);
    if (bmp !== null) {
      const size = { width: bmp.width, height: bmp.height, format: 'bmp' };
      return { ...item, size, load: () => ({ kind: 'grey', ...decodeBmpGrey(item.bytes, bmp) }) };
    }
    try {
      const size = await this.decoder.probe(item.bytes);
      if (size.width <= 0 || size.height <= 0) return null;
      const vector = item.vector || size.format === 'svg';
      return { ...item, vector, size, load: () => ({ kind: 'encoded', bytes: item.bytes, format: size.format }) };
    } catch {
      return null;
    }
  }

  /** Queues an image unless it cannot hold a readable code or is over the pixel cap. */
  private enqueue(candidate: Candidate, queue: Candidate[], stats: SearchStats): void {
    const { width, height } = candidate.size;
    const { config } = this;
    if (Math.max(width, height) / Math.min(width, height) > config.maxAspectRatio) {
      stats.tooSmallOrElongated++;
    } else if (!candidate.vector && Math.min(width, height) < config.minImageSide) {
      stats.tooSmallOrElongated++;
    } else if (!candidate.vector && width * height > config.maxInputPixels) {
      stats.skipped.too_large++;
    } else {
      queue.push(candidate);
    }
  }
}

function squareness(size: ImageSize): number {
  return Math.min(size.width, size.height) / Math.max(size.width, size.height);
}

function pdfInput(data: PdfImageData): ImageInput {
  return data.kind === 'jpeg' ? { kind: 'encoded', bytes: data.bytes, format: 'jpeg' } : { kind: 'grey', pixels: data.pixels, width: data.width, height: data.height };
}
