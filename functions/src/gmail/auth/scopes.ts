import { ConfigError } from '../../core/errors';

/**
 * The only OAuth scopes Strata ever asks for. `gmail.modify` covers history, raw get, modify,
 * batchModify, trash/untrash, labels, watch and stop, but not permanent deletion, which Strata
 * never does. Directory access is read-only and only for listing users.
 */
export const GMAIL_SCOPE = 'https://www.googleapis.com/auth/gmail.modify';
export const DIRECTORY_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';

export type StrataScope = typeof GMAIL_SCOPE | typeof DIRECTORY_SCOPE;

export const STRATA_SCOPES: readonly StrataScope[] = [GMAIL_SCOPE, DIRECTORY_SCOPE];

/**
 * Guards the providers at runtime as well as in types: a broader scope (mail.google.com, a
 * read-write Directory scope) would have to be granted in the Admin console too, and a token
 * carrying it would be a bigger prize if leaked.
 */
export function assertStrataScope(scope: string): StrataScope {
  if ((STRATA_SCOPES as readonly string[]).includes(scope)) return scope as StrataScope;
  throw new ConfigError(`scope ${scope} is not one Strata uses; allowed: ${STRATA_SCOPES.join(', ')}`, { scope });
}
