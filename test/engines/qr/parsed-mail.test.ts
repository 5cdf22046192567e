import { PDFDocument } from 'pdf-lib';
import { buildScanSubject } from '../../../functions/src/core/parse';
import { QR_SCORES } from '../../../functions/src/engines/qr';
import { finding, LONG_TEXT, PHISH_URL, qrPng, scan } from './helpers';

/** Base64 in 76-character lines, as mail writers emit it. */
function base64Lines(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/(.{76})/g, '$1\r\n');
}

function message(contentType: string, body: string): Buffer {
  const headers = [
    'From: "IT Service Desk" <helpdesk@mail.example-support.net>',
    'To: Bob <bob@example.org>',
    'Subject: Action required: re-validate your mailbox',
    'Date: Mon, 02 Nov 2026 10:00:00 +0000',
    'Message-ID: <qr-test@example-support.net>',
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

describe('qr engine on messages built by the real parser', () => {
  it('finds a code in an inline cid: image of an HTML message (multipart/related)', async () => {
    const png = await qrPng(PHISH_URL);
    const raw = message(
      'multipart/related; boundary="REL"',
      [
        '--REL',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Your mailbox password expires today. Scan the code with your phone to keep access.</p><img src="cid:qr01@desk">',
        '--REL',
        'Content-Type: image/png; name="image001.png"',
        'Content-Transfer-Encoding: base64',
        'Content-ID: <qr01@desk>',
        'Content-Disposition: inline; filename="image001.png"',
        '',
        base64Lines(png),
        '--REL--',
        '',
      ].join('\r\n'),
    );
    const subject = await buildScanSubject(raw);
    const output = await scan(subject);
    expect(finding(output, 'qr.url')).toMatchObject({ score: QR_SCORES.url.prominent });
    expect(finding(output, 'qr.url')?.evidence[0]).toContain('inline image "image001.png"');
  });

  it('finds a code in a data: image of the HTML body', async () => {
    const png = await qrPng(PHISH_URL);
    const html = `<p>Scan to review the shared document.</p><img src="data:image/png;base64,${base64Lines(png)}">`;
    const raw = message('text/html; charset=utf-8', html);
    const output = await scan(await buildScanSubject(raw));
    expect(finding(output, 'qr.url')?.evidence[0]).toContain('data: image 1 (image/png) in the HTML body');
  });

  it('finds a code in a PDF attachment and a PNG attachment of a longer text message', async () => {
    const document = await PDFDocument.create();
    const page = document.addPage();
    page.drawImage(await document.embedPng(await qrPng('https://pdf-sign.example.net/d/77')), { x: 100, y: 300, width: 200, height: 200 });
    const pdf = await document.save();
    const png = await qrPng(PHISH_URL);
    const raw = message(
      'multipart/mixed; boundary="MIX"',
      [
        '--MIX',
        'Content-Type: text/plain; charset=utf-8',
        '',
        LONG_TEXT,
        '--MIX',
        'Content-Type: application/pdf; name="Contract.pdf"',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="Contract.pdf"',
        '',
        base64Lines(pdf),
        '--MIX',
        'Content-Type: image/png; name="code.png"',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="code.png"',
        '',
        base64Lines(png),
        '--MIX--',
        '',
      ].join('\r\n'),
    );
    const output = await scan(await buildScanSubject(raw));
    const evidence = finding(output, 'qr.url')?.evidence.join('\n') ?? '';
    expect(evidence).toContain('https://pdf-sign.example.net/d/77');
    expect(evidence).toContain('in PDF "Contract.pdf"');
    expect(evidence).toContain(`${PHISH_URL} — QR code in attachment "code.png"`);
    expect(finding(output, 'qr.url')?.score).toBe(QR_SCORES.url.prominent);
  });
});
