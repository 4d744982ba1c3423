import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';

/**
 * Field names that may hold personal data. They are censored wherever they appear in a log object, as a
 * second line of defence: code logs ids, never contact details or message text.
 */
const PERSONAL = [
  'email',
  'phone',
  'to',
  'from',
  'name',
  'firstName',
  'lastName',
  'address',
  'body',
  'text',
  'html',
  'message_body',
  'postcode',
  'password',
  'token',
  'authorization',
  'cookie',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'req.query',
  ...PERSONAL.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** One request id for Fastify, the logs and the client: a sane incoming X-Request-Id, or a new UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.headers['x-request-id'] = id;
  return id;
}

export function loggerParams(config: AppConfig): Params {
  const pretty = config.env === 'development';
  return {
    pinoHttp: {
      level: config.env === 'test' && config.logLevel === 'info' ? 'warn' : config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Fastify assigned the id first (see requestIdFor) and wrote it back to the header.
      genReqId: (req: IncomingMessage) => requestIdFor(req),
      // URLs can carry tokens (unsubscribe, Shippo); log the path only.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          // A chat session id is a bearer credential (issue 14): never logged in clear.
          path: req.url?.split('?')[0].replace(/(\/chat\/sessions\/)[^/]+/, '$1[redacted]'),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
      ...(pretty
        ? {
            transport: {
              target: 'pino-pretty',
              options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
            },
          }
        : {}),
    },
  };
}
