import type { SniffedType } from '../../core/documents/sniff';
import type { RiskCategory } from './names';

/**
 * Coarse families of file types, so that a name, a declared Content-Type and the content can be
 * compared without tripping over the many honest disagreements (image/jpg vs .jpeg, a PNG saved
 * as .jpg, a .doc that is RTF, docx seen as zip, application/octet-stream).
 */
export type Family =
  | 'executable'
  | 'shortcut'
  | 'disk_image'
  | 'onenote'
  | 'help_file'
  | 'office'
  | 'archive'
  | 'pdf'
  | 'html'
  | 'image'
  | 'media'
  | 'text'
  | 'calendar'
  | 'other';

/** Families whose true presence is dangerous whatever the name says. */
export const DANGEROUS_FAMILIES: ReadonlySet<Family> = new Set(['executable', 'shortcut', 'disk_image', 'onenote', 'help_file']);

export interface TrueType {
  family: Family;
  label: string;
}

const SNIFFED: Readonly<Partial<Record<SniffedType, TrueType>>> = {
  pe: { family: 'executable', label: 'Windows executable (PE)' },
  elf: { family: 'executable', label: 'Linux executable (ELF)' },
  macho: { family: 'executable', label: 'macOS executable (Mach-O)' },
  java_class: { family: 'executable', label: 'Java class file' },
  lnk: { family: 'shortcut', label: 'Windows shortcut (LNK)' },
  iso: { family: 'disk_image', label: 'ISO 9660 disk image' },
  udf: { family: 'disk_image', label: 'UDF disk image' },
  vhd: { family: 'disk_image', label: 'VHD virtual disk' },
  vhdx: { family: 'disk_image', label: 'VHDX virtual disk' },
  onenote: { family: 'onenote', label: 'OneNote section' },
  cfb: { family: 'office', label: 'OLE compound file (legacy Office)' },
  pdf: { family: 'pdf', label: 'PDF' },
  rtf: { family: 'office', label: 'RTF document' },
  html: { family: 'html', label: 'HTML' },
  svg: { family: 'html', label: 'SVG image with markup' },
  icalendar: { family: 'calendar', label: 'iCalendar' },
};

/** Family of a MIME type (detected or declared); null for types that say nothing (octet-stream). */
export function familyOfMime(mime: string): Family | null {
  const type = mime.toLowerCase().trim();
  if (type === '' || /^(?:application\/(?:octet-stream|x-download|force-download|download|unknown|binary|x-binary|x-unknown|save|x-msdownload-unknown)|binary\/octet-stream|application\/x-octet-stream)$/.test(type)) return null;
  if (/^application\/(?:x-msdownload|x-dosexec|x-ms-dos-executable|x-executable|x-elf|x-mach-binary|x-sharedlib|vnd\.microsoft\.portable-executable|java-archive|x-java-archive|vnd\.android\.package-archive|x-msi|x-ms-installer|x-apple-diskimage)$/.test(type)) {
    return type === 'application/x-apple-diskimage' ? 'disk_image' : 'executable';
  }
  if (type === 'application/x.ms.shortcut' || type === 'application/x-ms-shortcut') return 'shortcut';
  if (/^application\/(?:x-iso9660-image|x-raw-disk-image|x-virtualbox-vhd|x-vhd)$/.test(type)) return 'disk_image';
  if (type === 'application/onenote' || type === 'application/msonenote') return 'onenote';
  if (type === 'application/vnd.ms-htmlhelp' || type === 'application/x-chm') return 'help_file';
  if (type === 'application/pdf' || type === 'application/x-pdf') return 'pdf';
  if (type === 'text/html' || type === 'application/xhtml+xml' || type === 'image/svg+xml') return 'html';
  if (type === 'text/calendar' || type === 'application/ics') return 'calendar';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/') || type.startsWith('video/')) return 'media';
  if (/^application\/(?:msword|rtf|x-rtf|x-cfb|vnd\.ms-|vnd\.openxmlformats-officedocument|vnd\.oasis\.opendocument|vnd\.visio)/.test(type) || type === 'text/rtf') return 'office';
  if (/^application\/(?:zip|x-zip|x-zip-compressed|gzip|x-gzip|x-tar|x-gtar|vnd\.rar|x-rar|x-rar-compressed|x-7z-compressed|x-bzip2?|x-xz|zstd|x-lzh-compressed|x-lzip|x-compress|vnd\.ms-cab-compressed|x-arj|x-ace-compressed|x-cpio|x-deb|x-rpm)$/.test(type)) return 'archive';
  if (type.startsWith('text/')) return 'text';
  return 'other';
}

const EXTENSION_FAMILIES: ReadonlyArray<[Family, string]> = [
  ['pdf', 'pdf'],
  ['office', 'doc dot docx dotx docm dotm xls xlt xlsx xltx xlsm xltm xlsb xla xlam ppt pot pps pptx potx ppsx pptm potm ppsm sldx sldm odt ods odp odg rtf vsd vsdx pub msg'],
  ['archive', 'zip zipx gz tgz tar bz2 tbz2 xz txz 7z rar cab ace arj lzh lha z zst cpio jar apk'],
  ['image', 'jpg jpeg jpe jfif png gif bmp tif tiff webp heic heif ico avif'],
  ['media', 'mp3 mp4 m4a wav ogg oga mov avi mkv webm wma wmv flac aac 3gp'],
  ['text', 'txt csv tsv log md json xml yaml yml ini cfg conf patch diff eml'],
  ['html', 'html htm shtml xhtml svg mht mhtml'],
  ['calendar', 'ics ical ifb vcs'],
];
const FAMILY_BY_EXTENSION = new Map(EXTENSION_FAMILIES.flatMap(([family, list]) => list.split(' ').map((ext) => [ext, family] as const)));

/** Family a file name claims, from its extension and the risky-type table; null when unknown. */
export function familyOfExtension(ext: string, risky: RiskCategory | null): Family | null {
  if (risky === 'executable' || risky === 'script' || risky === 'web_query') return 'executable';
  if (risky === 'shortcut' || risky === 'disk_image' || risky === 'onenote' || risky === 'help_file') return risky;
  return FAMILY_BY_EXTENSION.get(ext) ?? null;
}

/**
 * The content's true type: the magic-byte sniffers first (they know PE from a text file starting
 * "MZ", and disk images), then the generic detector's MIME type. With the bytes at hand
 * (`sniffedBytes`), the detector's "executable" is not trusted when the sniffers found none: it
 * calls any file starting with "MZ" a Windows program.
 */
export function trueTypeOf(sniffed: SniffedType | null, detectedMime: string | null, sniffedBytes = false): TrueType | null {
  const fromSniff = sniffed ? SNIFFED[sniffed] : undefined;
  if (fromSniff) return fromSniff;
  if (!detectedMime) return null;
  const family = familyOfMime(detectedMime);
  if (family === 'executable' && sniffedBytes && /x-msdownload|dosexec|ms-dos/.test(detectedMime)) return null;
  // file-type reports zip-based Office files by their own type; a plain zip stays an archive.
  return family ? { family, label: detectedMime } : null;
}

/**
 * How far a claim (name or declared type) and the truth disagree:
 * 'dangerous' when something that runs poses as something that does not; 'disguised' when a
 * document or archive poses as media, PDF or text (hiding it from filters and readers' caution);
 * null when they agree or differ only in ways honest software produces.
 */
export function mismatchKind(truth: Family, claim: Family | null): 'dangerous' | 'disguised_document' | 'disguised_archive' | null {
  if (claim === null || claim === truth) return null;
  if (DANGEROUS_FAMILIES.has(truth)) return DANGEROUS_FAMILIES.has(claim) ? null : 'dangerous';
  const harmlessClaim = claim === 'image' || claim === 'media' || claim === 'pdf' || claim === 'text';
  if (truth === 'office' && harmlessClaim) return 'disguised_document';
  if (truth === 'archive' && harmlessClaim) return 'disguised_archive';
  return null;
}
