import { binarize, codeCorners, findFinderPatterns, MAX_FINDER_PATTERNS, type CodeCorners } from './finder-screen';
import type { ImageLibraries } from './libraries';

/** Pixels to search: encoded bytes sharp reads, or one grey channel decoded elsewhere (BMP, PDF samples). */
export type ImageInput =
  | { kind: 'encoded'; bytes: Uint8Array; format: string }
  | { kind: 'grey'; pixels: Uint8Array; width: number; height: number };

export interface DecoderOptions {
  maxInputPixels: number;
  maxDecodePixels: number;
  fallbackAttempt: boolean;
  fallbackMaxPixels: number;
}

export interface ImageSize {
  width: number;
  height: number;
  /** sharp's format name ('png', 'jpeg', 'svg', …), or 'bmp' / 'pdf'. */
  format: string;
}

export type DecodeOutcome =
  | { status: 'found'; payload: string; attempts: number; jsqrRuns: number }
  | { status: 'none'; attempts: number; jsqrRuns: number }
  /** Stopped before every attempt ran: time budget spent or the scan aborted. */
  | { status: 'interrupted'; attempts: number; jsqrRuns: number };

/** One grey channel; width and height multiples of 8 and at least 40 (see ./finder-screen). */
export interface GreyRaster {
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Where the image is inside the padding, for grey-level statistics. */
  content: { left: number; top: number; width: number; height: number };
}

/** A vector image is rasterised so that its longest side has about this many pixels. */
const SVG_RENDER_SIDE = 800;
const SVG_MAX_DENSITY = 72 * 16;
/** Rasters are never scaled below this side: a code and its quiet zone need room. */
const MIN_RASTER_SIDE = 64;
/** Modules kept around the finder centres of a crop: half a finder (3.5) plus a 4-module quiet zone. */
const CROP_MARGIN_MODULES = 7.5;
/**
 * When finder triples were seen but no crop decoded, jsQR also gets the whole raster if it is at
 * most this large: jsQR is sensitive to framing, and a whole small image costs 10-40 ms.
 */
const WHOLE_IMAGE_MAX_PIXELS = 250_000;
/** jsQR runs per attempt at most: crops of text-heavy images cost 10-40 ms each. */
const MAX_JSQR_RUNS_PER_ATTEMPT = 3;
/** Below this spread between the darkest and lightest 1% of pixels, an image is washed out. */
const LOW_CONTRAST = 96;
const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };

/**
 * Finds a QR code in one image. sharp rasterises it (flattened onto white, scaled down to
 * `maxDecodePixels`, grey); the finder screen (./finder-screen) binarises it as jsQR would, in
 * both polarities, and looks for three finder patterns laid out like a code's corners; jsQR then
 * decodes crops around the best such triples (and, when those fail, a small image as a whole; a
 * large one never). When that finds nothing and
 * either a triple was seen or the image is washed out, a second attempt searches a contrast-
 * stretched copy of the same raster (at most `fallbackMaxPixels`) whose crops get a white quiet
 * zone: codes printed faintly, or flush against other content, pass there. Errors (corrupt data,
 * unsupported variants) propagate; the caller counts the image as unreadable.
 */
export class QrDecoder {
  constructor(
    private readonly libraries: ImageLibraries,
    private readonly options: DecoderOptions,
  ) {}

  /** Size and format from the header only; throws when sharp does not recognise the bytes. */
  async probe(bytes: Uint8Array): Promise<ImageSize> {
    const metadata = await this.libraries.sharp(bytes, { limitInputPixels: false }).metadata();
    return { width: metadata.width ?? 0, height: metadata.height ?? 0, format: metadata.format ?? 'unknown' };
  }

  /** `shouldStop` is asked before each attempt: the message's time budget and the abort signal. */
  async decode(input: ImageInput, size: ImageSize, shouldStop: () => boolean): Promise<DecodeOutcome> {
    const runs = { jsqr: 0 };
    if (shouldStop()) return { status: 'interrupted', attempts: 0, jsqrRuns: 0 };
    const raster = input.kind === 'grey' ? this.greyRaster(input) : await this.raster(input, size);
    const first = this.search(raster, runs);
    if (first !== null) return { status: 'found', payload: first, attempts: 1, jsqrRuns: runs.jsqr };
    if (!this.options.fallbackAttempt || !isLowContrast(raster)) {
      return { status: 'none', attempts: 1, jsqrRuns: runs.jsqr };
    }
    if (shouldStop()) return { status: 'interrupted', attempts: 1, jsqrRuns: runs.jsqr };
    const second = this.search(enhance(raster, this.options.fallbackMaxPixels), runs);
    if (second !== null) return { status: 'found', payload: second, attempts: 2, jsqrRuns: runs.jsqr };
    return { status: 'none', attempts: 2, jsqrRuns: runs.jsqr };
  }

  /**
   * jsQR on crops around the most regular finder triple of each polarity, then on the whole
   * raster when it is small, at most MAX_JSQR_RUNS_PER_ATTEMPT runs.
   */
  private search(raster: GreyRaster, runs: { jsqr: number }): string | null {
    const { pixels, width, height } = raster;
    const bits = binarize(pixels, width, height);
    const crops: GreyRaster[] = [];
    // Dark-on-light codes first, then light-on-dark ones (the same bits read with 0 as dark).
    for (const dark of [1, 0] as const) {
      const inverted = dark === 0;
      // jsQR 1.4.0's 'onlyInvert' crashes (it never builds the inverted matrix): invert the pixels instead.
      for (const corners of codeCorners(findFinderPatterns(bits, width, height, MAX_FINDER_PATTERNS, dark), 1)) crops.push(cropAround(raster, corners, inverted));
    }
    if (crops.length > 0 && width * height <= WHOLE_IMAGE_MAX_PIXELS) crops.push(raster);
    for (const crop of crops.slice(0, MAX_JSQR_RUNS_PER_ATTEMPT)) {
      const payload = this.jsQR(crop, runs, crop === raster ? 'attemptBoth' : 'dontInvert');
      if (payload !== null) return payload;
    }
    return null;
  }

  private jsQR(raster: GreyRaster, runs: { jsqr: number }, inversionAttempts: 'dontInvert' | 'attemptBoth' = 'dontInvert'): string | null {
    runs.jsqr++;
    const code = this.libraries.jsQR(toRgba(raster), raster.width, raster.height, { inversionAttempts });
    if (code === null || (code.data === '' && code.binaryData.length === 0)) return null;
    return code.data !== '' ? code.data : Buffer.from(code.binaryData).toString('latin1');
  }

  /** Grey pixels decoded elsewhere: scaled down in JavaScript, no trip through sharp. */
  private greyRaster(input: { pixels: Uint8Array; width: number; height: number }): GreyRaster {
    const factor = Math.ceil(Math.sqrt((input.width * input.height) / this.options.maxDecodePixels));
    const small = factor > 1 ? boxDownscale(input.pixels, input.width, input.height, factor) : input;
    return padToRegions(small.pixels, small.width, small.height, 1, 0);
  }

  private async raster(input: { bytes: Uint8Array; format: string }, size: ImageSize): Promise<GreyRaster> {
    const { sharp } = this.libraries;
    const limitInputPixels = this.options.maxInputPixels;
    let pipeline;
    let width = size.width;
    let height = size.height;
    if (input.format === 'svg') {
      const density = Math.min(SVG_MAX_DENSITY, Math.max(1, (72 * SVG_RENDER_SIDE) / Math.max(size.width, size.height, 1)));
      width = Math.max(1, Math.round((size.width * density) / 72));
      height = Math.max(1, Math.round((size.height * density) / 72));
      pipeline = sharp(input.bytes, { density, limitInputPixels, failOn: 'none' });
    } else {
      // Damaged images decode as far as they go (a truncated PNG still shows its top rows); the
      // pixel limit, not the decoder's pickiness, is what bounds the work.
      pipeline = sharp(input.bytes, { limitInputPixels, failOn: 'none', sequentialRead: true });
    }
    // Transparent pixels are usually black with alpha 0: composite onto white, as a mail client shows them.
    pipeline = pipeline.flatten({ background: WHITE });
    const scale = Math.max(Math.sqrt(this.options.maxDecodePixels / Math.max(1, width * height)), MIN_RASTER_SIDE / Math.max(1, Math.min(width, height)));
    if (scale < 1) {
      pipeline = pipeline.resize({ width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)), fit: 'fill' });
    }
    const { data, info } = await pipeline.greyscale().raw().toBuffer({ resolveWithObject: true });
    return padToRegions(data, info.width, info.height, info.channels, 0);
  }
}

/**
 * The part of the raster a code with these finder corners covers, with its quiet zone; light and
 * dark swapped when `inverted`. Where the crop meets the raster's edge, white is added instead:
 * codes printed flush to the image edge get the quiet zone jsQR needs.
 */
export function cropAround(raster: GreyRaster, corners: CodeCorners, inverted: boolean): GreyRaster {
  const { corner, first, second, module } = corners;
  const xs = [corner.x, first.x, second.x, first.x + second.x - corner.x];
  const ys = [corner.y, first.y, second.y, first.y + second.y - corner.y];
  const margin = CROP_MARGIN_MODULES * module;
  const wantLeft = Math.floor(Math.min(...xs) - margin);
  const wantTop = Math.floor(Math.min(...ys) - margin);
  const wantRight = Math.ceil(Math.max(...xs) + margin);
  const wantBottom = Math.ceil(Math.max(...ys) + margin);
  const left = Math.max(0, wantLeft);
  const top = Math.max(0, wantTop);
  const width = Math.max(1, Math.min(raster.width, wantRight) - left);
  const height = Math.max(1, Math.min(raster.height, wantBottom) - top);
  const quiet = wantLeft < 0 || wantTop < 0 || wantRight > raster.width || wantBottom > raster.height ? Math.ceil(4 * module) : 0;
  const crop = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (top + y) * raster.width + left;
    crop.set(raster.pixels.subarray(from, from + width), y * width);
  }
  const padded = padToRegions(crop, width, height, 1, quiet);
  if (inverted) for (let index = 0; index < padded.pixels.length; index++) padded.pixels[index] = 255 - (padded.pixels[index] as number);
  return padded;
}

/**
 * Copies the first channel into a white canvas whose sides are multiples of 8 and at least 40,
 * with `margin` white pixels on every side. White, not a copy of the edge: a code printed flush
 * to the image edge needs light around it.
 */
export function padToRegions(source: Uint8Array, width: number, height: number, channels: number, margin: number): GreyRaster {
  const paddedWidth = Math.max(40, Math.ceil((width + 2 * margin) / 8) * 8);
  const paddedHeight = Math.max(40, Math.ceil((height + 2 * margin) / 8) * 8);
  const pixels = new Uint8Array(paddedWidth * paddedHeight).fill(255);
  for (let y = 0; y < height; y++) {
    const target = (y + margin) * paddedWidth + margin;
    const sourceRow = y * width * channels;
    if (channels === 1) pixels.set(source.subarray(sourceRow, sourceRow + width), target);
    else for (let x = 0; x < width; x++) pixels[target + x] = source[sourceRow + x * channels] as number;
  }
  return { pixels, width: paddedWidth, height: paddedHeight, content: { left: margin, top: margin, width, height } };
}

/** Averages `factor`×`factor` blocks; the right and bottom remainders are dropped. */
export function boxDownscale(pixels: Uint8Array, width: number, height: number, factor: number): { pixels: Uint8Array; width: number; height: number } {
  const smallWidth = Math.max(1, Math.floor(width / factor));
  const smallHeight = Math.max(1, Math.floor(height / factor));
  const small = new Uint8Array(smallWidth * smallHeight);
  const area = factor * factor;
  for (let y = 0; y < smallHeight; y++) {
    for (let x = 0; x < smallWidth; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        const row = (y * factor + dy) * width + x * factor;
        for (let dx = 0; dx < factor; dx++) sum += pixels[row + dx] ?? 255;
      }
      small[y * smallWidth + x] = Math.round(sum / area);
    }
  }
  return { pixels: small, width: smallWidth, height: smallHeight };
}

/**
 * The second attempt's copy: box-averaged down to `maxPixels` and contrast-stretched so the
 * darkest and lightest 1% become black and white.
 */
export function enhance(raster: GreyRaster, maxPixels: number): GreyRaster {
  const { content } = raster;
  const factor = Math.max(1, Math.ceil(Math.sqrt((content.width * content.height) / maxPixels)));
  const image = contentPixels(raster);
  const small = factor > 1 ? boxDownscale(image, content.width, content.height, factor) : { pixels: image, width: content.width, height: content.height };
  const [low, high] = percentiles(small.pixels, 0.01);
  if (high > low) {
    const range = high - low;
    const { pixels } = small;
    for (let index = 0; index < pixels.length; index++) {
      const value = pixels[index] as number;
      pixels[index] = value <= low ? 0 : value >= high ? 255 : Math.round(((value - low) * 255) / range);
    }
  }
  return padToRegions(small.pixels, small.width, small.height, 1, 0);
}

/** The image without its padding, as a fresh array. */
function contentPixels(raster: GreyRaster): Uint8Array {
  const { left, top, width, height } = raster.content;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (top + y) * raster.width + left;
    out.set(raster.pixels.subarray(from, from + width), y * width);
  }
  return out;
}

function isLowContrast(raster: GreyRaster): boolean {
  const { left, top, width, height } = raster.content;
  const histogram = new Uint32Array(256);
  // Every 7th pixel of every 4th row is a fair sample of the spread.
  for (let y = top; y < top + height; y += 4) {
    for (let index = y * raster.width + left, end = index + width; index < end; index += 7) {
      const value = raster.pixels[index] as number;
      histogram[value] = (histogram[value] as number) + 1;
    }
  }
  const [low, high] = histogramPercentiles(histogram, 0.01);
  return high - low < LOW_CONTRAST;
}

/** The grey values below which and above which `fraction` of the pixels lie. */
function percentiles(pixels: Uint8Array, fraction: number): [number, number] {
  const histogram = new Uint32Array(256);
  for (let index = 0; index < pixels.length; index++) {
    const value = pixels[index] as number;
    histogram[value] = (histogram[value] as number) + 1;
  }
  return histogramPercentiles(histogram, fraction);
}

function histogramPercentiles(histogram: Uint32Array, fraction: number): [number, number] {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  const cut = Math.floor(total * fraction);
  let low = 0;
  for (let seen = 0; low < 255 && seen + (histogram[low] as number) <= cut; low++) seen += histogram[low] as number;
  let high = 255;
  for (let seen = 0; high > 0 && seen + (histogram[high] as number) <= cut; high--) seen += histogram[high] as number;
  return [low, high];
}

/** jsQR reads RGBA. */
function toRgba(raster: GreyRaster): Uint8ClampedArray {
  const { pixels } = raster;
  const rgba = new Uint8ClampedArray(pixels.length * 4);
  for (let pixel = 0, target = 0; pixel < pixels.length; pixel++, target += 4) {
    const value = pixels[pixel] as number;
    rgba[target] = value;
    rgba[target + 1] = value;
    rgba[target + 2] = value;
    rgba[target + 3] = 255;
  }
  return rgba;
}
