import * as CFB from 'cfb';
import { CfbError, CfbFile, isCfb } from '../../../functions/src/core/documents/cfb';

function container(streams: Record<string, Buffer>): Buffer {
  const cfb = CFB.utils.cfb_new();
  for (const [path, data] of Object.entries(streams)) CFB.utils.cfb_add(cfb, path, data);
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
}

describe('CfbFile (bounded MS-CFB reader)', () => {
  it('reads small (mini-stream) and large streams in nested storages, as written by the cfb package', () => {
    const big = Buffer.alloc(10_000, 0x42);
    const bytes = container({ 'Small': Buffer.from('tiny stream'), 'Macros/VBA/dir': Buffer.from('dir data'), 'Big': big });
    expect(isCfb(bytes)).toBe(true);
    const file = new CfbFile(bytes);
    const small = file.find('small');
    expect(small).toMatchObject({ type: 'stream', size: 11 });
    expect(file.read(small!).toString()).toBe('tiny stream');
    expect(file.read(file.find('Macros/VBA/dir')!).toString()).toBe('dir data');
    expect(file.read(file.find('Big')!).equals(big)).toBe(true);
    expect(file.read(file.find('Big')!, 100)).toHaveLength(100);
    expect(file.find('Macros')?.type).toBe('storage');
    expect(file.damaged).toBe(false);
  });

  it('rejects bytes that are not a compound file', () => {
    expect(isCfb(Buffer.from('PK\u0003\u0004 not ole'))).toBe(false);
    expect(() => new CfbFile(Buffer.alloc(1024))).toThrow(CfbError);
  });

  it('stops at a cyclic FAT chain instead of looping forever (the cfb package hangs on this file)', () => {
    const bytes = container({ Big: Buffer.alloc(8192, 1), Big2: Buffer.alloc(8192, 2) });
    const parsed = new CfbFile(bytes);
    const big = parsed.find('Big')!;
    const big2 = parsed.find('Big2')!;
    // Last sector of Big points back into its own chain; Big2 starts in the middle of that chain.
    const fatOffset = 512 + bytes.readInt32LE(0x4c) * 512;
    bytes.writeInt32LE(big.start + 1, fatOffset + (big.start + 15) * 4);
    const directoryOffset = 512 + bytes.readInt32LE(0x30) * 512;
    bytes.writeInt32LE(big.start + 1, directoryOffset + big2.index * 128 + 116);

    const started = performance.now();
    const file = new CfbFile(bytes);
    const data = file.read(file.find('Big2')!);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(data.length).toBeLessThanOrEqual(8192);
    expect(file.damaged).toBe(true);
  });

  it('stops at a directory tree whose child pointer loops back to the root', () => {
    const bytes = container({ A: Buffer.from('a') });
    const directoryOffset = 512 + bytes.readInt32LE(0x30) * 512;
    const file = new CfbFile(bytes);
    const entry = file.find('A')!;
    bytes.writeInt32LE(0, directoryOffset + entry.index * 128 + 76); // A's child → root
    const looped = new CfbFile(bytes);
    expect(looped.entries.length).toBeLessThanOrEqual(file.entries.length);
    expect(looped.damaged).toBe(true);
  });
});
