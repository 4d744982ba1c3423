/**
 * The one Content-Security-Policy and the one set of security headers for every HTML page this service serves
 * (views/ rendered by src/pages/page-renderer.service.ts). Scripts come only from this origin (the hashed bundles
 * in /assets/): no inline script, no inline event handler, no eval.
 *
 * style-src keeps 'unsafe-inline' for one reason: email previews (outbox, support order page, template editor)
 * are shown in sandboxed `srcdoc` frames, which inherit this policy, and emails carry inline styles by design
 * (CSS is inlined for mail clients). The pages' own styles are files in /assets/. Images and fonts may come from
 * anywhere an email links them; data is fetched only from this origin; forms post only here.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' https: http: data:",
  "font-src 'self' https: data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers for every HTML page: the policy above, no framing, no MIME sniffing, and no Referer (an unsubscribe
 * token in the URL never leaks). Pages are never cached: they are cheap to render and some carry customer data.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
