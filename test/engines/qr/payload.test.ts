import { classifyPayload } from '../../../functions/src/engines/qr';
import { findDataUriImages } from '../../../functions/src/engines/qr/data-uri';
import { decodeBmpGrey, readBmpHeader } from '../../../functions/src/engines/qr/bmp';
import { bmpFromGrey } from './helpers';

describe('classifyPayload', () => {
  it.each([
    ['https://login.example.net/a?b=c', 'https://login.example.net/a?b=c', undefined],
    ['HTTPS://LOGIN.EXAMPLE.NET/A', 'HTTPS://LOGIN.EXAMPLE.NET/A', undefined],
    ['  https://login.example.net/\n', 'https://login.example.net/', undefined],
    ['URLTO:login.example.net/x', 'http://login.example.net/x', 'URLTO bookmark'],
    ['MEBKM:TITLE:Sign in;URL:https\\://login.example.net/;;', 'https://login.example.net/', 'MEBKM bookmark'],
    ['www.login.example.net', 'http://www.login.example.net', 'bare host name'],
    ['login.example.co.uk/verify?id=1', 'http://login.example.co.uk/verify?id=1', 'bare host name'],
    ['Scan complete. Continue at https://login.example.net/c.', 'https://login.example.net/c', 'URL inside text'],
  ])('reads %j as a web address', (payload, url, form) => {
    expect(classifyPayload(payload)).toEqual(form ? { kind: 'url', url, form } : { kind: 'url', url });
  });

  it.each([
    ['WIFI:T:WPA;S:Office;P:secret;;', 'wifi'],
    ['BEGIN:VCARD\nVERSION:3.0\nFN:Jane\nEND:VCARD', 'contact'],
    ['MECARD:N:Doe,Jane;TEL:123;;', 'contact'],
    ['mailto:help@example.org', 'email'],
    ['SMSTO:+15551234:hi', 'sms'],
    ['tel:+15551234', 'phone'],
    ['geo:48.2,16.3', 'geo'],
    ['otpauth://totp/Example:bob?secret=JBSWY3DPEHPK3PXP', 'otp'],
    ['BCD\n002\n1\nSCT\n\nExample GmbH\nDE89370400440532013000\nEUR12.30', 'payment'],
    ['bitcoin:bc1qexampleaddress?amount=0.01', 'crypto'],
    ['TICKET 4711 ROW 12', 'text'],
    ['report.txt', 'text'],
    ['1.2.3', 'text'],
  ])('reads %j as %s', (payload, kind) => {
    expect(classifyPayload(payload)).toEqual({ kind });
  });

  it('does not take javascript: or data: payloads for web addresses', () => {
    expect(classifyPayload('javascript:alert(1)').kind).toBe('text');
    expect(classifyPayload('data:text/html,<h1>x</h1>').kind).toBe('text');
  });
});

describe('findDataUriImages', () => {
  it('decodes base64 data: images with parameters, in attributes and CSS, and ignores other data: URIs', () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const html = [
      `<img src="data:image/png;base64,${png.toString('base64')}">`,
      `<div style="background:url(data:IMAGE/JPEG;name=a.jpg;base64,${Buffer.from('jpeg!').toString('base64')})">`,
      '<a href="data:text/html;base64,PGgxPng8L2gxPg==">x</a>',
      '<img src="data:image/png;base64,">',
    ].join('');
    const result = findDataUriImages(html, 10, 1024);
    expect(result.images.map((image) => [image.mediaType, image.bytes.toString('hex')])).toEqual([
      ['image/png', png.toString('hex')],
      ['image/jpeg', Buffer.from('jpeg!').toString('hex')],
    ]);
    expect(result.skipped).toBe(0);
  });

  it('is linear on a long run and skips what is over the caps', () => {
    const html = `<img src="data:image/gif;base64,${'R0lG'.repeat(2_000_000)}">` + '<img src="data:image/gif;base64,R0lGODlh">'.repeat(5);
    const started = performance.now();
    const result = findDataUriImages(html, 3, 1024);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.images).toHaveLength(3);
    expect(result.skipped).toBe(3);
  });
});

describe('BMP reader', () => {
  it('reads 8- and 24-bit bottom-up BMPs to grey and rejects what it cannot read', () => {
    const grey = Uint8Array.from([0, 64, 128, 255, 10, 20, 30, 40, 200, 210, 220, 230]);
    for (const bits of [8, 24] as const) {
      const file = bmpFromGrey(grey, 4, 3, bits);
      const header = readBmpHeader(file);
      expect(header).toMatchObject({ width: 4, height: 3, bitsPerPixel: bits, topDown: false });
      expect([...decodeBmpGrey(file, header as NonNullable<typeof header>).pixels]).toEqual([...grey]);
    }
    expect(readBmpHeader(Buffer.from('GIF89a....................'))).toBeNull();
    const rle = bmpFromGrey(grey, 4, 3, 8);
    rle.writeUInt32LE(1, 30); // BI_RLE8
    expect(() => decodeBmpGrey(rle, readBmpHeader(rle) as NonNullable<ReturnType<typeof readBmpHeader>>)).toThrow(/not supported/);
  });
});
