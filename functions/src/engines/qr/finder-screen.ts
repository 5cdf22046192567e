/**
 * Where to point jsQR. jsQR (1.4.0) binarises the image in 8×8 regions, collects finder-pattern
 * candidates (rows with dark-light-dark-light-dark runs near 1:1:3:1:1, with a ±100% tolerance)
 * and then scores every candidate and tries to decode from the best three. Photos, logos and
 * text produce hundreds of such loose candidates; jsQR spends 30-100 ms on such an image before
 * returning null, and on a page of text it may pick three letters over a real code elsewhere.
 *
 * This module repeats jsQR's binariser and candidate collection exactly (same arithmetic, on
 * typed arrays, about ten times faster), verifies each candidate as ZXing does (the runs across
 * its centre, horizontally and vertically, must match 1:1:3:1:1 within ±75% of a module), and
 * returns triples laid out like a code's three finder corners. The decoder hands jsQR a crop
 * around each of the best triples instead of the whole image. Real codes pass (tested on
 * rotated, blurred, JPEG-damaged, inverted, margin-less, sheared and composited codes with 1 to
 * 9 pixels per module); most images without a code yield no triple and cost no jsQR run at all.
 * The price: a code so damaged that three of its finder patterns fail the cross-check is not
 * decoded, even where jsQR on the whole image might have managed. Exactness of the first two
 * steps needs the raster's width and height to be multiples of 8 and at least 40 (jsQR reads
 * outside the image otherwise); the decoder pads every raster to meet that.
 */

const REGION_SIZE = 8;
const MIN_DYNAMIC_RANGE = 24;
const MIN_QUAD_RATIO = 0.5;
const MAX_QUAD_RATIO = 1.5;

/** Which bit value stands for a dark module: 1 for dark-on-light codes, 0 for light-on-dark ones. */
export type DarkBit = 0 | 1;

/**
 * jsQR's binarisation of grey pixels (one byte each), as 0/1 per pixel (1 = darker than the
 * local threshold). Mirrors jsQR's arithmetic, including its rounding through Uint8ClampedArray.
 * jsQR's inverted matrix is exactly this one with 0 and 1 swapped, so it is not built: the finder
 * search reads the same bits with `DarkBit` 0 instead.
 */
export function binarize(grey: Uint8Array, width: number, height: number): Uint8Array {
  const columns = width / REGION_SIZE;
  const rows = height / REGION_SIZE;
  const blackPoints = new Uint8ClampedArray(columns * rows);
  for (let regionY = 0; regionY < rows; regionY++) {
    for (let regionX = 0; regionX < columns; regionX++) {
      let sum = 0;
      let min = 255;
      let max = 0;
      for (let y = 0; y < REGION_SIZE; y++) {
        let at = (regionY * REGION_SIZE + y) * width + regionX * REGION_SIZE;
        for (let x = 0; x < REGION_SIZE; x++, at++) {
          const value = grey[at] as number;
          sum += value;
          if (value < min) min = value;
          if (value > max) max = value;
        }
      }
      let average = sum / (REGION_SIZE * REGION_SIZE);
      if (max - min <= MIN_DYNAMIC_RANGE) {
        average = min / 2;
        if (regionY > 0 && regionX > 0) {
          const neighbours =
            ((blackPoints[(regionY - 1) * columns + regionX] as number) +
              2 * (blackPoints[regionY * columns + regionX - 1] as number) +
              (blackPoints[(regionY - 1) * columns + regionX - 1] as number)) /
            4;
          if (min < neighbours) average = neighbours;
        }
      }
      blackPoints[regionY * columns + regionX] = average;
    }
  }

  const bits = new Uint8Array(width * height);
  for (let regionY = 0; regionY < rows; regionY++) {
    const top = Math.min(Math.max(regionY, 2), rows - 3);
    for (let regionX = 0; regionX < columns; regionX++) {
      const left = Math.min(Math.max(regionX, 2), columns - 3);
      let sum = 0;
      for (let dx = -2; dx <= 2; dx++) {
        for (let dy = -2; dy <= 2; dy++) sum += blackPoints[(top + dy) * columns + left + dx] as number;
      }
      const threshold = sum / 25;
      for (let y = 0; y < REGION_SIZE; y++) {
        let at = (regionY * REGION_SIZE + y) * width + regionX * REGION_SIZE;
        for (let x = 0; x < REGION_SIZE; x++, at++) {
          bits[at] = (grey[at] as number) <= threshold ? 1 : 0;
        }
      }
    }
  }
  return bits;
}

/** A verified finder pattern: its centre, the module size measured across it, and how far its runs are from 1:1:3:1:1. */
export interface FinderPattern {
  x: number;
  y: number;
  module: number;
  /** Sum of squared run errors, in modules, across both directions; 0 for a perfect pattern. */
  deviation: number;
}

interface CrossCheck {
  module: number;
  deviation: number;
}

interface Line {
  startX: number;
  endX: number;
  y: number;
}

interface Quad {
  top: Line;
  bottom: Line;
}

/**
 * Runs across a verified finder centre may differ from 1:1:3:1:1 by this fraction of a module;
 * the centre run by half that, which keeps out alignment patterns (1:1:1:1:1) of larger codes.
 */
const CROSS_CHECK_TOLERANCE = 0.75;
const CENTRE_TOLERANCE = 0.5;

/**
 * The finder-pattern candidates jsQR's locator would keep for this bit matrix, read with `dark`
 * as the dark value (0 reads it as jsQR's inverted matrix), and that also pass the cross-check,
 * at most `limit` of them. `bits` holds only 0 and 1 (as `binarize` writes it). Pixels outside the
 * image read as light in either polarity, as in jsQR. Candidates: rows are scanned for
 * dark-light-dark-light-dark runs near 1:1:3:1:1, runs stacked on consecutive rows form quads,
 * quads at least 2 rows tall whose centre is dark are kept (all as jsQR does).
 */
export function findFinderPatterns(bits: Uint8Array, width: number, height: number, limit: number, dark: DarkBit = 1): FinderPattern[] {
  const found: FinderPattern[] = [];
  const keep = (quad: Quad): void => {
    if (quad.bottom.y - quad.top.y < 2) return;
    const x = Math.round((quad.top.startX + quad.top.endX + quad.bottom.startX + quad.bottom.endX) / 4);
    const y = Math.round((quad.top.y + quad.bottom.y + 1) / 2);
    if (x < 0 || x >= width || y < 0 || y >= height || bits[y * width + x] !== dark) return;
    const across = crossCheck(bits, width, height, dark, x, y, 1, 0);
    const down = across === null ? null : crossCheck(bits, width, height, dark, x, y, 0, 1);
    if (across !== null && down !== null && found.length < limit) {
      found.push({ x, y, module: (across.module + down.module) / 2, deviation: across.deviation + down.deviation });
    }
  };

  let active: Quad[] = [];
  for (let y = 0; y <= height && found.length < limit; y++) {
    // The row reads as if bordered by a light pixel on each side (x = -1 and x = width), as jsQR
    // reads outside the image; the row y = height is all light and only closes the open quads.
    let length = 1; // the light border pixel at x = -1
    let lastBit = false;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    const rowStart = y * width;
    const light = 1 - dark;
    for (let x = 0; y < height && x <= width; x++) {
      // Skip over the rest of the current run in one tight loop; only colour changes matter below.
      const runValue = lastBit ? dark : light;
      const runStart = x;
      while (x < width && bits[rowStart + x] === runValue) x++;
      length += x - runStart;
      // x is now the first pixel of another colour, or the light border at x = width.
      const isDark: boolean = x < width && !lastBit;
      if (isDark === lastBit) break; // the border continues a light run: the row has no more changes
      s0 = s1;
      s1 = s2;
      s2 = s3;
      s3 = s4;
      s4 = length;
      length = 1;
      lastBit = isDark;
      if (isDark) continue; // a finder run ends on a light pixel
      const average = (s0 + s1 + s2 + s3 + s4) / 7;
      const isFinder =
        Math.abs(s0 - average) < average &&
        Math.abs(s1 - average) < average &&
        Math.abs(s2 - 3 * average) < 3 * average &&
        Math.abs(s3 - average) < average &&
        Math.abs(s4 - average) < average;
      if (!isFinder) continue;
      const endX = x - s3 - s4;
      const startX = endX - s2;
      const line = { startX, endX, y };
      const match = active.find(
        (quad) =>
          (startX >= quad.bottom.startX && startX <= quad.bottom.endX) ||
          (endX >= quad.bottom.startX && startX <= quad.bottom.endX) ||
          (startX <= quad.bottom.startX &&
            endX >= quad.bottom.endX &&
            s2 / (quad.bottom.endX - quad.bottom.startX) < MAX_QUAD_RATIO &&
            s2 / (quad.bottom.endX - quad.bottom.startX) > MIN_QUAD_RATIO),
      );
      if (match) match.bottom = line;
      else active.push({ top: line, bottom: line });
    }
    const stillOpen: Quad[] = [];
    for (const quad of active) {
      if (quad.bottom.y === y) stillOpen.push(quad);
      else keep(quad);
    }
    active = stillOpen;
  }
  for (const quad of active) keep(quad);
  return found;
}

/**
 * Walks from a dark centre pixel both ways along (stepX, stepY) and checks that the runs crossed
 * (dark centre, light ring, dark ring on each side) are 1:1:3:1:1 within the tolerance.
 */
function crossCheck(bits: Uint8Array, width: number, height: number, dark: DarkBit, centreX: number, centreY: number, stepX: number, stepY: number): CrossCheck | null {
  const forward = runsFrom(bits, width, height, dark, centreX, centreY, stepX, stepY);
  const backward = runsFrom(bits, width, height, dark, centreX, centreY, -stepX, -stepY);
  if (forward === null || backward === null) return null;
  const runs = [backward[2], backward[1], forward[0] + backward[0] - 1, forward[1], forward[2]] as const;
  const module = (runs[0] + runs[1] + runs[2] + runs[3] + runs[4]) / 7;
  const slack = module * CROSS_CHECK_TOLERANCE;
  const matches =
    Math.abs(runs[0] - module) < slack &&
    Math.abs(runs[1] - module) < slack &&
    Math.abs(runs[2] - 3 * module) < 3 * module * CENTRE_TOLERANCE &&
    Math.abs(runs[3] - module) < slack &&
    Math.abs(runs[4] - module) < slack;
  if (!matches) return null;
  const deviation = [1, 1, 3, 1, 1].reduce((sum, expected, index) => sum + ((runs[index] as number) / module - expected) ** 2, 0);
  return { module, deviation };
}

/** Lengths of the dark run containing the start, the light run after it and the dark run after that; null when the image ends first. */
function runsFrom(bits: Uint8Array, width: number, height: number, dark: DarkBit, x: number, y: number, stepX: number, stepY: number): [number, number, number] | null {
  const runs: [number, number, number] = [0, 0, 0];
  let state = 0;
  while (x >= 0 && x < width && y >= 0 && y < height) {
    const isDark = bits[y * width + x] === dark;
    if (isDark !== (state !== 1)) {
      state++;
      if (state > 2) return runs;
    }
    runs[state as 0 | 1 | 2]++;
    x += stepX;
    y += stepY;
  }
  // The image edge ends the outer dark ring (jsQR reads outside as light).
  return state === 2 ? runs : null;
}

/** Finder patterns collected per image; more is a page of text. */
export const MAX_FINDER_PATTERNS = 256;
/**
 * Patterns combined into triples, the most regular first: the triple search is cubic in this,
 * and a real code's finders are among the cleanest patterns of an image.
 */
const MAX_LAYOUT_PATTERNS = 40;

/** Three finder patterns that could be the corners of one QR code. */
export interface CodeCorners {
  /** The corner between the other two (top-left in the code's own frame). */
  corner: FinderPattern;
  first: FinderPattern;
  second: FinderPattern;
  /** Mean module size in pixels. */
  module: number;
  /** How far from an ideal square layout (0 = perfect); lower is better. */
  irregularity: number;
}

/**
 * Triples of patterns that could be the corners of one QR code: similar module sizes, two sides
 * from a common corner of similar length at roughly a right angle, and a side between a version-1
 * and a version-40 code (14 to 170 modules between finder centres), all with slack for rotation,
 * perspective and pixelation. Returns the `max` most regular, from the MAX_LAYOUT_PATTERNS
 * cleanest patterns.
 */
export function codeCorners(found: readonly FinderPattern[], max: number): CodeCorners[] {
  const patterns = found.length <= MAX_LAYOUT_PATTERNS ? found : [...found].sort((a, b) => a.deviation - b.deviation).slice(0, MAX_LAYOUT_PATTERNS);
  const best: CodeCorners[] = [];
  const count = patterns.length;
  for (let corner = 0; corner < count; corner++) {
    for (let first = 0; first < count; first++) {
      if (first === corner) continue;
      for (let second = first + 1; second < count; second++) {
        if (second === corner) continue;
        const candidate = assess(patterns[corner] as FinderPattern, patterns[first] as FinderPattern, patterns[second] as FinderPattern);
        if (candidate === null) continue;
        if (best.length === max && candidate.irregularity >= (best[max - 1] as CodeCorners).irregularity) continue;
        best.push(candidate);
        best.sort((x, y) => x.irregularity - y.irregularity);
        if (best.length > max) best.pop();
      }
    }
  }
  return best;
}

function assess(corner: FinderPattern, first: FinderPattern, second: FinderPattern): CodeCorners | null {
  const smallest = Math.min(corner.module, first.module, second.module);
  const largest = Math.max(corner.module, first.module, second.module);
  if (largest > smallest * 2) return null;
  const module = (corner.module + first.module + second.module) / 3;
  const toFirstX = first.x - corner.x;
  const toFirstY = first.y - corner.y;
  const toSecondX = second.x - corner.x;
  const toSecondY = second.y - corner.y;
  const toFirst = Math.hypot(toFirstX, toFirstY);
  const toSecond = Math.hypot(toSecondX, toSecondY);
  if (toFirst === 0 || toSecond === 0) return null;
  const sideRatio = Math.max(toFirst, toSecond) / Math.min(toFirst, toSecond);
  if (sideRatio > 1.5) return null;
  const modulesApart = (toFirst + toSecond) / 2 / module;
  if (modulesApart < 10 || modulesApart > 200) return null;
  const cosine = (toFirstX * toSecondX + toFirstY * toSecondY) / (toFirst * toSecond);
  if (Math.abs(cosine) > 0.5) return null;
  return { corner, first, second, module, irregularity: Math.abs(cosine) + (sideRatio - 1) + (largest / smallest - 1) };
}
