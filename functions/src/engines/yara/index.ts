import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_PARSE_LIMITS } from '../../core/config/limits';
import type { Engine } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';
import { folderFingerprint, loadRules, type LoadedRules } from './rules';
import { scanWithYara } from './scanner';

export { DEFAULT_RULE_SCORE, YARA_ENGINE_FINDING_TITLES, verdictOfRule } from './findings';
export { yaraParts } from './parts';

/** The starter rules shipped with Strata (functions/rules/yara), found from src/ and lib/ alike. */
export const SHIPPED_YARA_RULES_DIR = join(__dirname, '..', '..', '..', 'rules', 'yara');

const MiB = 1024 * 1024;

export const YaraConfigSchema = z
  .object({
    /** Folder of `*.yar` / `*.yara` files; relative paths resolve from the working directory. */
    rulesDir: z.string().trim().min(1).optional(),
    /**
     * Bytes of one part (body, attachment, archive member) given to the rules; a larger part is
     * scanned for its beginning only. yara-x scans at roughly 250-450 MB/s and cannot be
     * interrupted, so the byte limits are its time limits.
     */
    maxBytesPerItem: z.number().int().min(1024).max(512 * MiB).default(8 * MiB),
    /** Bytes scanned per message across all parts. */
    maxBytesPerMessage: z.number().int().min(1024).max(1024 * MiB).default(32 * MiB),
    /** Scan the HTML and text bodies. */
    scanBodies: z.boolean().default(true),
    /** Also scan the members of zip, gzip and tar attachments (one level), e.g. the VBA project of a .docm. */
    scanArchiveMembers: z.boolean().default(true),
    /** Archive members inflated and scanned per message. */
    maxArchiveMembers: z.number().int().min(0).max(10_000).default(64),
    maxEvidencePerFinding: z.number().int().min(1).max(50).default(5),
    /**
     * When above 0, each scan checks at most this often whether the rules folder changed
     * (names, sizes, modification times) and reloads it. 0: rules change only through reload().
     */
    reloadCheckIntervalMs: z.number().int().min(0).default(0),
  })
  .strict();

export type YaraConfig = z.infer<typeof YaraConfigSchema>;
export type YaraConfigInput = z.input<typeof YaraConfigSchema>;

export const YARA_ENGINE_VERSION = '1.0.0';

export type YaraReloadResult = { ok: true; files: string[] } | { ok: false; error: string };

export interface YaraEngine extends Engine<YaraConfig> {
  /**
   * Reads and compiles the rules folder again. On any error the rules in use stay as they were,
   * the error is returned, and every scan reports it (`yara.rules_reload_failed`) until a
   * reload succeeds.
   */
  reload(): YaraReloadResult;
  /** The rules in use: folder, files, when they were loaded. */
  rulesInfo(): { dir: string; files: string[]; loadedAt: string };
}

/**
 * The yara engine: the rules of a folder (default the shipped starter rules) over the bodies,
 * the attachments and their archive members. Rules are compiled once, here; a rules file that
 * does not compile is a ConfigError naming the file. Each matching rule is a finding
 * `yara.<rule identifier in lower case>` scored by its `score` / `severity` metadata.
 * See docs/engines/yara.md.
 */
export function createYaraEngine(input: unknown = {}): YaraEngine {
  const config = parseEngineConfig(YaraConfigSchema, input, 'yara');
  const dir = config.rulesDir === undefined ? SHIPPED_YARA_RULES_DIR : isAbsolute(config.rulesDir) ? config.rulesDir : resolve(config.rulesDir);
  let rules: LoadedRules = loadRules(dir);
  let reloadError: string | null = null;
  let lastCheck = Date.now();
  /** The folder state a reload failed on: retried only when the folder changes again, not on every scan. */
  let failedFingerprint: string | null = null;

  const reload = (): YaraReloadResult => {
    try {
      rules = loadRules(dir);
      reloadError = null;
      return { ok: true, files: rules.files.map((file) => file.file) };
    } catch (error) {
      reloadError = (error as Error).message;
      return { ok: false, error: reloadError };
    }
  };

  const reloadIfChanged = () => {
    if (config.reloadCheckIntervalMs === 0 || Date.now() - lastCheck < config.reloadCheckIntervalMs) return;
    lastCheck = Date.now();
    let fingerprint: string;
    try {
      fingerprint = folderFingerprint(dir);
    } catch (error) {
      reloadError = (error as Error).message;
      return;
    }
    if (fingerprint === rules.fingerprint) {
      reloadError = null; // the folder holds exactly the rules in use (it was only unreadable for a moment)
    } else if (fingerprint !== failedFingerprint && !reload().ok) {
      failedFingerprint = fingerprint;
    }
  };

  const settings = { ...config, maxCompressionRatio: DEFAULT_PARSE_LIMITS.maxCompressionRatio };
  return {
    name: 'yara',
    version: YARA_ENGINE_VERSION,
    defaultTimeoutMs: 2000,
    config,
    scan: (subject, context) => {
      reloadIfChanged();
      const extra = reloadError === null ? [] : [{ id: 'yara.rules_reload_failed' as const, evidence: reloadError }];
      return scanWithYara(rules, subject, settings, context.signal, extra);
    },
    reload,
    rulesInfo: () => ({ dir, files: rules.files.map((file) => file.file), loadedAt: rules.loadedAt.toISOString() }),
  };
}
