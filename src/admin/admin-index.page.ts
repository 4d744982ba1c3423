/** `/admin`: a plain list of the support tools. No script, no data: safe to serve to anyone. */
const LINKS: [href: string, title: string, text: string][] = [
  [
    '/admin/orders',
    'Orders',
    'Find an order by number, tracking number, email or phone; see its shipments and messages; resend.',
  ],
  ['/admin/templates', 'Templates', 'Edit, preview and publish message templates.'],
  ['/outbox', 'Outbox', 'Messages captured instead of sent when no provider is configured.'],
  ['/docs', 'API docs', 'The HTTP API reference (OpenAPI).'],
];

export function adminIndexPage(): string {
  const items = LINKS.map(
    ([href, title, text]) => `<li><a href="${href}">${title}</a><p>${text}</p></li>`,
  ).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Support · Wismo</title><style>
  :root { color-scheme: light; --bg:#f3f4f7; --card:#fff; --fg:#1b2130; --muted:#667085; --line:#e4e7ec; --accent:#2457d6; }
  * { box-sizing: border-box; }
  body { margin:0; background:var(--bg); color:var(--fg); font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  header { background:var(--card); border-bottom:1px solid var(--line); padding:20px 28px; }
  header h1 { margin:0; font-size:20px; } header p { margin:4px 0 0; color:var(--muted); font-size:14px; }
  main { max-width:720px; margin:0 auto; padding:24px 20px 48px; }
  ul { list-style:none; margin:0; padding:0; display:grid; gap:12px; }
  li { background:var(--card); border:1px solid var(--line); border-radius:14px; padding:16px 20px; }
  li a { color:var(--accent); font-weight:600; font-size:17px; } li a:focus-visible { outline:3px solid var(--accent); outline-offset:3px; }
  li p { margin:4px 0 0; color:var(--muted); font-size:14px; }
</style></head>
<body><header><h1>Wismo support</h1><p>Tools for the support team. Each asks for a support or admin API key.</p></header>
<main><nav aria-label="Support tools"><ul>${items}</ul></nav></main></body></html>`;
}
