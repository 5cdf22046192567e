import { constants as zlibConstants, inflateRawSync, inflateSync } from 'node:zlib';

/**
 * The PDF stream filters image XObjects use, decoded with a bound on the output. DCTDecode is
 * not decoded here: a DCT stream is a JPEG file, handed to sharp as it is.
 */

export class UnsupportedFilterError extends Error {
  constructor(readonly filter: string) {
    super(`PDF filter ${filter} is not supported`);
    this.name = 'UnsupportedFilterError';
  }
}

export interface FilterStep {
  name: string;
  /** DecodeParms of this step: Predictor, Colors, BitsPerComponent, Columns. */
  params: { predictor: number; colors: number; bitsPerComponent: number; columns: number };
}

export type FilterChainResult = { kind: 'jpeg'; bytes: Uint8Array } | { kind: 'pixels'; bytes: Uint8Array };

/**
 * Runs the filter chain of an image stream. Returns JPEG bytes when the chain ends in DCTDecode,
 * otherwise the decoded sample bytes, never more than `maxOutput` of them.
 */
export function runFilterChain(input: Uint8Array, steps: readonly FilterStep[], maxOutput: number): FilterChainResult {
  let data = input;
  for (const [index, step] of steps.entries()) {
    switch (step.name) {
      case 'DCTDecode':
      case 'DCT':
        if (index !== steps.length - 1) throw new UnsupportedFilterError('DCTDecode followed by another filter');
        return { kind: 'jpeg', bytes: data };
      case 'FlateDecode':
      case 'Fl':
        // Room for predictor bytes and writers' padding; twice the samples is still a hard bound.
        data = unpredict(inflateBounded(data, maxOutput * 2 + 1024), step.params);
        break;
      case 'ASCII85Decode':
      case 'A85':
        data = decodeAscii85(data);
        break;
      case 'ASCIIHexDecode':
      case 'AHx':
        data = decodeAsciiHex(data);
        break;
      case 'RunLengthDecode':
      case 'RL':
        data = decodeRunLength(data, maxOutput);
        break;
      default:
        throw new UnsupportedFilterError(step.name);
    }
  }
  return { kind: 'pixels', bytes: data.length > maxOutput ? data.subarray(0, maxOutput) : data };
}

/**
 * zlib inflate that stops at `maxOutput` bytes and keeps what a truncated stream yielded. The
 * Adler-32 trailer is not checked: PDF writers often get it wrong while the data is fine, so a
 * stream with a valid zlib header is inflated as raw deflate after it.
 */
function inflateBounded(data: Uint8Array, maxOutput: number): Uint8Array {
  const options = { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: Math.max(1, maxOutput) };
  const header = data.length >= 2 ? ((data[0] as number) << 8) | (data[1] as number) : 0;
  const zlibHeader = ((data[0] ?? 0) & 0x0f) === 8 && header % 31 === 0 && ((data[1] ?? 0) & 0x20) === 0;
  return zlibHeader ? inflateRawSync(data.subarray(2), options) : inflateSync(data, options);
}

/** Undoes PNG predictors (Predictor 10-15): every row starts with its own filter-type byte. */
function unpredict(data: Uint8Array, params: FilterStep['params']): Uint8Array {
  const { predictor } = params;
  if (predictor <= 1) return data;
  if (predictor === 2) throw new UnsupportedFilterError('TIFF predictor 2');
  const bytesPerPixel = Math.max(1, Math.ceil((params.colors * params.bitsPerComponent) / 8));
  const rowLength = Math.ceil((params.columns * params.colors * params.bitsPerComponent) / 8);
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let row = 0; row < rows; row++) {
    const type = data[row * (rowLength + 1)] as number;
    const source = row * (rowLength + 1) + 1;
    const target = row * rowLength;
    for (let column = 0; column < rowLength; column++) {
      const raw = data[source + column] as number;
      const left = column >= bytesPerPixel ? (out[target + column - bytesPerPixel] as number) : 0;
      const up = row > 0 ? (out[target - rowLength + column] as number) : 0;
      const upLeft = row > 0 && column >= bytesPerPixel ? (out[target - rowLength + column - bytesPerPixel] as number) : 0;
      out[target + column] = (raw + predicted(type, left, up, upLeft)) & 0xff;
    }
  }
  return out;
}

function predicted(type: number, left: number, up: number, upLeft: number): number {
  switch (type) {
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4: {
      const estimate = left + up - upLeft;
      const toLeft = Math.abs(estimate - left);
      const toUp = Math.abs(estimate - up);
      const toUpLeft = Math.abs(estimate - upLeft);
      if (toLeft <= toUp && toLeft <= toUpLeft) return left;
      return toUp <= toUpLeft ? up : upLeft;
    }
    default:
      return 0;
  }
}

function decodeAscii85(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil((data.length * 4) / 5) + 4);
  let written = 0;
  let group = 0;
  let count = 0;
  for (let index = 0; index < data.length; index++) {
    const char = data[index] as number;
    if (char === 0x7e) break; // '~>' ends the data
    if (char === 0x7a && count === 0) {
      written += 4; // 'z' is four zero bytes; `out` is zero-filled
      continue;
    }
    if (char < 0x21 || char > 0x75) continue; // whitespace and stray bytes
    group = group * 85 + (char - 0x21);
    if (++count === 5) {
      out[written++] = (group >>> 24) & 0xff;
      out[written++] = (group >>> 16) & 0xff;
      out[written++] = (group >>> 8) & 0xff;
      out[written++] = group & 0xff;
      group = 0;
      count = 0;
    }
  }
  if (count > 1) {
    for (let pad = count; pad < 5; pad++) group = group * 85 + 84;
    for (let byte = 0; byte < count - 1; byte++) out[written++] = (group >>> (24 - byte * 8)) & 0xff;
  }
  return out.subarray(0, Math.min(written, out.length));
}

function decodeAsciiHex(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 2));
  let written = 0;
  let high = -1;
  for (const char of data) {
    if (char === 0x3e) break; // '>' ends the data
    const digit = char >= 0x30 && char <= 0x39 ? char - 0x30 : char >= 0x41 && char <= 0x46 ? char - 55 : char >= 0x61 && char <= 0x66 ? char - 87 : -1;
    if (digit < 0) continue;
    if (high < 0) high = digit;
    else {
      out[written++] = (high << 4) | digit;
      high = -1;
    }
  }
  if (high >= 0) out[written++] = high << 4;
  return out.subarray(0, written);
}

function decodeRunLength(data: Uint8Array, maxOutput: number): Uint8Array {
  const out = new Uint8Array(maxOutput);
  let written = 0;
  let index = 0;
  while (index < data.length && written < maxOutput) {
    const length = data[index++] as number;
    if (length === 128) break;
    if (length < 128) {
      const end = Math.min(index + length + 1, data.length);
      while (index < end && written < maxOutput) out[written++] = data[index++] as number;
    } else {
      const value = data[index++] ?? 0;
      for (let repeat = 0; repeat < 257 - length && written < maxOutput; repeat++) out[written++] = value;
    }
  }
  return out.subarray(0, written);
}
