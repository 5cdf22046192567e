import { oleDocument, ooxml, relationships, vbaProjectBin } from '../../core/documents/fixtures';
import { agileEncryptedOffice, standardEncryptedOffice } from '../../core/documents/office-crypt-fixtures';
import { attachment, finding, ids, scan, subjectWith } from './helpers';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const plainDocx = ooxml('word');

async function scanWithText(filename: string, content: Buffer, text: string): Promise<Awaited<ReturnType<typeof scan>>> {
  return scan(subjectWith([await attachment(filename, content, DOCX)], { subject: 'Invoice', text }));
}

describe('password-protected Office documents', () => {
  it('attachments.office_password_in_message: the password in the body opens the document (75)', async () => {
    const output = await scanWithText('invoice.docx', agileEncryptedOffice(plainDocx, 'Inv7731'), 'Please find the invoice attached.\nThe password is Inv7731');
    expect(ids(output)).toEqual(['attachments.office_password_in_message']);
    expect(finding(output, 'attachments.office_password_in_message')).toMatchObject({
      score: 75,
      severity: 'high',
      evidence: ['invoice.docx: password-protected, and the password given in the message opens it (content analysed)'],
    });
  });

  it('also for Standard (Office 2007) encryption', async () => {
    const output = await scanWithText('invoice.docx', standardEncryptedOffice(plainDocx, '2024'), 'Password: 2024');
    expect(finding(output, 'attachments.office_password_in_message')?.score).toBe(75);
  });

  it('analyses the decrypted content: macros and remote templates inside are reported', async () => {
    const docm = ooxml('word', {
      'word/vbaProject.bin': vbaProjectBin([{ name: 'ThisDocument', source: 'Sub AutoOpen()\r\n Shell "powershell -enc AAAA"\r\nEnd Sub' }]),
      'word/_rels/settings.xml.rels': relationships([{ type: 'attachedTemplate', target: 'https://203.0.113.9/t.dotm', external: true }]),
    });
    const output = await scanWithText('doc.docx', agileEncryptedOffice(docm, 'abc123'), 'pwd: abc123');
    expect(finding(output, 'attachments.vba_macro')?.evidence).toEqual(['doc.docx (decrypted): VBA project with 1 module(s): ThisDocument']);
    expect(finding(output, 'attachments.vba_suspicious')?.score).toBe(90);
    expect(finding(output, 'attachments.office_template_injection')?.evidence).toEqual(['doc.docx (decrypted): template loaded from https://203.0.113.9/t.dotm']);
  });

  it('without a password in the message: attachments.office_encrypted (35), nothing stronger', async () => {
    const output = await scanWithText('salary.docx', agileEncryptedOffice(plainDocx, 'x9'), 'Your salary statement for March.');
    expect(ids(output)).toEqual(['attachments.office_encrypted']);
    expect(finding(output, 'attachments.office_encrypted')).toMatchObject({ score: 35, evidence: ['salary.docx: password-protected; the content cannot be inspected'] });
  });

  it('a password in the message that does not open it: attachments.office_encrypted (35)', async () => {
    const output = await scanWithText('salary.docx', agileEncryptedOffice(plainDocx, 'right'), 'Password: wrong');
    expect(ids(output)).toEqual(['attachments.office_encrypted']);
    expect(finding(output, 'attachments.office_encrypted')?.evidence).toEqual(['salary.docx: password-protected; the content cannot be inspected; the passwords in the message do not open it']);
  });

  it('legacy encryption with a password in the message: attachments.office_encrypted (50), not verified', async () => {
    const output = await scanWithText('letter.doc', oleDocument({ application: 'word', wordEncrypted: true }), 'Kennwort: 4711');
    expect(ids(output)).toEqual(['attachments.office_encrypted']);
    expect(finding(output, 'attachments.office_encrypted')?.score).toBe(50);
  });

  it('bounds the key derivations per message (three passwords tried)', async () => {
    const doc = agileEncryptedOffice(plainDocx, 'fourth');
    const output = await scanWithText('a.docx', doc, 'password: first\npassword: second\npassword: third\npassword: fourth');
    expect(ids(output)).toEqual(['attachments.office_encrypted']);
    expect(finding(output, 'attachments.office_encrypted')?.evidence?.[0]).toContain('do not open it');
    const third = await scanWithText('a.docx', doc, 'password: first\npassword: second\npassword: fourth');
    expect(ids(third)).toEqual(['attachments.office_password_in_message']);
  });

  it('an unencrypted document and a hyperlink-only document raise neither finding', async () => {
    expect((await scanWithText('plain.docx', plainDocx, 'The password is hunter2')).findings).toEqual([]);
    const linked = ooxml('word', { 'word/_rels/document.xml.rels': relationships([{ type: 'hyperlink', target: 'https://www.example.org/', external: true }]) });
    expect(ids(await scanWithText('linked.docx', linked, 'Password: x'))).toEqual(['attachments.office_external_link']);
  });
});
