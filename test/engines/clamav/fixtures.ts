import { existsSync, readFileSync } from 'node:fs';
import { zip as buildZip } from '../../core/parse/builders';

/**
 * Test inputs built at run time. The EICAR string is assembled from reversed text so that no
 * file in the repository contains it (desktop antivirus would quarantine the test file).
 */
export function eicar(): Buffer {
  const reversed = '*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\\4[PA@%P!O5X';
  return Buffer.from([...reversed].reverse().join(''), 'ascii');
}

/** The Debian clamav-testfiles executable (harmless, detected by our test signature's MD5). */
export const CLAM_EXE_PATH = '/usr/share/clamav-testfiles/clam.exe';

export function clamExe(): Buffer {
  if (!existsSync(CLAM_EXE_PATH)) {
    throw new Error(`${CLAM_EXE_PATH} is missing: install the Debian package clamav-testfiles (scripts/install-system.sh)`);
  }
  return readFileSync(CLAM_EXE_PATH);
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  /**
   * Marks the entry encrypted (general-purpose flag bit 0) and stores random bytes in place of a
   * real ZipCrypto stream: enough for every reader that honours the flag, as ClamAV does.
   */
  encrypted?: boolean;
}

/** A stored (uncompressed) zip for synthetic attachments, written by the parser tests' zip builder. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  return buildZip(
    entries.map((entry) =>
      entry.encrypted
        ? {
            name: entry.name,
            data: entry.data,
            method: 0 as const,
            compressed: Buffer.concat([Buffer.alloc(12, 0x5a), Buffer.from(entry.data.map((byte) => byte ^ 0xa5))]),
            flags: 1,
          }
        : { name: entry.name, data: entry.data, method: 0 as const },
    ),
  );
}

/** A multipart message with one base64 attachment, as a mail client would send it. */
export function emlWithAttachment(options: { filename: string; contentType: string; data: Buffer; text?: string; subject?: string }): Buffer {
  const boundary = 'b0undary-strata-test';
  const base64 = (options.data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  return Buffer.from(
    [
      'From: Alice Example <alice@example.com>',
      'To: bob@example.org',
      `Subject: ${options.subject ?? 'Documents'}`,
      'Date: Mon, 02 Nov 2026 10:00:00 +0000',
      'Message-ID: <att-test@example.com>',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      options.text ?? 'Please find the file attached.',
      `--${boundary}`,
      `Content-Type: ${options.contentType}; name="${options.filename}"`,
      `Content-Disposition: attachment; filename="${options.filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      base64,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

/** A text/plain, text/html or multipart/alternative message, by which bodies are given. */
export function emlWithBody(options: { text?: string; html?: string; subject?: string }): Buffer {
  const boundary = 'alt-strata-test';
  const headers = ['From: Alice Example <alice@example.com>', 'To: bob@example.org', `Subject: ${options.subject ?? 'Hello'}`, 'Date: Mon, 02 Nov 2026 10:00:00 +0000', 'Message-ID: <body-test@example.com>', 'MIME-Version: 1.0'];
  if (options.html === undefined) return Buffer.from([...headers, 'Content-Type: text/plain; charset=utf-8', '', options.text ?? '', ''].join('\r\n'));
  if (options.text === undefined) return Buffer.from([...headers, 'Content-Type: text/html; charset=utf-8', '', options.html, ''].join('\r\n'));
  return Buffer.from(
    [
      ...headers,
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      options.text ?? '',
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      options.html,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}
