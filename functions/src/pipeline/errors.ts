import { StrataError } from '../core/errors';

/**
 * A Pub/Sub payload that is not what the handler accepts (not JSON, wrong shape). Handlers log
 * it and return normally: throwing would only make Pub/Sub redeliver the same bad bytes.
 */
export class InvalidPayloadError extends StrataError {
  constructor(
    readonly payloadKind: string,
    readonly problems: string[],
  ) {
    super('pipeline.invalid_payload', `invalid ${payloadKind}: ${problems.join('; ')}`, { payloadKind, problems });
  }
}

/**
 * Some new messages of a mailbox could not be fetched or handed to the engines. The history
 * cursor was left where it was, so the next notification, redelivery or poll reads them again;
 * thrown so that Pub/Sub redelivers.
 */
export class IngestIncompleteError extends StrataError {
  constructor(
    readonly mailbox: string,
    readonly failures: { gmailMessageId: string; error: string }[],
  ) {
    super('pipeline.ingest_incomplete', `${failures.length} message(s) of ${mailbox} could not be ingested; cursor kept`, {
      mailbox,
      failures: failures.slice(0, 20),
    });
  }
}

/** The serialised subject (or one of its attachment blobs) is absent or unreadable. */
export class SubjectUnavailableError extends StrataError {
  constructor(
    readonly subjectKey: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super('pipeline.subject_unavailable', `subject ${subjectKey} is unavailable: ${problem}`, { subjectKey, problem }, options);
  }
}

/**
 * Another instance holds the claim to fetch this message and its scan did not appear within the
 * wait. Counted as an ingest failure, so the cursor stays and a retry finds the scan (or takes
 * over the claim once its lease has expired).
 */
export class FetchClaimHeldError extends StrataError {
  constructor(
    readonly scanId: string,
    readonly owner: string,
    readonly until: Date,
  ) {
    super('pipeline.fetch_claim_held', `message ${scanId} is being fetched by ${owner} (claim until ${until.toISOString()})`, {
      scanId,
      owner,
      until: until.toISOString(),
    });
  }
}
