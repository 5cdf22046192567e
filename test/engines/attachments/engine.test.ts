import { deflateRawSync } from 'node:zlib';
import { ATTACHMENTS_ENGINE_VERSION, createAttachmentsEngine } from '../../../functions/src/engines/attachments';
import { ConfigError } from '../../../functions/src/core/errors';
import { makeSubject } from '../../support/subject';
import { ooxml, simplePdf, linkAnnotation, zip } from '../../core/documents/fixtures';
import { attachment, context, scan, scanFile, subjectWith } from './helpers';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a30000000049454e44ae426082', 'hex');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64), Buffer.from('ffd9', 'hex')]);

describe('attachments engine: identity and config', () => {
  it('describes itself and validates an empty config to defaults', () => {
    const engine = createAttachmentsEngine();
    expect(engine).toMatchObject({ name: 'attachments', version: ATTACHMENTS_ENGINE_VERSION, defaultTimeoutMs: 3000 });
    expect(engine.config).toMatchObject({ extraDangerousExtensions: [], allowedExtensions: [], allowedTypes: [], maxEvidencePerFinding: 5 });
    expect(engine.config.limits).toMatchObject({ maxArchiveDepth: 3, maxCompressionRatio: 200, maxFiles: 500 });
  });

  it('normalises extensions and rejects bad config with a ConfigError naming the path', () => {
    const engine = createAttachmentsEngine({ allowedExtensions: ['.URL'], extraDangerousExtensions: [{ extension: '.xyz' }] });
    expect(engine.config.allowedExtensions).toEqual(['url']);
    expect(engine.config.extraDangerousExtensions[0]).toMatchObject({ extension: 'xyz', category: 'executable' });
    expect(() => createAttachmentsEngine({ allowedExtensions: ['not an ext!'] })).toThrow(ConfigError);
    expect(() => createAttachmentsEngine({ allowedTypes: ['pdf'] })).toThrow(/allowedTypes/);
    expect(() => createAttachmentsEngine({ limits: { maxFiles: 0 } })).toThrow(/limits.maxFiles/);
    expect(() => createAttachmentsEngine({ unknown: true })).toThrow(ConfigError);
  });
});

describe('attachments engine: ordinary mail does not fire', () => {
  it('a message without attachments scores 0', async () => {
    expect(await scan(makeSubject())).toEqual({ score: 0, findings: [], iocs: { sha256: [], urls: [], domains: [] } });
  });

  it('images, patches, CSV, a PDF with a footer link, a Word document: no findings', async () => {
    const files = await Promise.all([
      attachment('photo.jpeg', JPEG, 'image/jpg'), // image/jpg is not a registered type; mailers use it anyway
      attachment('screenshot.jpg', PNG, 'image/jpeg'), // a PNG saved as .jpg
      attachment('logo.png', PNG, 'image/png'),
      attachment('0001-fix-race.patch', 'diff --git a/x b/x\n+fixed\n', 'text/x-patch'),
      attachment('report.csv', 'a,b\n1,2\n', 'text/csv'),
      attachment('invoice.pdf', simplePdf({ annots: [linkAnnotation('https://shop.example.com/', '[50 20 200 35]')] }), 'application/pdf'),
      attachment('letter.docx', ooxml('word', { 'word/_rels/document.xml.rels': '<Relationships/>' }), 'application/octet-stream'),
      attachment('signature.asc', '-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n', 'application/pgp-signature'),
      attachment('notes.txt', 'MZ is short for my zone.', 'text/plain'),
      attachment('archive.tar.gz', Buffer.from('1f8b0800000000000003030000000000000000', 'hex'), 'application/gzip'),
    ]);
    const output = await scan(subjectWith(files));
    expect(output.findings).toEqual([]);
    expect(output.score).toBe(0);
  });

  it('a zip of documents and a docx that the detector only sees as a zip', async () => {
    const docs = zip([
      { name: 'minutes.pdf', data: simplePdf() },
      { name: 'data/figures.xlsx', data: ooxml('excel') },
    ]);
    const plainZipDocx = zip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'word/document.xml', data: Buffer.from('<w:document/>') }]);
    const output = await scan(subjectWith([await attachment('docs.zip', docs, 'application/zip'), await attachment('draft.docx', plainZipDocx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')]));
    expect(output.findings).toEqual([]);
  });
});

describe('attachments engine: bounds and failure', () => {
  it('stops with an error (never "clean") when the orchestrator aborts the scan', async () => {
    const controller = new AbortController();
    controller.abort(new Error('timed out'));
    const subject = subjectWith([await attachment('a.pdf', simplePdf(), 'application/pdf')]);
    await expect(createAttachmentsEngine().scan(subject, context([], controller.signal))).rejects.toThrow('timed out');
  });

  it('reports files over the per-message file budget as not analysed', async () => {
    const members = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') }));
    const output = await scan(subjectWith([await attachment('many.zip', zip(members), 'application/zip')]), { limits: { maxFiles: 5 } });
    expect(output.findings).toEqual([expect.objectContaining({ id: 'attachments.not_analysed', score: 0, severity: 'info' })]);
  });

  it('reports PDFs over the size limit as not analysed, not as clean and not as damaged', async () => {
    const output = await scanFile('big.pdf', simplePdf(), 'application/pdf', { limits: { maxPdfBytes: 100 } });
    expect(output.findings.map((f) => f.id)).toEqual(['attachments.not_analysed']);
  });

  it('keeps evidence bounded and reports hashes of files behind findings as IOCs', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(0x3a), Buffer.from([0x40, 0, 0, 0]), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
    const files = await Promise.all(Array.from({ length: 8 }, (_, i) => attachment(`tool${i}.exe`, Buffer.concat([exe, Buffer.from([i])]))));
    const output = await scan(subjectWith(files), { maxEvidencePerFinding: 3 });
    expect(output.findings[0]?.evidence).toHaveLength(3);
    expect(output.iocs?.sha256).toHaveLength(8);
    void deflateRawSync;
  });
});
