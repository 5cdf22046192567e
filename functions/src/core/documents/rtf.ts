import { packageFileName } from './ole-package';

/**
 * Embedded OLE objects in RTF (`{\object … {\*\objclass …} {\*\objdata <hex>}}`): the vehicle of
 * the Equation Editor (CVE-2017-11882) and OLE2Link (CVE-2017-0199) exploits and of packaged
 * executables. The class name is read from `\objclass` or from the OLE1 header at the start of
 * the hex `\objdata`.
 */

export interface RtfObject {
  /** OLE class, e.g. "Equation.3", "Package", "Excel.Sheet.8"; '' when unknown. */
  className: string;
  /** `\objupdate`: the object refreshes itself when the document opens. */
  autoUpdate: boolean;
  /** For Package objects, the packaged file's name. */
  packagedFile: string | null;
}

export interface RtfFacts {
  objects: RtfObject[];
  /** True when more objects existed than were read. */
  truncated: boolean;
}

export interface RtfLimits {
  /** Bytes of the document scanned. */
  maxBytes: number;
  maxObjects: number;
}

export const DEFAULT_RTF_LIMITS: RtfLimits = { maxBytes: 16 * 1024 * 1024, maxObjects: 50 };

export function isRtf(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && Buffer.from(bytes.buffer, bytes.byteOffset, 5).toString('latin1') === '{\\rtf';
}

/** Decodes the start of an RTF hex run, skipping whitespace and stopping at the first non-hex character. */
function hexPrefix(text: string, start: number, maxBytes: number): Buffer {
  const out: number[] = [];
  let high = -1;
  for (let i = start; i < text.length && out.length < maxBytes && i - start < maxBytes * 4; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    const nibble = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (nibble < 0) break;
    if (high < 0) high = nibble;
    else {
      out.push((high << 4) | nibble);
      high = -1;
    }
  }
  return Buffer.from(out);
}

/** OLE1 ObjectHeader: OLEVersion (4), FormatID (4), ClassName length-prefixed ANSI. */
function ole1ClassName(data: Buffer): { className: string; rest: number } | null {
  if (data.length < 12) return null;
  const length = data.readUInt32LE(8);
  if (length === 0 || length > 128 || 12 + length > data.length) return null;
  return { className: data.toString('latin1', 12, 12 + length).replace(/\0+$/, ''), rest: 12 + length };
}

export function analyseRtf(bytes: Uint8Array, limits: RtfLimits = DEFAULT_RTF_LIMITS): RtfFacts | null {
  if (!isRtf(bytes)) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, limits.maxBytes)).toString('latin1');
  const objects: RtfObject[] = [];
  const starts = [...text.matchAll(/\\object(?![a-z])/g)].map((match) => match.index);
  for (const [i, start] of starts.entries()) {
    if (objects.length >= limits.maxObjects) return { objects, truncated: true };
    const end = starts[i + 1] ?? text.length;
    const body = text.slice(start, Math.min(end, start + 1_000_000));
    const declared = /\\objclass\s+([^\\}]{1,128})/.exec(body)?.[1]?.trim() ?? '';
    const dataAt = body.indexOf('\\objdata');
    const header = dataAt >= 0 ? hexPrefix(body, dataAt + '\\objdata'.length, 4096) : Buffer.alloc(0);
    const ole1 = ole1ClassName(header);
    const className = declared || ole1?.className || '';
    let packagedFile: string | null = null;
    if (ole1 && /^package$/i.test(ole1.className)) {
      // After the class name: topic and item names (length-prefixed), then the native data size and data.
      let pos = ole1.rest;
      for (let skip = 0; skip < 2 && pos + 4 <= header.length; skip++) pos += 4 + header.readUInt32LE(pos);
      if (pos + 4 <= header.length) packagedFile = packageFileName(header.subarray(pos + 4), 0);
    }
    objects.push({ className, autoUpdate: /\\objupdate(?![a-z])/.test(body), packagedFile });
  }
  return { objects, truncated: false };
}
