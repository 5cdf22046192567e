import { StrataError } from '../../core/errors';

/**
 * An error the stand-in answers over HTTP, in the JSON shape Google APIs use
 * (`{error: {code, message, errors: [{message, domain, reason}], status}}`), so the real
 * googleapis client surfaces it exactly as it would surface Gmail's own.
 */
export class GoogleApiHttpError extends StrataError {
  constructor(
    readonly httpStatus: number,
    readonly status: string,
    readonly reason: string,
    message: string,
    readonly domain = 'global',
    readonly headers: Record<string, string> = {},
  ) {
    super('gmail_standin.http', message, { httpStatus, status, reason });
  }

  body(): { error: { code: number; message: string; errors: { message: string; domain: string; reason: string }[]; status: string } } {
    return {
      error: {
        code: this.httpStatus,
        message: this.message,
        errors: [{ message: this.message, domain: this.domain, reason: this.reason }],
        status: this.status,
      },
    };
  }
}

export const NOT_FOUND_MESSAGE = 'Requested entity was not found.';

export function notFound(): GoogleApiHttpError {
  return new GoogleApiHttpError(404, 'NOT_FOUND', 'notFound', NOT_FOUND_MESSAGE);
}

export function badRequest(message: string, reason = 'invalidArgument'): GoogleApiHttpError {
  return new GoogleApiHttpError(400, 'INVALID_ARGUMENT', reason, message);
}

export function failedPrecondition(message: string): GoogleApiHttpError {
  return new GoogleApiHttpError(400, 'FAILED_PRECONDITION', 'failedPrecondition', message);
}

export function unauthenticated(): GoogleApiHttpError {
  return new GoogleApiHttpError(
    401,
    'UNAUTHENTICATED',
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    'global',
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  );
}

export function permissionDenied(message: string, reason = 'forbidden'): GoogleApiHttpError {
  return new GoogleApiHttpError(403, 'PERMISSION_DENIED', reason, message);
}

export function insufficientScopes(): GoogleApiHttpError {
  return new GoogleApiHttpError(403, 'PERMISSION_DENIED', 'insufficientPermissions', 'Request had insufficient authentication scopes.');
}

export function conflict(message: string): GoogleApiHttpError {
  return new GoogleApiHttpError(409, 'ALREADY_EXISTS', 'duplicate', message);
}

export function methodNotAllowed(message: string): GoogleApiHttpError {
  return new GoogleApiHttpError(405, 'METHOD_NOT_ALLOWED', 'httpMethodNotAllowed', message);
}

/** Gmail's two ways of saying "this user spent its per-minute units". */
export function userRateLimited(style: '429' | '403'): GoogleApiHttpError {
  return style === '429'
    ? new GoogleApiHttpError(429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'User-rate limit exceeded', 'usageLimits')
    : new GoogleApiHttpError(403, 'PERMISSION_DENIED', 'userRateLimitExceeded', 'User-rate limit exceeded', 'usageLimits');
}

export function injectedServerError(httpStatus: 500 | 503): GoogleApiHttpError {
  return httpStatus === 500
    ? new GoogleApiHttpError(500, 'INTERNAL', 'backendError', 'Internal error encountered.')
    : new GoogleApiHttpError(503, 'UNAVAILABLE', 'backendError', 'The service is currently unavailable.');
}

/** Misuse of the stand-in's own (in-process or control) API, e.g. delivering to a mailbox it does not host. */
export class StandinUsageError extends StrataError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('gmail_standin.usage', message, context);
  }
}
