import { escapeHtml } from './html-escape';
import type { OutboxMessage } from './outbox-message.entity';

/**
 * `/outbox` for a person: texts as phone bubbles with their segment count and encoding (what Twilio would
 * bill), emails with subject, recipient and headers and their HTML in a sandboxed iframe (`srcdoc`,
 * `sandbox=""`: no script, no navigation, no same-origin access), the text part one click away.
 */

const STYLE = `
  :root { color-scheme: light; --bg:#f3f4f7; --card:#fff; --fg:#1b2130; --muted:#667085; --line:#e4e7ec; --accent:#2457d6; }
  * { box-sizing: border-box; }
  body { margin:0; background:var(--bg); color:var(--fg); font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  header { background:var(--card); border-bottom:1px solid var(--line); padding:20px 28px; }
  header h1 { margin:0; font-size:20px; } header p { margin:4px 0 0; color:var(--muted); font-size:14px; }
  nav { display:flex; gap:8px; margin-top:14px; }
  nav a { text-decoration:none; color:var(--muted); padding:5px 12px; border-radius:999px; border:1px solid var(--line); font-size:14px; }
  nav a[aria-current="page"] { background:var(--fg); color:#fff; border-color:var(--fg); }
  main { max-width:920px; margin:0 auto; padding:24px 20px 48px; display:grid; gap:16px; }
  article { background:var(--card); border:1px solid var(--line); border-radius:14px; padding:18px 20px; }
  .meta { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:center; color:var(--muted); font-size:13px; margin-bottom:12px; }
  .badge { font-weight:600; font-size:12px; letter-spacing:.04em; text-transform:uppercase; padding:2px 8px; border-radius:6px; }
  .badge.sms { background:#e6f4ea; color:#137333; } .badge.email { background:#e8f0fe; color:#1a56c8; }
  .to { color:var(--fg); font-weight:600; }
  .phone { max-width:340px; background:#f7f7f9; border:1px solid var(--line); border-radius:22px; padding:16px 14px; }
  .bubble { background:#e9e9eb; color:#111; border-radius:18px 18px 18px 4px; padding:9px 13px; white-space:pre-wrap;
            overflow-wrap:anywhere; display:inline-block; max-width:100%; }
  .sms-facts { margin-top:8px; font-size:12.5px; color:var(--muted); }
  .sms-facts strong { color:var(--fg); }
  h2.subject { font-size:17px; margin:0 0 8px; }
  dl.headers { display:grid; grid-template-columns:max-content 1fr; gap:2px 12px; margin:0 0 12px; font-size:13px; }
  dl.headers dt { color:var(--muted); } dl.headers dd { margin:0; overflow-wrap:anywhere; font-family:ui-monospace, SFMono-Regular, Menlo, monospace; font-size:12.5px; }
  iframe { width:100%; height:420px; border:1px solid var(--line); border-radius:10px; background:#fff; resize:vertical; }
  details { margin-top:10px; } summary { cursor:pointer; color:var(--muted); font-size:13px; }
  pre { white-space:pre-wrap; background:#f7f8fa; border-radius:8px; padding:12px; font-size:13px; }
  .empty { text-align:center; color:var(--muted); padding:48px 0; }
  .more { text-align:center; } .more a { color:var(--accent); }
`;

export interface OutboxPageView {
  items: OutboxMessage[];
  channel?: 'sms' | 'email';
  nextBefore: string | null;
  smsConfigured: boolean;
  emailConfigured: boolean;
}

export function outboxPage(view: OutboxPageView): string {
  const tab = (label: string, channel?: 'sms' | 'email') =>
    `<a href="/outbox${channel ? `?channel=${channel}` : ''}"${view.channel === channel ? ' aria-current="page"' : ''}>${label}</a>`;
  const captured = [!view.smsConfigured && 'SMS', !view.emailConfigured && 'email']
    .filter(Boolean)
    .join(' and ');
  const note = captured
    ? `No provider is configured for ${captured}: those messages are captured here instead of being sent.`
    : 'Both channels have a provider configured; this shows what was captured before.';
  const more = view.nextBefore
    ? `<p class="more"><a href="/outbox?${new URLSearchParams({ ...(view.channel ? { channel: view.channel } : {}), before: view.nextBefore })}">Older messages</a></p>`
    : '';
  const items = view.items.length
    ? view.items.map((m) => (m.channel === 'sms' ? smsCard(m) : emailCard(m))).join('\n')
    : '<p class="empty">No messages yet.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Outbox · Wismo</title><style>${STYLE}</style></head>
<body><header><h1>Outbox</h1><p>${escapeHtml(note)}</p><nav>${tab('All')}${tab('SMS', 'sms')}${tab('Email', 'email')}</nav></header>
<main>${items}${more}</main></body></html>`;
}

function meta(m: OutboxMessage): string {
  return `<div class="meta"><span class="badge ${m.channel}">${m.channel === 'sms' ? 'SMS' : 'Email'}</span>
<span>To <span class="to">${escapeHtml(m.to)}</span></span>
<time datetime="${m.createdAt.toISOString()}">${escapeHtml(m.createdAt.toISOString().replace('T', ' ').slice(0, 19))} UTC</time>
${m.notificationId ? `<span>Notification ${escapeHtml(m.notificationId)}</span>` : ''}</div>`;
}

function smsCard(m: OutboxMessage): string {
  const segments = m.segments ?? 0;
  return `<article class="sms">${meta(m)}<div class="phone"><div class="bubble">${escapeHtml(m.text)}</div></div>
<p class="sms-facts"><strong>${segments} segment${segments === 1 ? '' : 's'}</strong> · ${escapeHtml(m.encoding ?? '?')} · ${Array.from(m.text).length} characters</p></article>`;
}

function emailCard(m: OutboxMessage): string {
  const headers = Object.entries(m.headers ?? {})
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('');
  const html = m.html ?? `<pre>${escapeHtml(m.text)}</pre>`;
  return `<article class="email">${meta(m)}<h2 class="subject">${escapeHtml(m.subject ?? '(no subject)')}</h2>
<dl class="headers"><dt>To</dt><dd>${escapeHtml(m.to)}</dd>${headers}</dl>
<iframe sandbox="" srcdoc="${escapeHtml(html)}" title="${escapeHtml(`Email: ${m.subject ?? ''}`)}" loading="lazy"></iframe>
<details><summary>Plain-text part</summary><pre>${escapeHtml(m.text)}</pre></details></article>`;
}
