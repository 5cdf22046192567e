import * as CFB from 'cfb';
import { createCipheriv, createHash } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';
import { zip, type ZipEntrySpec } from '../parse/builders';

/**
 * Synthetic documents for the document analysers and the attachments engine: VBA projects
 * (with a real MS-OVBA compressor), OLE and OOXML Office files, PDFs (plain, with object streams,
 * encrypted), nothing taken from any corpus.
 */

// ------------------------------------------------------------------ MS-OVBA compression

function offsetBits(difference: number): number {
  let bits = 4;
  while (1 << bits < difference && bits < 12) bits++;
  return bits;
}

/** A greedy LZ77 compressor producing a valid MS-OVBA CompressedContainer. */
export function compressOvba(input: Buffer): Buffer {
  const out: number[] = [0x01];
  for (let chunkStart = 0; chunkStart < input.length || chunkStart === 0; chunkStart += 4096) {
    const chunk = input.subarray(chunkStart, chunkStart + 4096);
    const body: number[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const flagAt = body.length;
      body.push(0);
      let flags = 0;
      for (let bit = 0; bit < 8 && pos < chunk.length; bit++) {
        const bits = offsetBits(pos);
        const maxLength = (0xffff >> bits) + 3;
        const maxOffset = 1 << (16 - bits);
        let bestLength = 0;
        let bestOffset = 0;
        // Nearest candidates first, in a small window: compression ratio does not matter here.
        for (let candidate = pos - 1; candidate >= Math.max(0, pos - Math.min(maxOffset, 300)) && bestLength < maxLength; candidate--) {
          let length = 0;
          while (length < maxLength && pos + length < chunk.length && chunk[candidate + length] === chunk[pos + length]) length++;
          if (length > bestLength) {
            bestLength = length;
            bestOffset = pos - candidate;
          }
        }
        if (bestLength >= 3) {
          const token = ((bestOffset - 1) << (16 - bits)) | (bestLength - 3);
          body.push(token & 0xff, token >> 8);
          flags |= 1 << bit;
          pos += bestLength;
        } else {
          body.push(chunk[pos] as number);
          pos++;
        }
      }
      body[flagAt] = flags;
    }
    const header = 0xb000 | (body.length + 2 - 3);
    out.push(header & 0xff, header >> 8, ...body);
    if (input.length === 0) break;
  }
  return Buffer.from(out);
}

// ------------------------------------------------------------------ VBA projects

export interface ModuleSpec {
  name: string;
  source: string;
}

function record(id: number, data: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt16LE(id, 0);
  head.writeUInt32LE(data.length, 2);
  return Buffer.concat([head, data]);
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value, 0);
  return b;
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value, 0);
  return b;
}

const P_CODE_PADDING = 64;

/** A dir stream (MS-OVBA 2.3.4.2) describing the modules; module text starts after P_CODE_PADDING bytes. */
export function dirStream(modules: ModuleSpec[]): Buffer {
  const parts: Buffer[] = [
    record(0x0001, u32(1)),
    record(0x0002, u32(0x409)),
    record(0x0014, u32(0x409)),
    record(0x0003, u16(1252)),
    record(0x0004, Buffer.from('VBAProject')),
    record(0x0005, Buffer.alloc(0)),
    record(0x0040, Buffer.alloc(0)),
    record(0x0006, Buffer.alloc(0)),
    record(0x003d, Buffer.alloc(0)),
    record(0x0007, u32(0)),
    record(0x0008, u32(0)),
    // PROJECTVERSION: size field "4", then 6 bytes (major 4, minor 2).
    Buffer.concat([u16(0x0009), u32(4), u32(1), u16(2)]),
    record(0x000c, Buffer.alloc(0)),
    record(0x003c, Buffer.alloc(0)),
    record(0x000f, u16(modules.length)),
    record(0x0013, u16(0xffff)),
  ];
  for (const module of modules) {
    parts.push(
      record(0x0019, Buffer.from(module.name, 'latin1')),
      record(0x0047, Buffer.from(module.name, 'utf16le')),
      record(0x001a, Buffer.from(module.name, 'latin1')),
      record(0x0032, Buffer.from(module.name, 'utf16le')),
      record(0x001c, Buffer.alloc(0)),
      record(0x0048, Buffer.alloc(0)),
      record(0x0031, u32(P_CODE_PADDING)),
      record(0x001e, u32(0)),
      record(0x002c, u16(0xffff)),
      record(0x0021, Buffer.alloc(0)),
      record(0x002b, Buffer.alloc(0)),
    );
  }
  parts.push(record(0x0010, Buffer.alloc(0)));
  return Buffer.concat(parts);
}

export interface VbaOptions {
  /** Storage path of the VBA storage inside the file ('VBA' in vbaProject.bin, 'Macros/VBA' in Word). */
  vbaPath?: string;
  /** Write a dir stream that cannot be decompressed (forces the fallback scan). */
  brokenDir?: boolean;
}

function addVbaProject(container: CFB.CFB$Container, modules: ModuleSpec[], options: VbaOptions): void {
  const vba = options.vbaPath ?? 'VBA';
  CFB.utils.cfb_add(container, `${vba}/_VBA_PROJECT`, Buffer.from([0xcc, 0x61, 0xff, 0xff, 0x00, 0x00, 0x00]));
  const dir = options.brokenDir ? Buffer.from('not a compressed container') : compressOvba(dirStream(modules));
  CFB.utils.cfb_add(container, `${vba}/dir`, dir);
  for (const module of modules) {
    const source = compressOvba(Buffer.from(`Attribute VB_Name = "${module.name}"\r\n${module.source}`, 'latin1'));
    CFB.utils.cfb_add(container, `${vba}/${module.name}`, Buffer.concat([Buffer.alloc(P_CODE_PADDING, 0xee), source]));
  }
}

function written(container: CFB.CFB$Container): Buffer {
  return Buffer.from(CFB.write(container, { type: 'buffer' }) as Uint8Array);
}

/** An OOXML vbaProject.bin. */
export function vbaProjectBin(modules: ModuleSpec[], options: VbaOptions = {}): Buffer {
  const container = CFB.utils.cfb_new();
  addVbaProject(container, modules, options);
  return written(container);
}

/** An OLE package stream (\x01Ole10Native) wrapping a file. */
export function ole10Native(fileName: string, data: Buffer): Buffer {
  const label = Buffer.from(`${fileName}\0`, 'latin1');
  const path = Buffer.from(`C:\\Users\\x\\${fileName}\0`, 'latin1');
  const body = Buffer.concat([u16(2), label, path, u16(0), u16(3), u32(path.length), path, u32(data.length), data]);
  return Buffer.concat([u32(body.length), body]);
}

export interface OleDocumentSpec {
  application: 'word' | 'excel' | 'installer' | 'encrypted_ooxml';
  modules?: ModuleSpec[];
  brokenDir?: boolean;
  packagedFile?: { name: string; data: Buffer };
  macroSheet?: boolean;
  wordEncrypted?: boolean;
}

/** A BIFF8 globals substream: BOF, BoundSheet8 records (dt 0 worksheet, 1 macro sheet), EOF. */
function biffGlobals(macroSheet: boolean): Buffer {
  const rec = (type: number, data: Buffer): Buffer => Buffer.concat([u16(type), u16(data.length), data]);
  const sheet = (dt: number, name: string): Buffer => rec(0x0085, Buffer.concat([u32(0), Buffer.from([0, dt, name.length, 0]), Buffer.from(name, 'latin1')]));
  return Buffer.concat([rec(0x0809, Buffer.alloc(16)), sheet(0, 'Sheet1'), ...(macroSheet ? [sheet(1, 'Macro1')] : []), rec(0x000a, Buffer.alloc(0))]);
}

/** A legacy Office (or MSI) compound file. */
export function oleDocument(spec: OleDocumentSpec): Buffer {
  const container = CFB.utils.cfb_new(spec.application === 'installer' ? { CLSID: '84100c0000000000c000000000000046' } : undefined);
  if (spec.application === 'word') {
    const fib = Buffer.alloc(64);
    fib.writeUInt16LE(0xa5ec, 0);
    if (spec.wordEncrypted) fib.writeUInt16LE(0x0100, 10);
    CFB.utils.cfb_add(container, 'WordDocument', fib);
    CFB.utils.cfb_add(container, '1Table', Buffer.alloc(512));
    if (spec.modules) addVbaProject(container, spec.modules, { vbaPath: 'Macros/VBA', brokenDir: spec.brokenDir ?? false });
  } else if (spec.application === 'excel') {
    CFB.utils.cfb_add(container, 'Workbook', biffGlobals(spec.macroSheet ?? false));
    if (spec.modules) addVbaProject(container, spec.modules, { vbaPath: '_VBA_PROJECT_CUR/VBA', brokenDir: spec.brokenDir ?? false });
  } else if (spec.application === 'installer') {
    CFB.utils.cfb_add(container, '\u4840\u3f3f\u4577\u446c', Buffer.alloc(128));
  } else {
    CFB.utils.cfb_add(container, 'EncryptionInfo', Buffer.alloc(64));
    CFB.utils.cfb_add(container, 'EncryptedPackage', Buffer.alloc(4096, 0x5a));
  }
  if (spec.packagedFile) CFB.utils.cfb_add(container, 'ObjectPool/_1234/\u0001Ole10Native', ole10Native(spec.packagedFile.name, spec.packagedFile.data));
  return written(container);
}

// ------------------------------------------------------------------ OOXML

const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export function relationships(rels: { type: string; target: string; external?: boolean }[]): string {
  const items = rels.map(
    (rel, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/${rel.type}" Target="${rel.target.replace(/&/g, '&amp;')}"${rel.external ? ' TargetMode="External"' : ''}/>`,
  );
  return `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${items.join('')}</Relationships>`;
}

/** An OOXML package with the given extra parts (path → content). */
export function ooxml(kind: 'word' | 'excel', parts: Record<string, string | Buffer> = {}): Buffer {
  const main = kind === 'word' ? 'word/document.xml' : 'xl/workbook.xml';
  const base: Record<string, string | Buffer> = {
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': relationships([{ type: 'officeDocument', target: main }]),
    [main]: kind === 'word' ? '<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>' : '<workbook/>',
  };
  const entries: ZipEntrySpec[] = Object.entries({ ...base, ...parts }).map(([name, data]) => ({ name, data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8') }));
  return zip(entries);
}

// ------------------------------------------------------------------ PDF

/** A PDF from object bodies (object n is objects[n-1]), with a correct xref table. */
export function pdf(objects: string[], trailerExtra = ''): Buffer {
  let body = '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** Catalog (1), pages (2), one page (3) with the given annotations and catalog extras. */
export function simplePdf(options: { catalog?: string; annots?: string[]; extra?: string[]; mediaBox?: string } = {}): Buffer {
  const extra = options.extra ?? [];
  const annotRefs = (options.annots ?? []).map((_, i) => `${4 + extra.length + i} 0 R`).join(' ');
  return pdf([
    `<< /Type /Catalog /Pages 2 0 R ${options.catalog ?? ''} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox ${options.mediaBox ?? '[0 0 600 800]'} ${annotRefs ? `/Annots [${annotRefs}]` : ''} >>`,
    ...extra,
    ...(options.annots ?? []),
  ]);
}

export function linkAnnotation(url: string, rect = '[50 700 150 720]'): string {
  return `<< /Type /Annot /Subtype /Link /Rect ${rect} /A << /S /URI /URI (${url}) >> >>`;
}

// --- encryption (Standard handler, empty user password), written independently of the reader

const PADDING = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) % 256;
    const t = s[i] as number;
    s[i] = s[j] as number;
    s[j] = t;
  }
  const out = Buffer.alloc(data.length);
  let a = 0;
  let b = 0;
  for (let n = 0; n < data.length; n++) {
    a = (a + 1) % 256;
    b = (b + (s[a] as number)) % 256;
    const t = s[a] as number;
    s[a] = s[b] as number;
    s[b] = t;
    out[n] = (data[n] as number) ^ (s[((s[a] as number) + (s[b] as number)) % 256] as number);
  }
  return out;
}

const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();

export interface EncryptedPdfSpec {
  revision: 3 | 4;
  aes?: boolean;
  /** When set, the user password is not empty (the document needs a password). */
  userPassword?: string;
  uri: string;
}

/** A one-page PDF whose link URI is encrypted (RC4-128 R3, or AESV2 R4). */
export function encryptedPdf(spec: EncryptedPdfSpec): Buffer {
  const fileId = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const owner = createHash('sha256').update('owner').digest();
  const permissions = -4;
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions, 0);
  const password = Buffer.concat([Buffer.from(spec.userPassword ?? '', 'latin1'), PADDING]).subarray(0, 32);
  let key = md5(password, owner, p, fileId);
  for (let i = 0; i < 50; i++) key = md5(key.subarray(0, 16));
  key = key.subarray(0, 16);
  let u = rc4(key, md5(PADDING, fileId));
  for (let i = 1; i <= 19; i++) u = rc4(Buffer.from(key.map((x) => x ^ i)), u);
  const userEntry = Buffer.concat([u, Buffer.alloc(16)]);
  const annotObject = 4;
  const objectKey = md5(key, Buffer.from([annotObject, 0, 0, 0, 0]), spec.aes ? Buffer.from('sAlT') : Buffer.alloc(0));
  let cipherText: Buffer;
  if (spec.aes) {
    const iv = Buffer.alloc(16, 7);
    const cipher = createCipheriv('aes-128-cbc', objectKey, iv);
    cipherText = Buffer.concat([iv, cipher.update(spec.uri, 'latin1'), cipher.final()]);
  } else {
    cipherText = rc4(objectKey, Buffer.from(spec.uri, 'latin1'));
  }
  const encrypt = spec.aes
    ? `<< /Filter /Standard /V 4 /R 4 /Length 128 /CF << /StdCF << /CFM /AESV2 /Length 16 >> >> /StmF /StdCF /StrF /StdCF /O <${owner.toString('hex')}> /U <${userEntry.toString('hex')}> /P ${permissions} >>`
    : `<< /Filter /Standard /V 2 /R 3 /Length 128 /O <${owner.toString('hex')}> /U <${userEntry.toString('hex')}> /P ${permissions} >>`;
  return pdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Annots [4 0 R] >>',
      `<< /Type /Annot /Subtype /Link /Rect [0 0 600 800] /A << /S /URI /URI <${cipherText.toString('hex')}> >> >>`,
      encrypt,
    ],
    `/Encrypt 5 0 R /ID [<${fileId.toString('hex')}> <${fileId.toString('hex')}>]`,
  );
}

// ------------------------------------------------------------------ ZipCrypto (traditional PKWARE) encryption

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crcUpdate = (crc: number, byte: number): number => ((CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8)) >>> 0;

/** Compressed entry bytes encrypted with ZipCrypto, header check byte = CRC high byte. */
export function zipCryptoEncrypt(compressed: Buffer, password: string, crc: number): Buffer {
  let k0 = 0x12345678;
  let k1 = 0x23456789;
  let k2 = 0x34567890;
  const update = (byte: number): void => {
    k0 = crcUpdate(k0, byte);
    k1 = (Math.imul((k1 + (k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
    k2 = crcUpdate(k2, k1 >>> 24);
  };
  for (const byte of Buffer.from(password, 'latin1')) update(byte);
  const plain = Buffer.concat([Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, crc >>> 24]), compressed]);
  const out = Buffer.alloc(plain.length);
  for (let i = 0; i < plain.length; i++) {
    const temp = (k2 | 2) & 0xffff;
    out[i] = (plain[i] as number) ^ ((Math.imul(temp, temp ^ 1) >>> 8) & 0xff);
    update(plain[i] as number);
  }
  return out;
}

/** A zip entry spec whose content is deflated and then ZipCrypto-encrypted with `password`. */
export function encryptedZipEntry(name: string, data: Buffer, password: string): ZipEntrySpec {
  const crc = crc32(data);
  return { name, compressed: zipCryptoEncrypt(deflateRawSync(data), password, crc), crc, declaredSize: data.length, flags: 1 };
}

export { zip };

/** ISO 32000-2 Algorithm 2.B, written from the standard's text for the fixture (user password, no U data). */
function revision6Hash(password: Buffer, salt: Buffer): Buffer {
  let k = createHash('sha256').update(Buffer.concat([password, salt])).digest();
  let round = 0;
  let e = Buffer.alloc(0);
  while (round < 64 || (e[e.length - 1] as number) > round - 32) {
    const k1 = Buffer.concat(new Array<Buffer>(64).fill(Buffer.concat([password, k])));
    const cipher = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32)).setAutoPadding(false);
    e = Buffer.concat([cipher.update(k1), cipher.final()]);
    const remainder = BigInt(`0x${e.subarray(0, 16).toString('hex')}`) % 3n;
    k = createHash(remainder === 0n ? 'sha256' : remainder === 1n ? 'sha384' : 'sha512').update(e).digest();
    round++;
  }
  return k.subarray(0, 32);
}

/** A one-page AES-256 (revision 6) PDF whose link URI is encrypted. */
export function aes256Pdf(uri: string, userPassword = ''): Buffer {
  const password = Buffer.from(userPassword, 'utf8');
  const fileKey = createHash('sha256').update('file key').digest();
  const validationSalt = Buffer.from('0011223344556677', 'hex');
  const keySalt = Buffer.from('8899aabbccddeeff', 'hex');
  const u = Buffer.concat([revision6Hash(password, validationSalt), validationSalt, keySalt]);
  const wrap = createCipheriv('aes-256-cbc', revision6Hash(password, keySalt), Buffer.alloc(16)).setAutoPadding(false);
  const ue = Buffer.concat([wrap.update(fileKey), wrap.final()]);
  const iv = Buffer.alloc(16, 3);
  const cipher = createCipheriv('aes-256-cbc', fileKey, iv);
  const encryptedUri = Buffer.concat([iv, cipher.update(uri, 'latin1'), cipher.final()]);
  const fileId = '0123456789abcdef0123456789abcdef';
  return pdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Annots [4 0 R] >>',
      `<< /Type /Annot /Subtype /Link /Rect [0 0 600 800] /A << /S /URI /URI <${encryptedUri.toString('hex')}> >> >>`,
      `<< /Filter /Standard /V 5 /R 6 /Length 256 /CF << /StdCF << /CFM /AESV3 /Length 32 >> >> /StmF /StdCF /StrF /StdCF /O <${Buffer.alloc(48).toString('hex')}> /U <${u.toString('hex')}> /OE <${Buffer.alloc(32).toString('hex')}> /UE <${ue.toString('hex')}> /P -4 /Perms <${Buffer.alloc(16).toString('hex')}> >>`,
    ],
    `/Encrypt 5 0 R /ID [<${fileId}> <${fileId}>]`,
  );
}
