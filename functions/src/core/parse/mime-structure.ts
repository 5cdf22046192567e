import type { ParseLimits } from '../config/limits';
import { AnomalyLog } from './anomalies';
import { CR, HTAB, LF, SP, decodeHeaderBytes, withoutLineEnding } from './bytes';
import { isKnownCharset } from './charset';
import type { Deadline } from './deadline';
import { parseStructuredHeader } from './structured-header';
import { base64Defect, quotedPrintableDefects } from './transfer-encoding';

/**
 * The structural pre-scan. It walks the raw bytes once, the way mailparser's splitter
 * (@zone-eu/mailsplit) reads them, and builds a light tree of byte ranges. The tree is what the
 * limits are enforced on: a message over a limit is rebuilt from the bounded tree before any
 * decoder sees it, so hostile structure (deep nesting, huge part counts, megabyte headers)
 * never reaches mailparser.
 */

export type PartKind = 'leaf' | 'multipart' | 'message';

export interface HeaderFieldRange {
  /** Lower-cased field name. */
  name: string;
  /** Offset of the field's first line. */
  start: number;
  /** Offset just after the colon. */
  valueStart: number;
  /** Offset after the field's last line, line ending included. */
  end: number;
}

export interface MimePart {
  parent: MimePart | null;
  depth: number;
  /** IMAP-style position for anomaly details ('' for the top-level part). */
  path: string;
  headerStart: number;
  /** End of the header bytes kept within maxHeaderBytes (a prefix of the header block). */
  keptHeaderEnd: number;
  headerBytes: number;
  headerTruncated: boolean;
  fields: HeaderFieldRange[];
  badHeaderLines: number;
  bodyStart: number;
  bodyEnd: number;
  /** Lower-cased `type/subtype`, defaults applied when the part declares none. */
  contentType: string;
  contentTypeDeclared: boolean;
  charset: string;
  transferEncoding: string;
  disposition: string;
  kind: PartKind;
  /** The boundary delimiting the children, null when not multipart or not usable. */
  boundary: Buffer | null;
  children: MimePart[];
  delimiterSeen: boolean;
  closed: boolean;
  /** A container beyond the depth limit: read as an opaque leaf and left out of the rebuilt message. */
  flattened: boolean;
  /** Set once the header block has been read. */
  headerDone: boolean;
}

export interface MimeScan {
  root: MimePart;
  parts: MimePart[];
  maxDepth: number;
  /** True when no usable header block starts the input. */
  notMime: boolean;
  /** True when a limit changed the structure, so the decoder must get the rebuilt message. */
  needsRebuild: boolean;
}

// RFC 5322 field name: printable ASCII except the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const DASH = 0x2d;
const NEWLINE_DASHES = Buffer.from('\n--', 'latin1');
// The most whitespace mailsplit accepts after a delimiter, plus the `--` pieces and line ending.
const BOUNDARY_LINE_SUFFIX = 2 + 2 + 998 + 2;
const TEXT_TYPES = new Set(['text/plain', 'text/html']);
const BLANK_LF = Buffer.from('\n\n', 'latin1');
const BLANK_CRLF = Buffer.from('\n\r\n', 'latin1');
/** Lines between deadline checks: frequent enough to stop within milliseconds, rare enough to cost nothing. */
const LINES_PER_DEADLINE_CHECK = 8192;

/** The unfolded value of a header field as text. */
export function fieldValue(buf: Buffer, field: HeaderFieldRange): string {
  return decodeHeaderBytes(buf, field.valueStart, field.end).replace(/\r?\n|\r/g, '').trim();
}

/** Drops everything from the first `(` to the last `)`, as mailsplit does for the transfer encoding (linear, unlike a regex). */
function stripParenthesised(value: string): string {
  const open = value.indexOf('(');
  const close = value.lastIndexOf(')');
  return open >= 0 && close > open ? value.slice(0, open) + value.slice(close + 1) : value;
}

/**
 * A delimiter line and the multipart it belongs to: the current part's own boundary (`next`
 * opens a child, `close` in its preamble is ignored) or an open ancestor's (`next` opens a
 * sibling under it, `close` ends it and everything below).
 */
type Delimiter = { kind: 'own-next' | 'own-close' | 'ancestor-next' | 'ancestor-close'; owner: MimePart };

class MimeScanner {
  readonly parts: MimePart[] = [];
  private node: MimePart;
  private inHeader = true;
  private inEpilogue = false;
  private stopped = false;
  private stopAt = -1;
  maxDepth = 0;
  needsRebuild = false;
  readonly root: MimePart;

  constructor(
    private readonly buf: Buffer,
    private readonly limits: ParseLimits,
    private readonly anomalies: AnomalyLog,
    private readonly deadline: Deadline | null,
  ) {
    this.root = this.createPart(null, 0);
    this.node = this.root;
  }

  private createPart(parent: MimePart | null, start: number): MimePart {
    const part: MimePart = {
      parent,
      depth: parent ? parent.depth + 1 : 0,
      path: parent ? `${parent.path ? `${parent.path}.` : ''}${parent.children.length + 1}` : '',
      headerStart: start,
      keptHeaderEnd: start,
      headerBytes: 0,
      headerTruncated: false,
      fields: [],
      badHeaderLines: 0,
      bodyStart: -1,
      bodyEnd: -1,
      contentType: 'text/plain',
      contentTypeDeclared: false,
      charset: '',
      transferEncoding: '',
      disposition: '',
      kind: 'leaf',
      boundary: null,
      children: [],
      delimiterSeen: false,
      closed: false,
      flattened: false,
      headerDone: false,
    };
    if (parent) parent.children.push(part);
    this.parts.push(part);
    if (part.depth > this.maxDepth) this.maxDepth = part.depth;
    return part;
  }

  /** Opens a child part, or stops the scan when the part limit is reached. */
  private openChild(parent: MimePart, start: number, stopAt: number): boolean {
    if (this.parts.length >= this.limits.maxMimeParts) {
      this.anomalies.add('limit.mime_parts', `more than ${this.limits.maxMimeParts} MIME parts; the rest of the message was not parsed`);
      this.stopped = true;
      this.stopAt = stopAt;
      this.needsRebuild = true;
      return false;
    }
    this.node = this.createPart(parent, start);
    this.inHeader = true;
    this.inEpilogue = false;
    return true;
  }

  scan(): void {
    const buf = this.buf;
    const length = buf.length;
    let pos = 0;
    let lines = 0;
    while (pos < length && !this.stopped) {
      if (++lines % LINES_PER_DEADLINE_CHECK === 0 && this.deadline?.expired()) {
        this.anomalies.add('limit.parse_time', `parsing took longer than ${this.limits.maxParseMillis} ms; the MIME structure was read up to byte ${pos}`);
        this.stopped = true;
        this.stopAt = pos;
        this.needsRebuild = true;
        break;
      }
      if (this.inHeader) {
        if (this.node.headerTruncated) pos = this.skipDroppedHeaderLines(pos);
        const lf = buf.indexOf(LF, pos);
        const next = lf === -1 ? length : lf + 1;
        const delimiter = buf[pos] === DASH && buf[pos + 1] === DASH ? this.matchDelimiter(pos, next) : null;
        if (delimiter) this.onDelimiter(delimiter, pos, next);
        else this.onHeaderLine(pos, next);
        pos = next;
        continue;
      }
      if (!this.boundaryInScope()) break;
      // Only lines starting with `--` can be delimiters: jump straight to the next one.
      let candidate = pos;
      if (!(buf[pos] === DASH && buf[pos + 1] === DASH)) {
        const found = buf.indexOf(NEWLINE_DASHES, pos);
        if (found === -1) break;
        candidate = found + 1;
      }
      const lf = buf.indexOf(LF, candidate);
      const next = lf === -1 ? length : lf + 1;
      const delimiter = this.matchDelimiter(candidate, next);
      if (delimiter) this.onDelimiter(delimiter, candidate, next);
      pos = next;
    }
    this.finish(this.stopped ? this.stopAt : length);
  }

  /**
   * Past the header limit nothing more is kept, so instead of walking a giant header line by
   * line, jump to the next line that can matter: the blank line ending the block, or a line
   * starting with `--` when a delimiter could end the part.
   */
  private skipDroppedHeaderLines(pos: number): number {
    const buf = this.buf;
    if (pos === 0 || buf[pos - 1] !== LF) return pos;
    const from = pos - 1;
    const ends = [buf.indexOf(BLANK_LF, from), buf.indexOf(BLANK_CRLF, from)];
    if (this.boundaryInScope()) ends.push(buf.indexOf(NEWLINE_DASHES, from));
    const found = ends.filter((index) => index !== -1);
    const next = found.length > 0 ? Math.min(...found) + 1 : buf.length;
    this.node.headerBytes += next - pos;
    return next;
  }

  private boundaryInScope(): boolean {
    if (this.node.boundary && !this.inEpilogue) return true;
    for (let owner = this.node.parent; owner; owner = owner.parent) {
      if (owner.boundary) return true;
    }
    return false;
  }

  /** mailsplit's delimiter rule: `--boundary` or `--boundary--`, trailing SP/HTAB, CR*, LF. */
  private compareBoundary(start: number, end: number, boundary: Buffer): 1 | 2 | 0 {
    const buf = this.buf;
    const length = end - start;
    if (length < boundary.length + 3 || length > boundary.length + BOUNDARY_LINE_SUFFIX) return 0;
    if (buf[start + 2] !== boundary[0]) return 0;
    if (buf.compare(boundary, 0, boundary.length, start + 2, start + 2 + boundary.length) !== 0) return 0;
    let i = start + 2 + boundary.length;
    let result: 1 | 2 = 1;
    if (buf[i] === DASH) {
      if (buf[i + 1] !== DASH) return 0;
      result = 2;
      i += 2;
    }
    while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
    if (i === end) return result === 2 ? 2 : 0;
    while (i < end && buf[i] === CR) i++;
    if (i < end && buf[i] === LF) i++;
    return i === end ? result : 0;
  }

  private matchDelimiter(start: number, end: number): Delimiter | null {
    const node = this.node;
    if (node.boundary && !this.inEpilogue) {
      const own = this.compareBoundary(start, end, node.boundary);
      if (own) return { kind: own === 1 ? 'own-next' : 'own-close', owner: node };
    }
    // A delimiter of any open ancestor ends everything below it, as in mailsplit.
    for (let owner = node.parent; owner; owner = owner.parent) {
      if (!owner.boundary) continue;
      const result = this.compareBoundary(start, end, owner.boundary);
      if (result) return { kind: result === 1 ? 'ancestor-next' : 'ancestor-close', owner };
    }
    return null;
  }

  private onDelimiter({ kind, owner }: Delimiter, lineStart: number, lineEnd: number): void {
    // The line ending before a delimiter belongs to the delimiter, not to the content.
    let cut = lineStart;
    if (this.buf[cut - 1] === LF) cut--;
    if (this.buf[cut - 1] === CR) cut--;
    switch (kind) {
      case 'own-next':
        owner.delimiterSeen = true;
        this.openChild(owner, lineEnd, cut);
        return;
      case 'own-close':
        // A closing delimiter in the preamble does not count (mailsplit keeps looking).
        return;
      case 'ancestor-next':
        this.closeUpTo(owner, cut, lineStart);
        owner.delimiterSeen = true;
        this.openChild(owner, lineEnd, cut);
        return;
      case 'ancestor-close':
        this.closeUpTo(owner, cut, lineStart);
        owner.delimiterSeen = true;
        owner.closed = true;
        this.node = owner;
        this.inHeader = false;
        this.inEpilogue = true;
        return;
    }
  }

  /** Ends the current part and its ancestors below `owner` at `cut`. */
  private closeUpTo(owner: MimePart, cut: number, lineStart: number): void {
    for (let part: MimePart | null = this.node; part && part !== owner; part = part.parent) {
      this.endPart(part, cut, lineStart);
    }
  }

  private endPart(part: MimePart, cut: number, lineStart: number): void {
    if (!part.headerDone) this.finishHeader(part, lineStart, false);
    if (part.bodyEnd < 0) part.bodyEnd = Math.max(part.bodyStart, cut);
  }

  private onHeaderLine(lineStart: number, lineEnd: number): void {
    const buf = this.buf;
    const part = this.node;
    const contentEnd = withoutLineEnding(buf, lineStart, lineEnd);
    if (contentEnd === lineStart && lineEnd > lineStart) {
      this.finishHeader(part, lineEnd, true);
      return;
    }
    part.headerBytes += lineEnd - lineStart;
    if (part.headerTruncated) return;
    const continuation = buf[lineStart] === SP || buf[lineStart] === HTAB;
    if (part.headerBytes > this.limits.maxHeaderBytes) {
      part.headerTruncated = true;
      this.needsRebuild = true;
      const last = part.fields[part.fields.length - 1];
      if (continuation && last && last.end === lineStart) {
        part.fields.pop();
        part.keptHeaderEnd = last.start;
      }
      this.anomalies.add(
        'limit.header_bytes',
        `header block of ${part.path ? `part ${part.path}` : 'the message'} exceeds ${this.limits.maxHeaderBytes} bytes; later fields were dropped`,
      );
      return;
    }
    part.keptHeaderEnd = lineEnd;
    if (continuation) {
      const last = part.fields[part.fields.length - 1];
      if (last && last.end === lineStart) last.end = lineEnd;
      else part.badHeaderLines++;
      return;
    }
    if (part === this.root && lineStart === 0 && buf.toString('latin1', 0, 5) === 'From ') return; // mbox separator
    const colon = buf.subarray(lineStart, contentEnd).indexOf(0x3a);
    const name = colon > 0 ? buf.toString('latin1', lineStart, lineStart + colon).trim().toLowerCase() : '';
    if (!name) {
      part.badHeaderLines++;
      return;
    }
    if (!FIELD_NAME.test(name)) part.badHeaderLines++;
    part.fields.push({ name, start: lineStart, valueStart: lineStart + colon + 1, end: lineEnd });
  }

  private firstField(part: MimePart, name: string): string | null {
    const field = part.fields.find((candidate) => candidate.name === name);
    return field ? fieldValue(this.buf, field) : null;
  }

  /** Reads the MIME fields of a finished header block and decides what the part is. */
  private finishHeader(part: MimePart, bodyStart: number, terminated: boolean): void {
    part.headerDone = true;
    part.bodyStart = bodyStart;
    if (!part.headerTruncated) part.keptHeaderEnd = Math.min(part.keptHeaderEnd, bodyStart);
    if (part.badHeaderLines > 0) {
      this.anomalies.add('mime.bad_header', `${part.badHeaderLines} malformed header line(s) in ${part.path ? `part ${part.path}` : 'the message'}`);
    }
    const disposition = parseStructuredHeader(this.firstField(part, 'content-disposition') ?? '');
    part.disposition = disposition.value.toLowerCase();
    const contentTypeValue = this.firstField(part, 'content-type');
    const contentType = parseStructuredHeader(contentTypeValue ?? '');
    const declared = contentType.value.toLowerCase();
    part.contentTypeDeclared = contentTypeValue !== null && declared !== '';
    part.contentType = part.contentTypeDeclared ? declared : part.disposition === 'attachment' ? 'application/octet-stream' : 'text/plain';
    part.charset = contentType.params.get('charset') ?? '';
    part.transferEncoding = stripParenthesised(this.firstField(part, 'content-transfer-encoding') ?? '').trim().toLowerCase();
    const where = part.path ? `part ${part.path}` : 'the message';

    if (part.contentType.startsWith('multipart/')) {
      part.kind = 'multipart';
      const boundary = (contentType.params.get('boundary') ?? '').trimEnd();
      if (!boundary || Buffer.byteLength(boundary) !== boundary.length) {
        this.anomalies.add('mime.missing_boundary', `${part.contentType} in ${where} has no usable boundary parameter`);
      } else if (part.depth >= this.limits.maxMimeDepth) {
        this.flatten(part, where);
      } else {
        part.boundary = Buffer.from(boundary, 'latin1');
      }
    }

    if (!terminated) {
      this.inHeader = false;
      return;
    }
    const embedded =
      part.contentType === 'message/rfc822' &&
      part.disposition === 'inline' &&
      ['', '7bit', '8bit', 'binary'].includes(part.transferEncoding);
    if (embedded && part === this.node) {
      if (part.depth >= this.limits.maxMimeDepth) {
        this.flatten(part, where);
      } else {
        part.kind = 'message';
        this.openChild(part, bodyStart, bodyStart);
        return;
      }
    }
    if (part === this.node) this.inHeader = false;
  }

  private flatten(part: MimePart, where: string): void {
    part.flattened = true;
    this.needsRebuild = true;
    this.anomalies.add('limit.mime_depth', `MIME nesting deeper than ${this.limits.maxMimeDepth} at ${where}; the nested content was dropped`);
  }

  private finish(end: number): void {
    for (let part: MimePart | null = this.node; part; part = part.parent) this.endPart(part, end, end);
  }
}

/** Per-leaf checks of transfer encoding and charset; reported, never fatal. */
function checkLeaves(buf: Buffer, parts: MimePart[], anomalies: AnomalyLog): void {
  for (const part of parts) {
    const where = part.path ? `part ${part.path}` : 'the message';
    if (part.kind === 'multipart' && !part.flattened && part.boundary) {
      if (!part.delimiterSeen) anomalies.add('mime.missing_boundary', `the boundary of ${part.contentType} in ${where} never appears`);
      else if (!part.closed) anomalies.add('mime.unterminated_multipart', `${part.contentType} in ${where} has no closing delimiter`);
    }
    if (part.kind !== 'leaf' || part.flattened || isInsideFlattened(part)) continue;
    if (part.transferEncoding === 'base64') {
      const defect = base64Defect(buf, part.bodyStart, part.bodyEnd);
      if (defect) anomalies.add('mime.bad_base64', `${where}: ${defect.replace(/_/g, ' ')}`);
    } else if (part.transferEncoding === 'quoted-printable') {
      const defects = quotedPrintableDefects(buf, part.bodyStart, part.bodyEnd);
      if (defects > 0) anomalies.add('mime.bad_quoted_printable', `${where}: ${defects} invalid escape sequence(s)`);
    }
    if (part.charset && (TEXT_TYPES.has(part.contentType) || part.contentType.startsWith('text/')) && !isKnownCharset(part.charset)) {
      anomalies.add('mime.unknown_charset', `${where} declares charset "${part.charset.slice(0, 60)}"; decoded as UTF-8 or latin1`);
    }
  }
}

function isInsideFlattened(part: MimePart): boolean {
  for (let parent = part.parent; parent; parent = parent.parent) if (parent.flattened) return true;
  return false;
}

/**
 * True when the input does not start with a header block: no field at all, or a first line
 * (after an mbox `From ` separator) that is not a header field. Binary junk and plain text land here.
 */
function looksNotMime(buf: Buffer, root: MimePart): boolean {
  if (root.fields.length === 0) return true;
  const first = root.fields[0] as HeaderFieldRange;
  if (first.start === 0) return !FIELD_NAME.test(first.name);
  // The first line was skipped: only an mbox separator may precede the first field.
  const firstLineEnd = buf.indexOf(LF);
  return !(buf.toString('latin1', 0, 5) === 'From ' && first.start === firstLineEnd + 1 && FIELD_NAME.test(first.name));
}

/**
 * Scans the structure and reports its defects. When the input turns out not to be MIME at all,
 * structural findings about it would only be noise, so they are recorded only for MIME input.
 */
export function scanMimeStructure(buf: Buffer, limits: ParseLimits, anomalies: AnomalyLog, deadline: Deadline | null = null): MimeScan {
  const structural = new AnomalyLog();
  const scanner = new MimeScanner(buf, limits, structural, deadline);
  scanner.scan();
  const notMime = looksNotMime(buf, scanner.root);
  if (!notMime) {
    anomalies.addAll(structural);
    checkLeaves(buf, scanner.parts, anomalies);
  }
  return { root: scanner.root, parts: scanner.parts, maxDepth: scanner.maxDepth, notMime, needsRebuild: scanner.needsRebuild };
}
