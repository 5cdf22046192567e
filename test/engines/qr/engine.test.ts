import QRCode from 'qrcode';
import sharp from 'sharp';
import { EngineUnavailableError } from '../../../functions/src/core/engine/types';
import { createQrEngine, QR_ENGINE_VERSION, QR_SCORES } from '../../../functions/src/engines/qr';
import { loadImageLibraries } from '../../../functions/src/engines/qr/libraries';
import {
  attachment,
  bmpFromGrey,
  context,
  dmarcPass,
  finding,
  greyPixels,
  ids,
  LONG_TEXT,
  PHISH_URL,
  pictureWithoutQr,
  qrPng,
  scan,
  subjectWith,
} from './helpers';

describe('qr engine: identity and config', () => {
  it('describes itself and validates an empty config to defaults', () => {
    const engine = createQrEngine();
    expect(engine.name).toBe('qr');
    expect(engine.version).toBe(QR_ENGINE_VERSION);
    expect(engine.defaultTimeoutMs).toBe(3000);
    expect(engine.config).toMatchObject({ maxImagesPerMessage: 12, maxDecodePixels: 1_200_000, minImageSide: 60, timeBudgetMs: 2000 });
    expect(engine.config.links).toMatchObject({ maxUnwrapDepth: 5, allowlistDomains: [] });
  });

  it('rejects unknown keys, out-of-range caps and a bad links section, naming the engine', () => {
    expect(() => createQrEngine({ maxImagesPerMessage: 0 })).toThrow(/invalid qr engine config/);
    expect(() => createQrEngine({ colour: true })).toThrow(/invalid qr engine config/);
    expect(() => createQrEngine({ links: { maxUnwrapDepth: 99 } })).toThrow(/invalid qr engine config/);
  });

  it('scores a message without images 0 with no findings', async () => {
    expect(await scan(subjectWith({ text: LONG_TEXT }))).toEqual({ score: 0, findings: [], iocs: { urls: [], domains: [] } });
  });

  it('is unavailable (never clean) when sharp cannot be loaded, and the factory itself does not throw', async () => {
    const engine = createQrEngine(
      {},
      {
        loadLibraries: () => {
          throw new Error('Could not load the "sharp" module using the linux-x64 runtime');
        },
      },
    );
    const png = await qrPng(PHISH_URL);
    const scanning = engine.scan(subjectWith({ attachments: [attachment(png, 'scan.png')] }), context());
    await expect(scanning).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(scanning).rejects.toThrow(/sharp/);
  });
});

describe('qr.url: where the code sits', () => {
  it('finds a QR code in an attached PNG of a short message: the quishing pattern', async () => {
    const png = await qrPng(PHISH_URL);
    const output = await scan(subjectWith({ attachments: [attachment(png, 'scan.png')] }));
    const url = finding(output, 'qr.url');
    expect(url).toMatchObject({ score: QR_SCORES.url.attachmentOfShortMessage, severity: 'medium' });
    expect(url?.evidence[0]).toContain(PHISH_URL);
    expect(url?.evidence[0]).toContain('attachment "scan.png"');
    expect(output.iocs).toEqual({ urls: [PHISH_URL], domains: ['secure-docs.example.net'] });
    expect(output.score).toBe(QR_SCORES.url.attachmentOfShortMessage);
  });

  it('scores an inline (cid:) image in a message with real text lowest', async () => {
    const png = await qrPng(PHISH_URL);
    const output = await scan(subjectWith({ text: LONG_TEXT, attachments: [attachment(png, 'image001.png', { inline: true })] }));
    const url = finding(output, 'qr.url');
    expect(url?.score).toBe(QR_SCORES.url.inBody);
    expect(url?.evidence[0]).toContain('inline image "image001.png"');
  });

  it('scores an inline image in a short message as prominent', async () => {
    const png = await qrPng(PHISH_URL);
    const output = await scan(subjectWith({ attachments: [attachment(png, 'image001.png', { inline: true })] }));
    expect(finding(output, 'qr.url')?.score).toBe(QR_SCORES.url.prominent);
  });

  it('scores an attachment in a message with real text as prominent', async () => {
    const png = await qrPng(PHISH_URL);
    const output = await scan(subjectWith({ text: LONG_TEXT, attachments: [attachment(png, 'scan.png')] }));
    expect(finding(output, 'qr.url')?.score).toBe(QR_SCORES.url.prominent);
  });

  it('reads a data:image/png;base64 URI from the HTML body (with line breaks in the base64)', async () => {
    const png = await qrPng(PHISH_URL);
    const base64 = png.toString('base64').replace(/(.{76})/g, '$1\n');
    const html = `<p>Scan below</p><img alt="" src="data:image/png;base64,${base64}">`;
    const output = await scan(subjectWith({ html, text: 'Scan below' }));
    const url = finding(output, 'qr.url');
    expect(url?.score).toBe(QR_SCORES.url.prominent);
    expect(url?.evidence[0]).toContain('data: image 1 (image/png) in the HTML body');
  });

  it('reads a data: image inside an HTML attachment as an attachment', async () => {
    const png = await qrPng(PHISH_URL);
    const page = Buffer.from(`<html><body><img src="data:image/png;base64,${png.toString('base64')}"></body></html>`);
    const output = await scan(subjectWith({ attachments: [attachment(page, 'Invoice.html', { declaredType: 'text/html', detectedType: null })] }));
    const url = finding(output, 'qr.url');
    expect(url?.score).toBe(QR_SCORES.url.attachmentOfShortMessage);
    expect(url?.evidence[0]).toContain('HTML attachment "Invoice.html"');
  });

  it('treats a URL on the From domain, DMARC-verified, as the sender linking to its own site', async () => {
    const png = await qrPng('https://www.shop.example.com/app');
    const subject = subjectWith({ from: 'news@shop.example.com', auth: dmarcPass('shop.example.com'), attachments: [attachment(png, 'app.png')] });
    expect(finding(await scan(subject), 'qr.url')?.score).toBe(QR_SCORES.url.sendersOwnSite);
    // The same From without a DMARC pass may be spoofed: no reduction.
    const spoofable = subjectWith({ from: 'news@shop.example.com', attachments: [attachment(png, 'app.png')] });
    expect(finding(await scan(spoofable), 'qr.url')?.score).toBe(QR_SCORES.url.attachmentOfShortMessage);
  });
});

describe('qr.url: image formats and hard images', () => {
  it('decodes JPEG, GIF, WebP, BMP (8- and 24-bit) and SVG codes', async () => {
    const png = await qrPng(PHISH_URL);
    const grey = await greyPixels(png);
    const svg = Buffer.from(await QRCode.toString(PHISH_URL, { type: 'svg' }));
    const files = [
      attachment(await sharp(png).flatten({ background: '#fff' }).jpeg({ quality: 60 }).toBuffer(), 'a.jpg'),
      attachment(await sharp(png).gif().toBuffer(), 'b.gif'),
      attachment(await sharp(png).webp({ quality: 70 }).toBuffer(), 'c.webp'),
      attachment(bmpFromGrey(grey.pixels, grey.width, grey.height, 24), 'd.bmp'),
      attachment(bmpFromGrey(grey.pixels, grey.width, grey.height, 8), 'e.bmp'),
      attachment(svg, 'f.svg', { declaredType: 'image/svg+xml', detectedType: null }),
    ];
    for (const file of files) {
      const output = await scan(subjectWith({ attachments: [file] }));
      expect([file.filename, finding(output, 'qr.url')?.evidence[0]]).toEqual([file.filename, expect.stringContaining(PHISH_URL)]);
    }
  });

  it('finds a small code composited into a larger picture with other content', async () => {
    const code = await qrPng(PHISH_URL, { scale: 3, margin: 1 });
    const banner = await sharp(await pictureWithoutQr(1400, 900))
      .composite([{ input: code, left: 1100, top: 600 }])
      .jpeg({ quality: 80 })
      .toBuffer();
    const output = await scan(subjectWith({ attachments: [attachment(banner, 'notice.jpg')] }));
    expect(finding(output, 'qr.url')?.evidence[0]).toContain(PHISH_URL);
  });

  it('finds inverted (light-on-dark), low-contrast and margin-less codes', async () => {
    const png = await qrPng(PHISH_URL);
    const inverted = await sharp(png).negate({ alpha: false }).png().toBuffer();
    const faint = await qrPng(PHISH_URL, { color: { dark: '#777777ff', light: '#999999ff' } });
    const flush = await qrPng(PHISH_URL, { margin: 0, scale: 3 });
    for (const [name, bytes] of [
      ['inverted.png', inverted],
      ['faint.png', faint],
      ['flush.png', flush],
    ] as const) {
      const output = await scan(subjectWith({ attachments: [attachment(bytes, name)] }));
      expect([name, finding(output, 'qr.url')?.evidence[0]]).toEqual([name, expect.stringContaining(PHISH_URL)]);
    }
  });

  it('finds a rotated code and a code on a transparent background', async () => {
    const rotated = await sharp(await qrPng(PHISH_URL)).rotate(30, { background: '#ffffff' }).png().toBuffer();
    const transparent = await qrPng(PHISH_URL, { color: { dark: '#000000ff', light: '#00000000' } });
    for (const [name, bytes] of [
      ['rotated.png', rotated],
      ['transparent.png', transparent],
    ] as const) {
      const output = await scan(subjectWith({ attachments: [attachment(bytes, name)] }));
      expect([name, finding(output, 'qr.url')?.evidence[0]]).toEqual([name, expect.stringContaining(PHISH_URL)]);
    }
  });
});

describe('qr.link.*: the decoded URL judged by the links engine', () => {
  it('re-reports a lookalike domain and a public IP host as qr.link findings with the image named', async () => {
    const lookalike = await qrPng('https://paypa1-secure-login.com/verify');
    const ip = await qrPng('http://45.33.12.7/owa/login');
    const output = await scan(subjectWith({ attachments: [attachment(lookalike, 'a.png'), attachment(ip, 'b.png')] }));
    const lookalikeFinding = finding(output, 'qr.link.lookalike_domain');
    expect(lookalikeFinding?.score).toBeGreaterThanOrEqual(60);
    expect(lookalikeFinding?.title).toMatch(/^QR code link: /);
    expect(lookalikeFinding?.evidence[0]).toContain('[QR code in attachment "a.png"]');
    expect(finding(output, 'qr.link.ip_literal')?.score).toBe(60);
    expect(output.iocs?.domains).toEqual(expect.arrayContaining(['paypa1-secure-login.com', '45.33.12.7']));
    // Two strong independent signals: the engine score combines them above either one.
    expect(output.score).toBeGreaterThan(lookalikeFinding?.score ?? 100);
  });

  it('honours the links section of its config (allowlisted domains raise no link finding)', async () => {
    const png = await qrPng('https://paypa1-secure-login.com/verify');
    const subject = subjectWith({ attachments: [attachment(png, 'a.png')] });
    expect(finding(await scan(subject, { links: { allowlistDomains: ['paypa1-secure-login.com'] } }), 'qr.link.lookalike_domain')).toBeUndefined();
  });

  it('raises no link finding for an ordinary destination', async () => {
    const output = await scan(subjectWith({ attachments: [attachment(await qrPng(PHISH_URL), 'scan.png')] }));
    expect(ids(output)).toEqual(['qr.url']);
  });
});

describe('qr.recipient_in_url', () => {
  it("fires when the URL carries the recipient's address, plain or base64", async () => {
    const plain = await qrPng('https://docs-review.example.net/s?u=bob@example.org');
    const encoded = await qrPng(`https://docs-review.example.net/#${Buffer.from('bob@example.org').toString('base64')}`);
    for (const png of [plain, encoded]) {
      const output = await scan(subjectWith({ to: 'bob@example.org', attachments: [attachment(png, 'scan.png')] }));
      expect(finding(output, 'qr.recipient_in_url')).toMatchObject({ score: QR_SCORES.recipientInUrl });
      expect(finding(output, 'qr.recipient_in_url')?.evidence[0]).toContain('bob@example.org');
    }
  });

  it('does not fire for another address', async () => {
    const png = await qrPng('https://docs-review.example.net/s?u=alice@example.org');
    const output = await scan(subjectWith({ to: 'bob@example.org', attachments: [attachment(png, 'scan.png')] }));
    expect(finding(output, 'qr.recipient_in_url')).toBeUndefined();
  });
});

describe('qr.non_url_payload and other payloads', () => {
  it('notes a plain-text code as info, quoting it', async () => {
    const output = await scan(subjectWith({ attachments: [attachment(await qrPng('TICKET 4711 ROW 12 SEAT 8'), 'ticket.png')] }));
    expect(ids(output)).toEqual(['qr.non_url_payload']);
    expect(finding(output, 'qr.non_url_payload')).toMatchObject({ score: 0, severity: 'info' });
    expect(finding(output, 'qr.non_url_payload')?.evidence[0]).toContain('TICKET 4711');
    expect(output.score).toBe(0);
    expect(output.iocs).toEqual({ urls: [], domains: [] });
  });

  it('describes a Wi-Fi code without quoting its password', async () => {
    const output = await scan(subjectWith({ attachments: [attachment(await qrPng('WIFI:T:WPA;S:Office;P:hunter2secret;;'), 'wifi.png')] }));
    const evidence = finding(output, 'qr.non_url_payload')?.evidence[0] ?? '';
    expect(evidence).toContain('wifi payload');
    expect(evidence).not.toContain('hunter2');
  });

  it('opens MEBKM bookmarks and bare host names as web addresses', async () => {
    const output = await scan(
      subjectWith({
        attachments: [attachment(await qrPng('MEBKM:TITLE:Docs;URL:https\\://docs-review.example.net/a;;'), 'a.png'), attachment(await qrPng('docs-review.example.net/b'), 'b.png')],
      }),
    );
    const evidence = finding(output, 'qr.url')?.evidence.join('\n') ?? '';
    expect(evidence).toContain('https://docs-review.example.net/a (MEBKM bookmark)');
    expect(evidence).toContain('http://docs-review.example.net/b (bare host name)');
  });
});

describe('qr engine: images without codes, skipped images and failures', () => {
  it('raises nothing for pictures, logos and photos without a code', async () => {
    const files = [
      attachment(await pictureWithoutQr(640, 400, 1), 'banner.png'),
      attachment(await sharp(await pictureWithoutQr(800, 600, 2)).jpeg().toBuffer(), 'photo.jpg'),
      attachment(await pictureWithoutQr(200, 200, 3), 'logo.png', { inline: true }),
    ];
    const output = await scan(subjectWith({ text: LONG_TEXT, attachments: files }));
    expect(output).toEqual({ score: 0, findings: [], iocs: { urls: [], domains: [] } });
  });

  it('skips tiny images, 1×1 trackers and extreme banners without reporting them', async () => {
    const tiny = await qrPng(PHISH_URL, { scale: 1, margin: 0 }); // 33 px: no phone reads that from a screen
    const tracker = await sharp({ create: { width: 1, height: 1, channels: 4, background: '#0000' } }).png().toBuffer();
    const rule = await sharp({ create: { width: 1200, height: 60, channels: 3, background: '#333' } }).png().toBuffer();
    const output = await scan(subjectWith({ attachments: [attachment(tiny, 'tiny.png'), attachment(tracker, 't.png'), attachment(rule, 'rule.png')] }));
    expect(output.findings).toEqual([]);
  });

  it('counts a corrupt image as unreadable (info) and still decodes the others', async () => {
    const png = await qrPng(PHISH_URL);
    const corrupt = Buffer.concat([png.subarray(0, 8), Buffer.alloc(400, 0x5a)]); // a PNG signature, then no header
    const output = await scan(subjectWith({ attachments: [attachment(corrupt, 'broken.png'), attachment(png, 'scan.png')] }));
    expect(finding(output, 'qr.url')).toBeDefined();
    expect(finding(output, 'qr.scan_incomplete')).toMatchObject({ score: 0, severity: 'info' });
    expect(finding(output, 'qr.scan_incomplete')?.evidence).toEqual(['1 image unreadable (corrupt, truncated or unsupported data)']);
  });

  it('decodes what a truncated image still holds', async () => {
    const tall = await sharp({ create: { width: 300, height: 1200, channels: 3, background: '#f4f4f4' } })
      .composite([{ input: await qrPng(PHISH_URL), left: 60, top: 20 }])
      .png({ compressionLevel: 0 })
      .toBuffer();
    const truncated = tall.subarray(0, Math.floor(tall.length * 0.6));
    const output = await scan(subjectWith({ attachments: [attachment(truncated, 'cut.png')] }));
    expect(finding(output, 'qr.url')?.evidence[0]).toContain(PHISH_URL);
  });

  it('survives a decoder that throws on one image', async () => {
    const libraries = loadImageLibraries();
    let calls = 0;
    const flaky = ((...args: Parameters<typeof libraries.jsQR>) => {
      calls++;
      if (calls === 1) throw new RangeError('decoder bug');
      return libraries.jsQR(...args);
    }) as typeof libraries.jsQR;
    const engine = createQrEngine({}, { loadLibraries: () => ({ ...libraries, jsQR: flaky }) });
    const first = await qrPng('https://first.example.net/');
    const second = await qrPng('https://second.example.net/');
    const output = await engine.scan(subjectWith({ attachments: [attachment(first, 'a.png'), attachment(second, 'b.png')] }), context());
    expect(finding(output, 'qr.url')?.evidence.join(' ')).toContain('second.example.net');
    expect(finding(output, 'qr.scan_incomplete')?.evidence).toEqual(['1 image unreadable (corrupt, truncated or unsupported data)']);
  });

  it('ignores an empty image part', async () => {
    const output = await scan(subjectWith({ attachments: [attachment(Buffer.alloc(0), 'image001.png', { detectedType: null })] }));
    expect(output.findings).toEqual([]);
  });

  it('reports an unsupported image type as not searched', async () => {
    const heic = attachment(Buffer.from('....ftypheic'), 'photo.heic', { declaredType: 'image/heic', detectedType: 'image/heic' });
    const output = await scan(subjectWith({ attachments: [heic] }));
    expect(finding(output, 'qr.scan_incomplete')?.evidence).toEqual(['1 image in a format the engine cannot read']);
  });
});
