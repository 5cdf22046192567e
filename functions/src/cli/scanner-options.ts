import { DEFAULT_STRATA_CONFIG, loadStrataConfigFile, type StrataConfig } from '../core/config/strata-config';
import { StrataError } from '../core/errors';
import { DEFAULT_POLICY, loadPolicyFile, type Policy } from '../core/policy';
import { createEngines } from '../engines/registry';
import type { ScannerSetup } from '../scan/scanner-setup';
import { listOption } from '../eval/labels';

/** The scanner flags `scan` and `eval` share, as parseArgs hands them over. */
export interface ScannerFlags {
  policy?: string;
  config?: string;
  engines?: string;
  workers?: string;
}

export const SCANNER_FLAG_OPTIONS = {
  policy: { type: 'string' },
  config: { type: 'string' },
  engines: { type: 'string' },
  workers: { type: 'string' },
} as const;

/** Everything runScan needs, validated in the main thread. */
export interface PreparedScanner {
  config: StrataConfig;
  policy: Policy;
  setup: ScannerSetup;
  engineNames: string[];
  workers: number | undefined;
  hardTimeoutMs: number;
}

/**
 * Loads config and policy and builds the engines once, so a bad flag, file or engine name is a
 * usage error (a message to print) rather than a worker crash. Throws only on programming errors.
 */
export async function prepareScanner(flags: ScannerFlags): Promise<PreparedScanner | { usageError: string }> {
  const workers = flags.workers === undefined ? undefined : Number(flags.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) {
    return { usageError: `--workers must be a whole number from 1 to 64, got '${flags.workers}'` };
  }
  const engines = flags.engines === undefined ? undefined : listOption(flags.engines);
  try {
    const config = flags.config ? await loadStrataConfigFile(flags.config) : DEFAULT_STRATA_CONFIG;
    const policy = flags.policy ? await loadPolicyFile(flags.policy) : DEFAULT_POLICY;
    const built = createEngines(engines, config.engines);
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
    };
  } catch (error) {
    if (error instanceof StrataError) return { usageError: error.message };
    throw error;
  }
}
