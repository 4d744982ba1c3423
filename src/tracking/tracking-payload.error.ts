import { AppException } from '../common/app.exception';
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

/** A mapper's refusal as the answer every provider webhook gives: 400 malformed, 422 for an event it does not take. */
export function mapOrReject<T>(body: unknown, parse: (body: unknown) => T): T {
  if (body === undefined || body === null)
    throw new AppException('malformed_payload', 'A JSON body is required');
  try {
    return parse(body);
  } catch (err) {
    if (err instanceof TrackingPayloadError) {
      throw new AppException(
        err.code === 'unsupported_event' ? 'unprocessable' : 'malformed_payload',
        err.message,
        {
          errors: [...err.issues],
        },
      );
    }
    throw err;
  }
}
