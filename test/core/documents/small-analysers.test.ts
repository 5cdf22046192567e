import { crc32, deflateRawSync } from 'node:zlib';
import { passwordCandidates } from '../../../functions/src/core/documents/passwords';
import { sniffType } from '../../../functions/src/core/documents/sniff';
import { encryptedZipEntries } from '../../../functions/src/core/documents/zip-crypto';
import { packageFileName } from '../../../functions/src/core/documents/ole-package';
import { encryptedZipEntry, ole10Native, zip } from './fixtures';

function pe(): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}

describe('sniffType', () => {
  it.each([
    ['pe', pe()],
    ['elf', Buffer.from('\x7fELF\x02\x01\x01\0', 'latin1')],
    ['macho', Buffer.from('cffaedfe07000001', 'hex')],
    ['lnk', Buffer.concat([Buffer.from('4c0000000114020000000000c000000000000046', 'hex'), Buffer.alloc(60)])],
    ['onenote', Buffer.concat([Buffer.from('e4525c7b8cd8a74daeb15378d02996d3', 'hex'), Buffer.alloc(32)])],
    ['vhdx', Buffer.from('vhdxfile\0\0\0\0', 'latin1')],
    ['vhd', Buffer.concat([Buffer.alloc(1024), Buffer.from('conectix'), Buffer.alloc(504)])],
    ['iso', Buffer.concat([Buffer.alloc(0x8001), Buffer.from('CD001'), Buffer.alloc(100)])],
    ['udf', Buffer.concat([Buffer.alloc(0x8001), Buffer.from('BEA01'), Buffer.alloc(100)])],
    ['pdf', Buffer.from('%PDF-1.7\n')],
    ['rtf', Buffer.from('{\\rtf1\\ansi}')],
    ['html', Buffer.from('\ufeff  <!DOCTYPE html><html>')],
    ['svg', Buffer.from('<?xml version="1.0"?>\n<!-- x --><svg xmlns="http://www.w3.org/2000/svg">')],
    ['icalendar', Buffer.from('BEGIN:VCALENDAR\r\nVERSION:2.0')],
  ])('recognises %s', (type, bytes) => expect(sniffType(bytes)).toBe(type));

  it('does not call text starting with "MZ" an executable, nor plain text anything', () => {
    expect(sniffType(Buffer.from('MZ is a nice abbreviation for a long text file.'))).toBeNull();
    expect(sniffType(Buffer.from('Hello, see the attached notes.'))).toBeNull();
  });
});

describe('passwordCandidates', () => {
  it('finds passwords given in many phrasings and languages', () => {
    expect(passwordCandidates('Password: sa')).toEqual(['sa']);
    expect(passwordCandidates('Para visualizar, use a senha: 123 Código de liberação: X')).toEqual(['123']);
    expect(passwordCandidates('The password is "Inv-2024!". Regards')).toEqual(['Inv-2024!']);
    expect(passwordCandidates('Senha de acesso: 1234 - Autorização')).toEqual(['1234']);
    expect(passwordCandidates('Kennwort = abc123')).toEqual(['abc123']);
  });

  it('bounds the candidates and ignores mail without a password', () => {
    expect(passwordCandidates('See you at lunch.')).toEqual([]);
    expect(passwordCandidates(Array.from({ length: 20 }, (_, i) => `password: p${i}`).join('\n'))).toHaveLength(5);
  });
});

describe('encryptedZipEntries (ZipCrypto)', () => {
  it('decrypts an entry with the right password and refuses a wrong one', () => {
    const data = Buffer.from('Sub AutoOpen()\r\nEnd Sub\r\n'.repeat(20));
    const archive = zip([encryptedZipEntry('macro.docm', data, 'sa'), { name: 'readme.txt', data: Buffer.from('hi') }]);
    const entries = encryptedZipEntries(archive);
    expect([...entries.keys()]).toEqual(['macro.docm']);
    const entry = entries.get('macro.docm')!;
    expect(entry.decrypt('wrong', 1e6)).toBeNull();
    expect(entry.decrypt('sa', 1e6)?.equals(data)).toBe(true);
    expect(entry.decrypt('sa', 10)).toBeNull(); // over the output bound
  });

  it('lists nothing for an unencrypted or damaged zip', () => {
    expect(encryptedZipEntries(zip([{ name: 'a.txt', data: Buffer.from('a') }])).size).toBe(0);
    expect(encryptedZipEntries(Buffer.from('PK junk')).size).toBe(0);
    void crc32;
    void deflateRawSync;
  });
});

describe('packageFileName', () => {
  it('reads the file name of an OLE Package', () => {
    expect(packageFileName(ole10Native('report.pdf.exe', Buffer.from('MZ')))).toBe('report.pdf.exe');
    expect(packageFileName(Buffer.alloc(2))).toBeNull();
  });
});
