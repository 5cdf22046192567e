import { CfbFile } from '../../../functions/src/core/documents/cfb';
import { decryptOffice } from '../../../functions/src/core/documents/office-crypt';
import { oleDocument, ooxml } from './fixtures';
import { agileEncryptedOffice, standardEncryptedOffice } from './office-crypt-fixtures';

/** A package of several 4096-byte segments, so segment IVs and the final partial segment are exercised. */
const plain = ooxml('word', { 'word/media/filler.bin': Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 251)) });

describe('decryptOffice', () => {
  it('opens Agile encryption with the right password and returns the exact package', () => {
    const result = decryptOffice(new CfbFile(agileEncryptedOffice(plain, 'Invoice-2024')), ['wrong', 'Invoice-2024'], 3);
    expect(result).toMatchObject({ scheme: 'agile', passwordIndex: 1, attempts: 2, problem: null });
    expect(result.package?.equals(plain)).toBe(true);
  });

  it('opens Agile encryption at the spin count Office writes (100,000)', () => {
    const result = decryptOffice(new CfbFile(agileEncryptedOffice(plain, '1234', { spinCount: 100_000 })), ['1234'], 1);
    expect(result.package?.equals(plain)).toBe(true);
  });

  it('opens Standard (Office 2007) encryption', () => {
    const result = decryptOffice(new CfbFile(standardEncryptedOffice(plain, 'pass')), ['pass'], 1);
    expect(result).toMatchObject({ scheme: 'standard', passwordIndex: 0 });
    expect(result.package?.equals(plain)).toBe(true);
  });

  it('wrong passwords open nothing; at most maxAttempts are tried', () => {
    const file = new CfbFile(agileEncryptedOffice(plain, 'secret'));
    expect(decryptOffice(file, ['a', 'b'], 5)).toMatchObject({ scheme: 'agile', passwordIndex: null, package: null, attempts: 2 });
    expect(decryptOffice(file, ['a', 'b', 'secret'], 2)).toMatchObject({ passwordIndex: null, attempts: 2 });
  });

  it('does not run a key derivation over the spin-count bound', () => {
    const file = new CfbFile(agileEncryptedOffice(plain, 'x', { declaredSpinCount: 10_000_000 }));
    expect(decryptOffice(file, ['x'], 3)).toMatchObject({ scheme: 'agile', attempts: 0, passwordIndex: null, problem: expect.stringContaining('10000000 rounds') });
  });

  it('legacy encryption of a binary Word file is reported, not attempted', () => {
    const file = new CfbFile(oleDocument({ application: 'word', wordEncrypted: true }));
    expect(decryptOffice(file, ['x'], 3)).toMatchObject({ scheme: 'legacy', attempts: 0 });
  });

  it('a decrypted package over the bound is not produced', () => {
    const result = decryptOffice(new CfbFile(agileEncryptedOffice(plain, 'x')), ['x'], 1, { maxSpinCount: 100_000, maxPackageBytes: 1024 });
    expect(result).toMatchObject({ passwordIndex: 0, package: null, problem: expect.stringContaining('over a bound') });
  });
});
