/** `/`: what Wismo is and where to look, for someone who has just run `npm start`. No data, no script. */
export interface FrontPageFacts {
  brand: string;
  sms: 'twilio' | 'outbox';
  email: 'smtp' | 'outbox';
  queue: 'Redis' | 'PostgreSQL';
}

const LINKS: [href: string, title: string, text: string][] = [
  ['/demo', 'Demo store', 'A store page with the chat widget: ask where an order is.'],
  [
    '/admin/orders',
    'Orders',
    'Look up an order, its shipments, every message sent and its attempts; resend.',
  ],
  [
    '/admin/templates',
    'Templates',
    'Edit the messages customers read, with live preview, versions and rollback.',
  ],
  ['/outbox', 'Outbox', 'Messages captured instead of sent, for channels without a provider.'],
  ['/docs', 'API docs', 'Every endpoint (OpenAPI); webhooks, orders, notifications, templates, chat.'],
  ['/health/ready', 'Health', 'Database and queue readiness.'],
];

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function frontPage(facts: FrontPageFacts): string {
  const channel = (name: string, provider: string, real: boolean) =>
    `<li><strong>${name}</strong>: ${real ? `sent through ${provider}` : 'captured in the <a href="/outbox">outbox</a> (no provider configured)'}</li>`;
  const items = LINKS.map(
    ([href, title, text]) => `<li><a href="${href}">${title}</a><p>${text}</p></li>`,
  ).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Wismo</title><style>
  :root { --bg:#f3f4f7; --card:#fff; --fg:#1b2130; --muted:#667085; --line:#e4e7ec; --accent:#2457d6; }
  * { box-sizing: border-box; }
  body { margin:0; background:var(--bg); color:var(--fg); font:15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  header { background:var(--card); border-bottom:1px solid var(--line); padding:28px; }
  header h1 { margin:0; font-size:24px; } header p { margin:6px 0 0; color:var(--muted); max-width:680px; }
  main { max-width:760px; margin:0 auto; padding:24px 20px 48px; }
  h2 { font-size:16px; margin:24px 0 10px; }
  ul.links { list-style:none; margin:0; padding:0; display:grid; gap:12px; grid-template-columns:repeat(auto-fill,minmax(220px,1fr)); }
  ul.links li { background:var(--card); border:1px solid var(--line); border-radius:14px; padding:14px 18px; }
  a { color:var(--accent); } ul.links a { font-weight:600; font-size:16px; } a:focus-visible { outline:3px solid var(--accent); outline-offset:3px; }
  ul.links p { margin:4px 0 0; color:var(--muted); font-size:14px; }
  .facts { background:var(--card); border:1px solid var(--line); border-radius:14px; padding:12px 20px; }
</style></head>
<body><header><h1>Wismo for ${escape(facts.brand)}</h1>
<p>Shipment updates customers can trust: carrier webhooks in, the true state of every parcel, clear ETA and exception messages by SMS and email at the right time and only once, and a chat that answers "where is my order?".</p></header>
<main><nav aria-label="Wismo pages"><ul class="links">${items}</ul></nav>
<h2>On this server</h2><ul class="facts">
${channel('SMS', 'Twilio', facts.sms === 'twilio')}
${channel('Email', 'SMTP', facts.email === 'smtp')}
<li><strong>Queues</strong>: BullMQ on ${facts.queue}</li></ul></main></body></html>`;
}
