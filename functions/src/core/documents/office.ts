import { CfbFile, type CfbLimits, DEFAULT_CFB_LIMITS, isCfb } from './cfb';
import { analyseMacroSource, type MacroCall } from './macro-source';
import { packageFileName } from './ole-package';
import { DEFAULT_VBA_LIMITS, readVbaProjects, type VbaLimits, type VbaProject } from './vba';
import { DEFAULT_ZIP_PART_LIMITS, type ZipPartLimits, ZipParts } from './zip-parts';

/**
 * Facts about a Microsoft Office document, legacy (OLE2 compound file) or OOXML (zip): macros
 * and what their source does, Excel 4.0 macro sheets, DDE, external references (remote
 * templates, linked objects, hyperlinks), packaged files and encryption. Bytes in, facts out;
 * every read is bounded.
 */

export type OfficeApplication = 'word' | 'excel' | 'powerpoint' | 'visio' | 'publisher' | 'installer' | 'other';

export type ExternalReferenceKind = 'template' | 'ole_object' | 'frame' | 'subdocument' | 'hyperlink' | 'other';

export interface ExternalReference {
  kind: ExternalReferenceKind;
  target: string;
  /** The relationships part that declared it. */
  part: string;
  /** True when the target is fetched from the network (http, UNC, mhtml:, ms-…:), not a local file. */
  remote: boolean;
}

export interface OfficeFacts {
  container: 'ole' | 'ooxml';
  application: OfficeApplication;
  /** Password-protected: an OOXML EncryptedPackage, or a legacy Word/Excel encryption flag. */
  encrypted: boolean;
  /** A VBA project is present (even when its source could not be read). */
  vbaPresent: boolean;
  vbaProjects: VbaProject[];
  /** Auto-exec procedures across all modules. */
  autoExec: string[];
  /** Suspicious calls across all modules. */
  macroCalls: MacroCall[];
  /** Excel 4.0 (XLM) macro sheets. */
  xlmMacroSheets: number;
  /** DDE field instructions or DDE links (commands run through dynamic data exchange). */
  dde: string[];
  externalReferences: ExternalReference[];
  /** File names wrapped in OLE Package objects. */
  packagedFiles: string[];
  /** Embedded OLE objects of any kind. */
  embeddedObjects: number;
  /** What could not be read (damaged container, parts over a bound). */
  problems: string[];
}

export interface OfficeLimits {
  cfb: CfbLimits;
  vba: VbaLimits;
  zip: ZipPartLimits;
  maxRelationshipParts: number;
  maxExternalReferences: number;
  maxEmbeddings: number;
}

export const DEFAULT_OFFICE_LIMITS: OfficeLimits = {
  cfb: DEFAULT_CFB_LIMITS,
  vba: DEFAULT_VBA_LIMITS,
  zip: DEFAULT_ZIP_PART_LIMITS,
  maxRelationshipParts: 200,
  maxExternalReferences: 200,
  maxEmbeddings: 20,
};

/** Class ids (file byte order) of Windows Installer packages, patches and transforms. */
const INSTALLER_CLSID = /^8[246]100c0000000000c000000000000046$/;

function emptyFacts(container: OfficeFacts['container']): OfficeFacts {
  return {
    container,
    application: 'other',
    encrypted: false,
    vbaPresent: false,
    vbaProjects: [],
    autoExec: [],
    macroCalls: [],
    xlmMacroSheets: 0,
    dde: [],
    externalReferences: [],
    packagedFiles: [],
    embeddedObjects: 0,
    problems: [],
  };
}

function addProjects(facts: OfficeFacts, projects: VbaProject[]): void {
  facts.vbaProjects.push(...projects);
  const autoExec = new Set(facts.autoExec);
  const calls = new Map(facts.macroCalls.map((call) => [call.keyword, call]));
  for (const module of projects.flatMap((project) => project.modules)) {
    const found = analyseMacroSource(module.source);
    for (const name of found.autoExec) autoExec.add(name);
    for (const call of found.calls) calls.set(call.keyword, call);
  }
  facts.autoExec = [...autoExec];
  facts.macroCalls = [...calls.values()];
}

// ---------------------------------------------------------------- OLE2 (legacy Office, MSI)

function oleApplication(cfb: CfbFile): OfficeApplication {
  const root = cfb.entries.find((entry) => entry.type === 'root');
  if (root && INSTALLER_CLSID.test(root.clsid)) return 'installer';
  const names = new Set(cfb.entries.filter((entry) => !entry.path.includes('/')).map((entry) => entry.name.toLowerCase()));
  if (names.has('worddocument')) return 'word';
  if (names.has('workbook') || names.has('book')) return 'excel';
  if (names.has('powerpoint document')) return 'powerpoint';
  if (names.has('visiodocument')) return 'visio';
  if (names.has('quill')) return 'publisher';
  return 'other';
}

/** FibBase.fEncrypted (MS-DOC 2.5.2): bit 8 of the flags word at offset 0x0A of WordDocument. */
function wordEncrypted(cfb: CfbFile): boolean {
  const entry = cfb.find('WordDocument');
  if (!entry) return false;
  const head = cfb.read(entry, 32);
  return head.length >= 12 && (head.readUInt16LE(10) & 0x0100) !== 0;
}

interface BiffFacts {
  macroSheets: number;
  encrypted: boolean;
}

/** Globals substream of an Excel BIFF8 workbook: BoundSheet8 records of macro sheets, FilePass. */
function readBiffGlobals(cfb: CfbFile): BiffFacts {
  const entry = cfb.find('Workbook') ?? cfb.find('Book');
  const facts: BiffFacts = { macroSheets: 0, encrypted: false };
  if (!entry) return facts;
  const stream = cfb.read(entry, 4 * 1024 * 1024);
  let pos = 0;
  for (let records = 0; pos + 4 <= stream.length && records < 100_000; records++) {
    const type = stream.readUInt16LE(pos);
    const length = stream.readUInt16LE(pos + 2);
    const data = stream.subarray(pos + 4, pos + 4 + length);
    pos += 4 + length;
    if (type === 0x002f) facts.encrypted = true; // FilePass
    // BoundSheet8: lbPlyPos (4), hsState (1), dt (1): 1 = macro sheet (XLM).
    if (type === 0x0085 && data.length >= 6 && data[5] === 0x01) facts.macroSheets++;
    if (type === 0x000a && records > 0) break; // EOF of the globals substream
  }
  return facts;
}

function oleFacts(cfb: CfbFile, limits: OfficeLimits): OfficeFacts {
  const facts = emptyFacts('ole');
  facts.application = oleApplication(cfb);
  facts.encrypted = cfb.entries.some((entry) => entry.path.toLowerCase() === 'encryptedpackage') || wordEncrypted(cfb);
  if (facts.application === 'excel') {
    const biff = readBiffGlobals(cfb);
    facts.xlmMacroSheets = biff.macroSheets;
    facts.encrypted ||= biff.encrypted;
  }
  facts.vbaPresent = cfb.entries.some((entry) => /(?:^|\/)vba\/(?:dir|_vba_project)$/i.test(entry.path));
  if (facts.vbaPresent) addProjects(facts, readVbaProjects(cfb, limits.vba));
  for (const entry of cfb.entries) {
    if (entry.type === 'storage' && /^(?:ObjectPool\/[^/]+|MBD[0-9A-F]{8})$/i.test(entry.path)) facts.embeddedObjects++;
    if (entry.type === 'stream' && entry.name === '\u0001Ole10Native' && facts.packagedFiles.length < limits.maxEmbeddings) {
      const name = packageFileName(cfb.read(entry, 4096));
      if (name) facts.packagedFiles.push(name);
    }
  }
  if (cfb.damaged) facts.problems.push('compound file is damaged (a sector chain or the directory was cut)');
  return facts;
}

/** Facts of a compound file; null when the bytes are not one. A damaged file yields facts with a problem. */
export function analyseOle(bytes: Uint8Array, limits: OfficeLimits = DEFAULT_OFFICE_LIMITS): OfficeFacts | null {
  if (!isCfb(bytes)) return null;
  try {
    return oleFacts(new CfbFile(bytes, limits.cfb), limits);
  } catch (error) {
    const facts = emptyFacts('ole');
    facts.problems.push(`compound file unreadable: ${(error as Error).message}`);
    return facts;
  }
}

// ---------------------------------------------------------------- OOXML

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlText(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name) return XML_ENTITIES[name.toLowerCase()] ?? whole;
    const code = hex ? parseInt(hex, 16) : parseInt(dec ?? '', 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function xmlAttribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return match ? decodeXmlText(match[1] ?? match[2] ?? '') : null;
}

/** Whether opening the document fetches the target over the network rather than from a local file. */
export function isRemoteTarget(target: string): boolean {
  const t = target.trim();
  if (/^(?:https?|ftp|webdavs?|mhtml|ms-[a-z-]+|search-ms|ms-msdt):/i.test(t)) return true;
  if (/^\\\\[^\\]/.test(t) || /^\/\/[^/]/.test(t)) return true; // UNC \\host\share
  return /^file:\/\/(?!\/)[^/]/i.test(t); // file://host/share, not file:///C:/
}

function referenceKind(type: string): ExternalReferenceKind {
  const last = type.slice(type.lastIndexOf('/') + 1).toLowerCase();
  if (last === 'attachedtemplate') return 'template';
  if (last === 'oleobject') return 'ole_object';
  if (last === 'frame') return 'frame';
  if (last === 'subdocument') return 'subdocument';
  if (last === 'hyperlink') return 'hyperlink';
  return 'other';
}

function readRelationships(parts: ZipParts, facts: OfficeFacts, limits: OfficeLimits): void {
  const relsParts = parts.paths.filter((path) => /\.rels$/i.test(path)).slice(0, limits.maxRelationshipParts);
  for (const part of relsParts) {
    const xml = parts.text(part, 2 * 1024 * 1024);
    if (xml === null) continue;
    for (const match of xml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/gi)) {
      if (facts.externalReferences.length >= limits.maxExternalReferences) return;
      const tag = match[0];
      if ((xmlAttribute(tag, 'TargetMode') ?? '').toLowerCase() !== 'external') continue;
      const target = (xmlAttribute(tag, 'Target') ?? '').slice(0, 2048);
      if (target === '') continue;
      facts.externalReferences.push({ kind: referenceKind(xmlAttribute(tag, 'Type') ?? ''), target, part, remote: isRemoteTarget(target) });
    }
  }
}

function ooxmlApplication(parts: ZipParts): OfficeApplication {
  const prefixes = new Set(parts.paths.map((path) => path.split('/')[0]?.toLowerCase() ?? ''));
  if (prefixes.has('word')) return 'word';
  if (prefixes.has('xl')) return 'excel';
  if (prefixes.has('ppt')) return 'powerpoint';
  if (prefixes.has('visio')) return 'visio';
  return 'other';
}

/** DDE field codes in Word (`DDEAUTO`, `DDE`) and DDE links in Excel. */
function readDde(parts: ZipParts, facts: OfficeFacts): void {
  const documentParts = parts.paths.filter((path) => /^word\/(?:document|header\d*|footer\d*|footnotes|endnotes)\.xml$/i.test(path)).slice(0, 20);
  for (const part of documentParts) {
    const xml = parts.text(part);
    if (xml === null) continue;
    // Field codes are often split over runs: join the instrText runs of the part before matching.
    const instructions = [...xml.matchAll(/<w:instrText\b[^>]*>([^<]*)<\/w:instrText>/gi)].map((m) => m[1]).join('');
    const simple = [...xml.matchAll(/\bw:instr\s*=\s*"([^"]*)"/gi)].map((m) => m[1]).join(' ');
    for (const text of [instructions, simple]) {
      const dde = /\bDDE(?:AUTO)?\b[^]{0,120}/i.exec(decodeXmlText(text));
      if (dde && facts.dde.length < 10) facts.dde.push(dde[0].trim());
    }
  }
  for (const part of parts.paths.filter((path) => /^xl\/externalLinks\/[^/]+\.xml$/i.test(path)).slice(0, 20)) {
    const xml = parts.text(part, 1024 * 1024);
    const link = xml ? /<(?:\w+:)?ddeLink\b[^>]*>/i.exec(xml) : null;
    if (link && facts.dde.length < 10) {
      facts.dde.push(`ddeLink ${xmlAttribute(link[0], 'ddeService') ?? ''} ${xmlAttribute(link[0], 'ddeTopic') ?? ''}`.trim());
    }
  }
}

function ooxmlFacts(parts: ZipParts, limits: OfficeLimits): OfficeFacts {
  const facts = emptyFacts('ooxml');
  facts.application = ooxmlApplication(parts);
  for (const path of parts.paths.filter((p) => /(?:^|\/)vbaProject\.bin$/i.test(p)).slice(0, 4)) {
    facts.vbaPresent = true;
    const bin = parts.read(path, limits.cfb.maxStreamBytes);
    const ole = bin ? analyseOle(bin, limits) : null;
    if (!ole) {
      facts.problems.push(`${path} could not be read`);
      continue;
    }
    addProjects(facts, ole.vbaProjects);
    facts.problems.push(...ole.problems.map((problem) => `${path}: ${problem}`));
  }
  facts.xlmMacroSheets = parts.paths.filter((path) => /^xl\/macrosheets\/[^/]+\.xml$/i.test(path)).length;
  readRelationships(parts, facts, limits);
  readDde(parts, facts);
  const embeddings = parts.paths.filter((path) => /\/embeddings\/[^/]+$/i.test(path));
  facts.embeddedObjects = embeddings.length;
  for (const path of embeddings.filter((p) => /\.bin$/i.test(p)).slice(0, limits.maxEmbeddings)) {
    const bin = parts.read(path);
    if (!bin || !isCfb(bin)) continue;
    const embedded = analyseOle(bin, limits);
    if (embedded) facts.packagedFiles.push(...embedded.packagedFiles);
  }
  if (parts.truncated) facts.problems.push('more parts than the entry limit; the rest were not read');
  if (parts.skipped.length > 0) facts.problems.push(`parts not read (over a bound, damaged or encrypted): ${parts.skipped.slice(0, 5).join(', ')}`);
  return facts;
}

/** Facts of an OOXML package; null when the bytes are not a zip with `[Content_Types].xml`. */
export function analyseOoxml(bytes: Uint8Array, limits: OfficeLimits = DEFAULT_OFFICE_LIMITS): OfficeFacts | null {
  const parts = ZipParts.open(bytes, limits.zip);
  if (!parts || !parts.has('[Content_Types].xml')) return null;
  return ooxmlFacts(parts, limits);
}

/** Facts of any Office document, legacy or OOXML; null for other bytes. */
export function analyseOffice(bytes: Uint8Array, limits: OfficeLimits = DEFAULT_OFFICE_LIMITS): OfficeFacts | null {
  return analyseOle(bytes, limits) ?? analyseOoxml(bytes, limits);
}

/** Only the external references of an OOXML package (its .rels parts): cheap, for link extraction. */
export function ooxmlExternalReferences(bytes: Uint8Array, limits: OfficeLimits = DEFAULT_OFFICE_LIMITS): ExternalReference[] {
  const parts = ZipParts.open(bytes, limits.zip);
  if (!parts || !parts.has('[Content_Types].xml')) return [];
  const facts = emptyFacts('ooxml');
  readRelationships(parts, facts, limits);
  return facts.externalReferences;
}
