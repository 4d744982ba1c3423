/**
 * The one error a tracking mapper throws. The HTTP layer maps `code` to a status (400 for malformed,
 * 202-and-ignore or 422 for unsupported events) and returns `message`, so the message names the exact field.
 */

export type TrackingPayloadErrorCode = 'malformed_payload' | 'unsupported_event';

export class TrackingPayloadError extends Error {
  override readonly name = 'TrackingPayloadError';

  constructor(
    readonly code: TrackingPayloadErrorCode,
    message: string,
    /** Every problem found, when validation collects more than one (generic format). */
    readonly issues: readonly string[] = [message],
  ) {
    super(message);
  }
}

export function malformed(message: string): TrackingPayloadError {
  return new TrackingPayloadError('malformed_payload', message);
}

export function unsupported(message: string): TrackingPayloadError {
  return new TrackingPayloadError('unsupported_event', message);
}
