import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import { QR_SCORES } from '../../../functions/src/engines/qr';
import { listPdfImages } from '../../../functions/src/engines/qr/pdf-images';
import { runFilterChain, UnsupportedFilterError } from '../../../functions/src/engines/qr/pdf-filters';
import { rc4 } from '../../../functions/src/core/documents/pdf-crypt';
import { passwordCandidates } from '../../../functions/src/engines/qr/pdf-passwords';
import { ascii85, attachment, finding, greyPixels, LONG_TEXT, packBits, PHISH_URL, pictureWithoutQr, pngPredicted, qrPng, scan, subjectWith } from './helpers';
import { makeSubject } from '../../support/subject';

type Literal = Parameters<PDFDocument['context']['obj']>[0];
type StreamDict = Parameters<PDFDocument['context']['stream']>[1];

/** A one-page PDF with some text and, optionally, image objects written by the caller. */
async function pdfWith(build: (document: PDFDocument) => Promise<void> | void): Promise<Buffer> {
  const document = await PDFDocument.create();
  document.addPage([595, 842]).drawText('Please scan the code below to sign the document.', { x: 50, y: 780, size: 12 });
  await build(document);
  return Buffer.from(await document.save());
}

/** Registers an image XObject with the given (already encoded) stream bytes and dictionary. */
function addImage(document: PDFDocument, bytes: Uint8Array, dict: Record<string, unknown>): void {
  document.context.register(document.context.stream(bytes, { Type: 'XObject', Subtype: 'Image', ...dict } as unknown as StreamDict));
}

async function qrGrey(text = PHISH_URL): Promise<{ pixels: Buffer; width: number; height: number }> {
  return greyPixels(await qrPng(text));
}

async function scanPdf(pdf: Buffer, text = 'Please review the attached document.'): Promise<Awaited<ReturnType<typeof scan>>> {
  return scan(subjectWith({ text, attachments: [attachment(pdf, 'Document.pdf')] }));
}

describe('qr engine: codes inside PDF attachments', () => {
  it('finds a PNG embedded by pdf-lib (FlateDecode RGB with a soft mask) and scores it as an attachment', async () => {
    const pdf = await pdfWith(async (document) => {
      const image = await document.embedPng(await qrPng(PHISH_URL, { color: { dark: '#000000ff', light: '#ffffff00' } }));
      document.getPage(0).drawImage(image, { x: 200, y: 400, width: 200, height: 200 });
    });
    const output = await scanPdf(pdf);
    const url = finding(output, 'qr.url');
    expect(url?.score).toBe(QR_SCORES.url.attachmentOfShortMessage);
    expect(url?.evidence[0]).toMatch(/image \(object \d+\) in PDF "Document\.pdf"/);
  });

  it('finds a JPEG embedded by pdf-lib (DCTDecode, handed to sharp as it is)', async () => {
    const jpeg = await sharp(await qrPng(PHISH_URL)).flatten({ background: '#fff' }).jpeg({ quality: 70 }).toBuffer();
    const pdf = await pdfWith(async (document) => {
      const image = await document.embedJpg(jpeg);
      document.getPage(0).drawImage(image, { x: 200, y: 400, width: 200, height: 200 });
    });
    expect(finding(await scanPdf(pdf, LONG_TEXT), 'qr.url')?.score).toBe(QR_SCORES.url.prominent);
  });

  it('reads 8-bit grey with a PNG predictor, 1-bit image masks, Decode [1 0], Indexed palettes and ASCII85 chains', async () => {
    const { pixels, width, height } = await qrGrey();
    const cases: [string, (document: PDFDocument) => void][] = [
      [
        'grey + predictor',
        (document) =>
          addImage(document, deflateSync(pngPredicted(pixels, width, height)), {
            Width: width,
            Height: height,
            ColorSpace: 'DeviceGray',
            BitsPerComponent: 8,
            Filter: 'FlateDecode',
            DecodeParms: { Predictor: 15, Colors: 1, BitsPerComponent: 8, Columns: width },
          }),
      ],
      [
        'image mask',
        (document) =>
          addImage(document, deflateSync(packBits(pixels, width, height, 0)), { Width: width, Height: height, ImageMask: true, Filter: 'FlateDecode' }),
      ],
      [
        'Decode [1 0]',
        (document) =>
          addImage(document, deflateSync(packBits(pixels, width, height, 1)), {
            Width: width,
            Height: height,
            ColorSpace: 'DeviceGray',
            BitsPerComponent: 1,
            Decode: [1, 0],
            Filter: 'FlateDecode',
          }),
      ],
      [
        'Indexed',
        (document) => {
          // Palette entry 0 is white, 1 is dark blue; samples are palette indices.
          const indices = Buffer.from(pixels.map((value) => (value < 128 ? 1 : 0)));
          const palette = document.context.obj([
            'Indexed',
            'DeviceRGB',
            1,
            document.context.register(document.context.stream(Buffer.from([255, 255, 255, 10, 20, 90]))),
          ] as unknown as Literal);
          addImage(document, deflateSync(indices), { Width: width, Height: height, BitsPerComponent: 8, ColorSpace: palette, Filter: 'FlateDecode' });
        },
      ],
      [
        'ASCII85 + Flate',
        (document) =>
          addImage(document, ascii85(deflateSync(pixels)), {
            Width: width,
            Height: height,
            ColorSpace: 'DeviceGray',
            BitsPerComponent: 8,
            Filter: ['ASCII85Decode', 'FlateDecode'],
          }),
      ],
    ];
    for (const [name, add] of cases) {
      const pdf = await pdfWith(add);
      // The samples come out with the right polarity (the search would forgive an inversion).
      const [image] = (await listPdfImages(pdf, 10)).images;
      const data = image?.load();
      expect([name, data?.kind === 'grey' && [data.pixels[0], (data.pixels[16 * width + 16] as number) < 64]]).toEqual([name, [255, true]]);
      const output = await scanPdf(pdf);
      expect([name, finding(output, 'qr.url')?.evidence[0]]).toEqual([name, expect.stringContaining(PHISH_URL)]);
    }
  });

  it('raises nothing for a PDF whose images hold no code', async () => {
    const pdf = await pdfWith(async (document) => {
      const image = await document.embedPng(await pictureWithoutQr(600, 300));
      document.getPage(0).drawImage(image, { x: 50, y: 400, width: 500, height: 250 });
    });
    expect((await scanPdf(pdf)).findings).toEqual([]);
  });

  it('opens an RC4-encrypted PDF whose password is given in the message, and says so', async () => {
    const pdf = await encryptedPdf('123', 'rc4');
    const output = await scanPdf(pdf, 'Seu extrato está em anexo. Senha de acesso: 123');
    expect(finding(output, 'qr.url')?.evidence[0]).toContain('opened with the password "123" found in the message');
    // Without the password in the message the PDF stays closed, and the report says so.
    const closed = await scanPdf(pdf, 'Your statement is attached.');
    expect(finding(closed, 'qr.url')).toBeUndefined();
    expect(finding(closed, 'qr.scan_incomplete')?.evidence).toEqual(['1 encrypted PDF (images not readable without decrypting)']);
  });

  it('opens an AES-128 PDF with an empty user password (no prompt when opened)', async () => {
    const output = await scanPdf(await encryptedPdf('', 'aes'));
    expect(finding(output, 'qr.url')?.evidence[0]).toContain(PHISH_URL);
  });

  it('reports an encrypted PDF as not searched', async () => {
    const pdf = await pdfWith((document) => {
      const { context } = document;
      context.trailerInfo.Encrypt = context.register(context.obj({ Filter: 'Standard', V: 2, R: 3, Length: 128, P: -4 }));
    });
    const output = await scanPdf(pdf);
    expect(finding(output, 'qr.scan_incomplete')?.evidence).toEqual(['1 encrypted PDF (images not readable without decrypting)']);
  });

  it('counts a PDF without a single readable object as unreadable', async () => {
    const output = await scanPdf(Buffer.from('%PDF-1.7\n% nothing else here but noise \u0000\u0001'));
    expect(finding(output, 'qr.scan_incomplete')?.evidence).toEqual(['1 PDF that could not be parsed']);
  });

  it('lists images largest first and leaves soft masks out', async () => {
    const code = await qrPng(PHISH_URL, { color: { dark: '#000f', light: '#fff0' } });
    const side = (await sharp(code).metadata()).width;
    const pdf = await pdfWith(async (document) => {
      document.getPage(0).drawImage(await document.embedPng(code), { x: 0, y: 0 });
      document.getPage(0).drawImage(await document.embedPng(await pictureWithoutQr(700, 300)), { x: 0, y: 300 });
    });
    const listed = await listPdfImages(pdf, 10);
    expect(listed.encrypted).toBe(false);
    expect(listed.images.map((image) => [image.width, image.height])).toEqual([
      [700, 300],
      [side, side],
    ]);
    expect((await listPdfImages(pdf, 1)).skipped).toBe(1);
  });
});

const PASSWORD_PADDING = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

/**
 * A PDF whose QR image stream is encrypted with the standard security handler (R3 RC4-128, or
 * R4 AESV2), written from ISO 32000-1 §7.6.3 independently of the engine's decryptor.
 */
async function encryptedPdf(userPassword: string, cipher: 'rc4' | 'aes'): Promise<Buffer> {
  const { pixels, width, height } = await qrGrey();
  const owner = randomBytes(32);
  const id = randomBytes(16);
  const permissions = -4;
  const padded = Buffer.concat([Buffer.from(userPassword, 'latin1'), PASSWORD_PADDING]).subarray(0, 32);
  const permissionBytes = Buffer.alloc(4);
  permissionBytes.writeInt32LE(permissions);
  let digest = createHash('md5').update(padded).update(owner).update(permissionBytes).update(id).digest();
  for (let round = 0; round < 50; round++) digest = createHash('md5').update(digest).digest();
  const key = digest.subarray(0, 16);
  let user = rc4(key, createHash('md5').update(PASSWORD_PADDING).update(id).digest());
  for (let round = 1; round <= 19; round++) user = rc4(key.map((byte) => byte ^ round), user);
  const userEntry = Buffer.concat([user, Buffer.alloc(16, 0x42)]);

  return pdfWith((document) => {
    const { context } = document;
    const ref = context.nextRef();
    const objectKey = createHash('md5')
      .update(key)
      .update(Buffer.from([ref.objectNumber & 0xff, (ref.objectNumber >> 8) & 0xff, ref.objectNumber >> 16, 0, 0]))
      .update(cipher === 'aes' ? Buffer.from('sAlT') : Buffer.alloc(0))
      .digest();
    const plain = deflateSync(pixels);
    let sealed: Buffer;
    if (cipher === 'aes') {
      const iv = randomBytes(16);
      const aes = createCipheriv('aes-128-cbc', objectKey, iv);
      sealed = Buffer.concat([iv, aes.update(plain), aes.final()]);
    } else {
      sealed = Buffer.from(rc4(objectKey, plain));
    }
    context.assign(ref, context.stream(sealed, { Type: 'XObject', Subtype: 'Image', Width: width, Height: height, ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'FlateDecode' }));
    const encrypt = {
      Filter: 'Standard',
      V: cipher === 'aes' ? 4 : 2,
      R: cipher === 'aes' ? 4 : 3,
      Length: 128,
      P: permissions,
      O: PDFHexString.of(owner.toString('hex')),
      U: PDFHexString.of(userEntry.toString('hex')),
      ...(cipher === 'aes' ? { CF: { StdCF: { CFM: 'AESV2', Length: 16 } }, StmF: 'StdCF', StrF: 'StdCF' } : {}),
    };
    context.trailerInfo.Encrypt = context.register(context.obj(encrypt as unknown as Literal));
    context.trailerInfo.ID = context.obj([PDFHexString.of(id.toString('hex')), PDFHexString.of(id.toString('hex'))] as unknown as Literal);
  });
}

describe('password candidates from the message', () => {
  it('puts what follows a word for "password" first, then the other short words, bounded', () => {
    const subject = makeSubject({ subject: 'Statement 10/2026', text: 'Dear customer, open the attached PDF. Password: Xk9#pq! Code de liberação 55. Kennwort ist ab12cd.' });
    const candidates = passwordCandidates(subject);
    expect(candidates.slice(0, 5)).toEqual(['Xk9#pq!', 'Xk9#pq', '55.', '55', 'ab12cd.']);
    expect(candidates).toEqual(expect.arrayContaining(['Statement', 'customer', 'ab12cd']));
    expect(passwordCandidates(makeSubject({ text: 'word '.repeat(10) + Array.from({ length: 500 }, (_, i) => `w${i}xx`).join(' ') })).length).toBe(64);
  });
});

describe('RC4', () => {
  it('matches the published test vectors', () => {
    expect(Buffer.from(rc4(Buffer.from('Key'), Buffer.from('Plaintext'))).toString('hex')).toBe('bbf316e8d940af0ad3');
    expect(Buffer.from(rc4(Buffer.from('Secret'), Buffer.from('Attack at dawn'))).toString('hex')).toBe('45a01f645fc35b383552544b9bf5');
  });
});

describe('PDF stream filters', () => {
  it('decodes ASCIIHex and RunLength and stops RunLength at the output bound', () => {
    expect(Buffer.from(runFilterChain(Buffer.from('48 65 6c6C 6f>'), [{ name: 'ASCIIHexDecode', params: { predictor: 1, colors: 1, bitsPerComponent: 8, columns: 1 } }], 100).bytes).toString()).toBe('Hello');
    const runLength = Buffer.from([2, 0x61, 0x62, 0x63, 254, 0x7a, 128]); // literal "abc", then "z" three times, end
    const params = { predictor: 1, colors: 1, bitsPerComponent: 8, columns: 1 };
    expect(Buffer.from(runFilterChain(runLength, [{ name: 'RunLengthDecode', params }], 100).bytes).toString()).toBe('abczzz');
    expect(Buffer.from(runFilterChain(runLength, [{ name: 'RunLengthDecode', params }], 4).bytes).toString()).toBe('abcz');
  });

  it('inflates a stream whose Adler-32 trailer is wrong, as PDF writers sometimes leave it', () => {
    const deflated = deflateSync(Buffer.from('grey samples'));
    deflated.writeUInt32BE(0xdeadbeef, deflated.length - 4);
    const params = { predictor: 1, colors: 1, bitsPerComponent: 8, columns: 1 };
    expect(Buffer.from(runFilterChain(deflated, [{ name: 'FlateDecode', params }], 100).bytes).toString()).toBe('grey samples');
  });

  it('refuses an inflate bomb instead of allocating it', () => {
    const bomb = deflateSync(Buffer.alloc(50 * 1024 * 1024));
    const params = { predictor: 1, colors: 1, bitsPerComponent: 8, columns: 1 };
    expect(() => runFilterChain(bomb, [{ name: 'FlateDecode', params }], 1024)).toThrow(/larger than/);
  });

  it('names unsupported filters', () => {
    const params = { predictor: 1, colors: 1, bitsPerComponent: 8, columns: 1 };
    expect(() => runFilterChain(Buffer.alloc(10), [{ name: 'JBIG2Decode', params }], 10)).toThrow(UnsupportedFilterError);
  });

  it('keeps an image whose dictionary names its filter indirectly', async () => {
    const { pixels, width, height } = await qrGrey();
    const pdf = await pdfWith((document) => {
      const filter = document.context.register(PDFName.of('FlateDecode'));
      addImage(document, deflateSync(pixels), { Width: width, Height: height, ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: filter });
    });
    expect(finding(await scanPdf(pdf), 'qr.url')).toBeDefined();
  });
});
