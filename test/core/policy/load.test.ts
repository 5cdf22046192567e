import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../functions/src/core/errors';
import {
  DEFAULT_POLICY,
  DEFAULT_POLICY_PATH,
  SHIPPED_POLICY_DIR,
  decide,
  loadPolicyFile,
  parsePolicy,
} from '../../../functions/src/core/policy';
import { failed, ok } from './helpers';

describe('loadPolicyFile', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-policy-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function expectConfigError(file: string, pattern: RegExp): Promise<ConfigError> {
    const error = await loadPolicyFile(file).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(file);
    expect((error as ConfigError).message).toMatch(pattern);
    return error as ConfigError;
  }

  it('loads a valid file', async () => {
    const file = path.join(dir, 'mine.json');
    await writeFile(file, JSON.stringify({ version: 'mine-1', mode: 'passive' }));

    await expect(loadPolicyFile(file)).resolves.toMatchObject({ version: 'mine-1', mode: 'passive', maxReasons: 10 });
  });

  it('names the file it cannot read', async () => {
    const error = await expectConfigError(path.join(dir, 'absent.json'), /cannot read policy file/);
    expect(error.context.path).toBe(path.join(dir, 'absent.json'));
  });

  it('names the file that is not JSON', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{ "version": "x", }');

    await expectConfigError(file, /is not valid JSON/);
  });

  it('names the file and the path of an invalid policy', async () => {
    const file = path.join(dir, 'invalid.json');
    await writeFile(file, JSON.stringify({ version: 'x', thresholds: { malicious: 'high' } }));

    await expectConfigError(file, /thresholds\.malicious: /);
  });
});

describe('shipped policies', () => {
  it('default.json parses and spells out exactly the schema defaults', async () => {
    const shipped = await loadPolicyFile(DEFAULT_POLICY_PATH);
    const { description: _description, ...withoutDescription } = shipped;

    expect(withoutDescription).toEqual(parsePolicy({ version: shipped.version }));
    expect(DEFAULT_POLICY).toEqual(shipped);
  });

  it('DEFAULT_POLICY is frozen, so no caller can change it for the others', () => {
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_POLICY.thresholds)).toBe(true);
    expect(Object.isFrozen(DEFAULT_POLICY.decisiveFindings[0])).toBe(true);
  });

  it('strict.json parses, is fail-closed and has lower thresholds than the default', async () => {
    const strict = await loadPolicyFile(path.join(SHIPPED_POLICY_DIR, 'strict.json'));

    expect(strict.onEngineFailure).toBe('fail-closed');
    expect(strict.thresholds.suspicious).toBeLessThan(DEFAULT_POLICY.thresholds.suspicious);
    expect(strict.thresholds.malicious).toBeLessThan(DEFAULT_POLICY.thresholds.malicious);
  });

  it('strict.json holds back a message an expected engine did not scan; the default does not', async () => {
    const strict = await loadPolicyFile(path.join(SHIPPED_POLICY_DIR, 'strict.json'));
    const results = [ok('auth', 0), failed('links', 'timeout')];

    expect(decide(results, strict).verdict).toBe('suspicious');
    expect(decide(results, DEFAULT_POLICY).verdict).toBe('clean');
  });
});
