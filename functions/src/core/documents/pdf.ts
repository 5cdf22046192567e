import { inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFObject,
} from 'pdf-lib';
import { decryptString, findUserPassword, type StandardEncryption, type StringCipher } from './pdf-crypt';

/**
 * Facts about a PDF that matter for mail: active content (JavaScript, Launch, actions that run
 * on open), embedded files, form submission, link targets and how much of a page a link covers.
 * Uses pdf-lib, which parses objects inside compressed object streams (where a raw keyword scan
 * finds nothing). Strings of documents encrypted with an empty user password are decrypted.
 * Bytes in, facts out; bounded by size, object and node counts, and a cancellation callback.
 */

export interface PdfAction {
  /** 'OpenAction', or 'AA/<event>' for additional actions (page open, field focus …). */
  trigger: string;
  /** Action type without the slash: JavaScript, URI, Launch, SubmitForm, GoTo … */
  action: string;
}

export interface PdfEncryptionFacts {
  filter: string;
  revision: number;
  cipher: StringCipher;
  /** The document opens without a password (and its strings could be decrypted here). */
  emptyUserPassword: boolean;
  /** One of the passwords offered (from the message) opens it; its strings were decrypted with it. */
  openedWithGivenPassword: boolean;
}

export interface PdfFacts {
  /** False when pdf-lib could not parse the file or it was not analysed (see `problem`). */
  parsed: boolean;
  problem: string | null;
  encryption: PdfEncryptionFacts | null;
  pages: number;
  objects: number;
  /** Dictionaries carrying /JS or /S /JavaScript. */
  javascript: number;
  /** Launch actions (target file or command when readable, else ''). */
  launches: string[];
  /** OpenAction and additional actions, with the action each runs. */
  autoActions: PdfAction[];
  /** Names of embedded files (file specifications with /EF), and count of EmbeddedFile streams. */
  embeddedFiles: string[];
  embeddedFileStreams: number;
  /** Targets of SubmitForm actions. */
  submitTargets: string[];
  /** Targets of URI actions, decoded (and decrypted), in document order, bounded. */
  uris: string[];
  acroForm: boolean;
  xfa: boolean;
  /** Link annotations on the first pages, and the largest share of a page one covers (0-1). */
  linkAnnotations: number;
  maxLinkAreaRatio: number;
  /**
   * The first page: text-showing operators (Tj, TJ, ', ") and images drawn (Do) in its content
   * stream; -1 when the content could not be decoded. A page of no text and one image is a picture
   * of a document.
   */
  firstPageTextOperators: number;
  firstPageImages: number;
  /** Stopped at a bound (objects, nodes, time): the facts cover part of the document. */
  truncated: boolean;
}

export interface PdfLimits {
  /** Larger files are not parsed. */
  maxBytes: number;
  /** Files declaring more indirect objects are not parsed. */
  maxObjects: number;
  /** Dictionaries and arrays visited across the document. */
  maxNodes: number;
  maxUris: number;
  /** Pages whose link annotations are measured. */
  maxPagesMeasured: number;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = { maxBytes: 10 * 1024 * 1024, maxObjects: 50_000, maxNodes: 500_000, maxUris: 500, maxPagesMeasured: 3 };

const MAX_DEPTH = 16;
/** Passwords tried on an encrypted file (revision 6 costs about a millisecond each). */
const MAX_PASSWORDS = 5;
const MAX_TEXT = 2048;

export function emptyPdfFacts(problem: string | null = null): PdfFacts {
  return {
    parsed: false,
    problem,
    encryption: null,
    pages: 0,
    objects: 0,
    javascript: 0,
    launches: [],
    autoActions: [],
    embeddedFiles: [],
    embeddedFileStreams: 0,
    submitTargets: [],
    uris: [],
    acroForm: false,
    xfa: false,
    linkAnnotations: 0,
    maxLinkAreaRatio: 0,
    firstPageTextOperators: -1,
    firstPageImages: 0,
    truncated: false,
  };
}

export function isPdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1');
  return head.includes('%PDF-');
}

/** Counts `endobj` tokens up to `max + 1`: a cheap bound on the work pdf-lib would do. */
function countObjects(buf: Buffer, max: number): number {
  let count = 0;
  for (let at = buf.indexOf('endobj'); at >= 0 && count <= max; at = buf.indexOf('endobj', at + 6)) count++;
  return count;
}

class Decryptor {
  constructor(
    private readonly key: Buffer | null,
    private readonly cipher: StringCipher,
  ) {}

  text(value: PDFObject | undefined, ref: PDFRef | null): string | null {
    if (!(value instanceof PDFString) && !(value instanceof PDFHexString)) return null;
    let text: string;
    if (this.key && ref) {
      const plain = decryptString(this.key, this.cipher, ref.objectNumber, ref.generationNumber, value.asBytes());
      text = plain[0] === 0xfe && plain[1] === 0xff ? swapUtf16(plain.subarray(2)) : plain.toString('latin1');
    } else {
      text = value.decodeText();
    }
    return text.slice(0, MAX_TEXT);
  }
}

function swapUtf16(bytes: Buffer): string {
  const swapped = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  swapped.swap16();
  return swapped.toString('utf16le');
}

function nameOf(value: PDFObject | undefined): string | null {
  return value instanceof PDFName ? value.decodeText() : null;
}

function numberOf(value: PDFObject | undefined): number | null {
  return value instanceof PDFNumber ? value.asNumber() : null;
}

function bytesOf(value: PDFObject | undefined): Uint8Array {
  return value instanceof PDFString || value instanceof PDFHexString ? value.asBytes() : new Uint8Array(0);
}

function readEncryption(doc: PDFDocument, passwords: readonly string[]): { facts: PdfEncryptionFacts; key: Buffer | null } | null {
  const { context } = doc;
  const raw = context.trailerInfo.Encrypt;
  const dict = raw instanceof PDFRef ? context.lookup(raw) : raw;
  if (!(dict instanceof PDFDict)) return null;
  const get = (key: string): PDFObject | undefined => dict.get(PDFName.of(key));
  const filter = nameOf(get('Filter')) ?? '';
  const version = numberOf(get('V')) ?? 0;
  const revision = numberOf(get('R')) ?? 0;
  let cipher: StringCipher = version >= 5 ? 'aes256' : 'rc4';
  if (version === 4 || version >= 5) {
    const filters = context.lookupMaybe(get('CF'), PDFDict);
    const stringFilter = nameOf(get('StrF')) ?? 'Identity';
    const method = stringFilter === 'Identity' ? 'None' : nameOf(context.lookupMaybe(filters?.get(PDFName.of(stringFilter)), PDFDict)?.get(PDFName.of('CFM')));
    cipher = method === 'AESV2' ? 'aes128' : method === 'AESV3' ? 'aes256' : method === 'V2' ? 'rc4' : 'none';
  }
  const ids = context.lookupMaybe(context.trailerInfo.ID, PDFArray);
  const encryption: StandardEncryption = {
    version,
    revision,
    keyLength: revision === 2 ? 5 : Math.floor((numberOf(get('Length')) ?? 40) / 8),
    owner: bytesOf(get('O')),
    user: bytesOf(get('U')),
    userKey: bytesOf(get('UE')),
    permissions: numberOf(get('P')) ?? 0,
    fileId: ids && ids.size() > 0 ? bytesOf(ids.get(0)) : new Uint8Array(0),
    encryptMetadata: get('EncryptMetadata')?.toString() !== 'false',
    stringCipher: cipher,
  };
  if (filter !== 'Standard') return { facts: { filter, revision, cipher, emptyUserPassword: false, openedWithGivenPassword: false }, key: null };
  const found = findUserPassword(encryption, passwords.slice(0, MAX_PASSWORDS));
  const emptyUserPassword = found?.password === '';
  return { facts: { filter, revision, cipher, emptyUserPassword, openedWithGivenPassword: found !== null && !emptyUserPassword }, key: found?.key ?? null };
}

/** Walks every indirect object's direct dictionaries and arrays, recording what matters. */
class Walker {
  nodes = 0;

  constructor(
    private readonly doc: PDFDocument,
    private readonly facts: PdfFacts,
    private readonly decryptor: Decryptor,
    private readonly limits: PdfLimits,
  ) {}

  private resolve(value: PDFObject | undefined): PDFObject | undefined {
    return value instanceof PDFRef ? this.doc.context.lookup(value) : value;
  }

  /** The action type of an action dictionary (or of the object a reference points to). */
  private actionType(value: PDFObject | undefined): string | null {
    const resolved = this.resolve(value);
    if (resolved instanceof PDFArray) return 'GoTo'; // an explicit destination
    return resolved instanceof PDFDict ? nameOf(resolved.get(PDFName.of('S'))) : null;
  }

  private fileName(value: PDFObject | undefined, ref: PDFRef | null): string {
    const resolved = this.resolve(value);
    if (resolved instanceof PDFDict) {
      for (const key of ['UF', 'F', 'Unix', 'DOS', 'Mac']) {
        const text = this.decryptor.text(resolved.get(PDFName.of(key)), ref);
        if (text) return text;
      }
      return '';
    }
    return this.decryptor.text(resolved, ref) ?? '';
  }

  private inspect(dict: PDFDict, ref: PDFRef | null): void {
    const { facts } = this;
    const get = (key: string): PDFObject | undefined => dict.get(PDFName.of(key));
    const action = nameOf(get('S'));
    if (action === 'JavaScript' || get('JS') !== undefined) facts.javascript++;
    if (action === 'Launch') {
      const win = this.resolve(get('Win'));
      const target = win instanceof PDFDict ? this.fileName(win.get(PDFName.of('F')), ref) : this.fileName(get('F'), ref);
      if (facts.launches.length < 20) facts.launches.push(target);
    }
    if (action === 'URI') {
      const uri = this.decryptor.text(this.resolve(get('URI')), ref);
      if (uri && facts.uris.length < this.limits.maxUris) facts.uris.push(uri.trim());
    }
    if (action === 'SubmitForm' && facts.submitTargets.length < 20) facts.submitTargets.push(this.fileName(get('F'), ref));
    const openAction = get('OpenAction');
    if (openAction !== undefined) facts.autoActions.push({ trigger: 'OpenAction', action: this.actionType(openAction) ?? 'unknown' });
    const additional = this.resolve(get('AA'));
    if (additional instanceof PDFDict) {
      for (const [event, value] of additional.entries()) {
        if (facts.autoActions.length >= 50) break;
        facts.autoActions.push({ trigger: `AA/${event.decodeText()}`, action: this.actionType(value) ?? 'unknown' });
      }
    }
    const type = nameOf(get('Type'));
    if ((type === 'Filespec' || type === 'F') && get('EF') !== undefined && facts.embeddedFiles.length < 50) {
      facts.embeddedFiles.push(this.fileName(dict, ref));
    }
    if (type === 'EmbeddedFile') facts.embeddedFileStreams++;
    if (get('AcroForm') !== undefined) facts.acroForm = true;
    if (get('XFA') !== undefined) facts.xfa = true;
  }

  /** Visits one indirect object: its dictionary and the direct dictionaries and arrays inside. */
  visit(root: PDFObject, ref: PDFRef): boolean {
    const stack: { node: PDFObject; depth: number }[] = [{ node: root instanceof PDFStream ? root.dict : root, depth: 0 }];
    while (stack.length > 0) {
      if (++this.nodes > this.limits.maxNodes) return false;
      const { node, depth } = stack.pop() as { node: PDFObject; depth: number };
      if (node instanceof PDFDict) {
        this.inspect(node, ref);
        if (depth < MAX_DEPTH) for (const [, value] of node.entries()) if (value instanceof PDFDict || value instanceof PDFArray) stack.push({ node: value, depth: depth + 1 });
      } else if (node instanceof PDFArray && depth < MAX_DEPTH) {
        for (const value of node.asArray()) if (value instanceof PDFDict || value instanceof PDFArray) stack.push({ node: value, depth: depth + 1 });
      }
    }
    return true;
  }
}

function rectArea(value: PDFObject | undefined): number {
  if (!(value instanceof PDFArray) || value.size() < 4) return 0;
  const [x1, y1, x2, y2] = value.asArray().slice(0, 4).map((item) => numberOf(item) ?? 0) as [number, number, number, number];
  return Math.abs(x2 - x1) * Math.abs(y2 - y1);
}

/** Decoded page content bytes kept for operator counts: a page's drawing commands are rarely more. */
const MAX_CONTENT_BYTES = 2 * 1024 * 1024;

function ascii85(data: Uint8Array): Buffer {
  const out: number[] = [];
  let group: number[] = [];
  for (const byte of data) {
    if (byte === 0x7e) break; // "~>" ends the data
    if (byte === 0x7a && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    if (byte < 0x21 || byte > 0x75) continue; // whitespace and junk
    group.push(byte - 0x21);
    if (group.length === 5) {
      const value = group.reduce((acc, digit) => acc * 85 + digit, 0);
      out.push((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
      group = [];
    }
  }
  if (group.length > 1) {
    const padded = [...group, 84, 84, 84, 84].slice(0, 5).reduce((acc, digit) => acc * 85 + digit, 0);
    out.push(...[(padded >>> 24) & 0xff, (padded >>> 16) & 0xff, (padded >>> 8) & 0xff, padded & 0xff].slice(0, group.length - 1));
  }
  return Buffer.from(out);
}

function asciiHex(data: Uint8Array): Buffer {
  const text = Buffer.from(data).toString('latin1');
  const end = text.indexOf('>');
  const hex = (end >= 0 ? text.slice(0, end) : text).replace(/[^0-9a-f]/gi, '');
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
}

/**
 * A content stream's bytes through its filter chain: FlateDecode (bounded output), ASCII85 and
 * ASCIIHex (which shrink or grow by a fixed factor); null for other filters (images, LZW …).
 */
function streamBytes(stream: PDFObject | undefined, budget: number): Buffer | null {
  if (!(stream instanceof PDFRawStream) || budget <= 0) return null;
  const filter = stream.dict.get(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray().map(nameOf) : filter === undefined ? [] : [nameOf(filter)];
  let data: Buffer = Buffer.from(stream.contents);
  try {
    for (const name of filters.slice(0, 4)) {
      if (name === 'FlateDecode' || name === 'Fl') data = inflateSync(data, { maxOutputLength: budget, finishFlush: 2 /* Z_SYNC_FLUSH: tolerate a missing end */ });
      else if (name === 'ASCII85Decode' || name === 'A85') data = ascii85(data);
      else if (name === 'ASCIIHexDecode' || name === 'AHx') data = asciiHex(data);
      else return null;
    }
  } catch {
    return null;
  }
  return data.subarray(0, budget);
}

/** Text-showing and image-drawing operators of the first page. */
function measureFirstPage(doc: PDFDocument, facts: PdfFacts): void {
  const page = doc.getPages()[0];
  if (!page) return;
  const contents = page.node.get(PDFName.of('Contents'));
  const resolved = contents instanceof PDFRef ? doc.context.lookup(contents) : contents;
  const parts = resolved instanceof PDFArray ? resolved.asArray().slice(0, 64).map((item) => (item instanceof PDFRef ? doc.context.lookup(item) : item)) : [resolved];
  let text = '';
  for (const part of parts) {
    const bytes = streamBytes(part, MAX_CONTENT_BYTES - text.length);
    if (bytes === null) return;
    text += `${bytes.toString('latin1')}\n`;
    if (text.length >= MAX_CONTENT_BYTES) break;
  }
  facts.firstPageTextOperators = text.match(/(?:\)|>|\])\s*(?:Tj|TJ|'|")(?=\s|$)/g)?.length ?? 0;
  facts.firstPageImages = text.match(/\/[^\s/]+\s+Do(?=\s|$)/g)?.length ?? 0;
}

/** Link annotations on the first pages and the largest share of its page one covers. */
function measureLinks(doc: PDFDocument, facts: PdfFacts, limits: PdfLimits): void {
  const pages = doc.getPages().slice(0, limits.maxPagesMeasured);
  for (const page of pages) {
    const { width, height } = page.getSize();
    const pageArea = Math.abs(width * height);
    const annots = doc.context.lookupMaybe(page.node.get(PDFName.of('Annots')), PDFArray);
    if (!annots || pageArea <= 0) continue;
    for (const item of annots.asArray().slice(0, 500)) {
      const annot = doc.context.lookupMaybe(item, PDFDict);
      if (!annot || nameOf(annot.get(PDFName.of('Subtype'))) !== 'Link') continue;
      facts.linkAnnotations++;
      facts.maxLinkAreaRatio = Math.max(facts.maxLinkAreaRatio, Math.min(1, rectArea(annot.get(PDFName.of('Rect'))) / pageArea));
    }
  }
}

export interface PdfOptions {
  /** Polled between objects; analysis stops (truncated) once it returns true. */
  cancelled?: () => boolean;
  /** User passwords to try on an encrypted file after the empty one (e.g. given in the message). */
  passwords?: readonly string[];
}

/**
 * Analyses a PDF. Never throws: a file that is too large or cannot be parsed yields facts with
 * `parsed: false` and the reason in `problem`.
 */
export async function analysePdf(bytes: Uint8Array, limits: PdfLimits = DEFAULT_PDF_LIMITS, options: PdfOptions = {}): Promise<PdfFacts> {
  const cancelled = options.cancelled ?? ((): boolean => false);
  if (bytes.length > limits.maxBytes) return emptyPdfFacts(`larger than ${limits.maxBytes} bytes; not parsed`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = countObjects(buf, limits.maxObjects);
  if (declared > limits.maxObjects) return emptyPdfFacts(`more than ${limits.maxObjects} objects; not parsed`);

  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false, parseSpeed: 2000 });
  } catch (error) {
    return emptyPdfFacts(`unparseable: ${String((error as Error).message ?? error).slice(0, 200)}`);
  }
  const facts = emptyPdfFacts();
  try {
    const encryption = readEncryption(doc, options.passwords ?? []);
    facts.encryption = encryption?.facts ?? null;
    const decryptor = new Decryptor(encryption?.key ?? null, encryption?.facts.cipher ?? 'none');
    const objects = doc.context.enumerateIndirectObjects();
    facts.objects = objects.length;
    if (objects.length === 0) return { ...facts, problem: 'no objects could be parsed' };
    const walker = new Walker(doc, facts, decryptor, limits);
    for (const [index, [ref, object]] of objects.entries()) {
      if ((index & 0xff) === 0 && cancelled()) {
        facts.truncated = true;
        break;
      }
      if (!walker.visit(object, ref)) {
        facts.truncated = true;
        break;
      }
    }
    facts.pages = doc.getPageCount();
    measureLinks(doc, facts, limits);
    if (facts.linkAnnotations > 0) measureFirstPage(doc, facts);
    facts.parsed = true;
  } catch (error) {
    facts.problem = `damaged: ${String((error as Error).message ?? error).slice(0, 200)}`;
    facts.parsed = facts.objects > 0;
  }
  return facts;
}
