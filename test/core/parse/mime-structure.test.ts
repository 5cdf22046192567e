import { DEFAULT_PARSE_LIMITS, type ParseLimits } from '../../../functions/src/core/config/limits';
import { AnomalyLog } from '../../../functions/src/core/parse/anomalies';
import { decoderInput } from '../../../functions/src/core/parse/mime-rebuild';
import { type MimePart, type MimeScan, scanMimeStructure } from '../../../functions/src/core/parse/mime-structure';
import { Deadline } from '../../../functions/src/core/parse/deadline';
import { bytes, entity, multipartBody } from './builders';

function scan(raw: Buffer, limits: Partial<ParseLimits> = {}): { result: MimeScan; anomalies: AnomalyLog } {
  const anomalies = new AnomalyLog();
  const result = scanMimeStructure(raw, { ...DEFAULT_PARSE_LIMITS, ...limits }, anomalies);
  return { result, anomalies };
}

function body(raw: Buffer, part: MimePart | undefined): string {
  return part ? raw.toString('utf8', part.bodyStart, part.bodyEnd) : '<missing>';
}

describe('scanMimeStructure', () => {
  it('maps parts to byte ranges, leaving the line ending before a delimiter out of the body', () => {
    const raw = bytes(
      entity(
        [['Content-Type', 'multipart/alternative; boundary="alt"']],
        multipartBody('alt', [entity([['Content-Type', 'text/plain']], 'plain\r\n'), entity([['Content-Type', 'text/html']], '<p>html</p>')]),
      ),
    );
    const { result, anomalies } = scan(raw);
    expect(result.notMime).toBe(false);
    expect(result.parts.map((part) => [part.path, part.contentType, part.depth])).toEqual([
      ['', 'multipart/alternative', 0],
      ['1', 'text/plain', 1],
      ['2', 'text/html', 1],
    ]);
    expect(body(raw, result.parts[1])).toBe('plain\r\n');
    expect(body(raw, result.parts[2])).toBe('<p>html</p>');
    expect(result.root.closed).toBe(true);
    expect(result.needsRebuild).toBe(false);
    expect(anomalies.toArray()).toEqual([]);
  });

  it('lets an outer delimiter end an unterminated inner multipart, as mailparser does', () => {
    const inner = entity([['Content-Type', 'multipart/mixed; boundary=inner']], multipartBody('inner', [entity([], 'inner part')], false));
    const raw = bytes(entity([['Content-Type', 'multipart/mixed; boundary=outer']], multipartBody('outer', [inner, entity([], 'sibling')])));
    const { result, anomalies } = scan(raw);
    expect(result.parts.map((part) => part.path)).toEqual(['', '1', '1.1', '2']);
    // The unterminated inner part keeps the line break its own (missing) delimiter would have taken.
    expect(body(raw, result.parts[2])).toBe('inner part\r\n');
    expect(body(raw, result.parts[3])).toBe('sibling');
    expect(anomalies.toArray()).toEqual([{ code: 'mime.unterminated_multipart', detail: 'multipart/mixed in part 1 has no closing delimiter' }]);
  });

  it('ignores a closing delimiter in the preamble and text that merely starts with the boundary', () => {
    const raw = bytes(
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\npreamble\r\n--b\r\n\r\n--bb is not a delimiter\r\n--b-- \t\r\n',
    );
    const { result } = scan(raw);
    expect(result.parts).toHaveLength(2);
    expect(body(raw, result.parts[1])).toBe('--bb is not a delimiter');
    expect(result.root.closed).toBe(true);
  });

  it('reports a declared boundary that never appears', () => {
    const { anomalies } = scan(bytes(entity([['Content-Type', 'multipart/mixed; boundary=nowhere']], 'just text')));
    expect(anomalies.toArray()).toEqual([{ code: 'mime.missing_boundary', detail: 'the boundary of multipart/mixed in the message never appears' }]);
  });

  it('treats an mbox From line as a separator, not as a broken header', () => {
    const { result, anomalies } = scan(bytes('From sender@example.com Mon Nov  2 10:00:00 2026\r\nSubject: hi\r\n\r\nbody'));
    expect(result.notMime).toBe(false);
    expect(result.root.fields.map((field) => field.name)).toEqual(['subject']);
    expect(anomalies.toArray()).toEqual([]);
  });

  it('counts malformed header lines', () => {
    const { result, anomalies } = scan(bytes('Subject: hi\r\nthis line has no colon\r\n\r\nbody'));
    expect(result.notMime).toBe(false);
    expect(anomalies.toArray()).toEqual([{ code: 'mime.bad_header', detail: '1 malformed header line(s) in the message' }]);
  });

  it('finds no MIME in text whose first line is not a header field', () => {
    expect(scan(bytes('hello there\r\nSubject: late\r\n\r\nx')).result.notMime).toBe(true);
    expect(scan(bytes('\r\nbody only')).result.notMime).toBe(true);
  });

  it('stops reading the structure when the deadline has passed', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `X-Line-${i}: v`).join('\r\n');
    const anomalies = new AnomalyLog();
    const result = scanMimeStructure(bytes(`${lines}\r\n\r\nbody`), DEFAULT_PARSE_LIMITS, anomalies, new Deadline(0));
    expect(anomalies.toArray().map((anomaly) => anomaly.code)).toEqual(['limit.parse_time']);
    expect(result.root.fields.length).toBeLessThan(20_000);
    expect(result.needsRebuild).toBe(true);
  });

  it('drops header fields past maxHeaderBytes, including one that folds past it', () => {
    const raw = bytes(`A: 1\r\nB: 2\r\nC: ${'x'.repeat(30)}\r\n ${'y'.repeat(30)}\r\nD: 4\r\n\r\nbody`);
    const { result, anomalies } = scan(raw, { maxHeaderBytes: 40 });
    expect(result.root.fields.map((field) => field.name)).toEqual(['a', 'b']);
    expect(raw.toString('latin1', result.root.headerStart, result.root.keptHeaderEnd)).toBe('A: 1\r\nB: 2\r\n');
    expect(body(raw, result.root)).toBe('body');
    expect(result.needsRebuild).toBe(true);
    expect(anomalies.toArray().map((anomaly) => anomaly.code)).toEqual(['limit.header_bytes']);
  });
});

describe('decoderInput', () => {
  it('hands on only the parts within the limit, as a well-formed message', () => {
    const parts = Array.from({ length: 10 }, (_, i) => entity([['Content-Type', 'text/plain']], `part ${i}`));
    const raw = bytes(entity([['Subject', 's'], ['Content-Type', 'multipart/mixed; boundary=p']], multipartBody('p', parts)));
    const { result } = scan(raw, { maxMimeParts: 4 });
    expect(result.needsRebuild).toBe(true);
    const rebuilt = decoderInput(raw, result);
    const again = scan(rebuilt);
    expect(again.result.parts.slice(1).map((part) => body(rebuilt, part))).toEqual(['part 0', 'part 1', 'part 2']);
    expect(again.result.root.closed).toBe(true);
    expect(again.anomalies.toArray()).toEqual([]);
    expect(rebuilt.toString('latin1')).not.toContain('part 3');
    // Only the MIME fields of the top level are handed on: the rest comes from the pre-scan.
    expect(rebuilt.toString('latin1')).not.toContain('Subject');
  });

  it('hands on the body untouched when no limit was hit, with the top-level MIME fields only', () => {
    const raw = bytes('Received: from x\r\nContent-Type: text/plain;\r\n charset=utf-8\r\nSubject: s\r\nMIME-Version: 1.0\r\n\r\nbody\r\n');
    const { result } = scan(raw);
    expect(decoderInput(raw, result).toString('latin1')).toBe('Content-Type: text/plain;\r\n charset=utf-8\r\nMIME-Version: 1.0\r\n\r\nbody\r\n');
  });

  it('leaves out containers flattened at the depth limit and keeps their siblings', () => {
    const deep = entity(
      [['Content-Type', 'multipart/mixed; boundary=d1']],
      multipartBody('d1', [entity([['Content-Type', 'multipart/mixed; boundary=d2']], multipartBody('d2', [entity([], 'hidden')]))]),
    );
    const raw = bytes(entity([['Content-Type', 'multipart/mixed; boundary=top']], multipartBody('top', [entity([], 'visible'), deep])));
    const { result, anomalies } = scan(raw, { maxMimeDepth: 2 });
    expect(anomalies.toArray().map((anomaly) => anomaly.code)).toContain('limit.mime_depth');
    const rebuilt = decoderInput(raw, result).toString('latin1');
    expect(rebuilt).toContain('visible');
    expect(rebuilt).not.toContain('hidden');
    expect(rebuilt).not.toContain('boundary=d2');
  });
});
