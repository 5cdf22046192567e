/**
 * MS-OVBA 2.4.1 decompression: VBA source code, the `dir` stream and the PROJECT streams of a
 * VBA project are stored as a CompressedContainer (signature byte 0x01, then chunks of at most
 * 4096 decompressed bytes, each LZ77-style with flag bytes and copy tokens).
 */

const SIGNATURE = 0x01;
const CHUNK_SIZE = 4096;
const CHUNK_SIGNATURE = 0b011;

export interface OvbaResult {
  /** What was decompressed, up to the first error or the output bound. */
  data: Buffer;
  /** False when the container is damaged or was cut at `maxOutput`; `data` then holds the part before. */
  complete: boolean;
}

/** Bit count of the offset field of a copy token: ceil(log2(difference)), at least 4 (MS-OVBA 2.4.1.3.19.1). */
function offsetBits(difference: number): number {
  let bits = 4;
  while (1 << bits < difference && bits < 12) bits++;
  return bits;
}

/**
 * Decompresses the CompressedContainer starting at `start`. Bounded: at most `maxOutput` bytes
 * are produced, and every loop advances through the input or stops. Returns null when there is
 * no container signature at `start`.
 */
export function decompressOvba(input: Uint8Array, start = 0, maxOutput = 4 * 1024 * 1024): OvbaResult | null {
  if (start < 0 || start >= input.length || input[start] !== SIGNATURE) return null;
  const chunkCount = Math.ceil((input.length - start) / 3) + 1;
  const out = Buffer.alloc(Math.max(0, Math.min(maxOutput, chunkCount * CHUNK_SIZE)));
  let written = 0;
  let pos = start + 1;

  while (pos + 2 <= input.length) {
    const header = (input[pos] as number) | ((input[pos + 1] as number) << 8);
    if (((header >> 12) & 0b111) !== CHUNK_SIGNATURE) return { data: out.subarray(0, written), complete: false };
    const chunkEnd = Math.min(input.length, pos + (header & 0x0fff) + 3);
    const compressed = header >> 15 === 1;
    pos += 2;
    const chunkStart = written;

    if (!compressed) {
      // A raw chunk is always 4096 bytes; a short one is the container's (damaged) end.
      const take = Math.min(CHUNK_SIZE, input.length - pos, out.length - written);
      out.set(input.subarray(pos, pos + take), written);
      written += take;
      pos += CHUNK_SIZE;
      if (take < CHUNK_SIZE) return { data: out.subarray(0, written), complete: false };
      continue;
    }

    while (pos < chunkEnd) {
      const flags = input[pos++] as number;
      for (let bit = 0; bit < 8 && pos < chunkEnd; bit++) {
        if (((flags >> bit) & 1) === 0) {
          if (written >= out.length) return { data: out, complete: false };
          out[written++] = input[pos++] as number;
          continue;
        }
        if (pos + 2 > chunkEnd) return { data: out.subarray(0, written), complete: false };
        const token = (input[pos] as number) | ((input[pos + 1] as number) << 8);
        pos += 2;
        const bits = offsetBits(written - chunkStart);
        const lengthMask = 0xffff >> bits;
        const length = (token & lengthMask) + 3;
        const offset = (token >> (16 - bits)) + 1;
        const from = written - offset;
        // A copy may not reach before its chunk nor make the chunk exceed 4096 bytes.
        if (from < chunkStart || written - chunkStart + length > CHUNK_SIZE) return { data: out.subarray(0, written), complete: false };
        if (written + length > out.length) return { data: out.subarray(0, written), complete: false };
        // Byte by byte: source and destination may overlap (run-length style copies).
        for (let i = 0; i < length; i++) out[written + i] = out[from + i] as number;
        written += length;
      }
    }
  }
  return { data: out.subarray(0, written), complete: pos === input.length };
}
