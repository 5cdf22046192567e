import { StrataError } from '../core/errors';

/** What the blob stores raise, so callers can tell corruption from an outage from a bad key. */

export type BlobOperation = 'put' | 'get' | 'has' | 'delete';

/**
 * Stored bytes that do not hash to their key (or do not match their manifest). Never retried:
 * the content is wrong, not the connection. `store` names the backend and location.
 */
export class BlobIntegrityError extends StrataError {
  constructor(
    readonly store: string,
    readonly key: string,
    readonly problem: string,
    context: Record<string, unknown> = {},
  ) {
    super('blob.integrity', `${store}: blob ${key} is corrupt: ${problem}`, { store, key, ...context });
  }
}

/** The backend could not be reached or refused the operation (network, permissions, missing bucket). */
export class BlobStoreAccessError extends StrataError {
  constructor(
    readonly store: string,
    readonly operation: BlobOperation,
    readonly key: string | undefined,
    cause: unknown,
  ) {
    super(
      'blob.access',
      `${store}: ${operation}${key ? ` ${key}` : ''} failed: ${describeCause(cause)}`,
      { store, operation, key, cause: describeCause(cause) },
      { cause },
    );
  }
}

/** A key that is not a lowercase hex SHA-256. A programming error, so it is raised, not turned into null. */
export class InvalidBlobKeyError extends StrataError {
  constructor(readonly key: unknown, store: string) {
    super('blob.invalid_key', `${store}: ${JSON.stringify(String(key)).slice(0, 100)} is not a blob key (lowercase hex SHA-256)`, {
      store,
      key: String(key).slice(0, 100),
    });
  }
}

/**
 * Runs one store operation and turns whatever the backend throws into a BlobStoreAccessError
 * naming the store, operation and key. The stores' own typed errors pass through unchanged.
 */
export async function withAccessErrors<T>(store: string, operation: BlobOperation, key: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StrataError) throw error;
    throw new BlobStoreAccessError(store, operation, key, error);
  }
}

/** The `code` a client library put on its error: a gRPC status (Firestore) or an HTTP status (Cloud Storage). */
export function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return code !== undefined && !cause.message.includes(String(code)) ? `${cause.message} (code ${String(code)})` : cause.message;
  }
  return String(cause);
}
