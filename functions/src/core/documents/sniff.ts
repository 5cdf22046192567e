/**
 * Magic-byte checks for file types the generic detector (file-type 16) does not know and that
 * matter in mail: native executables for Linux and macOS, disk images used to smuggle files
 * past Mark-of-the-Web (ISO/UDF, VHD, VHDX), OneNote, and markup in text files. Each check reads
 * a few fixed offsets; none scans the content.
 */

export type SniffedType =
  | 'pe'
  | 'elf'
  | 'macho'
  | 'java_class'
  | 'iso'
  | 'udf'
  | 'vhd'
  | 'vhdx'
  | 'onenote'
  | 'lnk'
  | 'cfb'
  | 'zip'
  | 'pdf'
  | 'rtf'
  | 'html'
  | 'svg'
  | 'icalendar';

const ONENOTE_GUID = Buffer.from('e4525c7b8cd8a74daeb15378d02996d3', 'hex');
const LNK_HEADER = Buffer.from('4c0000000114020000000000c000000000000046', 'hex');

function at(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset < 0 || offset + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

function bytesAt(bytes: Uint8Array, offset: number, expected: Buffer): boolean {
  if (offset + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[offset + i] !== expected[i]) return false;
  return true;
}

function u32be(bytes: Uint8Array, offset: number): number {
  return offset + 4 <= bytes.length ? (((bytes[offset] as number) << 24) | ((bytes[offset + 1] as number) << 16) | ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number)) >>> 0 : -1;
}

/** An MZ stub whose e_lfanew points at a PE signature (a plain "MZ" text file is not an executable). */
function isPe(bytes: Uint8Array): boolean {
  if (!at(bytes, 0, 'MZ') || bytes.length < 0x40) return false;
  const peOffset = ((bytes[0x3c] as number) | ((bytes[0x3d] as number) << 8) | ((bytes[0x3e] as number) << 16) | ((bytes[0x3f] as number) << 24)) >>> 0;
  return at(bytes, peOffset, 'PE\0\0') || (peOffset < 0x40 && bytes.length >= 0x200); // DOS executables
}

function isMachO(bytes: Uint8Array): boolean {
  const magic = u32be(bytes, 0);
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic)) return true;
  // 0xCAFEBABE is both a fat Mach-O and a Java class; a fat binary declares a handful of architectures.
  return magic === 0xcafebabe && u32be(bytes, 4) > 0 && u32be(bytes, 4) < 20;
}

/** Leading text of a file, for markup checks: UTF-8 (BOM skipped) or UTF-16LE. */
function leadingText(bytes: Uint8Array, max = 1024): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return Buffer.from(bytes.buffer, bytes.byteOffset + 2, Math.min(bytes.length - 2, max * 2)).toString('utf16le');
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, Math.min(bytes.length - start, max))).toString('utf8');
}

function sniffMarkup(bytes: Uint8Array): SniffedType | null {
  const head = leadingText(bytes).replace(/^\s+/, '').toLowerCase();
  if (head.startsWith('begin:vcalendar')) return 'icalendar';
  // An XML prologue or comments may come first; look at the first element in the head.
  const stripped = head.replace(/<\?xml[^>]*\?>|<!--[^]*?-->|<!doctype\s+svg[^>]*>/g, '').replace(/^\s+/, '');
  if (stripped.startsWith('<svg')) return 'svg';
  if (/^(?:<!doctype\s+html|<html\b|<head\b|<body\b|<script\b|<meta\b|<iframe\b|<form\b)/.test(stripped)) return 'html';
  return null;
}

/** The type the first bytes (and, for disk images, fixed offsets) show; null when none of these. */
export function sniffType(bytes: Uint8Array): SniffedType | null {
  if (bytes.length < 4) return null;
  if (isPe(bytes)) return 'pe';
  if (bytes[0] === 0x7f && at(bytes, 1, 'ELF')) return 'elf';
  if (isMachO(bytes)) return 'macho';
  if (u32be(bytes, 0) === 0xcafebabe) return 'java_class';
  if (bytesAt(bytes, 0, LNK_HEADER)) return 'lnk';
  if (bytesAt(bytes, 0, ONENOTE_GUID)) return 'onenote';
  if (at(bytes, 0, 'vhdxfile')) return 'vhdx';
  if (at(bytes, 0, 'conectix') || at(bytes, bytes.length - 512, 'conectix')) return 'vhd';
  for (const offset of [0x8001, 0x8801, 0x9001]) if (at(bytes, offset, 'CD001')) return 'iso';
  for (const offset of [0x8001, 0x8801, 0x9001]) if (at(bytes, offset, 'BEA01') || at(bytes, offset, 'NSR02') || at(bytes, offset, 'NSR03')) return 'udf';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return 'cfb';
  if (at(bytes, 0, 'PK\x03\x04')) return 'zip';
  if (at(bytes, 0, '%PDF-') || leadingText(bytes, 1024).includes('%PDF-')) return 'pdf';
  if (at(bytes, 0, '{\\rtf')) return 'rtf';
  return sniffMarkup(bytes);
}
