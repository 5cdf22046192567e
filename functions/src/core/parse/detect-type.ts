import FileType from 'file-type';

export interface DetectedType {
  mime: string;
  ext: string;
}

/** Type from magic bytes (file-type); null when unknown or when the detector fails on hostile bytes. */
export async function detectType(bytes: Uint8Array): Promise<DetectedType | null> {
  if (bytes.length === 0) return null;
  try {
    const result = await FileType.fromBuffer(bytes);
    return result ? { mime: result.mime, ext: result.ext } : null;
  } catch {
    return null;
  }
}
