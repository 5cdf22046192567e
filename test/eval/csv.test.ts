import { CsvSyntaxError, csvField, csvLine, parseCsv } from '../../functions/src/eval/csv';

const fields = (text: string): string[][] => parseCsv(text).map((record) => record.fields);

describe('parseCsv (RFC 4180)', () => {
  it('splits plain records on commas and either line end', () => {
    expect(fields('a,b\r\nc,d\ne,f')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, and keeps their line numbers', () => {
    const records = parseCsv('file,label\n"a, b.eml","say ""hi"""\n"multi\nline.eml",ham\nlast.eml,spam\n');
    expect(records.map((record) => record.fields)).toEqual([
      ['file', 'label'],
      ['a, b.eml', 'say "hi"'],
      ['multi\nline.eml', 'ham'],
      ['last.eml', 'spam'],
    ]);
    expect(records.map((record) => record.line)).toEqual([1, 2, 3, 5]);
  });

  it('keeps empty fields, skips blank lines and ignores a byte-order mark', () => {
    expect(fields('\ufeffa,,c\n\n,x,\n')).toEqual([
      ['a', '', 'c'],
      ['', 'x', ''],
    ]);
  });

  it.each([
    ['an unterminated quote', 'a,"open\nstill open', /unterminated quoted field starting on line 1/],
    ['a quote inside an unquoted field', 'a,b"c\n', /quote inside an unquoted field on line 1/],
    ['text after a closing quote', '"a"b,c\n', /unexpected text after a closing quote on line 1/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseCsv(text)).toThrow(CsvSyntaxError);
    expect(() => parseCsv(text)).toThrow(message);
  });
});

describe('csvField / csvLine', () => {
  it('quotes only the fields that need it and round-trips through parseCsv', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    const values = ['x,y', 'q"uote', 'line\nbreak', ' padded', ''];
    expect(fields(`${csvLine(values)}\n`)).toEqual([values]);
  });
});
