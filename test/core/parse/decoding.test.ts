import { AnomalyLog } from '../../../functions/src/core/parse/anomalies';
import { decodeCharset, isKnownCharset } from '../../../functions/src/core/parse/charset';
import { decodeEncodedWords } from '../../../functions/src/core/parse/encoded-words';
import { parseDate } from '../../../functions/src/core/parse/envelope';
import { htmlToText } from '../../../functions/src/core/parse/html-text';
import { parseStructuredHeader } from '../../../functions/src/core/parse/structured-header';
import { base64Defect, decodeQuotedPrintable, quotedPrintableDefects } from '../../../functions/src/core/parse/transfer-encoding';

describe('decodeEncodedWords', () => {
  it('leaves text without encoded words alone', () => {
    expect(decodeEncodedWords('plain = text ? yes')).toEqual({ text: 'plain = text ? yes', unknownCharsets: [] });
  });

  it('keeps the whitespace between an encoded word and plain text, drops it between two words', () => {
    expect(decodeEncodedWords('a =?utf-8?q?b?= c').text).toBe('a b c');
    expect(decodeEncodedWords('=?utf-8?q?b?=   =?utf-8?q?c?=').text).toBe('bc');
  });

  it('decodes each word in its own charset and the language suffix of RFC 2231', () => {
    expect(decodeEncodedWords('=?iso-8859-2?Q?=B1?= =?koi8-r?B?8tXT?= =?utf-8*de?Q?=C3=A4?=').text).toBe('ąРусä');
  });

  it('falls back for unknown charsets and names them', () => {
    expect(decodeEncodedWords('=?bogus?B?w6k=?=')).toEqual({ text: 'é', unknownCharsets: ['bogus'] });
  });
});

describe('parseStructuredHeader', () => {
  it('reads quoted parameters, comments and escapes', () => {
    const parsed = parseStructuredHeader('Multipart/Mixed (comment; boundary=fake); boundary="a\\"b;c" ; charset=UTF-8 (x)');
    expect(parsed.value).toBe('Multipart/Mixed');
    expect(parsed.params.get('boundary')).toBe('a"b;c');
    expect(parsed.params.get('charset')).toBe('UTF-8');
  });

  it('joins and decodes RFC 2231 continuations', () => {
    const parsed = parseStructuredHeader("attachment; filename*0*=utf-8''%E2%82%AC%20rep; filename*1=ort.pdf");
    expect(parsed.params.get('filename')).toBe('€ report.pdf');
  });
});

describe('transfer encoding checks', () => {
  const check = (text: string): ReturnType<typeof base64Defect> => base64Defect(Buffer.from(text), 0, text.length);

  it('accepts proper base64 with line breaks', () => {
    expect(check('aGVs\r\nbG8=\r\n')).toBeNull();
  });

  it('names each base64 defect', () => {
    expect(check('aGV$bG8=')).toBe('invalid_characters');
    expect(check('aGVsbG8')).toBe('bad_length');
    expect(check('aGVsbA==aGVs')).toBe('data_after_padding');
  });

  it('counts quoted-printable escapes that are neither hex nor soft breaks', () => {
    const text = 'ok =3D and soft=\r\nbreak, trailing= \t\r\nend, bad =G1 and =\u00e9 and last=';
    expect(quotedPrintableDefects(Buffer.from(text, 'latin1'), 0, text.length)).toBe(2);
  });

  it('decodes quoted-printable leniently', () => {
    expect(decodeQuotedPrintable(Buffer.from('caf=C3=A9 soft=\r\nline =ZZ')).toString()).toBe('café softline =ZZ');
  });
});

describe('charsets', () => {
  it('knows WHATWG labels and common aliases, refuses UTF-7', () => {
    expect(isKnownCharset('windows-1252')).toBe(true);
    expect(isKnownCharset('"ISO-8859-1"')).toBe(true);
    expect(isKnownCharset('ks_c_5601-1987')).toBe(true);
    expect(isKnownCharset('cp936')).toBe(true);
    expect(isKnownCharset('utf-7')).toBe(false);
    expect(isKnownCharset('x-unknown')).toBe(false);
  });

  it('falls back to UTF-8 when valid, else latin1', () => {
    expect(decodeCharset(Buffer.from('é', 'utf8'), 'nope')).toEqual({ text: 'é', known: false });
    expect(decodeCharset(Buffer.from([0xe9]), 'nope')).toEqual({ text: 'é', known: false });
    expect(decodeCharset(Buffer.from([0xe9]), 'iso-8859-1')).toEqual({ text: 'é', known: true });
  });
});

describe('parseDate', () => {
  it('reads RFC 5322 dates with comments and rejects garbage', () => {
    expect(parseDate('Tue, 1 Jul 2003 10:52:37 +0200 (CEST)')).toBe('2003-07-01T08:52:37.000Z');
    expect(parseDate('yesterday-ish')).toBeNull();
    expect(parseDate('')).toBeNull();
  });
});

describe('htmlToText', () => {
  it('is linear on deeply nested markup', () => {
    const html = '<b>'.repeat(200_000) + 'deep' + '</b>'.repeat(200_000);
    const started = performance.now();
    expect(htmlToText(html, 1_000_000)).toBe('deep');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('stops at maxChars', () => {
    const text = htmlToText(`<p>${'x'.repeat(100)}</p>`, 10);
    expect(text.length).toBeLessThanOrEqual(10);
    expect(text).toMatch(/^x{5,}$/);
  });

  it('treats a self-closed script tag as empty', () => {
    expect(htmlToText('<script/>visible', 100)).toBe('visible');
  });
});

describe('AnomalyLog', () => {
  it('drops exact repeats and caps each code', () => {
    const log = new AnomalyLog();
    log.add('mime.bad_base64', 'same');
    log.add('mime.bad_base64', 'same');
    for (let i = 0; i < 50; i++) log.add('mime.bad_header', `line ${i}`);
    const entries = log.toArray();
    expect(entries.filter((entry) => entry.code === 'mime.bad_base64')).toHaveLength(1);
    expect(entries.filter((entry) => entry.code === 'mime.bad_header')).toHaveLength(11);
    expect(entries[entries.length - 1]?.detail).toBe('further anomalies of this kind were not recorded');
  });
});
