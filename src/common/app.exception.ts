/**
 * Errors the application raises on purpose. Services throw these with a code; the one global filter maps
 * the code to an HTTP status, so services never depend on HTTP.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  malformed_payload: 400,
  bad_request: 400,
  invalid_signature: 401,
  webhook_not_configured: 401,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  webhook_replayed: 409,
  resend_not_allowed: 409,
  shipment_belongs_to_other_order: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  template_too_expensive: 422,
  verification_locked: 429,
  rate_limited: 429,
  resend_limited: 429,
  chat_busy: 429,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { errors?: FieldProblem[] | unknown[]; retryAfterSeconds?: number } & Record<
      string,
      unknown
    >,
  ) {
    super(message);
    this.name = 'AppException';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static notFound(what: string): AppException {
    return new AppException('not_found', `${what} not found`);
  }

  static validation(errors: FieldProblem[]): AppException {
    return new AppException('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
      errors,
    });
  }
}
