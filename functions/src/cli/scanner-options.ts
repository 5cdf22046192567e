import { DEFAULT_STRATA_CONFIG, loadStrataConfigFile, type StrataConfig } from '../core/config/strata-config';
import { StrataError } from '../core/errors';
import { DEFAULT_POLICY, loadPolicyFile, type Policy } from '../core/policy';
import { AVAILABLE_ENGINES, createEngines } from '../engines/registry';
import type { ScannerSetup } from '../scan/scanner-setup';
import { listOption } from '../eval/labels';
import { ClamdNotInstalledError, ClamdStartError, startClamd } from '../dev/clamd';

/** The scanner flags `scan` and `eval` share, as parseArgs hands them over. */
export interface ScannerFlags {
  policy?: string;
  config?: string;
  engines?: string;
  workers?: string;
  'no-clamd'?: boolean;
  'clamd-db'?: string;
}

export const SCANNER_FLAG_OPTIONS = {
  policy: { type: 'string' },
  config: { type: 'string' },
  engines: { type: 'string' },
  workers: { type: 'string' },
  'no-clamd': { type: 'boolean', default: false },
  'clamd-db': { type: 'string' },
} as const;

export const SCANNER_FLAG_USAGE = `  --policy FILE   policy JSON (default: functions/policy/default.json)
  --config FILE   Strata config JSON (organisation domains, limits, engine settings)
  --engines a,b   run only these engines (default: all)
  --workers N     worker threads (default: one per core)
  --no-clamd      do not start a private clamd when the clamav engine has no daemon configured
                  (clamav then reports "unavailable" unless a clamd listens on 127.0.0.1:3310)
  --clamd-db DIR  signature folder for that private clamd (default: the repository's test
                  signatures, which know only EICAR and the ClamAV test files; point it at
                  freshclam's /var/lib/clamav for real protection)`;

/** Everything runScan needs, validated in the main thread. */
export interface PreparedScanner {
  config: StrataConfig;
  policy: Policy;
  setup: ScannerSetup;
  engineNames: string[];
  workers: number | undefined;
  hardTimeoutMs: number;
  /** Stops what preparing started (a private clamd); call it once the scan is over. */
  release(): Promise<void>;
}

/**
 * Loads config and policy and builds the engines once, so a bad flag, file or engine name is a
 * usage error (a message to print) rather than a worker crash. Throws only on programming errors.
 */
export async function prepareScanner(
  flags: ScannerFlags,
  note: (line: string) => void = () => undefined,
): Promise<PreparedScanner | { usageError: string }> {
  const workers = flags.workers === undefined ? undefined : Number(flags.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) {
    return { usageError: `--workers must be a whole number from 1 to 64, got '${flags.workers}'` };
  }
  const engines = flags.engines === undefined ? undefined : listOption(flags.engines);
  try {
    const loaded = flags.config ? await loadStrataConfigFile(flags.config) : DEFAULT_STRATA_CONFIG;
    const policy = flags.policy ? await loadPolicyFile(flags.policy) : DEFAULT_POLICY;
    const wantsClamav = (engines ?? AVAILABLE_ENGINES).includes('clamav');
    const { config, release } =
      wantsClamav && loaded.engines.clamav === undefined && !flags['no-clamd']
        ? await withPrivateClamd(loaded, flags['clamd-db'], note)
        : { config: loaded, release: async () => undefined };
    let built;
    try {
      built = createEngines(engines, config.engines);
    } catch (error) {
      // An unknown engine name or a bad engine config must not leave the private clamd running.
      await release();
      throw error;
    }
    const engineNames = built.map((engine) => engine.name);
    const maxEngineTimeout = Math.max(...built.map((engine) => engine.defaultTimeoutMs));
    const parseBudget = config.limits.maxParseMillis ?? 10_000;
    return {
      config,
      policy,
      setup: { config, policy, engines: engineNames },
      engineNames,
      workers,
      // A message gets its parse budget plus its slowest engine's budget, plus slack for a busy machine.
      hardTimeoutMs: parseBudget + maxEngineTimeout + 5_000,
      release,
    };
  } catch (error) {
    if (error instanceof StrataError) return { usageError: error.message };
    throw error;
  }
}

/**
 * A clamd of the scan's own, on a free loopback port, when the clamav engine runs with no daemon
 * configured: local scans then judge attachments with a real ClamAV rather than reporting the
 * engine unavailable. Without clamd installed the engine stays unconfigured (unavailable), and
 * the note says how to install it.
 */
async function withPrivateClamd(
  config: StrataConfig,
  databaseDir: string | undefined,
  note: (line: string) => void,
): Promise<{ config: StrataConfig; release: () => Promise<void> }> {
  try {
    const clamd = await startClamd({ databaseDir });
    note(`started clamd on ${clamd.host}:${clamd.port} with the signatures in ${clamd.databaseDir}`);
    return { config: { ...config, engines: { ...config.engines, clamav: clamd.engineConfig } }, release: () => clamd.stop() };
  } catch (error) {
    if (error instanceof ClamdNotInstalledError) {
      note('clamd is not installed (apt-get install clamav-daemon), so the clamav engine reports "unavailable"');
    } else if (error instanceof ClamdStartError) {
      note(`clamd did not start (${error.message}), so the clamav engine reports "unavailable"`);
    } else {
      throw error;
    }
    return { config, release: async () => undefined };
  }
}
