import { ConfigError } from '../../functions/src/core/errors';
import { DEFAULT_POLICY } from '../../functions/src/core/policy';
import { parsePipelineConfig, policyForScan, scannerConfigOf } from '../../functions/src/pipeline/config';
import { TEST_POLICY, WATCH_TOPIC } from './harness';

describe('parsePipelineConfig', () => {
  it('fills every default from a config that names only the watch topic', () => {
    const config = parsePipelineConfig({ watchTopic: WATCH_TOPIC });
    expect(config).toMatchObject({
      topics: {
        gmailNotifications: 'strata-gmail-notifications',
        scanRequests: 'strata-scan-requests',
        engineCompletions: 'strata-engine-completions',
        watchRenewals: 'strata-watch-renewals',
      },
      engines: ['auth', 'links'],
      scanInbound: true,
      scanOutbound: false,
      scanInternal: true,
      labels: { suspicious: 'Strata/Suspicious', quarantine: 'Strata/Quarantine' },
      fullSyncMaxMessages: 500,
      fullSyncQuery: 'in:anywhere -in:trash -in:drafts newer_than:7d',
      historyPageSize: 500,
      redispatchAfterMs: 30_000,
      engineOverdueMs: 90_000,
      maxActionAttempts: 5,
      retentionDays: 30,
      quietMailboxMs: 30 * 60_000,
      watchRenewBeforeMs: 6 * 24 * 3600_000,
      directory: { customer: 'my_customer' },
    });
    expect(config.policy).toBe(DEFAULT_POLICY);
  });

  it('requires a full watch topic name', () => {
    expect(() => parsePipelineConfig({})).toThrow(ConfigError);
    expect(() => parsePipelineConfig({ watchTopic: 'strata-gmail-notifications' })).toThrow(/watchTopic: must be projects\/<project>\/topics\/<topic>/);
  });

  it('refuses inconsistent settings, naming each problem', () => {
    const attempt = () =>
      parsePipelineConfig({
        watchTopic: WATCH_TOPIC,
        engines: ['auth', 'auth'],
        redispatchAfterMs: 60_000,
        engineOverdueMs: 60_000,
        engineTimeoutsMs: { clamav: 1000 },
        labels: { suspicious: 'Strata', quarantine: 'Strata' },
        policy: { ...TEST_POLICY, expectedEngines: ['yara'] },
        fullSyncMaxMessages: 0,
        unknownField: true,
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const path of ['engines.1', 'fullSyncMaxMessages', 'unknownField']) expect(message).toContain(path);
  });

  it('checks the cross-field rules once the fields themselves are valid', () => {
    const message = (input: Record<string, unknown>) => {
      try {
        parsePipelineConfig({ watchTopic: WATCH_TOPIC, ...input });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(message({ redispatchAfterMs: 60_000, engineOverdueMs: 60_000 })).toContain('redispatchAfterMs: must be below engineOverdueMs');
    expect(message({ policy: { ...TEST_POLICY, expectedEngines: ['yara'] } })).toContain('does not run: yara');
    expect(message({ engineTimeoutsMs: { clamav: 1000 } })).toContain('engine clamav is not in engines');
    expect(message({ labels: { suspicious: 'Strata', quarantine: 'Strata' } })).toContain('labels.quarantine');
  });

  it('derives the scanner config and the per-scan policy', () => {
    const config = parsePipelineConfig({ watchTopic: WATCH_TOPIC, organisationDomains: ['Example.ORG'], trustedAuthority: 'mx.example.net' });
    expect(config.organisationDomains).toEqual(['example.org']);
    expect(scannerConfigOf(config)).toMatchObject({ organisationDomains: ['example.org'], trustedAuthority: 'mx.example.net', engines: {} });
    expect(policyForScan({ ...TEST_POLICY, expectedEngines: ['auth'] }, ['auth', 'links']).expectedEngines).toEqual(['auth', 'links']);
  });
});
