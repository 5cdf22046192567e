import { mkdtemp, mkdir, writeFile, symlink, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enumerateInputs, isMbox, readMessages, splitMbox, type InputItem } from '../../functions/src/scan/inputs';

async function collect(iterable: AsyncIterable<InputItem>): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const MESSAGE = 'From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nbody\r\n';

describe('enumerateInputs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-inputs-'));
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    await mkdir(join(dir, '.hidden'));
    await writeFile(join(dir, 'b.eml'), MESSAGE);
    await writeFile(join(dir, 'a.eml'), MESSAGE);
    await writeFile(join(dir, 'nested', 'deeper', 'c.eml'), MESSAGE);
    await writeFile(join(dir, 'nested', '1700000000.M1P1.host'), MESSAGE); // maildir-style: no extension
    await writeFile(join(dir, 'labels.csv'), 'file,label\n');
    await writeFile(join(dir, 'LICENSE'), 'Apache License\nVersion 2.0\n');
    await writeFile(join(dir, 'notes.txt'), 'Received: by mx.example.net\r\nFrom: a@example.com\r\n\r\nhi\r\n');
    await writeFile(join(dir, '.hidden', 'x.eml'), MESSAGE);
    await symlink(dir, join(dir, 'nested', 'loop'));
  });

  it('walks folders recursively in sorted order, skipping hidden entries, links and files that do not start like mail', async () => {
    const result = await enumerateInputs([dir]);
    expect(result.files.map((file) => file.path.slice(dir.length + 1))).toEqual([
      'a.eml',
      'b.eml',
      join('nested', '1700000000.M1P1.host'),
      join('nested', 'deeper', 'c.eml'),
      'notes.txt',
    ]);
    expect(result.files.every((file) => !file.explicit)).toBe(true);
    expect(result.skipped).toBe(2);
    expect(result.errors).toEqual([]);
  });

  it('takes an explicit file whatever its extension and names a missing path', async () => {
    const result = await enumerateInputs([join(dir, 'labels.csv'), join(dir, 'missing.eml')]);
    expect(result.files).toEqual([{ path: join(dir, 'labels.csv'), explicit: true }]);
    expect(result.errors).toEqual([{ source: join(dir, 'missing.eml'), error: 'no such file or directory' }]);
  });
});

describe('readMessages', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-read-'));
  });

  it('yields one message for an .eml file', async () => {
    const path = join(dir, 'one.eml');
    await writeFile(path, MESSAGE);
    const items = await collect(readMessages({ path, explicit: true }));
    expect(items).toHaveLength(1);
    expect(items[0]).toEqual({ source: path, raw: Buffer.from(MESSAGE) });
  });

  it('reports an empty file instead of scanning it', async () => {
    const path = join(dir, 'empty.eml');
    await writeFile(path, '');
    expect(await collect(readMessages({ path, explicit: true }))).toEqual([{ source: path, error: 'file is empty' }]);
  });

  it('reports an unreadable file', async () => {
    if (process.getuid?.() === 0) {
      // root reads any file regardless of mode bits, so use a path that is a directory instead
      const items = await collect(readMessages({ path: dir, explicit: true }));
      expect(items).toEqual([{ source: dir, error: 'is a directory' }]);
      return;
    }
    const path = join(dir, 'locked.eml');
    await writeFile(path, MESSAGE);
    await chmod(path, 0);
    expect(await collect(readMessages({ path, explicit: true }))).toEqual([{ source: path, error: 'permission denied' }]);
  });

  it('splits an mbox into numbered messages', async () => {
    const path = join(dir, 'box.mbox');
    const mbox =
      `From alice@example.com Mon Nov  2 10:00:00 2026\n${MESSAGE.replace(/\r\n/g, '\n')}\n` +
      `From bob@example.org Mon Nov  2 11:00:00 2026\nFrom: b@example.org\nSubject: two\n\n>From the top\n`;
    await writeFile(path, mbox);
    const items = await collect(readMessages({ path, explicit: false }));
    expect(items.map((item) => item.source)).toEqual([`${path}#1`, `${path}#2`]);
    const second = items[1] as { raw: Buffer };
    expect(second.raw.toString()).toBe('From: b@example.org\nSubject: two\n\nFrom the top\n');
  });
});

describe('mbox helpers', () => {
  it('recognises an mbox by its separator line only', () => {
    expect(isMbox(Buffer.from('From x@y Tue Jan 1 00:00:00 2026\n'))).toBe(true);
    expect(isMbox(Buffer.from('From: x@y\n'))).toBe(false);
  });

  it('keeps one level of mboxrd quoting on deeper quoted lines', () => {
    const [message] = [...splitMbox(Buffer.from('From a@b c\nSubject: s\n\n>>From deeper\n'))];
    expect(message?.toString()).toBe('Subject: s\n\n>From deeper\n');
  });
});
