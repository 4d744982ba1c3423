/**
 * The support pages (/admin/orders, /admin/templates) are one HTML file each with inline script and style, fetch
 * data only from this origin, and show email previews that may load images. One policy for both.
 */
export const SUPPORT_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'img-src https: http: data:',
  'font-src https: data:',
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
