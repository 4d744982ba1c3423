/**
 * The embeddable chat widget, hand-written vanilla JS served at /widget.js (no bundler, no framework). One script
 * tag on any store page: it reads the API base from its own src URL, and lives in a shadow root so the store's
 * CSS cannot break it nor it the store's. Accessible: a labelled button, a dialog with focus moved in and back
 * out, Escape to close, Enter to send, aria-live on the message log; full-width at phone sizes.
 * Kept free of backticks and dollar-brace so it can sit in this TypeScript string unchanged.
 */
export const WIDGET_SCRIPT = String.raw`(function () {
  'use strict';
  if (window.__wismoWidget) return;
  window.__wismoWidget = true;
  var script = document.currentScript;
  var base = new URL(script && script.src ? script.src : '/widget.js', window.location.href).origin;
  var locale = (script && script.getAttribute('data-locale')) || document.documentElement.lang || navigator.language || 'en';
  var token = script ? script.getAttribute('data-token') : null;
  var title = (script && script.getAttribute('data-title')) || 'Order help';
  var storeKey = 'wismo-chat-session';

  var css = [
    ':host{all:initial;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;color:#1d1d1f}',
    '*{box-sizing:border-box}',
    '.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:999px;background:#1a56db;color:#fff;padding:14px 18px;font:inherit;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25)}',
    '.launcher:focus-visible,button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}',
    '.panel{position:fixed;right:20px;bottom:84px;z-index:2147483001;width:370px;max-width:calc(100vw - 24px);height:560px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden}',
    '.panel[hidden]{display:none}',
    'header{display:flex;align-items:center;justify-content:space-between;background:#1a56db;color:#fff;padding:12px 14px}',
    'header h2{margin:0;font-size:16px}',
    '.close{background:transparent;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:4px 8px}',
    '.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f5f6f8}',
    '.msg{max-width:85%;padding:9px 12px;border-radius:12px;white-space:pre-line;line-height:1.4;word-wrap:break-word}',
    '.bot{background:#fff;align-self:flex-start;border:1px solid #e3e5e8}',
    '.me{background:#1a56db;color:#fff;align-self:flex-end}',
    '.card{align-self:stretch;background:#fff;border:1px solid #d0d5dd;border-left:4px solid #1a56db;border-radius:10px;padding:10px 12px}',
    '.card h3{margin:0 0 4px;font-size:14px}',
    '.card p{margin:2px 0;font-size:13px}',
    '.card .status{font-weight:600}',
    '.card a{color:#1a56db}',
    '.quick{display:flex;flex-wrap:wrap;gap:6px;padding:8px 12px 0;background:#fff}',
    '.quick button{border:1px solid #1a56db;background:#fff;color:#1a56db;border-radius:999px;padding:6px 10px;font:inherit;font-size:13px;cursor:pointer}',
    'form{display:flex;gap:8px;padding:10px 12px;background:#fff;border-top:1px solid #e3e5e8}',
    'input{flex:1;min-width:0;border:1px solid #c5c9d0;border-radius:8px;padding:10px;font:inherit}',
    'form button{border:0;border-radius:8px;background:#1a56db;color:#fff;padding:0 14px;font:inherit;font-weight:600;cursor:pointer}',
    '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}',
    '@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}.launcher{right:12px;bottom:12px}}'
  ].join('\n');

  var host = document.createElement('div');
  host.id = 'wismo-chat';
  var root = host.attachShadow({ mode: 'open' });
  var style = document.createElement('style');
  style.textContent = css;
  root.appendChild(style);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  var launcher = el('button', { type: 'button', class: 'launcher', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-controls': 'wismo-panel' }, title);
  var panel = el('div', { id: 'wismo-panel', class: 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'wismo-title' });
  panel.hidden = true;
  var header = el('header');
  header.appendChild(el('h2', { id: 'wismo-title' }, title));
  var close = el('button', { type: 'button', class: 'close', 'aria-label': 'Close chat' }, '\u00d7');
  header.appendChild(close);
  var log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '0', 'aria-label': 'Conversation' });
  var quick = el('div', { class: 'quick', role: 'group', 'aria-label': 'Suggested replies' });
  var form = el('form');
  var label = el('label', { for: 'wismo-input', class: 'sr' }, 'Your message');
  var input = el('input', { id: 'wismo-input', type: 'text', maxlength: '1000', autocomplete: 'off', placeholder: 'Ask about your order…' });
  var send = el('button', { type: 'submit' }, 'Send');
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(quick);
  panel.appendChild(form);
  root.appendChild(launcher);
  root.appendChild(panel);
  document.body.appendChild(host);

  var sessionId = null;
  try { sessionId = window.sessionStorage.getItem(storeKey); } catch (e) { sessionId = null; }
  var busy = false;
  var greeted = false;

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function addMessage(text, who) {
    var node = el('div', { class: 'msg ' + (who === 'me' ? 'me' : 'bot') });
    var sr = el('span', { class: 'sr' }, who === 'me' ? 'You: ' : 'Assistant: ');
    node.appendChild(sr);
    node.appendChild(document.createTextNode(text));
    log.appendChild(node);
    scrollDown();
  }

  function addCard(s) {
    var card = el('div', { class: 'card', 'data-shipment': s.id });
    card.appendChild(el('h3', null, s.carrierName + ' ' + s.trackingNumber));
    card.appendChild(el('p', { class: 'status' }, s.statusText));
    if (s.etaText) card.appendChild(el('p', { class: 'eta' }, s.etaText));
    if (s.lastScan) card.appendChild(el('p', { class: 'scan' }, s.lastScan.text));
    if (s.pickup && s.pickup.name) card.appendChild(el('p', null, s.pickup.name + (s.pickup.deadline ? ' (' + s.pickup.deadline + ')' : '')));
    if (s.trackingUrl) {
      var p = el('p');
      var a = el('a', { href: s.trackingUrl, target: '_blank', rel: 'noopener noreferrer' }, 'Track with ' + s.carrierName);
      p.appendChild(a);
      card.appendChild(p);
    }
    log.appendChild(card);
    scrollDown();
  }

  function setQuickReplies(items) {
    while (quick.firstChild) quick.removeChild(quick.firstChild);
    (items || []).forEach(function (text) {
      var b = el('button', { type: 'button' }, text);
      b.addEventListener('click', function () { ask(text); });
      quick.appendChild(b);
    });
  }

  function ask(text) {
    text = (text || '').trim();
    if (!text || busy) return;
    busy = true;
    send.disabled = true;
    addMessage(text, 'me');
    setQuickReplies([]);
    var headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    var body = { message: text.slice(0, 1000), locale: locale };
    if (sessionId) body.sessionId = sessionId;
    fetch(base + '/v1/chat/messages', { method: 'POST', headers: headers, body: JSON.stringify(body) })
      .then(function (res) {
        return res.json().then(function (data) { return { ok: res.ok, status: res.status, data: data, retry: res.headers.get('Retry-After') }; });
      })
      .then(function (r) {
        if (!r.ok) {
          addMessage(r.status === 429 ? 'You are sending messages quickly. Please wait ' + (r.retry || 'a few') + ' seconds.' : 'Sorry, something went wrong. Please try again.', 'bot');
          return;
        }
        sessionId = r.data.sessionId;
        try { window.sessionStorage.setItem(storeKey, sessionId); } catch (e) { /* private mode */ }
        addMessage(r.data.reply, 'bot');
        (r.data.shipments || []).forEach(addCard);
        setQuickReplies(r.data.quickReplies);
      })
      .catch(function () { addMessage('Sorry, the chat is unavailable right now. Please try again.', 'bot'); })
      .then(function () { busy = false; send.disabled = false; input.focus(); });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    if (!greeted) {
      greeted = true;
      addMessage('Hi! Ask me where your order is, when it will arrive, or to talk to a person.', 'bot');
      setQuickReplies(['Where is my order?', 'Talk to a person']);
    }
    input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }

  launcher.addEventListener('click', function () { if (panel.hidden) open(); else closePanel(); });
  close.addEventListener('click', closePanel);
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') { e.preventDefault(); closePanel(); } });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = '';
    ask(text);
  });
})();
`;
