/**
 * The file name inside an OLE "Package" object (`\x01Ole10Native` stream, also the payload of an
 * RTF `\objdata Package`): Windows Packager wraps any file, executables included, as an icon a
 * reader double-clicks. Layout: size (4), flags (2), label (ANSI, NUL-terminated), source path
 * (NUL-terminated), …
 */

const MAX_NAME = 260;

function cString(bytes: Uint8Array, start: number): { text: string; next: number } {
  let end = start;
  while (end < bytes.length && end - start < MAX_NAME && bytes[end] !== 0) end++;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  return { text, next: end + 1 };
}

/** The packaged file's name (label, else the base name of its source path); null when there is none. */
export function packageFileName(ole10Native: Uint8Array, offset = 4): string | null {
  if (ole10Native.length < offset + 3) return null;
  const label = cString(ole10Native, offset + 2);
  const source = cString(ole10Native, label.next);
  const sourceName = source.text.replace(/^.*[\\/]/, '');
  // eslint-disable-next-line no-control-regex -- control characters in stored names are dropped
  const name = (label.text || sourceName).replace(/[\u0000-\u001f]/g, '').trim();
  return name === '' ? null : name;
}
