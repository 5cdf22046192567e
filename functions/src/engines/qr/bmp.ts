/**
 * A minimal Windows BMP reader, because sharp's prebuilt libvips has no BMP loader. Handles what
 * image tools write: uncompressed 1/4/8-bit palette, 24-bit and 32-bit images, bottom-up or
 * top-down. RLE and other compressions are reported as unsupported. Output is one grey channel:
 * all the QR search needs, and a quarter of the memory of RGBA.
 */

export interface BmpHeader {
  width: number;
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  compression: number;
  dataOffset: number;
  paletteOffset: number;
  paletteEntrySize: 3 | 4;
  paletteCount: number;
}

export interface GreyImage {
  pixels: Buffer;
  width: number;
  height: number;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 26 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** The header of a BMP, or null when it is not one this reader understands. */
export function readBmpHeader(bytes: Uint8Array): BmpHeader | null {
  if (!isBmp(bytes)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  let width: number;
  let height: number;
  let bitsPerPixel: number;
  let compression = BI_RGB;
  let paletteCount = 0;
  if (dibSize === 12) {
    width = view.getUint16(18, true);
    height = view.getInt16(20, true);
    bitsPerPixel = view.getUint16(24, true);
  } else if (dibSize >= 40 && bytes.length >= 14 + 40) {
    width = view.getInt32(18, true);
    height = view.getInt32(22, true);
    bitsPerPixel = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    paletteCount = view.getUint32(46, true);
  } else {
    return null;
  }
  if (width <= 0 || height === 0 || ![1, 4, 8, 24, 32].includes(bitsPerPixel)) return null;
  if (bitsPerPixel <= 8 && (paletteCount === 0 || paletteCount > 1 << bitsPerPixel)) paletteCount = 1 << bitsPerPixel;
  return {
    width,
    height: Math.abs(height),
    topDown: height < 0,
    bitsPerPixel,
    compression,
    dataOffset,
    paletteOffset: 14 + dibSize,
    paletteEntrySize: dibSize === 12 ? 3 : 4,
    paletteCount: bitsPerPixel <= 8 ? paletteCount : 0,
  };
}

/** Luma from 8-bit RGB, integer weights of Rec. 709 (the weights jsQR uses). */
function luma(red: number, green: number, blue: number): number {
  return (red * 54 + green * 183 + blue * 19) >> 8;
}

/**
 * Decodes a BMP to grey pixels. The caller checks the header's dimensions against its pixel cap
 * first; rows missing from a truncated file stay white. Throws on unsupported compressions.
 */
export function decodeBmpGrey(bytes: Uint8Array, header: BmpHeader): GreyImage {
  const { width, height, bitsPerPixel, compression } = header;
  const supported = compression === BI_RGB || ((compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) && bitsPerPixel === 32);
  if (!supported) throw new Error(`BMP compression ${compression} at ${bitsPerPixel} bits per pixel is not supported`);

  const palette = new Uint8Array(header.paletteCount);
  for (let index = 0; index < header.paletteCount; index++) {
    const at = header.paletteOffset + index * header.paletteEntrySize;
    if (at + 2 >= bytes.length) break;
    palette[index] = luma(bytes[at + 2] as number, bytes[at + 1] as number, bytes[at] as number);
  }
  const stride = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  const pixels = Buffer.alloc(width * height, 255);
  for (let row = 0; row < height; row++) {
    const source = header.dataOffset + (header.topDown ? row : height - 1 - row) * stride;
    if (source + stride > bytes.length) continue;
    const target = row * width;
    for (let column = 0; column < width; column++) {
      pixels[target + column] = sample(bytes, source, column, bitsPerPixel, palette);
    }
  }
  return { pixels, width, height };
}

function sample(bytes: Uint8Array, rowStart: number, column: number, bitsPerPixel: number, palette: Uint8Array): number {
  switch (bitsPerPixel) {
    case 24: {
      const at = rowStart + column * 3;
      return luma(bytes[at + 2] as number, bytes[at + 1] as number, bytes[at] as number);
    }
    case 32: {
      const at = rowStart + column * 4;
      return luma(bytes[at + 2] as number, bytes[at + 1] as number, bytes[at] as number);
    }
    case 8:
      return palette[bytes[rowStart + column] as number] ?? 255;
    case 4: {
      const byte = bytes[rowStart + (column >> 1)] as number;
      return palette[column & 1 ? byte & 0x0f : byte >> 4] ?? 255;
    }
    default: {
      const byte = bytes[rowStart + (column >> 3)] as number;
      return palette[(byte >> (7 - (column & 7))) & 1] ?? 255;
    }
  }
}
