import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compile, type YaraX } from '@litko/yara-x';
import { ConfigError } from '../../core/errors';

/** One rules file, compiled on its own so a match (or an error) names its file. */
export interface CompiledRuleFile {
  file: string;
  rules: YaraX;
}

export interface LoadedRules {
  dir: string;
  files: CompiledRuleFile[];
  /** Names, sizes and modification times of the files read: changes trigger an automatic reload. */
  fingerprint: string;
  loadedAt: Date;
}

/** Bound on matches kept per pattern: enough for evidence, no memory blow-up on repetitive input. */
const MAX_MATCHES_PER_PATTERN = 16;
const RULE_FILE = /\.(?:yar|yara)$/i;

/** `*.yar` / `*.yara` files directly in the folder, sorted; a missing folder is a config error. */
export function ruleFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (cause) {
    throw new ConfigError(`YARA rules folder ${dir} cannot be read: ${(cause as Error).message}`, { dir }, { cause });
  }
  return names.filter((name) => RULE_FILE.test(name) && statSync(join(dir, name)).isFile()).sort();
}

/** Cheap change detector for the folder: file names, sizes and mtimes. */
export function folderFingerprint(dir: string): string {
  return ruleFilesIn(dir)
    .map((name) => {
      const stat = statSync(join(dir, name));
      return `${name}:${stat.size}:${stat.mtimeMs}`;
    })
    .join('|');
}

function firstLines(text: string, count: number): string {
  return text.split('\n').slice(0, count).join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * Reads and compiles every rules file of the folder, each on its own, without `include`. Slow
 * patterns and loops are refused at compile time (yara-x has no scan timeout, so an expensive rule must not get in). Any error is
 * a ConfigError naming the file and the compiler's message with its line.
 */
export function loadRules(dir: string): LoadedRules {
  const fingerprint = folderFingerprint(dir);
  const names = ruleFilesIn(dir);
  if (names.length === 0) throw new ConfigError(`YARA rules folder ${dir} holds no .yar or .yara file`, { dir });
  const files = names.map((name): CompiledRuleFile => {
    const file = join(dir, name);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new ConfigError(`YARA rules file ${file} cannot be read: ${(cause as Error).message}`, { file }, { cause });
    }
    try {
      // No includes: every rule the engine runs is in the folder, where reloads and reviews see it.
      const rules = compile(source, { errorOnSlowPattern: true, errorOnSlowLoop: true, enableIncludes: false });
      rules.setMaxMatchesPerPattern(MAX_MATCHES_PER_PATTERN);
      return { file, rules };
    } catch (cause) {
      throw new ConfigError(`YARA rules file ${file} does not compile: ${firstLines((cause as Error).message, 3)}`, { file }, { cause });
    }
  });
  return { dir, files, fingerprint, loadedAt: new Date() };
}
