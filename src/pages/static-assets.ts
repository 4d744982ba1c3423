import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { ASSET_PREFIX, PUBLIC_DIR } from './asset-manifest';

/** A year, in seconds: the longest cache HTTP caches honour. */
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * Serves dist/public/ (the hashed bundles of web/) under /assets/. A file's name changes whenever its content
 * does, so browsers may keep each one for a year without asking again (`immutable`).
 */
export function serveStaticAssets(app: NestFastifyApplication): void {
  app.useStaticAssets({
    root: PUBLIC_DIR,
    prefix: ASSET_PREFIX,
    decorateReply: false,
    index: false,
    cacheControl: false,
    etag: false,
    lastModified: false,
    // The manifest is the server's own index of the bundles; nothing in a browser needs it.
    allowedPath: (path) => !path.endsWith('manifest.json'),
    // @fastify/static 10 hands over Fastify's reply here (Nest's option type still says ServerResponse).
    setHeaders: ((reply: FastifyReply) => {
      void reply.header('cache-control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`);
      void reply.header('x-content-type-options', 'nosniff');
    }) as unknown as (res: unknown) => void,
  });
}

/**
 * A browser asking for a page (GET or HEAD, accepting HTML, outside the API, health, metrics and docs) gets the
 * HTML 404 page; every other client keeps the JSON error body.
 */
export function wantsHtmlPage(method: string | undefined, url: string | undefined, accept: unknown): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const path = (url ?? '').split('?')[0];
  if (/^\/(v1|health|metrics|docs|assets)(\/|$|-)/.test(path)) return false;
  return typeof accept === 'string' && accept.includes('text/html');
}
