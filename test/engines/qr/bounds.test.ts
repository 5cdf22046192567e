import sharp from 'sharp';
import { QrConfigSchema, type QrConfigInput } from '../../../functions/src/engines/qr';
import { ImageSearch } from '../../../functions/src/engines/qr/image-search';
import { loadImageLibraries } from '../../../functions/src/engines/qr/libraries';
import { ResultCache } from '../../../functions/src/engines/qr/result-cache';
import type { ScanSubject } from '../../../functions/src/core/subject/types';
import { attachment, declaredPng, finding, PHISH_URL, pictureWithoutQr, qrPng, scan, subjectWith } from './helpers';

function imageSearch(config: QrConfigInput = {}): ImageSearch {
  return new ImageSearch(loadImageLibraries(), QrConfigSchema.parse(config));
}

function search(subject: ScanSubject, config: QrConfigInput = {}, signal = new AbortController().signal): ReturnType<ImageSearch['search']> {
  return imageSearch(config).search(subject, signal);
}

describe('qr engine: bounded on hostile input', () => {
  it('skips a PNG declaring 10000×10000 pixels from its header alone, without decoding it', async () => {
    const huge = declaredPng(10_000, 10_000);
    const started = performance.now();
    const output = await scan(subjectWith({ attachments: [attachment(huge, 'huge.png')] }));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(finding(output, 'qr.scan_incomplete')?.evidence).toEqual(['1 image over the byte or pixel cap']);
  });

  it('finds a code in a 5000×5000 photo-sized JPEG by scaling it down (shrink-on-load), within the budget', async () => {
    const code = await sharp(await qrPng(PHISH_URL)).resize(656, 656, { kernel: 'nearest' }).toBuffer();
    const large = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: '#dfe6ee' } })
      .composite([{ input: code, left: 3600, top: 3900 }])
      .jpeg({ quality: 85 })
      .toBuffer();
    const started = performance.now();
    const output = await scan(subjectWith({ attachments: [attachment(large, 'scan.jpg')] }));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(finding(output, 'qr.url')?.evidence[0]).toContain(PHISH_URL);
  });

  it('decodes at most maxImagesPerMessage images and reports the rest as over the cap', async () => {
    const pictures = await Promise.all(Array.from({ length: 30 }, (_, index) => pictureWithoutQr(240, 200, index)));
    const subject = subjectWith({ attachments: pictures.map((bytes, index) => attachment(bytes, `p${index}.png`)) });
    const started = performance.now();
    const result = await search(subject, { maxImagesPerMessage: 8, maxCandidatesPerMessage: 20 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.stats).toMatchObject({ candidates: 20, decoded: 8 });
    // 10 past the candidate cap, 12 read but past the decode cap.
    expect(result.stats.skipped.over_cap).toBe(22);
  });

  it('stops at the time budget and says how many images were left', async () => {
    const codes = await Promise.all(Array.from({ length: 20 }, (_, index) => qrPng(`https://site${index}.example.net/`)));
    const subject = subjectWith({ attachments: codes.map((bytes, index) => attachment(bytes, `c${index}.png`)) });
    const output = await scan(subject, { timeBudgetMs: 50 });
    const incomplete = finding(output, 'qr.scan_incomplete');
    expect(incomplete?.evidence.join(' ')).toMatch(/\d+ images? left when the time budget ran out/);
  });

  it('returns at once, with nothing decoded, when the orchestrator has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const subject = subjectWith({ attachments: [attachment(await qrPng(PHISH_URL), 'scan.png')] });
    const result = await search(subject, {}, controller.signal);
    expect(result.codes).toEqual([]);
    expect(result.stats.skipped.out_of_time).toBe(1);
  });

  it('skips an oversized data: URI without decoding it and caps the number taken', async () => {
    const bigBase64 = 'A'.repeat(12 * 1024 * 1024);
    const small = (await qrPng(PHISH_URL)).toString('base64');
    const html = `<img src="data:image/png;base64,${bigBase64}">` + `<img src="data:image/png;base64,${small}">`.repeat(3);
    const result = await search(subjectWith({ html }), { maxImageBytes: 1024 * 1024, maxDataUriImages: 2 });
    // One too large, one past the count cap; the two taken are the same bytes, searched once.
    expect(result.stats.skipped.over_cap).toBe(2);
    expect(result.stats.duplicates).toBe(1);
    expect(result.codes.map((code) => code.payload)).toEqual([PHISH_URL]);
  });

  it('searches identical images once per message, and remembers results across messages', async () => {
    const png = await qrPng(PHISH_URL);
    const subject = subjectWith({ attachments: [attachment(png, 'a.png'), attachment(png, 'copy.png', { inline: true })] });
    const engine = imageSearch();
    const first = await engine.search(subject, new AbortController().signal);
    expect(first.stats).toMatchObject({ duplicates: 1, decoded: 1, cacheHits: 0 });
    const second = await engine.search(subject, new AbortController().signal);
    expect(second.stats).toMatchObject({ decoded: 0, cacheHits: 1 });
    expect(second.codes.map((code) => code.payload)).toEqual([PHISH_URL]);
    // The cache can be switched off.
    const uncached = imageSearch({ cacheEntries: 0 });
    await uncached.search(subject, new AbortController().signal);
    expect((await uncached.search(subject, new AbortController().signal)).stats.decoded).toBe(1);
  });

  it('keeps only PDFs within the byte and count caps', async () => {
    const fakePdf = Buffer.from('%PDF-1.4\n');
    const subject = subjectWith({
      attachments: [0, 1, 2].map((index) => attachment(Buffer.concat([fakePdf, Buffer.from(String(index))]), `d${index}.pdf`)),
    });
    const result = await search(subject, { maxPdfsPerMessage: 1 });
    expect(result.stats.skipped.over_cap).toBe(2);
  });
});

describe('ResultCache', () => {
  it('keeps the most recently used entries up to its capacity', () => {
    const cache = new ResultCache(2);
    cache.set('a', { status: 'none' });
    cache.set('b', { status: 'found', payload: 'x' });
    expect(cache.get('a')).toEqual({ status: 'none' }); // 'a' is now the most recent
    cache.set('c', { status: 'unreadable' });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ status: 'none' });
    expect(cache.get('c')).toEqual({ status: 'unreadable' });
    const off = new ResultCache(0);
    off.set('a', { status: 'none' });
    expect(off.get('a')).toBeUndefined();
  });
});
