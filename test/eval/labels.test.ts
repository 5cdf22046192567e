import { classify, groupOf, LabelsError, listOption, parseLabels } from '../../functions/src/eval/labels';

describe('parseLabels', () => {
  it('reads file and label by header name, in any order, ignoring other columns', () => {
    const rows = parseLabels('source,Label,FILE,sha\nx,phishing,phish/a.eml,1\ny,ham,"lists/b, c.eml",2\n', 'labels.csv');
    expect(rows).toEqual([
      { file: 'phish/a.eml', label: 'phishing', line: 2 },
      { file: 'lists/b, c.eml', label: 'ham', line: 3 },
    ]);
  });

  it.each([
    ['an empty file', '', /labels\.csv: the labels file is empty/],
    ['a file of blank lines', '\n\n  \n', /the labels file is empty/],
    ['a header without the label column', 'file,kind\na.eml,ham\n', /missing column\(s\) label in the header row \(found: file, kind\)/],
    ['a header without both columns', 'path,class\n', /missing column\(s\) file, label/],
    ['a header and no rows', 'file,label\n', /has a header but no rows/],
    ['a row without a label', 'file,label\na.eml,ham\nb.eml\n', /line 3: no label in this row/],
    ['a row without a file', 'file,label\n,ham\n', /line 2: no file in this row/],
    ['broken quoting', 'file,label\n"a.eml,ham\n', /labels\.csv: unterminated quoted field starting on line 2/],
  ])('rejects %s with a LabelsError naming the file', (_name, text, message) => {
    expect(() => parseLabels(text, 'labels.csv')).toThrow(LabelsError);
    expect(() => parseLabels(text, 'labels.csv')).toThrow(message);
  });
});

describe('classify, groupOf, listOption', () => {
  const classes = { positive: ['phishing', 'scam'], negative: ['ham'] };

  it('puts a label in its class, and anything unlisted in other', () => {
    expect(classify('scam', classes)).toBe('positive');
    expect(classify('ham', classes)).toBe('negative');
    expect(classify('spam', classes)).toBe('other');
  });

  it('takes the first folder of a path as its group', () => {
    expect(groupOf('phish/sample-1.eml')).toBe('phish');
    expect(groupOf('lists/sub/x.eml')).toBe('lists');
    expect(groupOf('top.eml')).toBe('.');
  });

  it('splits comma lists, dropping blanks and spaces', () => {
    expect(listOption(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(listOption('')).toEqual([]);
  });
});
