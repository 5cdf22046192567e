import {
  ParseSpeeds,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFString,
  type PDFObject,
} from 'pdf-lib';
import { findDecryption, type StreamDecryptor } from '../../core/documents/pdf-crypt';
import { runFilterChain, UnsupportedFilterError, type FilterStep } from './pdf-filters';

/**
 * Image XObjects of a PDF, for the QR search. Rendering pages needs a PDF renderer (pdf.js with a
 * canvas, or poppler/mupdf), none of which is available light and offline, so codes drawn as
 * vector paths or as inline images (BI … ID … EI) are not seen: only image objects are.
 */

/** An image object: its size from the dictionary, its pixels only when asked for. */
export interface PdfImageRef {
  objectNumber: number;
  width: number;
  height: number;
  /** Decodes the stream: a JPEG for DCTDecode, otherwise one grey channel. Throws when unsupported or corrupt. */
  load(): PdfImageData;
}

export type PdfImageData = { kind: 'jpeg'; bytes: Uint8Array } | { kind: 'grey'; pixels: Buffer; width: number; height: number };

export interface PdfImageScan {
  images: PdfImageRef[];
  /** True when the PDF is encrypted and no password tried opens it (see core/documents/pdf-crypt). */
  encrypted: boolean;
  /** The user password that opened an encrypted PDF ('' for none needed); null when not encrypted. */
  password: string | null;
  /** Image objects past `maxImages`. */
  skipped: number;
}

/** Raw (non-JPEG) images above this many pixels are not inflated: 16 MP is an A4 page at 400 dpi. */
const MAX_RAW_PIXELS = 16_000_000;

const name = (value: string): PDFName => PDFName.of(value);

/**
 * Lists the image XObjects of a PDF, largest first, at most `maxImages`. Soft masks (the alpha
 * channel of another image) are left out. An encrypted PDF is opened with the empty password or
 * one of `passwords` when one fits. pdf-lib parses the whole file, tolerating damage;
 * a PDF it cannot parse at all throws, which the caller counts as an unreadable attachment.
 */
export async function listPdfImages(bytes: Uint8Array, maxImages: number, passwords: readonly string[] = []): Promise<PdfImageScan> {
  const document = await PDFDocument.load(bytes, {
    ignoreEncryption: true,
    updateMetadata: false,
    throwOnInvalidObject: false,
    // Yield to the event loop every 1,500 objects so the orchestrator's timeout can fire.
    parseSpeed: ParseSpeeds.Fast,
  });
  const { context } = document;
  let decrypt: StreamDecryptor | null = null;
  let password: string | null = null;
  if (document.isEncrypted) {
    const decryption = findDecryption(context, passwords);
    if (decryption === null) return { images: [], encrypted: true, password: null, skipped: 0 };
    ({ decrypt, password } = decryption);
  }
  const objects = context.enumerateIndirectObjects();
  // pdf-lib turns any bytes into an empty document rather than fail; nothing parsed is damage.
  if (objects.length === 0) throw new Error('no PDF object could be parsed');

  const images: { ref: PDFRef; stream: PDFRawStream }[] = [];
  const softMasks = new Set<string>();
  for (const [ref, object] of objects) {
    if (!(object instanceof PDFRawStream)) continue;
    const dict = object.dict;
    if (!(dict.lookup(name('Subtype')) instanceof PDFName) || String(dict.lookup(name('Subtype'))) !== '/Image') continue;
    const mask = dict.get(name('SMask'));
    if (mask instanceof PDFRef) softMasks.add(mask.toString());
    images.push({ ref, stream: object });
  }

  const refs = images
    .filter(({ ref }) => !softMasks.has(ref.toString()))
    .map(({ ref, stream }) => describeImage(ref, stream, (key) => context.lookup(key), decrypt))
    .filter((image): image is PdfImageRef => image !== null)
    .sort((a, b) => b.width * b.height - a.width * a.height);
  return { images: refs.slice(0, maxImages), encrypted: false, password, skipped: Math.max(0, refs.length - maxImages) };
}

type Resolve = (object: PDFObject | undefined) => PDFObject | undefined;

/** Reads a stream's (still filtered) bytes and a string's bytes, decrypted when the document is. */
interface Reader {
  resolve: Resolve;
  streamBytes(stream: PDFRawStream, ref: PDFRef | null): Uint8Array;
  /** `owner`: the indirect object the string sits in (strings are encrypted with its key). */
  stringBytes(string: PDFString | PDFHexString, owner: PDFRef): Uint8Array;
}

function describeImage(ref: PDFRef, stream: PDFRawStream, lookup: (key: PDFRef) => PDFObject | undefined, decrypt: StreamDecryptor | null): PdfImageRef | null {
  const resolve: Resolve = (object) => (object instanceof PDFRef ? lookup(object) : object);
  const reader: Reader = {
    resolve,
    streamBytes: (target, targetRef) =>
      decrypt === null || targetRef === null ? target.contents : decrypt(targetRef.objectNumber, targetRef.generationNumber, target.contents),
    stringBytes: (string, owner) => (decrypt === null ? string.asBytes() : decrypt(owner.objectNumber, owner.generationNumber, string.asBytes())),
  };
  const dict = stream.dict;
  const width = numberOf(resolve(dict.get(name('Width'))));
  const height = numberOf(resolve(dict.get(name('Height'))));
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) return null;
  return {
    objectNumber: ref.objectNumber,
    width,
    height,
    load: () => loadImage(stream, ref, width, height, reader),
  };
}

function loadImage(stream: PDFRawStream, ref: PDFRef, width: number, height: number, reader: Reader): PdfImageData {
  const { resolve } = reader;
  const dict = stream.dict;
  const steps = filterSteps(dict, resolve);
  const isMask = resolve(dict.get(name('ImageMask'))) === PDFBool.True;
  const spaceEntry = dict.get(name('ColorSpace'));
  const spaceOwner = spaceEntry instanceof PDFRef ? spaceEntry : ref;
  const colour = isMask ? { components: 1, palette: null } : colourSpace(resolve(spaceEntry), reader, spaceOwner);
  const bitsPerComponent = isMask ? 1 : numberOf(resolve(dict.get(name('BitsPerComponent')))) || 8;
  const contents = reader.streamBytes(stream, ref);

  const lastFilter = steps.at(-1)?.name;
  if (lastFilter === 'DCTDecode' || lastFilter === 'DCT') {
    const result = runFilterChain(contents, steps, contents.length * 2);
    return { kind: 'jpeg', bytes: result.bytes };
  }
  if (colour === null) throw new UnsupportedFilterError('colour space');
  if (![1, 2, 4, 8, 16].includes(bitsPerComponent)) throw new UnsupportedFilterError(`${bitsPerComponent} bits per component`);
  if (width * height > MAX_RAW_PIXELS) throw new UnsupportedFilterError(`raw image of ${width}×${height} pixels`);

  const rowBytes = Math.ceil((width * colour.components * bitsPerComponent) / 8);
  const result = runFilterChain(contents, steps, rowBytes * height);
  const invert = decodeInverts(resolve(dict.get(name('Decode'))), resolve);
  return { kind: 'grey', pixels: toGrey(result.bytes, width, height, rowBytes, bitsPerComponent, colour, invert), width, height };
}

function numberOf(object: PDFObject | undefined): number {
  return object instanceof PDFNumber ? object.asNumber() : Number.NaN;
}

function filterSteps(dict: PDFDict, resolve: Resolve): FilterStep[] {
  const filter = resolve(dict.get(name('Filter')));
  const parms = resolve(dict.get(name('DecodeParms')));
  const names = filter instanceof PDFName ? [filter] : filter instanceof PDFArray ? filter.asArray().map(resolve) : [];
  return names.map((entry, index) => {
    const stepParms = parms instanceof PDFArray ? resolve(parms.get(index)) : parms;
    const param = (key: string, fallback: number): number => {
      const value = stepParms instanceof PDFDict ? numberOf(resolve(stepParms.get(name(key)))) : Number.NaN;
      return Number.isFinite(value) ? value : fallback;
    };
    return {
      name: entry instanceof PDFName ? entry.decodeText() : 'unknown',
      params: { predictor: param('Predictor', 1), colors: param('Colors', 1), bitsPerComponent: param('BitsPerComponent', 8), columns: param('Columns', 1) },
    };
  });
}

interface Colour {
  components: number;
  /** For Indexed spaces: grey value of each palette entry. */
  palette: Uint8Array | null;
}

const DEVICE_COMPONENTS: Readonly<Record<string, number>> = {
  DeviceGray: 1,
  G: 1,
  CalGray: 1,
  DeviceRGB: 3,
  RGB: 3,
  CalRGB: 3,
  Lab: 3,
  DeviceCMYK: 4,
  CMYK: 4,
};

/** Components per sample (and the palette of Indexed spaces); null for spaces not handled. */
function colourSpace(space: PDFObject | undefined, reader: Reader, owner: PDFRef): Colour | null {
  const { resolve } = reader;
  if (space === undefined) return { components: 1, palette: null };
  if (space instanceof PDFName) {
    const components = DEVICE_COMPONENTS[space.decodeText()];
    return components === undefined ? null : { components, palette: null };
  }
  if (!(space instanceof PDFArray) || space.size() === 0) return null;
  const family = resolve(space.get(0));
  const familyName = family instanceof PDFName ? family.decodeText() : '';
  if (familyName === 'ICCBased') {
    const profile = resolve(space.get(1));
    const components = profile instanceof PDFRawStream ? numberOf(resolve(profile.dict.get(name('N')))) : Number.NaN;
    return [1, 3, 4].includes(components) ? { components, palette: null } : null;
  }
  if (familyName === 'Indexed' || familyName === 'I') return indexedSpace(space, reader, owner);
  const components = DEVICE_COMPONENTS[familyName];
  return components === undefined ? null : { components, palette: null };
}

function indexedSpace(space: PDFArray, reader: Reader, owner: PDFRef): Colour | null {
  const { resolve } = reader;
  const base = colourSpace(resolve(space.get(1)), reader, owner);
  const highest = numberOf(resolve(space.get(2)));
  const lookupEntry = space.get(3);
  const lookup = resolve(lookupEntry);
  if (base === null || base.palette !== null || !Number.isInteger(highest) || highest < 0 || highest > 255) return null;
  let table: Uint8Array;
  if (lookup instanceof PDFString || lookup instanceof PDFHexString) {
    table = reader.stringBytes(lookup, lookupEntry instanceof PDFRef ? lookupEntry : owner);
  } else if (lookup instanceof PDFRawStream) {
    const steps = filterSteps(lookup.dict, resolve);
    const contents = reader.streamBytes(lookup, lookupEntry instanceof PDFRef ? lookupEntry : null);
    table = steps.length === 0 ? contents : runFilterChain(contents, steps, (highest + 1) * base.components).bytes;
  } else return null;
  const palette = new Uint8Array(256).fill(255);
  for (let index = 0; index <= highest; index++) {
    palette[index] = greyOf(table, index * base.components, base.components, 8);
  }
  return { components: 1, palette };
}

/** True when a one-component Decode array is `[1 0]`: samples are inverted (common for masks). */
function decodeInverts(decode: PDFObject | undefined, resolve: Resolve): boolean {
  if (!(decode instanceof PDFArray) || decode.size() < 2) return false;
  return numberOf(resolve(decode.get(0))) > numberOf(resolve(decode.get(1)));
}

function greyOf(samples: Uint8Array, offset: number, components: number, bits: 8 | 16): number {
  const stride = bits / 8;
  const at = (component: number): number => samples[offset + component * stride] ?? 255;
  if (components === 1) return at(0);
  if (components === 3) return (at(0) * 54 + at(1) * 183 + at(2) * 19) >> 8;
  // CMYK: the ink a pixel carries, folded to grey; exact colour does not matter for a QR code.
  const black = at(3);
  const red = ((255 - at(0)) * (255 - black)) / 255;
  const green = ((255 - at(1)) * (255 - black)) / 255;
  const blue = ((255 - at(2)) * (255 - black)) / 255;
  return (red * 54 + green * 183 + blue * 19) >> 8;
}

function toGrey(samples: Uint8Array, width: number, height: number, rowBytes: number, bits: number, colour: Colour, invert: boolean): Buffer {
  const out = Buffer.alloc(width * height, 255);
  const rows = Math.min(height, Math.floor(samples.length / rowBytes));
  const { components, palette } = colour;
  if (bits === 8 && components === 1 && palette === null) {
    // Grey samples are already what the search needs.
    for (let row = 0; row < rows; row++) out.set(samples.subarray(row * rowBytes, row * rowBytes + width), row * width);
  } else if (bits === 8 && components === 3) {
    for (let row = 0; row < rows; row++) {
      let source = row * rowBytes;
      const target = row * width;
      for (let column = 0; column < width; column++, source += 3) {
        out[target + column] = ((samples[source] as number) * 54 + (samples[source + 1] as number) * 183 + (samples[source + 2] as number) * 19) >> 8;
      }
    }
  } else {
    const maxSample = (1 << Math.min(bits, 8)) - 1;
    for (let row = 0; row < rows; row++) {
      const rowStart = row * rowBytes;
      for (let column = 0; column < width; column++) {
        let grey: number;
        if (bits >= 8) {
          grey = greyOf(samples, rowStart + column * components * (bits / 8), components, bits as 8 | 16);
          if (palette) grey = palette[grey] as number;
        } else {
          // Packed samples (1, 2 or 4 bits): grey or palette indices, one component.
          const bitOffset = column * bits * components;
          const byte = samples[rowStart + (bitOffset >> 3)] as number;
          const value = (byte >> (8 - bits - (bitOffset & 7))) & maxSample;
          grey = palette ? (palette[value] as number) : Math.round((value * 255) / maxSample);
        }
        out[row * width + column] = grey;
      }
    }
  }
  if (invert) for (let index = 0; index < rows * width; index++) out[index] = 255 - (out[index] as number);
  return out;
}
