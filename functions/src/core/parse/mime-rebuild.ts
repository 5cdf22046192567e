import type { MimePart, MimeScan } from './mime-structure';

const CRLF = Buffer.from('\r\n', 'latin1');
const LF = 0x0a;

/**
 * The top-level fields the body decoder needs. The subject's headers come from the pre-scan, so
 * mailparser is spared the rest (Received chains, DKIM signatures, address parsing): that is
 * about a third of its work on typical mail.
 */
function isMimeField(name: string): boolean {
  return name.startsWith('content-') || name === 'mime-version';
}

function pushLine(pieces: Buffer[], line: Buffer): void {
  pieces.push(line);
  if (line.length > 0 && line[line.length - 1] !== LF) pieces.push(CRLF);
}

function appendHeader(buf: Buffer, part: MimePart, pieces: Buffer[]): void {
  if (part.parent === null) {
    for (const field of part.fields) if (isMimeField(field.name)) pushLine(pieces, buf.subarray(field.start, field.end));
  } else {
    pushLine(pieces, buf.subarray(part.headerStart, part.keptHeaderEnd));
  }
  pieces.push(CRLF);
}

/**
 * Serialises the bounded tree back into a message: kept header bytes verbatim, original
 * boundaries, every multipart properly closed, and nothing of the parts the limits cut off
 * (parts past the count limit, containers past the depth limit, header fields past the size
 * limit). Bodies are referenced, not copied, until the final concatenation.
 */
function appendPart(buf: Buffer, part: MimePart, pieces: Buffer[]): void {
  appendHeader(buf, part, pieces);
  if (part.kind === 'multipart' && part.boundary && !part.flattened) {
    const delimiter = Buffer.concat([Buffer.from('--', 'latin1'), part.boundary]);
    for (const child of part.children) {
      if (child.flattened) continue;
      pieces.push(delimiter, CRLF);
      appendPart(buf, child, pieces);
      pieces.push(CRLF);
    }
    pieces.push(delimiter, Buffer.from('--\r\n', 'latin1'));
    return;
  }
  if (part.kind === 'message') {
    const child = part.children[0];
    if (child && !child.flattened) appendPart(buf, child, pieces);
    return;
  }
  if (part.bodyStart >= 0 && part.bodyEnd > part.bodyStart) pieces.push(buf.subarray(part.bodyStart, part.bodyEnd));
}

/**
 * What mailparser gets: the message reduced to its MIME fields at the top, and when a limit
 * changed the structure, rebuilt from the bounded tree so that hostile structure never
 * reaches it. Otherwise the body bytes are handed on as they are.
 */
export function decoderInput(buf: Buffer, scan: MimeScan): Buffer {
  const pieces: Buffer[] = [];
  if (scan.needsRebuild) {
    appendPart(buf, scan.root, pieces);
  } else {
    appendHeader(buf, scan.root, pieces);
    if (scan.root.bodyStart < buf.length) pieces.push(buf.subarray(scan.root.bodyStart));
  }
  return Buffer.concat(pieces);
}
