import type { CfbEntry, CfbFile } from './cfb';
import { decompressOvba } from './ovba';

/**
 * VBA projects inside a compound file (MS-OVBA): the `dir` stream names the modules and where
 * each module stream's compressed source starts; the source is decompressed and returned.
 */

export interface VbaModule {
  /** Module name from the dir stream, or the stream name when the dir stream was unusable. */
  name: string;
  stream: string;
  /** Decompressed source (Attribute lines included), possibly cut at the per-module bound. */
  source: string;
}

export interface VbaProject {
  /** Storage holding the project, e.g. "Macros" (Word), "_VBA_PROJECT_CUR" (Excel), "" (vbaProject.bin). */
  storage: string;
  modules: VbaModule[];
  /** How the module sources were found: through the dir stream, or by scanning for compressed source. */
  method: 'dir' | 'scan' | 'none';
}

export interface VbaLimits {
  maxModules: number;
  /** Decompressed bytes kept per module. */
  maxSourceBytes: number;
  /** Decompressed bytes across all modules of one file. */
  maxTotalSourceBytes: number;
}

export const DEFAULT_VBA_LIMITS: VbaLimits = { maxModules: 200, maxSourceBytes: 1024 * 1024, maxTotalSourceBytes: 4 * 1024 * 1024 };

const MODULE_NAME = 0x0019;
const MODULE_STREAM_NAME = 0x001a;
const MODULE_OFFSET = 0x0031;
const MODULE_TERMINATOR = 0x002b;
const PROJECT_VERSION = 0x0009;
const PROJECT_MODULES_END = 0x0010;
/** Streams of a VBA storage that hold no module source. */
const NON_MODULE_STREAM = /^(?:dir|_vba_project|__srp_\d+|project(?:wm|lk)?)$/i;
/** "Attribut" as the first literal run of a compressed source: flag byte 0, then 8 literals. */
const SOURCE_MARKER = Buffer.from('\x00Attribut', 'latin1');

interface ModuleRecord {
  name: string;
  stream: string;
  offset: number | null;
}

/** Module records from a decompressed dir stream (MS-OVBA 2.3.4.2); [] when it cannot be read. */
export function parseDirStream(dir: Buffer, maxModules: number): ModuleRecord[] {
  const modules: ModuleRecord[] = [];
  let current: ModuleRecord | null = null;
  let pos = 0;
  while (pos + 6 <= dir.length && modules.length < maxModules) {
    const id = dir.readUInt16LE(pos);
    const size = dir.readUInt32LE(pos + 2);
    // PROJECTVERSION's size field is a fixed "Reserved = 4" followed by 6 bytes of version.
    const length = id === PROJECT_VERSION ? 6 : size;
    const data = dir.subarray(pos + 6, pos + 6 + length);
    pos += 6 + length;
    if (id === PROJECT_MODULES_END && current === null && modules.length > 0) break;
    if (id === MODULE_NAME) {
      current = { name: data.toString('latin1'), stream: data.toString('latin1'), offset: null };
    } else if (id === MODULE_STREAM_NAME && current) {
      current.stream = data.toString('latin1');
    } else if (id === MODULE_OFFSET && current && data.length >= 4) {
      current.offset = data.readUInt32LE(0);
    } else if (id === MODULE_TERMINATOR && current) {
      modules.push(current);
      current = null;
    }
  }
  return modules;
}

function decompressSource(bytes: Buffer, offset: number, budget: { left: number }, limits: VbaLimits): string | null {
  const result = decompressOvba(bytes, offset, Math.min(limits.maxSourceBytes, budget.left));
  if (!result || result.data.length === 0) return null;
  budget.left -= result.data.length;
  return result.data.toString('latin1');
}

function streamsOf(cfb: CfbFile, vbaPath: string): CfbEntry[] {
  const prefix = `${vbaPath}/`.toLowerCase();
  return cfb.entries.filter((entry) => entry.type === 'stream' && entry.path.toLowerCase().startsWith(prefix) && !entry.path.slice(prefix.length).includes('/'));
}

/** Module sources of the project whose VBA storage is at `vbaPath` ("Macros/VBA", "VBA"). */
function readProject(cfb: CfbFile, vbaPath: string, budget: { left: number }, limits: VbaLimits): VbaProject {
  const storage = vbaPath.includes('/') ? vbaPath.slice(0, vbaPath.lastIndexOf('/')) : '';
  const dirEntry = cfb.find(`${vbaPath}/dir`);
  const dir = dirEntry ? decompressOvba(cfb.read(dirEntry), 0, 1024 * 1024) : null;
  const records = dir ? parseDirStream(dir.data, limits.maxModules) : [];
  const modules: VbaModule[] = [];
  for (const record of records) {
    if (budget.left <= 0) break;
    const entry = cfb.find(`${vbaPath}/${record.stream}`);
    if (!entry || record.offset === null) continue;
    const source = decompressSource(cfb.read(entry), record.offset, budget, limits);
    if (source !== null) modules.push({ name: record.name, stream: record.stream, source });
  }
  if (modules.length > 0) return { storage, modules, method: 'dir' };

  // Damaged or stomped dir stream: find compressed source by its usual first bytes instead.
  for (const entry of streamsOf(cfb, vbaPath).slice(0, limits.maxModules)) {
    if (budget.left <= 0 || NON_MODULE_STREAM.test(entry.name)) continue;
    const bytes = cfb.read(entry);
    const marker = bytes.indexOf(SOURCE_MARKER);
    if (marker < 3) continue;
    const source = decompressSource(bytes, marker - 3, budget, limits);
    if (source !== null) modules.push({ name: entry.name, stream: entry.name, source });
  }
  return { storage, modules, method: modules.length > 0 ? 'scan' : 'none' };
}

/**
 * Every VBA project of a compound file: a storage named VBA holding a `dir` stream (or a
 * `_VBA_PROJECT` stream), e.g. "Macros/VBA" in Word, "_VBA_PROJECT_CUR/VBA" in Excel, "VBA" in
 * an OOXML vbaProject.bin. Empty when there is none.
 */
export function readVbaProjects(cfb: CfbFile, limits: VbaLimits = DEFAULT_VBA_LIMITS): VbaProject[] {
  const vbaPaths = new Set<string>();
  for (const entry of cfb.entries) {
    const match = /^(.*?)\/(?:dir|_vba_project)$/i.exec(entry.path);
    if (entry.type === 'stream' && match && /(?:^|\/)vba$/i.test(match[1] as string)) vbaPaths.add(match[1] as string);
  }
  const budget = { left: limits.maxTotalSourceBytes };
  return [...vbaPaths].slice(0, 16).map((path) => readProject(cfb, path, budget, limits));
}
