import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { parsePolicy, type Policy } from './schema';

/**
 * The shipped policy files live in functions/policy/, outside the compiled tree (tsc's rootDir
 * is src/), because they are user-facing documents to copy and edit. Three levels up reaches
 * them alike from src/core/policy (tests) and lib/core/policy (the build).
 */
export const SHIPPED_POLICY_DIR = path.join(__dirname, '..', '..', '..', 'policy');
export const DEFAULT_POLICY_PATH = path.join(SHIPPED_POLICY_DIR, 'default.json');

/** Reads and validates a policy file. Unreadable file, bad JSON or invalid policy → ConfigError naming the file. */
export async function loadPolicyFile(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read policy file ${file}: ${(cause as Error).message}`, { path: file }, { cause });
  }
  return parsePolicyText(text, file);
}

function parsePolicyText(text: string, file: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`policy file ${file} is not valid JSON: ${(cause as Error).message}`, { path: file }, { cause });
  }
  return parsePolicy(json, file);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/**
 * The shipped default policy, read once at module load (synchronously, so importers get a
 * value rather than a promise). Frozen: it is shared by every caller in the process.
 */
export const DEFAULT_POLICY: Policy = deepFreeze(parsePolicyText(readShippedDefault(), DEFAULT_POLICY_PATH));

function readShippedDefault(): string {
  try {
    return readFileSync(DEFAULT_POLICY_PATH, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      `cannot read the shipped default policy ${DEFAULT_POLICY_PATH} (is functions/policy/ deployed?): ${(cause as Error).message}`,
      { path: DEFAULT_POLICY_PATH },
      { cause },
    );
  }
}
