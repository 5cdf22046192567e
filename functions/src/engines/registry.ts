import type { Engine } from '../core/engine/types';
import { ConfigError } from '../core/errors';
import { createAttachmentsEngine } from './attachments';
import { createAuthEngine } from './auth';
import { createClamavEngine } from './clamav';
import { createContentEngine } from './content';
import { createLinksEngine } from './links';
import { ENGINE_NAMES, type EngineName } from './names';
import { createQrEngine } from './qr';
import { createYaraEngine } from './yara';

/**
 * Every engine Strata ships, by name. A factory takes the engine's own config section
 * (unknown until the engine's schema validates it) and returns a ready engine.
 */
const ENGINE_FACTORIES: Readonly<Record<EngineName, (config: unknown) => Engine>> = {
  auth: (config) => createAuthEngine(config as Parameters<typeof createAuthEngine>[0]),
  links: (config) => createLinksEngine(config as Parameters<typeof createLinksEngine>[0]),
  content: (config) => createContentEngine(config),
  attachments: (config) => createAttachmentsEngine(config),
  qr: (config) => createQrEngine(config),
  clamav: (config) => createClamavEngine(config),
  yara: (config) => createYaraEngine(config),
};

/** Typed as a record over ENGINE_NAMES, so a name without a factory (or the reverse) does not compile. */
export const AVAILABLE_ENGINES: readonly string[] = ENGINE_NAMES;

/**
 * Builds the named engines (all of them when `names` is undefined) from their config sections.
 * Unknown names are a configuration error that lists what exists.
 */
export function createEngines(names: readonly string[] | undefined, engineConfigs: Record<string, unknown>): Engine[] {
  const wanted = names ?? AVAILABLE_ENGINES;
  const unknown = wanted.filter((name) => !(name in ENGINE_FACTORIES));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown engine(s): ${unknown.join(', ')}; available: ${AVAILABLE_ENGINES.join(', ')}`, {
      unknown,
    });
  }
  return wanted.map((name) => {
    const factory = ENGINE_FACTORIES[name as EngineName];
    return factory(engineConfigs[name] ?? {});
  });
}
