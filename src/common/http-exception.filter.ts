import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PageRenderer } from '../pages/page-renderer.service';
import { wantsHtmlPage } from '../pages/static-assets';
import { AppException } from './app.exception';

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  errors?: unknown[];
  reason?: string;
  requestId?: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Fastify's own request errors (body parsing, limits) and what we tell the client about them. */
const FASTIFY_CODES: Record<string, { code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'Request body exceeds the 1 MiB limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'bad_request',
    message: 'Content-Length does not match the body',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'malformed_payload',
    message: 'Body is empty but Content-Type is JSON',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_payload' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_PARSER: { code: 'unsupported_media_type' },
};

/** Turns any error into `{ statusCode, error, code, message }`; never leaks a stack trace. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof AppException) {
    return {
      statusCode: exception.status,
      error: REASONS[exception.status] ?? 'Error',
      code: exception.code,
      message: exception.message,
      ...(exception.details?.errors ? { errors: exception.details.errors as unknown[] } : {}),
      // A refusal with several causes under one code (resend_not_allowed, resend_limited) names which one.
      ...(typeof exception.details?.reason === 'string' ? { reason: exception.details.reason } : {}),
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse() as
      string | { message?: string | string[]; code?: string; errors?: unknown[] };
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray(response.message)
          ? response.message.join('; ')
          : (response.message ?? exception.message);
    const code =
      typeof response === 'object' && response.code
        ? response.code
        : status === 404
          ? 'not_found'
          : status === 401
            ? 'unauthorized'
            : status === 403
              ? 'forbidden'
              : status === 413
                ? 'payload_too_large'
                : status === 415
                  ? 'unsupported_media_type'
                  : status === 429
                    ? 'rate_limited'
                    : status === 400 && /JSON/i.test(message)
                      ? 'malformed_payload'
                      : status < 500
                        ? 'bad_request'
                        : 'internal_error';
    return {
      statusCode: status,
      error: REASONS[status] ?? 'Error',
      code,
      message: status >= 500 ? 'Internal server error' : message,
      ...(typeof response === 'object' && response.errors ? { errors: response.errors } : {}),
    };
  }
  const err = exception as { code?: string; statusCode?: number; message?: string; type?: string };
  if (err?.code && FASTIFY_CODES[err.code]) {
    const known = FASTIFY_CODES[err.code];
    const status = err.statusCode ?? 400;
    return {
      statusCode: status,
      error: REASONS[status] ?? 'Error',
      code: known.code,
      message: known.message ?? err.message ?? '',
    };
  }
  if (err?.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify/undici client errors (bad URL encoding, header too large, …): safe to echo.
    return {
      statusCode: err.statusCode,
      error: REASONS[err.statusCode] ?? 'Bad Request',
      code: 'bad_request',
      message: err.message ?? 'Bad request',
    };
  }
  // PostgreSQL refusing a value (a NUL byte, text too long, an out-of-range number) means the input was bad.
  const pgCode = (exception as { driverError?: { code?: string } })?.driverError?.code;
  if (pgCode && /^22/.test(pgCode)) {
    return {
      statusCode: 400,
      error: 'Bad Request',
      code: 'bad_request',
      message: 'A value in the request cannot be stored (invalid characters, too long or out of range)',
    };
  }
  if (exception instanceof SyntaxError || err?.type === 'entity.parse.failed') {
    return {
      statusCode: 400,
      error: 'Bad Request',
      code: 'malformed_payload',
      message: 'Malformed JSON body',
    };
  }
  return { statusCode: 500, error: REASONS[500], code: 'internal_error', message: 'Internal server error' };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  /** Optional: unit tests build the filter without the view layer. */
  constructor(@Optional() private readonly pages?: PageRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(
        {
          err:
            exception instanceof Error
              ? { name: exception.name, message: exception.message, stack: exception.stack }
              : exception,
        },
        `Unhandled error on ${request?.method} ${request?.routeOptions?.url ?? 'unknown route'}`,
      );
    }
    if (
      body.statusCode === 404 &&
      this.pages &&
      wantsHtmlPage(request?.method, request?.url, request?.headers.accept)
    ) {
      void this.pages.send(
        reply,
        'errors/not-found',
        {
          title: 'Page not found · Wismo',
          styles: ['site.css'],
          bodyClass: 'centered',
          path: request.url.split('?')[0],
        },
        { status: 404 },
      );
      return;
    }
    if (exception instanceof AppException && exception.details?.retryAfterSeconds) {
      void reply.header('Retry-After', String(exception.details.retryAfterSeconds));
    }
    void reply
      .status(body.statusCode)
      .header('content-type', 'application/json; charset=utf-8')
      .send({
        ...body,
        requestId: request?.id,
      });
  }
}
