import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { QrConfigSchema } from '../../../functions/src/engines/qr';
import { QrDecoder, padToRegions, type GreyRaster } from '../../../functions/src/engines/qr/decode';
import { binarize, codeCorners, findFinderPatterns } from '../../../functions/src/engines/qr/finder-screen';
import { loadImageLibraries } from '../../../functions/src/engines/qr/libraries';
import { PHISH_URL, pictureWithoutQr, qrPng } from './helpers';

type JsQrBinarize = (data: Uint8ClampedArray, width: number, height: number, inverted: boolean) => { binarized: { data: Uint8ClampedArray }; inverted?: { data: Uint8ClampedArray } };

/** jsQR's own binariser, reached through its webpack bundle (it is not exported). */
function jsQrBinarizer(): JsQrBinarize {
  const bundle = readFileSync(require.resolve('jsqr'), 'utf8');
  const entry = 'return __webpack_require__(__webpack_require__.s = 3);';
  const tail = /\]\)\["default"\];\s*\}\);\s*$/;
  if (!bundle.includes(entry) || !tail.test(bundle)) throw new Error('jsQR bundle layout changed: re-check finder-screen.ts against the new binariser');
  const opened = bundle.replace(entry, '__webpack_require__.s = 3; return __webpack_require__;').replace(tail, ']);});');
  const holder = { exports: {} as unknown };
  new Function('module', 'exports', opened)(holder, holder.exports);
  return (holder.exports as (id: number) => { binarize: JsQrBinarize })(4).binarize;
}

async function rasterOf(bytes: Buffer, maxSide = 600): Promise<GreyRaster> {
  const { data, info } = await sharp(bytes).flatten({ background: '#fff' }).resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return padToRegions(data, info.width, info.height, info.channels, 0);
}

function rgba(pixels: Uint8Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(pixels.length * 4);
  pixels.forEach((value, index) => out.set([value, value, value, 255], index * 4));
  return out;
}

const decoder = new QrDecoder(loadImageLibraries(), QrConfigSchema.parse({}));

describe('finder screen', () => {
  it("binarises exactly as jsQR 1.4.0 does, in both polarities", async () => {
    const jsQrBinarize = jsQrBinarizer();
    const images = [await qrPng(PHISH_URL), await pictureWithoutQr(640, 400), await sharp(await qrPng(PHISH_URL)).rotate(20, { background: '#fff' }).jpeg({ quality: 50 }).toBuffer()];
    for (const image of images) {
      const raster = await rasterOf(image);
      const ours = binarize(raster.pixels, raster.width, raster.height);
      const theirs = jsQrBinarize(rgba(raster.pixels), raster.width, raster.height, true);
      expect(Buffer.from(ours).equals(Buffer.from(theirs.binarized.data))).toBe(true);
      // jsQR's inverted matrix is ours with 0 and 1 swapped: what reading with DarkBit 0 relies on.
      expect(Buffer.from(ours.map((bit) => 1 - bit)).equals(Buffer.from(theirs.inverted?.data ?? []))).toBe(true);
    }
  });

  it('reads light-on-dark codes from the one matrix exactly as from a separately inverted one', async () => {
    const code = await qrPng(PHISH_URL);
    const negative = await sharp(code).negate({ alpha: false }).png().toBuffer();
    const rotatedNegative = await sharp(negative).rotate(25, { background: '#000' }).jpeg({ quality: 60 }).toBuffer();
    const images = [code, negative, rotatedNegative, await pictureWithoutQr(640, 400)];
    const found: number[] = [];
    for (const image of images) {
      const raster = await rasterOf(image);
      const bits = binarize(raster.pixels, raster.width, raster.height);
      const inverse = bits.map((bit) => 1 - bit);
      for (const [matrix, asInverse] of [
        [bits, inverse],
        [inverse, bits],
      ] as const) {
        const direct = findFinderPatterns(matrix, raster.width, raster.height, 256);
        expect(findFinderPatterns(asInverse, raster.width, raster.height, 256, 0)).toEqual(direct);
        found.push(direct.length);
      }
    }
    // The comparison is not vacuous: the code is found in its own polarity, the negatives in the other.
    const [codeDark, , , negativeLight, , rotatedLight] = found;
    expect(codeDark).toBeGreaterThanOrEqual(3);
    expect(negativeLight).toBeGreaterThanOrEqual(3);
    expect(rotatedLight).toBeGreaterThanOrEqual(3);
  });

  it('finds finder patterns whose dark ring touches the image edge, in either polarity', async () => {
    // No quiet zone, and a side that is a multiple of 8 so no padding is added: the finder rings
    // end at the raster's first and last column and row, where the row scan's light border starts.
    const flush = await qrPng(PHISH_URL, { margin: 0, scale: 8 });
    const { data, info } = await sharp(flush).flatten({ background: '#fff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(info.width % 8).toBe(0);
    const raster = padToRegions(data, info.width, info.height, info.channels, 0);
    expect(raster.width).toBe(info.width);
    const bits = binarize(raster.pixels, raster.width, raster.height);
    const patterns = findFinderPatterns(bits, raster.width, raster.height, 256);
    // Finder centres sit 3.5 modules (28 pixels) in from the edges.
    const far = raster.width - 28;
    expect(patterns).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ x: expect.closeTo(28, -1), y: expect.closeTo(28, -1) }),
        expect.objectContaining({ x: expect.closeTo(far, -1), y: expect.closeTo(28, -1) }),
        expect.objectContaining({ x: expect.closeTo(28, -1), y: expect.closeTo(far, -1) }),
      ]),
    );
    // Reading the inverse matrix with 0 as dark is reading these bits with 1 as dark.
    expect(findFinderPatterns(bits.map((bit) => 1 - bit), raster.width, raster.height, 256, 0)).toEqual(patterns);
  });

  it("finds a code's three finder patterns as one triple, and no triple in a picture", async () => {
    const code = await rasterOf(await qrPng(PHISH_URL));
    const patterns = findFinderPatterns(binarize(code.pixels, code.width, code.height), code.width, code.height, 256);
    const [best] = codeCorners(patterns, 1);
    expect(best?.irregularity).toBeLessThan(0.1);
    // Finder centres of a 4-pixel-module code with a 4-module margin sit 3.5 modules in from it.
    expect(best?.corner).toMatchObject({ x: expect.closeTo(30, 0), y: expect.closeTo(30, 0) });

    const picture = await rasterOf(await pictureWithoutQr(640, 400));
    const none = findFinderPatterns(binarize(picture.pixels, picture.width, picture.height), picture.width, picture.height, 256);
    expect(codeCorners(none, 1)).toEqual([]);
  });
});

describe('QrDecoder', () => {
  const search = (bytes: Buffer): Promise<string | null> =>
    sharp(bytes)
      .metadata()
      .then((meta) => decoder.decode({ kind: 'encoded', bytes, format: meta.format ?? 'png' }, { width: meta.width ?? 0, height: meta.height ?? 0, format: meta.format ?? 'png' }, () => false))
      .then((outcome) => (outcome.status === 'found' ? outcome.payload : null));

  it.each([5, 17, 30, 45])('decodes a code rotated by %i° and saved as a poor JPEG', async (angle) => {
    const rotated = await sharp(await qrPng(PHISH_URL, { errorCorrectionLevel: 'M' })).rotate(angle, { background: '#fff' }).jpeg({ quality: 40 }).toBuffer();
    expect(await search(rotated)).toBe(PHISH_URL);
  });

  it('decodes a sheared and a blurred code', async () => {
    const png = await qrPng(PHISH_URL);
    const sheared = await sharp(png).affine([[1, 0.25], [0.1, 0.9]], { background: '#fff' }).png().toBuffer();
    const blurred = await sharp(png).resize(140).blur(1.2).png().toBuffer();
    expect(await search(sheared)).toBe(PHISH_URL);
    expect(await search(blurred)).toBe(PHISH_URL);
  });

  it('runs jsQR not at all on a picture without finder patterns', async () => {
    const bytes = await pictureWithoutQr(900, 600);
    const outcome = await decoder.decode({ kind: 'encoded', bytes, format: 'png' }, { width: 900, height: 600, format: 'png' }, () => false);
    expect(outcome).toEqual({ status: 'none', attempts: 1, jsqrRuns: 0 });
  });

  it('stops before decoding when told to', async () => {
    const bytes = await qrPng(PHISH_URL);
    const outcome = await decoder.decode({ kind: 'encoded', bytes, format: 'png' }, { width: 164, height: 164, format: 'png' }, () => true);
    expect(outcome).toEqual({ status: 'interrupted', attempts: 0, jsqrRuns: 0 });
  });

  it('scales grey pixels down without sharp and still decodes', async () => {
    const { data, info } = await sharp(await qrPng(PHISH_URL)).resize(820, 820, { kernel: 'nearest' }).greyscale().raw().toBuffer({ resolveWithObject: true });
    const small = new QrDecoder(loadImageLibraries(), QrConfigSchema.parse({ maxDecodePixels: 200_000 }));
    const outcome = await small.decode({ kind: 'grey', pixels: data, width: info.width, height: info.height }, { width: info.width, height: info.height, format: 'pdf' }, () => false);
    expect(outcome).toMatchObject({ status: 'found', payload: PHISH_URL });
  });
});
