import { escapeHtml } from './html-escape';

/** The unsubscribe pages: one small, self-contained HTML document each, readable on a phone. */

export interface UnsubscribePageContext {
  name: string;
  supportUrl: string;
}

const STYLE = `
  :root { color-scheme: light dark; --bg:#f4f5f7; --card:#fff; --fg:#1d2330; --muted:#5d6677; --accent:#2457d6; --line:#e3e6ec; }
  @media (prefers-color-scheme: dark) { :root { --bg:#14171d; --card:#1d2129; --fg:#eef1f6; --muted:#a4adbd; --accent:#7ea2ff; --line:#2c323d; } }
  * { box-sizing: border-box; }
  body { margin:0; min-height:100vh; display:grid; place-items:center; padding:24px; background:var(--bg); color:var(--fg);
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { width:100%; max-width:440px; background:var(--card); border:1px solid var(--line); border-radius:16px; padding:32px 28px;
         box-shadow:0 8px 30px rgba(0,0,0,.06); }
  .brand { font-size:13px; letter-spacing:.06em; text-transform:uppercase; color:var(--muted); margin:0 0 12px; }
  h1 { font-size:22px; line-height:1.3; margin:0 0 12px; }
  p { margin:0 0 16px; color:var(--muted); }
  button { width:100%; font:inherit; font-weight:600; color:#fff; background:var(--accent); border:0; border-radius:10px; padding:12px 16px; cursor:pointer; }
  button:focus-visible { outline:3px solid color-mix(in srgb, var(--accent) 40%, transparent); outline-offset:2px; }
  .icon { width:44px; height:44px; border-radius:50%; display:grid; place-items:center; font-size:22px; margin-bottom:16px; }
  .ok { background:#e3f6e9; color:#17803d; } .bad { background:#fde8e8; color:#b42318; }
  .small { font-size:14px; margin:16px 0 0; } a { color:var(--accent); }
`;

function layout(ctx: UnsubscribePageContext, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · ${escapeHtml(ctx.name)}</title><style>${STYLE}</style></head>
<body><main><p class="brand">${escapeHtml(ctx.name)}</p>${body}</main></body></html>`;
}

/** The confirmation step: a link opened by a mail scanner must not unsubscribe anyone, so it takes a click. */
export function confirmPage(ctx: UnsubscribePageContext, actionUrl: string): string {
  return layout(
    ctx,
    'Unsubscribe from shipping updates',
    `<h1>Stop shipping update emails?</h1>
<p>You will no longer get emails from ${escapeHtml(ctx.name)} about where your parcels are and when they arrive.</p>
<form method="post" action="${escapeHtml(actionUrl)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>
<p class="small">Changed your mind? Just close this page.</p>`,
  );
}

export function donePage(ctx: UnsubscribePageContext, alreadyDone: boolean): string {
  return layout(
    ctx,
    'Unsubscribed',
    `<div class="icon ok" aria-hidden="true">✓</div>
<h1>${alreadyDone ? 'You are already unsubscribed' : 'You are unsubscribed'}</h1>
<p>We won't email you shipping updates any more. You can still track your orders on our site.</p>
<p class="small">Questions? <a href="${escapeHtml(ctx.supportUrl)}">Contact support</a>.</p>`,
  );
}

export function invalidLinkPage(ctx: UnsubscribePageContext): string {
  return layout(
    ctx,
    'Link not valid',
    `<div class="icon bad" aria-hidden="true">!</div>
<h1>This unsubscribe link is not valid</h1>
<p>It may have been copied incompletely. Open the link from the email again, or contact us and we will unsubscribe you.</p>
<p class="small"><a href="${escapeHtml(ctx.supportUrl)}">Contact support</a></p>`,
  );
}
