import { gunzipSync, inflateRawSync } from 'node:zlib';
import { ArchiveCorruptError, ArchiveOutputLimitError } from './types';

/**
 * zlib with `maxOutputLength`: the decompressor stops as soon as the output would pass the
 * bound, so a bomb costs at most `maxOutput` bytes of memory and the time to produce them.
 */
function bounded(run: (maxOutputLength: number) => Buffer, maxOutput: number, what: string): Buffer {
  try {
    return run(Math.max(1, Math.floor(maxOutput)));
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ArchiveOutputLimitError(maxOutput, { what });
    throw new ArchiveCorruptError(`${what}: ${(error as Error).message ?? String(error)}`, { what }, { cause: error });
  }
}

export function inflateRawBounded(data: Uint8Array, maxOutput: number): Buffer {
  return bounded((maxOutputLength) => inflateRawSync(data, { maxOutputLength }), maxOutput, 'deflate stream');
}

export function gunzipBounded(data: Uint8Array, maxOutput: number): Buffer {
  return bounded((maxOutputLength) => gunzipSync(data, { maxOutputLength }), maxOutput, 'gzip stream');
}
