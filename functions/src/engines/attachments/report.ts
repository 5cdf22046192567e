import type { AttachmentFindingId } from './findings';

/** One file under analysis: a top-level attachment or an archive member. */
export interface FileView {
  /** Where the file is, for evidence: "invoice.zip › docs/invoice.exe". */
  display: string;
  /** The file's own name (base name of a member path). */
  name: string;
  /** Content-Type declared by the sender ('' for archive members). */
  declaredType: string;
  /** MIME type from the generic magic-byte detector, null when unknown. */
  detectedMime: string | null;
  /** The bytes, null when they are not available (over a budget, encrypted). */
  bytes: Uint8Array | null;
  sha256: string | null;
  /** 0 for an attachment, 1 for a member of an attachment, … */
  depth: number;
  /**
   * A part of a zip-based container format (EPUB, browser extension, ODF …) rather than a loose
   * file: its web scripts and pages belong to the format, only what runs on its own is judged.
   */
  inContainer?: boolean;
}

export interface Ioc {
  sha256?: string | null;
  urls?: string[];
  domains?: string[];
}

/** Records one finding about one file; the evidence is prefixed with the file's display path. */
export type Report = (id: AttachmentFindingId, score: number, detail: string, ioc?: Ioc) => void;

/** Separator between an archive and a member in evidence. */
export const PATH_SEPARATOR = ' › ';
