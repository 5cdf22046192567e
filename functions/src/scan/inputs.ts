import { lstat, open, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** One message to scan, or the reason a path could not be read. */
export type InputItem = { source: string; raw: Buffer } | { source: string; error: string };

/** A file to read: explicit ones are always read, ones found in folders only when they look like mail. */
export interface InputFile {
  path: string;
  explicit: boolean;
}

/** Extensions always taken from folders. Other files are taken only when they start like mail. */
const MAIL_EXTENSIONS = new Set(['.eml', '.mbox', '.mbx', '.mail']);

/** A header field line (`Name: value`) or an mbox separator, at the very start of a file. */
const MAIL_START = /^(?:[!-9;-~]+:|From )/;

/** Mbox files above this are refused rather than read whole into memory. */
const MAX_MBOX_BYTES = 1024 * 1024 * 1024;

export interface Enumeration {
  files: InputFile[];
  /** Paths that could not be listed or do not exist, with the reason. */
  errors: { source: string; error: string }[];
  /** Files in folders skipped because their extension is not a mail extension. */
  skipped: number;
}

/**
 * Expands PATH arguments into files: a file as given, a folder recursively (sorted, hidden
 * entries and symbolic links skipped so a link loop cannot recurse forever).
 */
export async function enumerateInputs(paths: readonly string[]): Promise<Enumeration> {
  const result: Enumeration = { files: [], errors: [], skipped: 0 };
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      result.errors.push({ source: path, error: describeFsError(error) });
      continue;
    }
    if (info.isDirectory()) await walk(path, result);
    else result.files.push({ path, explicit: true });
  }
  return result;
}

async function walk(dir: string, into: Enumeration): Promise<void> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (error) {
    into.errors.push({ source: dir, error: describeFsError(error) });
    return;
  }
  for (const name of entries) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    let info;
    try {
      info = await lstat(path);
    } catch (error) {
      into.errors.push({ source: path, error: describeFsError(error) });
      continue;
    }
    if (info.isSymbolicLink()) continue;
    if (info.isDirectory()) await walk(path, into);
    else if (info.isFile()) {
      // Maildir names (`1700000000.M1P1.host:2,S`) have none or arbitrary "extensions", so sniff the rest.
      if (MAIL_EXTENSIONS.has(extname(name).toLowerCase()) || (await startsLikeMail(path))) {
        into.files.push({ path, explicit: false });
      } else into.skipped += 1;
    }
  }
}

async function startsLikeMail(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const head = Buffer.alloc(256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return MAIL_START.test(head.subarray(0, bytesRead).toString('latin1'));
  } catch {
    // Unreadable files are reported when they are read; here they only fail the sniff.
    return false;
  } finally {
    await handle?.close();
  }
}

/** Reads one file and yields its messages: one for an .eml, one per message for an mbox. */
export async function* readMessages(file: InputFile): AsyncGenerator<InputItem> {
  let raw: Buffer;
  try {
    const info = await stat(file.path);
    if (info.size > MAX_MBOX_BYTES) {
      yield { source: file.path, error: `file is larger than ${MAX_MBOX_BYTES} bytes` };
      return;
    }
    raw = await readFile(file.path);
  } catch (error) {
    yield { source: file.path, error: describeFsError(error) };
    return;
  }
  if (raw.length === 0) {
    yield { source: file.path, error: 'file is empty' };
    return;
  }
  if (!isMbox(raw)) {
    yield { source: file.path, raw };
    return;
  }
  let index = 0;
  for (const message of splitMbox(raw)) {
    index += 1;
    yield { source: `${file.path}#${index}`, raw: message };
  }
}

/** An mbox starts with a `From ` separator line (mboxo/mboxrd); an RFC 5322 message never does. */
export function isMbox(raw: Buffer): boolean {
  return raw.subarray(0, 5).toString('latin1') === 'From ';
}

const SEPARATOR = /^From \S+/;

/**
 * Splits an mbox into messages. A separator is a `From ` line at the start of the file or after
 * a newline; mboxrd quoting (`>From `, `>>From `) loses one `>` on the way out.
 */
export function* splitMbox(raw: Buffer): Generator<Buffer> {
  const text = raw.toString('latin1');
  let start = -1;
  let position = 0;
  while (position < text.length) {
    const lineEnd = text.indexOf('\n', position);
    const next = lineEnd === -1 ? text.length : lineEnd + 1;
    if (SEPARATOR.test(text.slice(position, Math.min(next, position + 64)))) {
      if (start !== -1) yield unquote(text.slice(start, position));
      start = next;
    }
    position = next;
  }
  if (start !== -1 && start < text.length) yield unquote(text.slice(start));
}

function unquote(message: string): Buffer {
  return Buffer.from(message.replace(/^>(>*From )/gm, '$1'), 'latin1');
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return (error as Error).message ?? String(error);
  }
}
