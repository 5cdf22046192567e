import { gzipSync } from 'node:zlib';
import { deflatedZeros, zip } from '../../core/parse/builders';
import { encryptedZipEntry, ooxml, vbaProjectBin } from '../../core/documents/fixtures';
import { attachment, finding, ids, parsedMessage, scan, scanFile, subjectWith } from './helpers';
import { createAttachmentsEngine } from '../../../functions/src/engines/attachments';
import { context } from './helpers';

const PE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(0x3a), Buffer.from([0x40, 0, 0, 0]), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
const MACRO_XLSM = ooxml('excel', { 'xl/vbaProject.bin': vbaProjectBin([{ name: 'ThisWorkbook', source: 'Sub Workbook_Open()\r\n Shell "cmd /c calc"\r\nEnd Sub' }]) });

describe('archive members are judged by the same rules', () => {
  it('an executable inside a zip inside a zip, with the path in the evidence', async () => {
    const inner = zip([{ name: 'docs/invoice.pdf.exe', data: PE }]);
    const output = await scanFile('invoice.zip', zip([{ name: 'inner.zip', data: inner }]), 'application/zip');
    expect(finding(output, 'attachments.executable')?.evidence).toEqual(
      expect.arrayContaining(['invoice.zip › inner.zip › docs/invoice.pdf.exe: .exe: Windows executable']),
    );
    expect(finding(output, 'attachments.double_extension')?.score).toBe(90);
    expect(output.iocs?.sha256?.length).toBeGreaterThan(0);
  });

  it('the true type of a member counts, whatever its name', async () => {
    const output = await scanFile('photos.zip', zip([{ name: 'IMG_0001.jpg', data: PE }]), 'application/zip');
    expect(finding(output, 'attachments.type_mismatch')?.score).toBe(90);
  });

  it('a macro document inside a tar.gz is opened and its macros read', async () => {
    const header = Buffer.alloc(512);
    header.write('budget.xlsm', 0);
    header.write('0000644\0', 100);
    header.write(`${MACRO_XLSM.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('        ', 148);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const tar = Buffer.concat([header, MACRO_XLSM, Buffer.alloc(512 - (MACRO_XLSM.length % 512)), Buffer.alloc(1024)]);
    const output = await scanFile('budget.tar.gz', gzipSync(tar), 'application/gzip');
    expect(ids(output)).toEqual(expect.arrayContaining(['attachments.vba_autoexec', 'attachments.vba_macro', 'attachments.vba_suspicious']));
  });

  it('parts of a container format (an e-book) are not loose files: its scripts are fine, a program in it is not', async () => {
    const epub = (extra: { name: string; data: Buffer }[]): Buffer =>
      zip([{ name: 'mimetype', data: Buffer.from('application/epub+zip'), method: 0 }, { name: 'OPS/js/reader.js', data: Buffer.from('init()') }, { name: 'OPS/ch1.xhtml', data: Buffer.from('<html><script src="js/reader.js"></script></html>') }, ...extra]);
    expect((await scanFile('novel.epub', epub([]), 'application/epub+zip')).findings).toEqual([]);
    expect(finding(await scanFile('novel.epub', epub([{ name: 'OPS/setup.exe', data: PE }]), 'application/epub+zip'), 'attachments.executable')).toBeDefined();
  });

  it('archives nested deeper than the limit are reported as not analysed', async () => {
    let nested = zip([{ name: 'deep.exe', data: PE }]);
    for (let i = 0; i < 4; i++) nested = zip([{ name: `level${i}.zip`, data: nested }]);
    const output = await scanFile('nested.zip', nested, 'application/zip');
    expect(finding(output, 'attachments.not_analysed')?.evidence[0]).toMatch(/nested deeper than 3 levels/);
    expect(finding(output, 'attachments.executable')).toBeUndefined();
  });
});

describe('attachments.encrypted_archive', () => {
  it('is high when the encrypted members are programs or scripts', async () => {
    const output = await scanFile('secure.zip', zip([encryptedZipEntry('run.js', Buffer.from('WScript.Echo(1)'), 'pw')]), 'application/zip');
    expect(finding(output, 'attachments.encrypted_archive')).toMatchObject({ score: 85 });
    expect(finding(output, 'attachments.script')).toBeDefined();
  });

  it('is high for an encrypted macro-capable document, medium-low for other encrypted content', async () => {
    expect(finding(await scanFile('a.zip', zip([encryptedZipEntry('q.xls', Buffer.from('x'), 'pw')]), 'application/zip'), 'attachments.encrypted_archive')?.score).toBe(70);
    expect(finding(await scanFile('a.zip', zip([encryptedZipEntry('payslip.pdf', Buffer.from('x'), 'pw')]), 'application/zip'), 'attachments.encrypted_archive')?.score).toBe(30);
  });

  it('opens the archive with a password given in the message and analyses what is inside', async () => {
    const archive = zip([encryptedZipEntry('report.xlsm', MACRO_XLSM, 'sa')]);
    const withPassword = await scan(subjectWith([await attachment('report.zip', archive, 'application/zip')], { text: 'Password: sa' }));
    expect(finding(withPassword, 'attachments.encrypted_archive')?.evidence[0]).toMatch(/password given in the message opens it/);
    expect(finding(withPassword, 'attachments.vba_suspicious')?.score).toBe(90);
    const without = await scan(subjectWith([await attachment('report.zip', archive, 'application/zip')], { text: 'See attached.' }));
    expect(finding(without, 'attachments.vba_macro')).toBeUndefined();
    expect(finding(without, 'attachments.encrypted_archive')?.score).toBe(70);
  });

  it('end to end through the parser: a password-protected zip with the password in the body', async () => {
    const subject = await parsedMessage('Hello,\nthe invoice is attached. Password: 4711\n', [
      { filename: 'invoice.zip', type: 'application/zip', content: zip([encryptedZipEntry('invoice.xlsm', MACRO_XLSM, '4711')]) },
    ]);
    const output = await createAttachmentsEngine().scan(subject, context());
    expect(ids(output)).toEqual(expect.arrayContaining(['attachments.encrypted_archive', 'attachments.vba_autoexec', 'attachments.vba_suspicious']));
    expect(output.score).toBeGreaterThanOrEqual(90);
  });
});

describe('archive anomalies', () => {
  it('attachments.archive_bomb: an entry over the compression-ratio limit (from the parser and the engine walk)', async () => {
    const subject = await parsedMessage('files', [{ filename: 'data.zip', type: 'application/zip', content: zip([{ name: 'zeros.bin', compressed: deflatedZeros(64), declaredSize: 64 * 1024 * 1024 }]) }]);
    expect(subject.anomalies.map((a) => a.code)).toContain('archive.bomb_ratio');
    const output = await createAttachmentsEngine().scan(subject, context());
    expect(finding(output, 'attachments.archive_bomb')).toMatchObject({ score: 60, severity: 'high' });
  });

  it('attachments.archive_unreadable: a damaged archive (parser anomaly)', async () => {
    const damaged = zip([{ name: 'a.txt', data: Buffer.from('hello hello hello'), crc: 1234 }]);
    const subject = await parsedMessage('files', [{ filename: 'broken.zip', type: 'application/zip', content: damaged }]);
    const output = await createAttachmentsEngine().scan(subject, context());
    expect(finding(output, 'attachments.archive_unreadable')?.score).toBe(15);
  });

  it('member metadata is still judged when the parser kept no content', async () => {
    const file = await attachment('bundle.zip', Buffer.alloc(0), 'application/zip');
    delete file.content;
    file.members = [{ path: 'a/run.vbs', size: 10, compressedSize: 10, encrypted: true, detectedType: null, sha256: null, members: [] }];
    const output = await scan(subjectWith([file]));
    expect(ids(output)).toEqual(['attachments.encrypted_archive', 'attachments.script']);
    expect(finding(output, 'attachments.encrypted_archive')?.score).toBe(85);
  });
});
