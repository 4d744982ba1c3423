import { PassThrough } from 'node:stream';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { requestIdFor } from './common/logging';
import { AppException } from './common/app.exception';
import { malformedJsonText } from './common/json-text';
import { PAGE_HEADERS } from './common/page-security';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';
import { EmbeddedPostgres } from './database/embedded-postgres';
import { MetricsService } from './metrics/metrics.service';
import { serveStaticAssets } from './pages/static-assets';
import { configureQueueBackend, warnOnEvictionPolicy } from './queue/queue-backend';
import { verifierNameOf, WebhookVerifiers } from './tracking/webhook-verifiers.service';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 32;
/** Routes whose callers send forms: Twilio's webhooks and the one-click unsubscribe POST. */
const FORM_ROUTES = new Set([
  '/v1/webhooks/twilio/status',
  '/v1/webhooks/twilio/inbound',
  '/v1/unsubscribe',
  // The order lookup's plain HTML forms (tracking-lookup.controller.ts).
  '/track',
  '/track/order/instructions',
  '/track/order/problem',
  '/track/order/preferences',
]);

/** Iterative, so the check itself cannot overflow the stack it protects. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return false;
}

export interface RunningApp {
  app: NestFastifyApplication;
  databaseUrl: string;
  /** Closes HTTP (draining), workers (finishing in-flight jobs), connections, then the embedded database. */
  close(): Promise<void>;
  /** Synchronous last resort for a forced exit. */
  forceStop(): void;
}

/**
 * Builds the whole service for a validated config: used by main.ts, the CLI and every e2e test, so tests
 * boot exactly what production runs.
 */
export async function createApp(
  config: AppConfig,
  options: { bufferLogs?: boolean } = {},
): Promise<RunningApp> {
  const bootLogger = new Logger('Bootstrap');
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    embedded = new EmbeddedPostgres(config.dataDir, {
      log: (m) => bootLogger.log(m),
      warn: (m) => bootLogger.warn(m),
    });
    const started = Date.now();
    databaseUrl = await embedded.start();
    bootLogger.log(`Embedded PostgreSQL ready in ${Date.now() - started} ms (data in ${embedded.location})`);
  }

  configureQueueBackend(config);
  if (config.queue.redisUrl) await warnOnEvictionPolicy(config.queue.redisUrl, bootLogger);

  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // Only the configured proxies may name the client in X-Forwarded-For: `request.ip` keys the chat rate limit and
    // verification lock-outs, so a client-chosen value would let a guesser walk around them (TRUST_PROXY).
    trustProxy:
      typeof config.http.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.http.trustProxy)
        : config.http.trustProxy,
    genReqId: requestIdFor,
    routerOptions: { maxParamLength: 300 },
  });
  // Every body is JSON, or a form for Twilio and one-click unsubscribe: plain text is refused with 415 rather
  // than reaching a handler as a string.
  adapter.getInstance().removeContentTypeParser('text/plain');
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, databaseUrl), adapter, {
      rawBody: true,
      bufferLogs: options.bufferLogs ?? true,
      abortOnError: false,
    });
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  try {
    await configure(app, config);
  } catch (err) {
    await app.close().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }

  let closed = false;
  return {
    app,
    databaseUrl,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await app.close();
      } finally {
        await embedded?.stop();
      }
    },
    forceStop() {
      embedded?.stopSync();
    },
  };
}

async function configure(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(PinoLogger));
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  // Hostile bodies nested thousands deep would overflow the stack in validation: refuse them before that.
  // And only the routes that must take forms (Twilio callbacks, RFC 8058 one-click) take anything but JSON.
  fastify.addHook('preValidation', async (request) => {
    if (request.body !== undefined && !FORM_ROUTES.has(request.routeOptions.url ?? '')) {
      const [type, ...params] = String(request.headers['content-type'] ?? '')
        .toLowerCase()
        .split(';')
        .map((part) => part.trim());
      // JSON is UTF-8 (RFC 8259): a body declared in another charset would be read wrongly, so it is refused.
      const charset = params
        .find((p) => p.startsWith('charset='))
        ?.slice(8)
        .replace(/"/g, '');
      if (type !== 'application/json' || (charset && charset !== 'utf-8' && charset !== 'utf8')) {
        throw new AppException('unsupported_media_type', 'This endpoint takes application/json in UTF-8');
      }
    }
    if (
      request.body !== null &&
      typeof request.body === 'object' &&
      jsonDepthExceeds(request.body, MAX_JSON_DEPTH)
    ) {
      throw new AppException('malformed_payload', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    // One rule for every JSON body: valid UTF-8 and no lone surrogate (json-text.ts).
    const raw = (request as { rawBody?: Buffer }).rawBody;
    if (raw && request.body !== undefined && !FORM_ROUTES.has(request.routeOptions.url ?? '')) {
      const problem = malformedJsonText(raw, request.body);
      if (problem) throw new AppException('malformed_payload', problem);
    }
  });
  // Webhook routes declare a verifier (@VerifiedWebhook): it runs over the raw bytes here, before the JSON parser,
  // so an unsigned or forged body is never parsed (webhook-verifiers.service.ts).
  const verifiers = optional(() => app.get(WebhookVerifiers, { strict: false }));
  if (verifiers) {
    fastify.addHook('preParsing', async (request, _reply, payload) => {
      const name = verifierNameOf(request);
      if (!name) return payload;
      const raw = await readPayload(payload, BODY_LIMIT_BYTES);
      await verifiers.verify(name, request, raw);
      const replay = new PassThrough();
      replay.end(raw);
      return replay;
    });
    fastify.addHook('onResponse', async (request, reply) => {
      await verifiers.releaseOnServerError(request, reply.statusCode);
    });
  }
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Every response: never let a browser guess a type other than the one declared.
    void reply.header('x-content-type-options', 'nosniff');
    // Every HTML response carries the page security headers of src/common/page-security.ts; a page that set its
    // own policy keeps it.
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      for (const [name, value] of Object.entries(PAGE_HEADERS)) {
        if (name !== 'content-type' && !reply.hasHeader(name)) void reply.header(name, value);
      }
    }
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  if (config.role === 'worker') {
    // A worker serves health and metrics only; everything else belongs to API processes.
    fastify.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0];
      if (!path.startsWith('/health/') && path !== '/metrics') {
        await reply.status(404).send({
          statusCode: 404,
          error: 'Not Found',
          code: 'not_found',
          message: 'This is a worker process (ROLE=worker): it serves /health and /metrics only',
        });
      }
    });
  }

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Wismo')
      .setDescription(
        'Shipment status intake, customer notifications by SMS and email, and "where is my order" chat. ' +
          'Authenticate with `Authorization: Bearer <API key>`; provider webhooks authenticate by signature.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', useGlobalPrefix: false });
  serveStaticAssets(app);

  await app.init();
}

function optional<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}

/** Reads a request body stream up to `limit` bytes (413 beyond), for checks that need the exact bytes. */
async function readPayload(payload: AsyncIterable<Buffer | string>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > limit) throw new AppException('payload_too_large', 'Request body exceeds the 1 MiB limit');
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
