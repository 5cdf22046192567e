/**
 * What a file name claims and how it may deceive: the extension that decides how Windows or
 * macOS opens the file, a harmless-looking extension in front of it, bidi controls that reverse
 * the visible order, invisible characters.
 */

/** Categories of risky types, by what opening the file does. */
export type RiskCategory =
  | 'executable'
  | 'script'
  | 'shortcut'
  | 'disk_image'
  | 'onenote'
  | 'help_file'
  | 'uncommon_archive'
  | 'unscanned_archive'
  | 'macro_document'
  | 'web_query';

export interface RiskyType {
  category: RiskCategory;
  label: string;
  /** Overrides the category's score (extensions added by configuration). */
  score?: number;
}

const RISKY_EXTENSIONS: Readonly<Record<string, RiskyType>> = (() => {
  const table: Record<string, RiskyType> = {};
  const add = (category: RiskCategory, label: string, extensions: string): void => {
    for (const ext of extensions.split(' ')) table[ext] = { category, label };
  };
  add('executable', 'Windows executable', 'exe com scr pif cpl dll ocx sys drv msi msp mst msix msixbundle appx appxbundle xll wll xbap ex_ diagcab jnlp');
  add('executable', 'Java archive', 'jar');
  add('executable', 'Android package', 'apk');
  add('executable', 'macOS application package', 'pkg app dylib');
  add('executable', 'Linux executable or package', 'elf run appimage deb rpm');
  add('script', 'Windows script', 'js jse vbs vbe vb wsf wsh wsc sct ps1 ps1xml ps2 psm1 psd1 psc1 bat cmd msc reg inf scf gadget application appref-ms settingcontent-ms hta mshta');
  // Not .sh/.py: developers mail those to each other, and they do not run on a double-click.
  add('script', 'macOS Terminal script', 'command tool');
  add('script', 'Windows search or library connector', 'search-ms searchconnector-ms library-ms');
  add('shortcut', 'Windows shortcut', 'lnk');
  add('shortcut', 'Internet or desktop shortcut', 'url website desktop webloc');
  add('disk_image', 'disk image', 'iso img vhd vhdx dmg udf');
  add('onenote', 'OneNote notebook', 'one onepkg onetoc2');
  add('help_file', 'compiled HTML help', 'chm hlp');
  add('web_query', 'Excel web query or symbolic link (DDE)', 'iqy slk dqy');
  add('uncommon_archive', 'archive format rare in honest mail', 'ace arj lzh lha uue xxe z r00 r01 r02 r03 r04 r05 r06 r07 r08 r09 cpio');
  add('unscanned_archive', 'archive this engine cannot open', 'rar 7z bz2 xz lz zst cab tbz2 txz');
  add('macro_document', 'macro-enabled Office file', 'docm dotm xlsm xltm xlam xla ppam pptm potm ppsm sldm');
  return table;
})();

/** Extensions of what readers expect to be harmless documents or media: the "inner" part of a deception. */
const DOCUMENT_EXTENSIONS = new Set(
  'pdf doc docx xls xlsx ppt pptx odt ods odp rtf txt csv jpg jpeg png gif bmp tif tiff heic webp mp3 mp4 wav mov avi zip eml msg html htm xml json ics vcf'.split(' '),
);

/** Markup opened by the browser from disk (the outer part of "invoice.pdf.html"). */
const BROWSER_EXTENSIONS = new Set('html htm shtml xhtml mht mhtml svg'.split(' '));

/** Bidi overrides and isolates reorder what is displayed: "invoice\u202Efdp.exe" reads "invoiceexe.pdf". */
const BIDI_OVERRIDES = /[\u202a-\u202e\u2066-\u2069]/u;
/** Directional marks (LRM, RLM, ALM) are weaker: they only nudge neutral characters. */
const BIDI_MARKS = /[\u200e\u200f\u061c]/u;
/** Characters that render as nothing (or as blank space indistinguishable from nothing). */
const INVISIBLE = /[\u00ad\u115f\u1160\u180e\u200b\u2060-\u2064\u3164\ufeff\uffa0\u2800]|\u034f|\u17b4|\u17b5/u;
/** ZWNJ/ZWJ are needed in Persian, Indic scripts and emoji; invisible tricks in Latin names only. */
const JOINERS = /\u200c|\u200d/u;
/** Format characters left out when deciding whether a name is in Latin script only. */
const FORMAT_CHARACTERS = /\u200c|\u200d|[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/gu;
/** Characters shown as <U+XXXX> in evidence: controls, bidi, invisible and combining fillers. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be made visible
const SHOWN_AS_CODE_POINT = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\u3164\ufeff\uffa0\u2800]|\u034f|\u17b4|\u17b5/gu;
const NON_LATIN_LETTER = /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u;

export function baseName(path: string): string {
  return path.replace(/^.*[\\/]/, '');
}

/** Lower-cased extension without the dot ('' when none); trailing dots and spaces are ignored, as Windows does. */
export function extensionOf(name: string): string {
  const trimmed = baseName(name).replace(/[\s.]+$/u, '');
  const dot = trimmed.lastIndexOf('.');
  return dot > 0 ? trimmed.slice(dot + 1).toLowerCase() : '';
}

/** Single-file compressors and encoders: "invoice.scr.xz" is an .scr once decompressed. */
const SINGLE_FILE_COMPRESSORS = new Set(['gz', 'gzip', 'xz', 'bz2', 'lz', 'lzma', 'zst', 'z', 'szdd', 'hqx', 'binhex', 'uue', 'b64']);

/** The name a single-file compressor restores ("a.scr.xz" → "a.scr"); null for other names. */
export function compressedInnerName(name: string): string | null {
  const ext = extensionOf(name);
  if (!SINGLE_FILE_COMPRESSORS.has(ext)) return null;
  const base = baseName(name).replace(/[\s.]+$/u, '');
  const inner = base.slice(0, base.length - ext.length - 1);
  return extensionOf(inner) ? inner : null;
}

export function riskyExtension(ext: string, extra: ReadonlyMap<string, RiskyType>): RiskyType | null {
  return extra.get(ext) ?? RISKY_EXTENSIONS[ext] ?? null;
}

export interface DoubleExtension {
  inner: string;
  outer: string;
  /** The name pads the gap between the two with spaces or underscores to push the real one out of view. */
  padded: boolean;
}

/**
 * `invoice.pdf.exe`, `scan.jpg        .js`: a document extension followed by an extension that
 * runs or opens in the browser. Null for ordinary multi-dot names (`report.2024.pdf`, `a.tar.gz`).
 */
export function doubleExtension(name: string, extra: ReadonlyMap<string, RiskyType>): DoubleExtension | null {
  const base = baseName(name).replace(/[\s.]+$/u, '');
  const match = /\.([a-z0-9]{2,5})([\s_.\u00a0-]*)\.([a-z0-9-]{1,20})$/iu.exec(base);
  if (!match) return null;
  const inner = (match[1] as string).toLowerCase();
  const outer = (match[3] as string).toLowerCase();
  if (!DOCUMENT_EXTENSIONS.has(inner) || inner === outer) return null;
  const risky = riskyExtension(outer, extra);
  const dangerousOuter = risky !== null && risky.category !== 'unscanned_archive' && risky.category !== 'uncommon_archive';
  if (!dangerousOuter && !BROWSER_EXTENSIONS.has(outer)) return null;
  return { inner, outer, padded: /\s{3,}|_{5,}/u.test(match[2] as string) };
}

/** Long runs of spaces hiding the end of a name ("invoice.pdf                         .exe" or before the dot). */
export function paddedName(name: string): boolean {
  return /\s{8,}\S*$|[\s_]{12,}\.[a-z0-9]+$/iu.test(baseName(name));
}

export interface NameTricks {
  bidiOverride: boolean;
  bidiMark: boolean;
  invisible: boolean;
}

export function nameTricks(name: string): NameTricks {
  const latinOnly = !NON_LATIN_LETTER.test(name.replace(FORMAT_CHARACTERS, ''));
  return {
    bidiOverride: BIDI_OVERRIDES.test(name),
    bidiMark: BIDI_MARKS.test(name) && latinOnly,
    invisible: INVISIBLE.test(name) || (latinOnly && JOINERS.test(name)),
  };
}

/** The name with control, bidi and invisible characters made visible, for evidence. */
export function visibleName(name: string): string {
  return name.replace(SHOWN_AS_CODE_POINT, (c) => `<U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}>`);
}
