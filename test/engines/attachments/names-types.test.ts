import { finding, ids, scanFile } from './helpers';
import { ooxml, oleDocument, zip } from '../../core/documents/fixtures';

const PE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(0x3a), Buffer.from([0x40, 0, 0, 0]), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
const ELF = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0', 'latin1'), Buffer.alloc(56)]);
const LNK = Buffer.concat([Buffer.from('4c0000000114020000000000c000000000000046', 'hex'), Buffer.alloc(60)]);
const ISO = Buffer.concat([Buffer.alloc(0x8001), Buffer.from('CD001'), Buffer.alloc(100)]);
const ONENOTE = Buffer.concat([Buffer.from('e4525c7b8cd8a74daeb15378d02996d3', 'hex'), Buffer.alloc(64)]);
const PDF_HEAD = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF');

describe('dangerous types by name', () => {
  it.each([
    ['setup.exe', 'attachments.executable', 85],
    ['payload.scr', 'attachments.executable', 85],
    ['addin.xll', 'attachments.executable', 85],
    ['tool.jar', 'attachments.executable', 85],
    ['invoice.js', 'attachments.script', 80],
    ['update.vbs', 'attachments.script', 80],
    ['run.ps1', 'attachments.script', 80],
    ['start.bat', 'attachments.script', 80],
    ['page.hta', 'attachments.script', 80],
    ['scan.wsf', 'attachments.script', 80],
    ['doc.lnk', 'attachments.shortcut', 85],
    ['portal.url', 'attachments.shortcut', 55],
    ['delivery.iso', 'attachments.disk_image', 70],
    ['disk.vhdx', 'attachments.disk_image', 70],
    ['notes.one', 'attachments.onenote', 55],
    ['help.chm', 'attachments.help_file', 70],
    ['query.iqy', 'attachments.web_query', 60],
    ['files.ace', 'attachments.uncommon_archive', 40],
    ['files.rar', 'attachments.unscanned_archive', 10],
    ['budget.xlsm', 'attachments.macro_enabled_name', 35],
  ])('%s → %s (%i)', async (name, id, score) => {
    const output = await scanFile(name, 'some bytes');
    expect(finding(output, id)?.score).toBe(score);
  });

  it('sees the extension a single-file compressor hides ("invoice.scr.xz")', async () => {
    expect(finding(await scanFile('invoice.scr.xz', 'x'), 'attachments.executable')?.evidence[0]).toBe('invoice.scr.xz: .scr compressed as .xz: Windows executable');
    expect(finding(await scanFile('logs.txt.xz', 'x'), 'attachments.executable')).toBeUndefined();
  });

  it('honours extra dangerous extensions and allowed extensions from the config', async () => {
    const extra = await scanFile('data.xyz', 'x', undefined, { extraDangerousExtensions: [{ extension: 'xyz', category: 'script', score: 66 }] });
    expect(finding(extra, 'attachments.script')?.score).toBe(66);
    expect((await scanFile('portal.url', 'x', undefined, { allowedExtensions: ['url'] })).findings).toEqual([]);
  });

  it('ordinary extensions and developer scripts (.sh, .py) raise nothing', async () => {
    for (const name of ['notes.txt', 'build.sh', 'tool.py', 'report.2024.final.pdf.txt', 'a.tar.gz', 'README']) {
      expect((await scanFile(name, 'plain text')).findings).toEqual([]);
    }
  });
});

describe('dangerous types by content', () => {
  it.each([
    ['PE', PE, 'attachments.executable'],
    ['ELF', ELF, 'attachments.executable'],
    ['LNK', LNK, 'attachments.shortcut'],
    ['ISO', ISO, 'attachments.disk_image'],
    ['OneNote', ONENOTE, 'attachments.onenote'],
  ])('%s content without an extension is reported by its true type', async (_, bytes, id) => {
    expect(finding(await scanFile('attachment', bytes), id)).toBeDefined();
  });

  it('an MSI installer (compound file with the installer class id) is an executable', async () => {
    expect(finding(await scanFile('package', oleDocument({ application: 'installer' })), 'attachments.executable')?.evidence[0]).toMatch(/Windows Installer/);
  });

  it('honours allowed types from the config', async () => {
    expect((await scanFile('tool', PE, undefined, { allowedTypes: ['application/x-msdownload'] })).findings).toEqual([]);
  });
});

describe('attachments.type_mismatch', () => {
  it('is critical when an executable poses as a document by name or declared type', async () => {
    const named = await scanFile('invoice.pdf', PE);
    expect(finding(named, 'attachments.type_mismatch')).toMatchObject({ score: 90, severity: 'critical' });
    expect(finding(named, 'attachments.type_mismatch')?.evidence[0]).toBe('invoice.pdf: .pdf but the content is a Windows executable (PE)');
    const declared = await scanFile('document', PE, 'application/pdf');
    expect(finding(declared, 'attachments.type_mismatch')?.evidence[0]).toMatch(/declared application\/pdf/);
  });

  it('is medium for an Office document or archive disguised as an image or PDF', async () => {
    expect(finding(await scanFile('photo.jpg', ooxml('excel')), 'attachments.type_mismatch')?.score).toBe(40);
    expect(finding(await scanFile('scan.pdf', zip([{ name: 'a.txt', data: Buffer.from('a') }])), 'attachments.type_mismatch')?.score).toBe(35);
  });

  it('is low for a .pdf that is no PDF at all', async () => {
    expect(finding(await scanFile('statement.pdf', 'Hello, this is text.'), 'attachments.type_mismatch')?.score).toBe(25);
    expect((await scanFile('statement.pdf', PDF_HEAD)).findings).toEqual([]);
    expect((await scanFile('empty.pdf', '')).findings).toEqual([]);
  });

  it('ignores generic declared types and honest variations', async () => {
    expect((await scanFile('letter.doc', '{\\rtf1 hello}', 'application/msword')).findings).toEqual([]);
    expect((await scanFile('sheet.xls', oleDocument({ application: 'excel' }), 'application/octet-stream')).findings).toEqual([]);
  });
});

describe('attachments.double_extension', () => {
  it('is critical for a document extension in front of a dangerous one, also with blank padding', async () => {
    expect(finding(await scanFile('invoice.pdf.exe', 'x'), 'attachments.double_extension')).toMatchObject({ score: 90, evidence: ['invoice.pdf.exe: shows .pdf but is .exe'] });
    const padded = await scanFile('invoice.pdf                              .scr', 'x');
    expect(finding(padded, 'attachments.double_extension')?.evidence[0]).toContain('padded with blanks');
    expect(finding(await scanFile('payment_________________________.js', 'x'), 'attachments.double_extension')?.score).toBe(90);
  });

  it('is medium for a document extension in front of .html', async () => {
    expect(finding(await scanFile('remittance.xlsx.html', '<p>x</p>', 'text/html'), 'attachments.double_extension')?.score).toBe(50);
  });

  it('ordinary multi-dot names are not double extensions', async () => {
    for (const name of ['report.2024.pdf', 'backup.tar.gz', 'photo.jpg.zip', 'v1.2.3.txt']) {
      expect(finding(await scanFile(name, 'x'), 'attachments.double_extension')).toBeUndefined();
    }
  });
});

describe('attachments.bidi_name and attachments.invisible_name', () => {
  it('a right-to-left override that turns "…fdp.exe" into "…exe.pdf" is high', async () => {
    const output = await scanFile('invoice\u202Efdp.exe', 'x');
    expect(finding(output, 'attachments.bidi_name')).toMatchObject({ score: 85, severity: 'high' });
    expect(finding(output, 'attachments.bidi_name')?.evidence[0]).toContain('<U+202E>');
  });

  it('directional marks in a Latin name are low; in an Arabic or Hebrew name they are normal', async () => {
    expect(finding(await scanFile('report\u200F.pdf', PDF_HEAD), 'attachments.bidi_name')?.score).toBe(30);
    expect((await scanFile('\u05D3\u05D5\u05D7\u200F.pdf', PDF_HEAD)).findings).toEqual([]);
  });

  it('invisible characters are medium; joiners in Persian names are not', async () => {
    expect(finding(await scanFile('lnvoice\u034F\u034F-1.pdf', PDF_HEAD), 'attachments.invisible_name')?.score).toBe(40);
    expect(ids(await scanFile('\u0646\u0627\u0645\u0647\u200C\u0647\u0627.pdf', PDF_HEAD))).toEqual([]);
  });
});
