import { ConfigError } from '../../../functions/src/core/errors';
import { parsePolicy, type PolicyIssue } from '../../../functions/src/core/policy';

function issuesOf(json: unknown): PolicyIssue[] {
  try {
    parsePolicy(json, 'custom.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).context.issues as PolicyIssue[];
  }
  throw new Error('expected parsePolicy to throw');
}

describe('parsePolicy', () => {
  it('fills every field but version from the defaults', () => {
    expect(parsePolicy({ version: 'v1' })).toEqual({
      version: 'v1',
      mode: 'enforce',
      expectedEngines: [],
      weights: {},
      thresholds: { suspicious: 50, malicious: 80 },
      decisiveFindings: [
        { pattern: 'clamav.*', verdict: 'malicious', minSeverity: 'high' },
        { pattern: 'links.blocklisted', verdict: 'malicious' },
        { pattern: 'qr.link.blocklisted', verdict: 'malicious' },
        { pattern: 'attachments.vba_macro', verdict: 'malicious' },
        { pattern: 'attachments.office_template_injection', verdict: 'malicious' },
        { pattern: 'attachments.office_remote_object', verdict: 'malicious' },
        { pattern: 'attachments.office_password_in_message', verdict: 'malicious' },
      ],
      consensus: [{ verdict: 'malicious', minEngines: 2, minEngineScore: 50 }],
      onEngineFailure: 'fail-open',
      failClosedVerdict: 'suspicious',
      actions: { clean: 'none', suspicious: 'label', malicious: 'quarantine' },
      maxReasons: 10,
    });
  });

  it('fills defaults inside a partly given section and a rule', () => {
    const policy = parsePolicy({
      version: 'v1',
      thresholds: { suspicious: 30 },
      actions: { malicious: 'trash' },
      decisiveFindings: [{ pattern: 'yara.*' }],
    });

    expect(policy.thresholds).toEqual({ suspicious: 30, malicious: 80 });
    expect(policy.actions).toEqual({ clean: 'none', suspicious: 'label', malicious: 'trash' });
    expect(policy.decisiveFindings).toEqual([{ pattern: 'yara.*', verdict: 'malicious' }]);
  });

  it('gives each parsed policy its own default rule objects', () => {
    const first = parsePolicy({ version: 'a' });
    const second = parsePolicy({ version: 'b' });

    expect(first.decisiveFindings[0]).not.toBe(second.decisiveFindings[0]);
    expect(first.consensus[0]).not.toBe(second.consensus[0]);
  });

  it('accepts its own output again (workers re-validate a parsed policy)', () => {
    const policy = parsePolicy({ version: 'v1', mode: 'passive', weights: { links: 2 } });

    expect(parsePolicy(policy)).toEqual(policy);
  });

  it('lists every problem at once, each with its path, and names the source', () => {
    const bad = {
      version: '',
      mode: 'loud',
      expectedEngines: ['links', 'links'],
      weights: { links: -1 },
      thresholds: { suspicious: 90, malicious: 80 },
      decisiveFindings: [{ pattern: 'clamav.*' }, { pattern: '*' }, { pattern: 'a*b' }],
      consensus: [{ verdict: 'clean', minEngines: 0 }],
      actions: { suspicious: 'quarantine', malicious: 'label' },
      maxReasons: 0,
      treshold: 3,
    };

    let message = '';
    try {
      parsePolicy(bad, 'custom.json');
    } catch (error) {
      message = (error as Error).message;
    }
    const paths = issuesOf(bad).map((issue) => issue.path);

    expect(paths).toEqual(
      expect.arrayContaining([
        'version',
        'mode',
        'expectedEngines[1]',
        'weights.links',
        'thresholds.malicious',
        'decisiveFindings[1].pattern',
        'decisiveFindings[2].pattern',
        'consensus[0].verdict',
        'consensus[0].minEngines',
        'actions.malicious',
        'maxReasons',
        '(root)',
      ]),
    );
    expect(paths).not.toContain('decisiveFindings[0].pattern');
    expect(message).toMatch(/^invalid policy in custom\.json: /);
    expect(message).toContain('thresholds.malicious: must be greater than thresholds.suspicious (90)');
    expect(message).toContain('(root): Unrecognized key: "treshold"');
  });

  it('requires a version', () => {
    expect(issuesOf({})).toEqual([{ path: 'version', message: expect.any(String) }]);
  });

  it('refuses a non-object policy', () => {
    expect(issuesOf(null)[0]?.path).toBe('(root)');
    expect(issuesOf([])[0]?.path).toBe('(root)');
  });

  it('refuses unknown keys inside sections and rules', () => {
    const paths = issuesOf({ version: 'v', thresholds: { suspicous: 40 }, consensus: [{ verdict: 'malicious', minEngines: 2, k: 1 }] }).map(
      (issue) => issue.path,
    );

    expect(paths).toEqual(expect.arrayContaining(['thresholds', 'consensus[0]']));
  });

  it('refuses a clean action stronger than the suspicious one', () => {
    expect(issuesOf({ version: 'v', actions: { clean: 'label', suspicious: 'none' } }).map((issue) => issue.path)).toEqual([
      'actions.suspicious',
    ]);
  });

  it('refuses equal thresholds and a zero threshold', () => {
    expect(issuesOf({ version: 'v', thresholds: { suspicious: 60, malicious: 60 } })[0]?.path).toBe('thresholds.malicious');
    expect(issuesOf({ version: 'v', thresholds: { suspicious: 0 } })[0]?.path).toBe('thresholds.suspicious');
  });

  it('has no permanent delete among its actions', () => {
    expect(issuesOf({ version: 'v', actions: { malicious: 'delete' } })[0]?.path).toBe('actions.malicious');
  });
});
