import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../functions/src/core/errors';
import type { EngineOutput } from '../../../functions/src/core/engine/types';
import { createEngines } from '../../../functions/src/engines/registry';
import { SHIPPED_YARA_RULES_DIR, YARA_ENGINE_VERSION, createYaraEngine, verdictOfRule } from '../../../functions/src/engines/yara';
import { makeSubject } from '../../support/subject';
import { zip } from '../clamav/fixtures';
import { attachment, context, finding, ids, scanWith, withAttachment } from './helpers';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-yara-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function rule(name: string, marker: string, meta = 'score = 40'): string {
  return `rule ${name} {\n  meta:\n    ${meta}\n    description = "${name} seen"\n  strings:\n    $marker = "${marker}"\n  condition:\n    $marker\n}\n`;
}

function write(file: string, text: string, mtimeSeconds?: number): void {
  writeFileSync(join(dir, file), text);
  if (mtimeSeconds !== undefined) utimesSync(join(dir, file), mtimeSeconds, mtimeSeconds);
}

describe('yara engine: identity, config and rules loading', () => {
  it('describes itself and loads the shipped rules by default', () => {
    const engine = createYaraEngine();
    expect(engine).toMatchObject({ name: 'yara', version: YARA_ENGINE_VERSION, defaultTimeoutMs: 2000 });
    expect(engine.config).toEqual({
      maxBytesPerItem: 8 * 1024 * 1024,
      maxBytesPerMessage: 32 * 1024 * 1024,
      scanBodies: true,
      scanArchiveMembers: true,
      maxArchiveMembers: 64,
      maxEvidencePerFinding: 5,
      reloadCheckIntervalMs: 0,
    });
    expect(engine.rulesInfo().dir).toBe(SHIPPED_YARA_RULES_DIR);
    expect(engine.rulesInfo().files.map((file) => file.slice(SHIPPED_YARA_RULES_DIR.length + 1))).toEqual([
      'eicar.yar',
      'html_obfuscation.yar',
      'html_smuggling.yar',
      'office_macro.yar',
      'pdf.yar',
    ]);
  });

  it('is built by the registry with its shipped rules', () => {
    const [engine] = createEngines(['yara'], {});
    expect(engine?.name).toBe('yara');
  });

  it('refuses bad config fields', () => {
    expect(() => createYaraEngine({ maxBytesPerItem: 10 })).toThrow(/invalid yara engine config: maxBytesPerItem/);
    expect(() => createYaraEngine({ rulesFolder: dir })).toThrow(ConfigError);
  });

  it('names the file and line of a rule that does not compile', () => {
    write('good.yar', rule('Good', 'fine'));
    write('broken.yar', 'rule Broken {\n  strings:\n    $a = "x"\n  condition:\n    $b\n}\n');
    const error = (() => {
      try {
        createYaraEngine({ rulesDir: dir });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain(`YARA rules file ${join(dir, 'broken.yar')} does not compile`);
    expect(error?.message).toMatch(/unknown pattern `\$b`.*line:5/);
  });

  it('refuses include statements, so every rule in use is in the folder', () => {
    write('other.txt', rule('Elsewhere', 'x'));
    write('r.yar', `include "${join(dir, 'other.txt')}"\nrule Uses { condition: Elsewhere }\n`);
    expect(() => createYaraEngine({ rulesDir: dir })).toThrow(/r\.yar does not compile: .*include statements not allowed/);
  });

  it('refuses a missing folder and a folder without rules files', () => {
    expect(() => createYaraEngine({ rulesDir: join(dir, 'nope') })).toThrow(/YARA rules folder .*nope cannot be read/);
    write('README.md', 'no rules here');
    expect(() => createYaraEngine({ rulesDir: dir })).toThrow(/holds no \.yar or \.yara file/);
  });

  it('loads .yar and .yara files and ignores others', () => {
    write('a.yar', rule('A_Rule', 'alpha'));
    write('b.yara', rule('B_Rule', 'bravo'));
    write('c.txt', 'not a rule {');
    const output = scanWith({ rulesDir: dir }, makeSubject({ text: 'alpha and bravo' }));
    expect(ids(output)).toEqual(['yara.a_rule', 'yara.b_rule']);
  });
});

describe('yara engine: findings from rule metadata', () => {
  it('takes score, severity and title from the metadata, evidence from the part and identifiers', () => {
    write('r.yar', `rule Invoice_Lure {\n meta:\n  score = 65\n  severity = "high"\n  description = "Invoice lure"\n strings:\n  $a = "pay now"\n  $b = "overdue"\n condition:\n  all of them\n}\n`);
    const output = scanWith({ rulesDir: dir }, makeSubject({ text: 'Invoice overdue, pay now', html: '' }));
    expect(output).toEqual({
      score: 65,
      findings: [{ id: 'yara.invoice_lure', severity: 'high', score: 65, title: 'Invoice lure', evidence: ['Invoice_Lure in body-text: $a, $b'] }],
      iocs: { sha256: [] },
    });
  });

  it('derives a missing score from the severity and a missing severity from the score', () => {
    expect(verdictOfRule('R', { severity: 'critical' })).toMatchObject({ score: 95, severity: 'critical', id: 'yara.r', title: 'YARA rule R' });
    expect(verdictOfRule('R', { score: 12 })).toMatchObject({ score: 12, severity: 'low' });
    expect(verdictOfRule('R', { score: '70' })).toMatchObject({ score: 70, severity: 'high', metaProblems: [] });
    expect(verdictOfRule('R', {})).toMatchObject({ score: 50, severity: 'medium' });
  });

  it('falls back on bad metadata and says so in the evidence', () => {
    write('r.yar', rule('Odd_Meta', 'odd', 'score = 150\n    severity = "severe"'));
    const output = scanWith({ rulesDir: dir }, makeSubject({ text: 'something odd' }));
    expect(finding(output, 'yara.odd_meta')).toMatchObject({
      score: 50,
      severity: 'medium',
      evidence: ['Odd_Meta in body-text: $marker', 'rule Odd_Meta: meta score 150 is not a number from 0 to 100', 'rule Odd_Meta: meta severity "severe" is not one of info, low, medium, high, critical'],
    });
  });

  it('keeps one finding per rule with one evidence line per part, bounded', () => {
    write('r.yar', rule('Marker', 'MARK'));
    const attachments = Array.from({ length: 8 }, (_, index) => attachment(`f${index}.txt`, Buffer.from(`x MARK ${index}`)));
    const output = scanWith({ rulesDir: dir, maxEvidencePerFinding: 3 }, makeSubject({ text: 'MARK', attachments }));
    expect(output.findings).toHaveLength(1);
    expect(output.findings[0]?.evidence).toEqual(['Marker in body-text: $marker', 'Marker in attachment "f0.txt": $marker', 'Marker in attachment "f1.txt": $marker']);
  });

  it('reports the attachment hash as IOC for rules scoring 60 or more only', () => {
    write('r.yar', rule('Strong', 'STRONG', 'score = 60') + rule('Weak', 'WEAK', 'score = 59'));
    const strong = attachment('s.bin', Buffer.from('STRONG'));
    const output = scanWith({ rulesDir: dir }, makeSubject({ attachments: [strong, attachment('w.bin', Buffer.from('WEAK'))] }));
    expect(output.iocs?.sha256).toEqual([strong.sha256]);
    expect(output.score).toBe(84); // 1 - 0.4 × 0.41
  });
});

describe('yara engine: what it scans', () => {
  it('scans HTML and text bodies, attachments and archive members, and can leave bodies out', () => {
    write('r.yar', rule('Marker', 'MARK'));
    const archive = zip([{ name: 'docs/inner.txt', data: Buffer.from('inside MARK') }]);
    const subject = makeSubject({ html: '<p>MARK</p>', text: 'MARK', attachments: [attachment('a.zip', archive)] });
    expect(finding(scanWith({ rulesDir: dir }, subject), 'yara.marker')?.evidence).toEqual([
      'Marker in body-html: $marker',
      'Marker in body-text: $marker',
      'Marker in attachment "a.zip": $marker',
      'Marker in attachment "a.zip" member "docs/inner.txt": $marker',
    ]);
    expect(finding(scanWith({ rulesDir: dir, scanBodies: false, scanArchiveMembers: false }, subject), 'yara.marker')?.evidence).toEqual(['Marker in attachment "a.zip": $marker']);
  });

  it('finds what only the inflated member shows', () => {
    write('r.yar', rule('Marker', 'DEFLATED-ONLY'));
    const { deflateRawSync } = jest.requireActual<typeof import('node:zlib')>('node:zlib');
    const stored = zip([{ name: 'm.txt', data: Buffer.from('x'.repeat(50) + 'DEFLATED-ONLY') }]);
    // Rewrite the stored entry as deflated (method 8) so the marker is not in the raw bytes.
    const data = Buffer.from('x'.repeat(50) + 'DEFLATED-ONLY');
    const packed = deflateRawSync(data);
    const name = Buffer.from('m.txt');
    const local = Buffer.from(stored.subarray(0, 30));
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    const central = Buffer.from(stored.subarray(30 + name.length + data.length, 30 + name.length + data.length + 46));
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    const end = Buffer.from(stored.subarray(stored.length - 22));
    end.writeUInt32LE(46 + name.length, 12);
    end.writeUInt32LE(30 + name.length + packed.length, 16);
    const deflated = Buffer.concat([local, name, packed, central, name, end]);
    expect(deflated.includes('DEFLATED-ONLY')).toBe(false);
    expect(ids(scanWith({ rulesDir: dir }, withAttachment('a.zip', deflated)))).toEqual(['yara.marker']);
    expect(ids(scanWith({ rulesDir: dir, scanArchiveMembers: false }, withAttachment('a.zip', deflated)))).toEqual([]);
  });

  it('scans only the beginning of a part over maxBytesPerItem and reports the rest (info, score 0)', () => {
    write('r.yar', rule('Head', 'HEAD') + rule('Tail', 'TAIL'));
    const big = Buffer.concat([Buffer.from('HEAD'), Buffer.alloc(4096, 0x20), Buffer.from('TAIL')]);
    const output = scanWith({ rulesDir: dir, maxBytesPerItem: 2048 }, withAttachment('big.bin', big));
    expect(ids(output)).toEqual(['yara.head', 'yara.partial_scan']);
    expect(finding(output, 'yara.partial_scan')).toMatchObject({ severity: 'info', score: 0, evidence: ['attachment "big.bin": only the first 2048 of 4104 bytes scanned'] });
    expect(output.score).toBe(40);
  });

  it('stops at the per-message byte budget', () => {
    write('r.yar', rule('Marker', 'MARK'));
    const parts = [attachment('one.bin', Buffer.alloc(1500, 0x20)), attachment('two.bin', Buffer.concat([Buffer.from('MARK'), Buffer.alloc(1500, 0x20)]))];
    const output = scanWith({ rulesDir: dir, maxBytesPerItem: 2000, maxBytesPerMessage: 2000 }, makeSubject({ text: '', attachments: parts }));
    expect(finding(output, 'yara.marker')).toBeDefined(); // the head of two.bin fits in the 500 bytes left
    const tight = scanWith({ rulesDir: dir, maxBytesPerItem: 1500, maxBytesPerMessage: 1500 }, makeSubject({ text: '', attachments: parts }));
    expect(ids(tight)).toEqual(['yara.partial_scan']);
    expect(finding(tight, 'yara.partial_scan')?.evidence).toEqual(['attachment "two.bin": not scanned: the 1500-byte budget per message is used up']);
  });

  it('reports attachments whose content the parser did not keep', () => {
    write('r.yar', rule('Marker', 'MARK'));
    const missing = attachment('huge.iso', Buffer.alloc(0), { size: 50_000_000, content: undefined });
    expect(finding(scanWith({ rulesDir: dir }, makeSubject({ attachments: [missing] })), 'yara.partial_scan')?.evidence).toEqual([
      'attachment "huge.iso": not scanned: content not kept by the parser (50000000 bytes)',
    ]);
  });

  it('throws when the orchestrator aborts, instead of returning a partial clean result', () => {
    write('r.yar', rule('Marker', 'MARK'));
    const engine = createYaraEngine({ rulesDir: dir });
    const controller = new AbortController();
    controller.abort(new Error('timed out after 2000 ms'));
    expect(() => engine.scan(makeSubject({ text: 'x' }), context(controller.signal))).toThrow('timed out after 2000 ms');
  });
});

describe('yara engine: reloading rules', () => {
  it('reload() picks up edited rules without a restart', () => {
    write('r.yar', rule('Old_Rule', 'OLD'));
    const engine = createYaraEngine({ rulesDir: dir });
    const subject = makeSubject({ text: 'OLD and NEW' });
    expect(ids(engine.scan(subject, context()) as EngineOutput)).toEqual(['yara.old_rule']);
    write('r.yar', rule('New_Rule', 'NEW'));
    expect(engine.reload()).toEqual({ ok: true, files: [join(dir, 'r.yar')] });
    expect(ids(engine.scan(subject, context()) as EngineOutput)).toEqual(['yara.new_rule']);
  });

  it('keeps the old rules when the edited folder does not compile, and reports it until fixed', () => {
    write('r.yar', rule('Old_Rule', 'OLD'));
    const engine = createYaraEngine({ rulesDir: dir });
    write('r.yar', 'rule Half_Written {');
    const result = engine.reload();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(`YARA rules file ${join(dir, 'r.yar')} does not compile`);
    const output = engine.scan(makeSubject({ text: 'OLD' }), context()) as EngineOutput;
    expect(ids(output)).toEqual(['yara.old_rule', 'yara.rules_reload_failed']);
    expect(finding(output, 'yara.rules_reload_failed')).toMatchObject({ severity: 'info', score: 0 });
    write('r.yar', rule('Fixed_Rule', 'OLD'));
    expect(engine.reload().ok).toBe(true);
    expect(ids(engine.scan(makeSubject({ text: 'OLD' }), context()) as EngineOutput)).toEqual(['yara.fixed_rule']);
  });

  it('with reloadCheckIntervalMs, notices a changed folder by itself', async () => {
    write('r.yar', rule('Old_Rule', 'OLD'), 1_000_000);
    const engine = createYaraEngine({ rulesDir: dir, reloadCheckIntervalMs: 1 });
    const subject = makeSubject({ text: 'OLD NEW' });
    write('r.yar', rule('New_Rule', 'NEW'), 2_000_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ids(engine.scan(subject, context()) as EngineOutput)).toEqual(['yara.new_rule']);
    write('extra.yar', 'rule {', 2_000_001);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ids(engine.scan(subject, context()) as EngineOutput)).toEqual(['yara.new_rule', 'yara.rules_reload_failed']);
  });

  it('without reloadCheckIntervalMs, edits wait for reload()', () => {
    write('r.yar', rule('Old_Rule', 'OLD'), 1_000_000);
    const engine = createYaraEngine({ rulesDir: dir });
    write('r.yar', rule('New_Rule', 'NEW'), 2_000_000);
    expect(ids(engine.scan(makeSubject({ text: 'OLD NEW' }), context()) as EngineOutput)).toEqual(['yara.old_rule']);
  });
});
