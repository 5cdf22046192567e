/**
 * The names of the engines Strata ships, without their modules: configuration defaults and
 * validation need the list, and must not pay for loading every engine (native YARA, sharp...).
 * `engines/registry.ts` maps each name to its factory; a test keeps the two equal.
 */
export const ENGINE_NAMES = ['auth', 'links', 'content', 'attachments', 'qr', 'clamav', 'yara'] as const;

export type EngineName = (typeof ENGINE_NAMES)[number];
