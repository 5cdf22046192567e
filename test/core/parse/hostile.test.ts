import { createHash } from 'node:crypto';
import { buildScanSubject } from '../../../functions/src/core/parse';
import { decodeWithMailparser } from '../../../functions/src/core/parse/mail-decoder';
import type { AnomalyCode, ScanSubject } from '../../../functions/src/core/subject/types';
import { CRLF, base64Lines, bytes, deflatedZeros, entity, measure, multipartBody, pseudoRandomBytes, zip } from './builders';

/**
 * Hostile input: every case must return a subject (never throw), record the anomaly, and stay
 * within a time and memory bound far below what the input would cost unbounded.
 */

const TIME_BOUND_MS = 5_000;
const MEMORY_BOUND_MB = 400;

function codes(subject: ScanSubject): AnomalyCode[] {
  return subject.anomalies.map((anomaly) => anomaly.code);
}

async function buildBounded(raw: Uint8Array, options?: Parameters<typeof buildScanSubject>[1]): Promise<ScanSubject> {
  const { value, millis, rssGrowthMb } = await measure(() => buildScanSubject(raw, options));
  expect(millis).toBeLessThan(TIME_BOUND_MS);
  expect(rssGrowthMb).toBeLessThan(MEMORY_BOUND_MB);
  return value;
}

function withAttachment(filename: string, content: Buffer, contentType = 'application/zip'): Buffer {
  return bytes(
    entity(
      [['From', 'sender@example.com'], ['Content-Type', 'multipart/mixed; boundary=att']],
      multipartBody('att', [
        entity([['Content-Type', 'text/plain']], 'see attachment'),
        entity(
          [
            ['Content-Type', `${contentType}; name="${filename}"`],
            ['Content-Disposition', `attachment; filename="${filename}"`],
            ['Content-Transfer-Encoding', 'base64'],
          ],
          base64Lines(content),
        ),
      ]),
    ),
  );
}

describe('hostile MIME structure', () => {
  it('flattens 1,000 levels of multipart nesting at the depth limit', async () => {
    let body = entity([['Content-Type', 'text/plain']], 'deepest secret');
    for (let level = 999; level >= 0; level--) {
      body = entity([['Content-Type', `multipart/mixed; boundary="level-${level}"`]], multipartBody(`level-${level}`, [body]));
    }
    const raw = bytes(`From: deep@example.com${CRLF}${body}`);
    const subject = await buildBounded(raw);
    expect(codes(subject)).toContain('limit.mime_depth');
    expect(subject.mimeMaxDepth).toBe(30);
    expect(subject.mimePartCount).toBe(31);
    expect(subject.from?.address).toBe('deep@example.com');
    expect(subject.text).not.toContain('deepest secret');
  });

  it('keeps content above the depth limit', async () => {
    const leaf = entity([['Content-Type', 'text/plain']], 'shallow text');
    const deepLeaf = entity([['Content-Type', 'text/plain']], 'too deep');
    let deep = deepLeaf;
    for (let level = 5; level >= 2; level--) {
      deep = entity([['Content-Type', `multipart/mixed; boundary="d${level}"`]], multipartBody(`d${level}`, [deep]));
    }
    const raw = bytes(entity([['Content-Type', 'multipart/mixed; boundary=top']], multipartBody('top', [leaf, deep])));
    const subject = await buildBounded(raw, { limits: { maxMimeDepth: 3 } });
    expect(codes(subject)).toContain('limit.mime_depth');
    expect(subject.text).toContain('shallow text');
    expect(subject.text).not.toContain('too deep');
    expect(subject.mimeMaxDepth).toBe(3);
  });

  it('stops at the part limit on a message with 50,000 parts', async () => {
    const parts = Array.from({ length: 50_000 }, (_, i) => entity([['Content-Type', 'text/plain']], `part ${i}`));
    const raw = bytes(entity([['Subject', 'many parts'], ['Content-Type', 'multipart/mixed; boundary=p']], multipartBody('p', parts)));
    const subject = await buildBounded(raw);
    expect(codes(subject)).toContain('limit.mime_parts');
    expect(subject.mimePartCount).toBe(500);
    expect(subject.subject).toBe('many parts');
    expect(subject.text).toContain('part 0\n');
    expect(subject.text).toContain('part 498');
    expect(subject.text).not.toContain('part 499');
  });

  it('cuts a 5 MB header block at maxHeaderBytes and still reads the body', async () => {
    const filler = Array.from({ length: 70_000 }, (_, i) => `X-Filler-${i}: ${'a'.repeat(60)}`).join(CRLF);
    const raw = bytes(`From: a@example.com${CRLF}${filler}${CRLF}Subject: after the filler${CRLF}${CRLF}body survives`);
    expect(raw.length).toBeGreaterThan(5_000_000);
    const subject = await buildBounded(raw);
    expect(codes(subject)).toContain('limit.header_bytes');
    const kept = subject.headers.reduce((sum, header) => sum + header.name.length + header.raw.length + 4, 0);
    expect(kept).toBeLessThanOrEqual(256 * 1024);
    expect(subject.headers[0]?.name).toBe('from');
    expect(subject.subject).toBe('');
    expect(subject.text).toBe('body survives');
  });

  it('drops a single 5 MB header line', async () => {
    const raw = bytes(`Subject: kept${CRLF}X-Huge: ${'b'.repeat(5 * 1024 * 1024)}${CRLF}${CRLF}text`);
    const subject = await buildBounded(raw);
    expect(codes(subject)).toContain('limit.header_bytes');
    expect(subject.headers.map((header) => header.name)).toEqual(['subject']);
    expect(subject.text).toBe('text');
  });

  it('reports a multipart without a boundary parameter', async () => {
    const raw = bytes(entity([['Content-Type', 'multipart/mixed']], '--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n'));
    const subject = await buildBounded(raw);
    expect(codes(subject)).toContain('mime.missing_boundary');
  });

  it('reports an unterminated multipart and keeps its parts', async () => {
    const raw = bytes(
      entity([['Content-Type', 'multipart/mixed; boundary=open']], multipartBody('open', [entity([['Content-Type', 'text/plain']], 'first part')], false)),
    );
    const subject = await buildBounded(raw);
    expect(codes(subject)).toContain('mime.unterminated_multipart');
    expect(subject.text).toContain('first part');
  });

  it('decodes a flood of millions of empty lines without mailparser', async () => {
    const raw = Buffer.concat([bytes('Content-Type: text/plain\r\n\r\nstart'), Buffer.alloc(3_000_000, 0x0a), bytes('end')]);
    const subject = await buildBounded(raw, { limits: { maxBodyChars: 4_000_000 } });
    expect(subject.anomalies).toContainEqual({
      code: 'limit.total_size',
      detail: 'more than 1000000 lines; decoded from the pre-scanned structure instead of by mailparser',
    });
    expect(subject.text.startsWith('start\n\n')).toBe(true);
    expect(subject.text.length).toBe(3_000_008);
  });

  it('cuts input over maxTotalBytes', async () => {
    const raw = bytes(entity([['Subject', 'big']], 'x'.repeat(5000)));
    const subject = await buildBounded(raw, { limits: { maxTotalBytes: 1000 } });
    expect(codes(subject)).toContain('limit.total_size');
    expect(subject.rawSize).toBe(raw.length);
    expect(subject.ids.rawSha256).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(subject.text.length).toBeLessThan(1000);
  });
});

describe('hostile HTML', () => {
  it('extracts links only above a pathological nesting depth', async () => {
    const html = `<a href="https://before.example/">before</a>${'<b>'.repeat(200_000)}<a href="https://after.example/">after</a>`;
    const subject = await buildBounded(bytes(entity([['Content-Type', 'text/html']], html)));
    expect(subject.links.map((link) => link.url)).toEqual(['https://before.example/']);
    expect(codes(subject)).toContain('limit.links');
    expect(subject.text).toBe('beforeafter');
  });
});

describe('hostile encodings', () => {
  it('reports broken base64 and still decodes what it can', async () => {
    const raw = withAttachment('data.bin', Buffer.from('hello world'), 'application/octet-stream');
    const broken = Buffer.from(raw.toString('latin1').replace('aGVsbG8gd29ybGQ=', 'aGVsbG8g!!d29ybGQ'), 'latin1');
    const subject = await buildBounded(broken);
    expect(subject.anomalies).toContainEqual({ code: 'mime.bad_base64', detail: 'part 2: invalid characters' });
    expect(subject.attachments).toHaveLength(1);
    expect(subject.attachments[0]?.size).toBeGreaterThan(0);
  });

  it('reports base64 of an impossible length', async () => {
    const raw = bytes(entity([['Content-Type', 'text/plain'], ['Content-Transfer-Encoding', 'base64']], 'aGVsbG8gd29ybGQ'));
    const subject = await buildBounded(raw);
    expect(subject.anomalies).toContainEqual({ code: 'mime.bad_base64', detail: 'the message: bad length' });
    expect(subject.text).toBe('hello world');
  });

  it('reports broken quoted-printable and keeps the literal text', async () => {
    const raw = bytes(entity([['Content-Type', 'text/plain; charset=utf-8'], ['Content-Transfer-Encoding', 'quoted-printable']], 'price =ZZ 5 caf=C3=A9 = x'));
    const subject = await buildBounded(raw);
    expect(subject.anomalies).toContainEqual({ code: 'mime.bad_quoted_printable', detail: 'the message: 2 invalid escape sequence(s)' });
    expect(subject.text).toContain('café');
    expect(subject.text).toContain('=ZZ');
  });

  it('reports an unknown charset and decodes the body as UTF-8', async () => {
    const raw = Buffer.concat([
      bytes(`Content-Type: text/plain; charset=x-klingon${CRLF}Content-Transfer-Encoding: 8bit${CRLF}${CRLF}`),
      Buffer.from('héllo wörld', 'utf8'),
    ]);
    const subject = await buildBounded(raw);
    expect(subject.anomalies).toContainEqual({ code: 'mime.unknown_charset', detail: 'the message declares charset "x-klingon"; decoded as UTF-8 or latin1' });
    expect(subject.text).toBe('héllo wörld');
  });

  it('refuses UTF-7 (markup smuggling) and reports it', async () => {
    const raw = bytes(entity([['Content-Type', 'text/html; charset=utf-7']], '+ADw-script+AD4-alert(1)+ADw-/script+AD4-'));
    const subject = await buildBounded(raw);
    expect(codes(subject)).toContain('mime.unknown_charset');
    expect(subject.html).not.toContain('<script>');
  });
});

describe('hostile archives', () => {
  it('does not inflate a zip bomb that declares 1 GiB', async () => {
    const bomb = zip([{ name: 'zeros.bin', compressed: deflatedZeros(1024), declaredSize: 1024 * 1024 * 1024, crc: 0 }]);
    expect(bomb.length).toBeLessThan(1_200_000);
    const subject = await buildBounded(withAttachment('bomb.zip', bomb));
    expect(codes(subject)).toContain('archive.bomb_ratio');
    const [member] = subject.attachments[0]?.members ?? [];
    expect(member).toEqual(expect.objectContaining({ path: 'zeros.bin', size: 1024 * 1024 * 1024, sha256: null, detectedType: null }));
  });

  it('stops a zip bomb that lies about its size at the archive byte budget', async () => {
    const bomb = zip([{ name: 'liar.bin', compressed: deflatedZeros(1024), declaredSize: 1000, crc: 0 }]);
    const subject = await buildBounded(withAttachment('liar.zip', bomb), { limits: { maxArchiveBytes: 16 * 1024 * 1024 } });
    expect(codes(subject)).toContain('limit.archive_bytes');
    expect(subject.attachments[0]?.members[0]?.sha256).toBeNull();
  });

  it('stops a lying zip bomb at the compression ratio when that comes first', async () => {
    const bomb = zip([{ name: 'liar.bin', compressed: deflatedZeros(1024), declaredSize: 1000, crc: 0 }]);
    const subject = await buildBounded(withAttachment('liar.zip', bomb), { limits: { maxCompressionRatio: 10 } });
    expect(codes(subject)).toContain('archive.bomb_ratio');
    expect(subject.attachments[0]?.members[0]?.sha256).toBeNull();
  });

  it('shares the archive byte budget across archives', async () => {
    const data = pseudoRandomBytes(300 * 1024);
    const archive = zip([{ name: 'a.bin', data }, { name: 'b.bin', data }, { name: 'c.bin', data }]);
    const subject = await buildBounded(withAttachment('three.zip', archive), { limits: { maxArchiveBytes: 700 * 1024 } });
    const members = subject.attachments[0]?.members ?? [];
    expect(members.map((member) => member.sha256 !== null)).toEqual([true, true, false]);
    expect(codes(subject)).toContain('limit.archive_bytes');
  });

  it('marks encrypted entries and does not try to inflate them', async () => {
    const archive = zip([
      { name: 'secret.docm', data: Buffer.from('encrypted bytes here'), flags: 0x0001 },
      { name: 'readme.txt', data: Buffer.from('plain') },
    ]);
    const subject = await buildBounded(withAttachment('locked.zip', archive));
    expect(codes(subject)).toContain('archive.encrypted');
    const members = subject.attachments[0]?.members ?? [];
    expect(members[0]).toEqual(expect.objectContaining({ path: 'secret.docm', encrypted: true, sha256: null }));
    expect(members[1]).toEqual(expect.objectContaining({ path: 'readme.txt', encrypted: false, sha256: createHash('sha256').update('plain').digest('hex') }));
  });

  it('limits archive nesting depth', async () => {
    let archive = zip([{ name: 'core.txt', data: Buffer.from('core') }]);
    for (let level = 5; level >= 1; level--) archive = zip([{ name: `level${level}.zip`, data: archive }]);
    const subject = await buildBounded(withAttachment('nested.zip', archive));
    expect(codes(subject)).toContain('limit.archive_depth');
    const level1 = subject.attachments[0]?.members[0];
    const level2 = level1?.members[0];
    expect(level2?.path).toBe('level2.zip');
    expect(level2?.members[0]?.path).toBe('level3.zip');
    expect(level2?.members[0]?.members).toEqual([]);
  });

  it('limits archive entries across the message', async () => {
    const archive = zip(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from(`file ${i}`) })));
    const subject = await buildBounded(withAttachment('many.zip', archive), { limits: { maxArchiveEntries: 20 } });
    expect(codes(subject)).toContain('limit.archive_entries');
    expect(subject.attachments[0]?.members).toHaveLength(20);
  });

  it('reports a corrupt archive', async () => {
    const archive = zip([{ name: 'x.txt', data: Buffer.from('x'.repeat(100)) }]);
    const damaged = archive.subarray(0, archive.length - 30);
    const subject = await buildBounded(withAttachment('broken.zip', Buffer.from(damaged)));
    expect(codes(subject)).toContain('archive.corrupt');
    expect(subject.attachments[0]?.detectedType).toBe('application/zip');
  });
});

describe('input that is not mail', () => {
  it('yields a subject for random binary', async () => {
    const raw = pseudoRandomBytes(256 * 1024);
    const subject = await buildBounded(raw);
    expect(codes(subject)).toContain('mime.not_mime');
    expect(subject.headers).toEqual([]);
    expect(subject.text.length).toBeGreaterThan(0);
    expect(subject.rawSize).toBe(raw.length);
  });

  it('yields text and links for plain text without headers', async () => {
    const subject = await buildBounded(bytes('Dear customer\nplease log in at https://login.example.net/now\n'));
    expect(codes(subject)).toEqual(['mime.not_mime']);
    expect(subject.text).toContain('Dear customer');
    expect(subject.links.map((link) => link.url)).toEqual(['https://login.example.net/now']);
  });

  it('yields an empty subject for empty input', async () => {
    const subject = await buildBounded(new Uint8Array(0));
    expect(subject.anomalies).toEqual([{ code: 'mime.not_mime', detail: 'empty input' }]);
    expect(subject.ids.rawSha256).toBe(createHash('sha256').update('').digest('hex'));
    expect(subject.text).toBe('');
    expect(subject.rawSize).toBe(0);
  });

  it('never throws on mutations of a valid message', async () => {
    const base = withAttachment('a.zip', zip([{ name: 'a.txt', data: Buffer.from('abc '.repeat(50)) }]));
    const random = pseudoRandomBytes(4000, 7);
    for (let round = 0; round < 150; round++) {
      const mutated = Buffer.from(base);
      for (let flip = 0; flip < 1 + (round % 8); flip++) {
        const position = ((random[round * 8 + flip] ?? 0) * 977 + round * 131) % mutated.length;
        mutated[position] = random[(round * 8 + flip + 1000) % random.length] ?? 0;
      }
      const truncated = mutated.subarray(0, mutated.length - ((round * 37) % mutated.length));
      const subject = await buildScanSubject(truncated);
      expect(subject.rawSize).toBe(truncated.length);
    }
  });
});

describe('time bound', () => {
  it('stops between stages when maxParseMillis has passed', async () => {
    const raw = withAttachment('big.bin', pseudoRandomBytes(8 * 1024 * 1024), 'application/octet-stream');
    const { value: subject, millis } = await measure(() => buildScanSubject(raw, { limits: { maxParseMillis: 1 } }));
    expect(codes(subject)).toContain('limit.parse_time');
    expect(subject.from?.address).toBe('sender@example.com');
    expect(millis).toBeLessThan(2_000);
  });

  it('abandons mailparser when its time is up', async () => {
    const raw = withAttachment('big.bin', pseudoRandomBytes(8 * 1024 * 1024), 'application/octet-stream');
    const started = performance.now();
    const outcome = await decodeWithMailparser(raw, {
      timeoutMillis: 5,
      maxAttachments: 10,
      maxContentBytes: 64 * 1024 * 1024,
      maxHeadSize: 1024 * 1024,
      maxChildNodes: 100,
    });
    expect(outcome.status).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('replaces invalid limit values with the defaults instead of failing', async () => {
    const subject = await buildScanSubject(bytes('Subject: ok\r\n\r\nbody'), { limits: { maxParseMillis: -5, maxMimeParts: Number.NaN } });
    expect(subject.subject).toBe('ok');
    expect(subject.anomalies).toEqual([]);
  });
});
