import { decompressOvba } from '../../../functions/src/core/documents/ovba';
import { compressOvba } from './fixtures';

describe('decompressOvba (MS-OVBA 2.4.1)', () => {
  it('decodes the worked example of MS-OVBA 3.2 (literals and overlapping copy tokens)', () => {
    const compressed = Buffer.from(
      '012FB00023616161626364658266007061676869 6A01380861 6B6C00306D6E6F7006710270041072737475761077 78797A003C'.replace(/ /g, ''),
      'hex',
    );
    const result = decompressOvba(compressed);
    expect(result?.data.toString('latin1')).toBe('#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa');
    expect(result?.complete).toBe(true);
  });

  it('round-trips text through a real LZ77 compressor across several chunks', () => {
    const source = Array.from({ length: 400 }, (_, i) => `Sub Proc${i % 7}()\r\n  MsgBox "line ${i}"\r\nEnd Sub\r\n`).join('');
    const result = decompressOvba(compressOvba(Buffer.from(source, 'latin1')));
    expect(result?.complete).toBe(true);
    expect(result?.data.toString('latin1')).toBe(source);
  });

  it('copies raw (uncompressed) 4096-byte chunks', () => {
    const raw = Buffer.alloc(4096, 0x41);
    const header = Buffer.alloc(2);
    header.writeUInt16LE(0x3000 | 0x0fff, 0); // signature 011, flag 0, size 4098
    const result = decompressOvba(Buffer.concat([Buffer.from([1]), header, raw]));
    expect(result?.data.length).toBe(4096);
    expect(result?.complete).toBe(true);
  });

  it('returns null without the container signature and starts at the given offset', () => {
    expect(decompressOvba(Buffer.from('hello'))).toBeNull();
    const container = compressOvba(Buffer.from('Attribute VB_Name = "Module1"'));
    expect(decompressOvba(Buffer.concat([Buffer.from('junk'), container]), 4)?.data.toString()).toBe('Attribute VB_Name = "Module1"');
  });

  it('stops at damaged input: a copy reaching before the chunk, a bad chunk signature, a truncated token', () => {
    // Flag byte says "copy token" first, but nothing precedes it in the chunk.
    const badCopy = Buffer.from([0x01, 0x03, 0xb0, 0x01, 0x00, 0x00]);
    expect(decompressOvba(badCopy)).toEqual({ data: Buffer.alloc(0), complete: false });
    const badSignature = Buffer.from([0x01, 0x03, 0x00, 0x00, 0x41, 0x42]);
    expect(decompressOvba(badSignature)?.complete).toBe(false);
    const truncated = compressOvba(Buffer.from('abcabcabcabcabcabc')).subarray(0, 8);
    expect(decompressOvba(truncated)?.complete).toBe(false);
  });

  it('never produces more than maxOutput bytes, even from a run-length bomb', () => {
    const bomb = compressOvba(Buffer.alloc(200_000, 0x61));
    const result = decompressOvba(bomb, 0, 10_000);
    expect(result?.data.length).toBeLessThanOrEqual(10_000);
    expect(result?.complete).toBe(false);
  });
});
