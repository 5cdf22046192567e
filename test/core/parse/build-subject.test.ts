import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildScanSubject } from '../../../functions/src/core/parse';
import type { ScanSubject } from '../../../functions/src/core/subject/types';
import { address } from '../../support/subject';
import { CRLF, base64Lines, bytes, entity, multipartBody, zip } from './builders';

const FIXTURES = join(__dirname, '../../fixtures/parse');

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function codes(subject: ScanSubject): string[] {
  return subject.anomalies.map((anomaly) => anomaly.code);
}

describe('buildScanSubject on a normal multipart/alternative message with a zip attachment', () => {
  const raw = readFileSync(join(FIXTURES, 'multipart-alternative-with-zip.eml'));
  let subject: ScanSubject;

  beforeAll(async () => {
    subject = await buildScanSubject(raw);
  });

  it('records identifiers and size', () => {
    expect(subject.ids).toEqual({
      messageId: 'report-42@example.com',
      inReplyTo: 'prev-41@example.com',
      references: ['first-40@example.com', 'prev-41@example.com'],
      rawSha256: sha256(raw),
    });
    expect(subject.rawSize).toBe(raw.length);
    expect(subject.anomalies).toEqual([]);
  });

  it('keeps every top-level header in order, unfolded, with raw and decoded values', () => {
    expect(subject.headers.map((header) => header.name)).toEqual([
      'return-path', 'received', 'authentication-results', 'from', 'sender', 'reply-to', 'to', 'cc',
      'subject', 'date', 'message-id', 'in-reply-to', 'references', 'mime-version', 'content-type',
    ]);
    const received = subject.headers[1];
    expect(received?.raw).toBe(
      'from mail.example.com (mail.example.com [192.0.2.10])        by mx.google.com with ESMTPS id x1si123.2026.11.02.01.00.00        for <bob@example.org>; Mon, 02 Nov 2026 01:00:00 -0800 (PST)',
    );
    const subjectHeader = subject.headers.find((header) => header.name === 'subject');
    expect(subjectHeader?.raw).toMatch(/^=\?UTF-8\?B\?/);
    expect(subjectHeader?.decoded).toBe('Rapport trimestriel – été');
    expect(subject.headers.find((header) => header.name === 'references')?.raw).toBe('<first-40@example.com> <prev-41@example.com>');
  });

  it('parses the address headers', () => {
    expect(subject.from).toEqual(address('alice@example.com', 'Alice Example'));
    expect(subject.sender).toEqual(address('alice@example.com'));
    expect(subject.replyTo).toEqual([address('support@help.example.co.uk', 'Support Desk'), address('other@example.org')]);
    expect(subject.replyTo[0]?.registrableDomain).toBe('example.co.uk');
    expect(subject.returnPath).toEqual(address('bounce+42@mail.example.com'));
    expect(subject.returnPath?.registrableDomain).toBe('example.com');
    expect(subject.to).toEqual([address('bob@example.org', 'Bob'), address('carol@example.net')]);
    expect(subject.cc).toEqual([address('juergen@example.de', 'Jürgen Müller')]);
  });

  it('decodes subject and date', () => {
    expect(subject.subject).toBe('Rapport trimestriel – été');
    expect(subject.date).toBe('2026-11-02T09:00:00.000Z');
  });

  it('reads the trusted Authentication-Results', () => {
    expect(subject.auth.authority).toBe('mx.google.com');
    expect(subject.auth.source).toBe('authentication-results');
    expect(subject.auth.spf?.result).toBe('pass');
    expect(subject.auth.dkim.map((result) => result.result)).toEqual(['pass']);
    expect(subject.auth.dmarc?.result).toBe('pass');
  });

  it('decodes the text and HTML alternatives', () => {
    expect(subject.text).toBe('Hello Bob,\n\nthe report is at https://reports.example.com/q3 – café tomorrow.');
    expect(subject.html).toBe(
      '<html><body><p>Hello Bob,</p><p>The <a href="https://reports.example.com/q3">report</a> is ready.</p></body></html>',
    );
  });

  it('extracts links from both bodies with their origin', () => {
    expect(subject.links).toEqual([
      expect.objectContaining({ url: 'https://reports.example.com/q3', source: 'text', origin: 'body-text', registrableDomain: 'example.com' }),
      expect.objectContaining({ url: 'https://reports.example.com/q3', source: 'href', origin: 'body-html', displayText: 'report' }),
    ]);
  });

  it('describes the attachment, keeps its bytes and lists the archive members', () => {
    expect(subject.attachments).toHaveLength(1);
    const [attachment] = subject.attachments;
    const content = attachment?.content ?? new Uint8Array();
    expect(content.length).toBe(213);
    expect(attachment).toEqual({
      filename: 'report.zip',
      declaredType: 'application/zip',
      detectedType: 'application/zip',
      detectedExtension: 'zip',
      size: 213,
      sha256: sha256(content),
      disposition: 'attachment',
      contentId: 'zip-1@example.com',
      content,
      members: [
        {
          path: 'q3/summary.txt',
          size: 1460,
          compressedSize: 87,
          encrypted: false,
          detectedType: null,
          sha256: 'bf8bf984828cc201d704632d7085787df66901ea80615ec9cd0369b68cea6025',
          members: [],
        },
      ],
    });
  });

  it('counts the MIME structure', () => {
    expect(subject.mimePartCount).toBe(5);
    expect(subject.mimeMaxDepth).toBe(2);
  });

  it('uses the configured trusted authority', async () => {
    const other = await buildScanSubject(raw, { trustedAuthority: 'mx.example.net' });
    expect(other.auth.authority).toBe('mx.example.net');
    expect(other.auth.source).toBe('none');
  });
});

describe('buildScanSubject header decoding', () => {
  it('decodes RFC 2047 words in Q and B form, joining adjacent words split inside a character', async () => {
    const euro = Buffer.from('€', 'utf8');
    const split = `=?UTF-8?B?${euro.subarray(0, 2).toString('base64')}?= =?UTF-8?B?${euro.subarray(2).toString('base64')}?=`;
    const raw = bytes(
      entity(
        [
          ['From', '=?ISO-8859-1?Q?Fran=E7ois?= <francois@example.fr>'],
          ['Subject', `Price: ${split} 10 =?utf-8?q?=C3=A0_payer?=`],
          ['X-Mixed', 'plain =?windows-1252?Q?caf=E9?= text'],
        ],
        'body',
      ),
    );
    const subject = await buildScanSubject(raw);
    expect(subject.from?.name).toBe('François');
    expect(subject.subject).toBe('Price: € 10 à payer');
    expect(subject.headers.find((header) => header.name === 'x-mixed')?.decoded).toBe('plain café text');
    expect(subject.anomalies).toEqual([]);
  });

  it('reports a header charset it cannot decode and still decodes the word', async () => {
    const subject = await buildScanSubject(bytes(entity([['Subject', '=?x-no-such-charset?Q?hello?=']], 'body')));
    expect(subject.subject).toBe('hello');
    expect(codes(subject)).toContain('mime.unknown_charset');
  });

  it('turns punycode domains into Unicode and computes the registrable domain', async () => {
    const raw = bytes(
      entity(
        [
          ['From', 'Bank <Service@XN--BCHER-KVA.Example.DE>'],
          ['To', 'user@xn--80ak6aa92e.com'],
        ],
        'hello',
      ),
    );
    const subject = await buildScanSubject(raw);
    expect(subject.from).toEqual({ name: 'Bank', address: 'service@bücher.example.de', domain: 'bücher.example.de', registrableDomain: 'example.de' });
    expect(subject.to[0]?.domain).toBe('аррӏе.com');
    expect(subject.to[0]?.registrableDomain).toBe('аррӏе.com');
  });

  it('survives garbage in address, date and id headers', async () => {
    const raw = bytes(
      entity(
        [
          ['From', '"unterminated <<>> @@ ,,, =?utf-8?b?!!!?='],
          ['Reply-To', ';;;'],
          ['To', 'undisclosed-recipients:;'],
          ['Return-Path', '<>'],
          ['Date', 'not a date ((((('],
          ['Message-ID', 'no-brackets@example.com'],
        ],
        'body',
      ),
    );
    const subject = await buildScanSubject(raw);
    // The header is there but holds no usable address: kept as an entry with an empty address.
    expect(subject.from).toEqual(expect.objectContaining({ address: '', domain: '', registrableDomain: '' }));
    expect(subject.to).toEqual([]);
    expect(subject.returnPath).toEqual({ name: '', address: '', domain: '', registrableDomain: '' });
    expect(subject.date).toBeNull();
    expect(subject.ids.messageId).toBe('no-brackets@example.com');
  });

  it('flags a repeated From header', async () => {
    const raw = bytes(entity([['From', 'a@example.com'], ['From', 'b@evil.example']], 'x'));
    const subject = await buildScanSubject(raw);
    expect(subject.from?.address).toBe('a@example.com');
    expect(subject.anomalies).toContainEqual({ code: 'mime.duplicate_header', detail: 'from appears 2 times' });
  });

  it('reads a message saved with a UTF-8 byte order mark', async () => {
    const subject = await buildScanSubject(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(entity([['From', 'a@example.com']], 'x'))]));
    expect(subject.from?.address).toBe('a@example.com');
    expect(subject.anomalies).toEqual([]);
  });

  it('keeps raw UTF-8 header values (RFC 6532)', async () => {
    const subject = await buildScanSubject(bytes(entity([['Subject', 'Grüße aus Köln']], 'x')));
    expect(subject.subject).toBe('Grüße aus Köln');
  });
});

describe('buildScanSubject bodies', () => {
  it('derives text from an HTML-only message, leaving out script, style and title', async () => {
    const html =
      '<html><head><title>Hidden title</title><style>p{color:red}</style></head><body>' +
      '<p>Your account&nbsp;is <b>locked</b>.</p><script>var x = "not text";</script>' +
      '<div>Verify at <a href="https://evil.example/login">https://bank.example</a></div>&euro;5<br>bye</body></html>';
    const raw = bytes(entity([['From', 'x@example.com'], ['Content-Type', 'text/html; charset=utf-8']], html));
    const subject = await buildScanSubject(raw);
    expect(subject.html).toBe(html);
    expect(subject.text).toBe('Your account is locked.\n\nVerify at https://bank.example\n€5\nbye');
    // The derived text is not searched again: only the HTML's links, with their origin.
    expect(subject.links).toEqual([
      expect.objectContaining({ url: 'https://evil.example/login', source: 'href', origin: 'body-html', displayText: 'https://bank.example' }),
    ]);
  });

  it('extracts links from text/html attachments with the filename as origin', async () => {
    const page = '<form action="https://collect.example/steal"><input type="password" name="p"></form>';
    const raw = bytes(
      entity(
        [['Content-Type', 'multipart/mixed; boundary=b']],
        multipartBody('b', [
          entity([['Content-Type', 'text/plain']], 'see attached'),
          entity(
            [
              ['Content-Type', 'text/html; name="invoice.html"'],
              ['Content-Disposition', 'attachment; filename="invoice.html"'],
              ['Content-Transfer-Encoding', 'base64'],
            ],
            base64Lines(Buffer.from(page)),
          ),
        ]),
      ),
    );
    const subject = await buildScanSubject(raw);
    expect(subject.text).toBe('see attached');
    expect(subject.attachments.map((attachment) => attachment.filename)).toEqual(['invoice.html']);
    expect(subject.links).toEqual([
      expect.objectContaining({ url: 'https://collect.example/steal', source: 'form_action', origin: 'invoice.html', formHasPassword: true }),
    ]);
  });

  it('bounds the links kept across body and attachments', async () => {
    const urls = Array.from({ length: 30 }, (_, i) => `https://host${i}.example/`).join('\n');
    const raw = bytes(entity([['Content-Type', 'text/plain']], urls));
    const subject = await buildScanSubject(raw, { limits: { maxLinks: 10 } });
    expect(subject.links).toHaveLength(10);
    expect(codes(subject)).toContain('limit.links');
  });

  it('bounds the body text and reports it', async () => {
    const raw = bytes(entity([['Content-Type', 'text/plain']], 'a'.repeat(5000)));
    const subject = await buildScanSubject(raw, { limits: { maxBodyChars: 1000 } });
    expect(subject.text).toHaveLength(1000);
    expect(codes(subject)).toContain('limit.body_text');
  });

  it('keeps attachments up to the limit and reports the rest', async () => {
    const parts = Array.from({ length: 5 }, (_, i) =>
      entity([['Content-Type', 'application/octet-stream'], ['Content-Disposition', `attachment; filename="f${i}.bin"`]], `data ${i}`),
    );
    const raw = bytes(entity([['Content-Type', 'multipart/mixed; boundary=zz']], multipartBody('zz', parts)));
    const subject = await buildScanSubject(raw, { limits: { maxAttachments: 3 } });
    expect(subject.attachments.map((attachment) => attachment.filename)).toEqual(['f0.bin', 'f1.bin', 'f2.bin']);
    expect(codes(subject)).toContain('limit.attachments');
  });

  it('detects the real type of a disguised attachment and inspects nested archives', async () => {
    const inner = zip([{ name: 'payload.exe', data: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]) }]);
    const outer = zip([{ name: 'docs/inner.zip', data: inner, method: 0 }]);
    const raw = bytes(
      entity(
        [['Content-Type', 'multipart/mixed; boundary=q']],
        multipartBody('q', [
          entity([['Content-Type', 'text/plain']], 'invoice attached'),
          entity(
            [
              ['Content-Type', 'application/pdf; name="invoice.pdf"'],
              ['Content-Disposition', 'attachment; filename="invoice.pdf"'],
              ['Content-Transfer-Encoding', 'base64'],
            ],
            base64Lines(outer),
          ),
        ]),
      ),
    );
    const subject = await buildScanSubject(raw);
    const [attachment] = subject.attachments;
    expect(attachment?.declaredType).toBe('application/pdf');
    expect(attachment?.detectedType).toBe('application/zip');
    expect(attachment?.members[0]?.path).toBe('docs/inner.zip');
    expect(attachment?.members[0]?.detectedType).toBe('application/zip');
    expect(attachment?.members[0]?.members[0]).toEqual(
      expect.objectContaining({ path: 'payload.exe', size: 202, encrypted: false, sha256: sha256(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)])) }),
    );
  });

  it('parses an inline embedded message/rfc822 as part of the structure', async () => {
    const embedded = entity([['From', 'inner@example.com'], ['Subject', 'inner'], ['Content-Type', 'text/plain']], 'forwarded text');
    const raw = bytes(
      entity(
        [['Content-Type', 'multipart/mixed; boundary=m']],
        multipartBody('m', [
          entity([['Content-Type', 'text/plain']], 'see below'),
          entity([['Content-Type', 'message/rfc822'], ['Content-Disposition', 'inline']], embedded),
        ]),
      ),
    );
    const subject = await buildScanSubject(raw);
    expect(subject.mimePartCount).toBe(4);
    expect(subject.mimeMaxDepth).toBe(2);
    expect(subject.text).toContain('see below');
    expect(subject.text).toContain('forwarded text');
  });

  it('accepts a plain Uint8Array as well as a Buffer', async () => {
    const buffer = bytes(entity([['Subject', 'typed array']], 'hi' + CRLF));
    const view = new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
    const subject = await buildScanSubject(view);
    expect(subject.subject).toBe('typed array');
    expect(subject.text).toBe('hi\n');
  });
});
