/**
 * The support page at /admin/orders: one self-contained HTML page (vanilla JS and CSS) that talks to the API with
 * the key the person signs in with. Kept as a TypeScript string so `nest build` ships it in dist/ without an asset
 * step. Every value from the server goes into the DOM through textContent or attributes, never innerHTML; a
 * rendered email is shown in an iframe with `sandbox=""` (no script, no navigation, opaque origin).
 */

/** Shared with the template editor so one sign-in serves both pages (sessionStorage: gone when the tab closes). */
export const API_KEY_STORAGE = 'wismo.apiKey';

const STYLE = `
:root { color-scheme: light; --bg:#f3f4f7; --card:#fff; --fg:#1b2130; --muted:#5c6678; --line:#e4e7ec; --accent:#2457d6;
  --ok:#137333; --ok-bg:#e6f4ea; --warn:#8a4b00; --warn-bg:#fff4e0; --err:#b42318; --err-bg:#fde8e7; --info-bg:#e8f0fe;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
[hidden] { display:none !important; }
body { margin:0; background:var(--bg); color:var(--fg); font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
button, input { font:inherit; color:inherit; }
a { color:var(--accent); }
:focus-visible { outline:3px solid var(--accent); outline-offset:2px; }
header { background:var(--card); border-bottom:1px solid var(--line); padding:16px 20px; display:flex; flex-wrap:wrap; gap:10px 20px; align-items:center; }
header h1 { margin:0; font-size:19px; flex:1 1 auto; }
header nav { display:flex; flex-wrap:wrap; gap:6px; }
header nav a { text-decoration:none; color:var(--muted); padding:4px 11px; border-radius:999px; border:1px solid var(--line); font-size:14px; }
header nav a[aria-current="page"] { background:var(--fg); color:#fff; border-color:var(--fg); }
main { max-width:980px; margin:0 auto; padding:20px 16px 48px; display:grid; gap:16px; }
section.card, article.card { background:var(--card); border:1px solid var(--line); border-radius:14px; padding:16px 18px; min-width:0; }
h2 { font-size:17px; margin:0 0 10px; } h3 { font-size:15px; margin:0 0 6px; }
label { display:block; font-weight:600; margin-bottom:4px; }
.row { display:flex; flex-wrap:wrap; gap:8px; }
.row input { flex:1 1 240px; min-width:0; }
input { padding:9px 11px; border:1px solid #c9ced8; border-radius:8px; background:#fff; }
button { cursor:pointer; padding:9px 14px; border-radius:8px; border:1px solid var(--accent); background:var(--accent); color:#fff; font-weight:600; }
button.secondary { background:#fff; color:var(--accent); }
button.small { padding:4px 10px; font-size:13px; }
button:disabled { opacity:.6; cursor:progress; }
.hint { color:var(--muted); font-size:13px; margin:6px 0 0; }
.error { color:var(--err); background:var(--err-bg); border-radius:8px; padding:8px 12px; margin:10px 0 0; }
.status-line { color:var(--muted); font-size:14px; min-height:1.5em; margin:8px 0 0; }
ul.results { list-style:none; padding:0; margin:10px 0 0; display:grid; gap:8px; }
ul.results button { width:100%; text-align:left; background:#fff; color:var(--fg); border:1px solid var(--line); font-weight:400;
  display:flex; flex-wrap:wrap; gap:4px 14px; align-items:baseline; }
ul.results button:hover { border-color:var(--accent); }
ul.results .id { font-weight:700; font-family:var(--mono); }
ul.results .sub { color:var(--muted); font-size:13px; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:4px 14px; margin:0; }
dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; overflow-wrap:anywhere; }
.badge { display:inline-block; font-weight:600; font-size:12px; letter-spacing:.03em; text-transform:uppercase; padding:1px 8px;
  border-radius:6px; background:#eef0f4; color:var(--fg); white-space:nowrap; }
.badge.ok { background:var(--ok-bg); color:var(--ok); } .badge.warn { background:var(--warn-bg); color:var(--warn); }
.badge.err { background:var(--err-bg); color:var(--err); } .badge.info { background:var(--info-bg); color:#1a56c8; }
.mono { font-family:var(--mono); font-size:13px; overflow-wrap:anywhere; }
.shipment + .shipment { border-top:1px solid var(--line); margin-top:14px; padding-top:14px; }
.shipment-head { display:flex; flex-wrap:wrap; gap:6px 12px; align-items:center; margin-bottom:6px; }
ol.timeline { list-style:none; margin:8px 0 0; padding:0 0 0 16px; border-left:2px solid var(--line); }
ol.timeline li { position:relative; padding:0 0 10px 8px; }
ol.timeline li::before { content:""; position:absolute; left:-23px; top:6px; width:10px; height:10px; border-radius:50%; background:var(--line); border:2px solid #fff; }
ol.timeline li:first-child::before { background:var(--accent); }
ol.timeline .when { color:var(--muted); font-size:13px; }
ul.messages { list-style:none; margin:0; padding:0; display:grid; gap:10px; }
ul.messages > li { border:1px solid var(--line); border-radius:10px; padding:10px 12px; }
.msg-head { display:flex; flex-wrap:wrap; gap:6px 10px; align-items:center; }
.msg-head .type { font-weight:700; }
.msg-head .spacer { flex:1 1 auto; }
.msg-times { color:var(--muted); font-size:13px; margin-top:4px; display:flex; flex-wrap:wrap; gap:2px 14px; }
details { margin-top:8px; } summary { cursor:pointer; color:var(--accent); font-size:14px; }
.bubble { background:#e9e9eb; color:#111; border-radius:18px 18px 18px 4px; padding:9px 13px; white-space:pre-wrap;
  overflow-wrap:anywhere; display:inline-block; max-width:min(100%, 360px); margin-top:8px; }
iframe { width:100%; height:380px; border:1px solid var(--line); border-radius:10px; background:#fff; margin-top:8px; }
.table-wrap { overflow-x:auto; margin-top:8px; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; }
.empty { color:var(--muted); margin:0; }
.toolbar { display:flex; flex-wrap:wrap; gap:8px; align-items:center; justify-content:space-between; }
.toolbar h2 { margin:0; }
@media (max-width: 560px) {
  header { padding:12px 14px; } main { padding:14px 10px 40px; }
  section.card, article.card { padding:14px 12px; }
  dl.facts { grid-template-columns:1fr; gap:0; } dl.facts dd { margin-bottom:6px; }
  iframe { height:300px; }
}
`;

const BODY = `
<header>
  <h1>Wismo support</h1>
  <nav aria-label="Support tools">
    <a href="/admin">Home</a><a href="/admin/orders" aria-current="page">Orders</a><a href="/admin/templates">Templates</a>
    <a href="/outbox">Outbox</a><a href="/docs">API docs</a>
  </nav>
  <button type="button" id="sign-out" class="secondary small" hidden>Sign out</button>
</header>
<main>
  <section class="card" id="sign-in" aria-labelledby="sign-in-title">
    <h2 id="sign-in-title">Sign in</h2>
    <form id="sign-in-form" novalidate>
      <label for="api-key">API key</label>
      <div class="row">
        <input id="api-key" name="api-key" type="password" autocomplete="off" spellcheck="false" required aria-describedby="api-key-hint">
        <button type="submit">Sign in</button>
      </div>
      <p class="hint" id="api-key-hint">A support or admin key. It is kept in this tab only and forgotten when the tab closes.</p>
      <p class="error" id="sign-in-error" role="alert" hidden></p>
    </form>
  </section>

  <section class="card" id="search" aria-labelledby="search-title" hidden>
    <h2 id="search-title">Find an order</h2>
    <form id="search-form" role="search" novalidate>
      <label for="q">Order number, tracking number, email or phone</label>
      <div class="row">
        <input id="q" name="q" type="search" maxlength="200" autocomplete="off" spellcheck="false" required>
        <button type="submit">Search</button>
      </div>
    </form>
    <p class="status-line" id="search-status" role="status" aria-live="polite"></p>
    <ul class="results" id="results" aria-label="Matching orders"></ul>
  </section>

  <div id="order" hidden>
    <section class="card" aria-labelledby="order-title">
      <div class="toolbar">
        <h2 id="order-title" tabindex="-1"></h2>
        <div class="row">
          <button type="button" class="secondary small" id="refresh">Refresh</button>
          <button type="button" class="secondary small" id="back">Back to results</button>
        </div>
      </div>
      <p class="status-line" id="order-status" role="status" aria-live="polite"></p>
    </section>
    <section class="card" aria-labelledby="customer-title">
      <h2 id="customer-title">Customer</h2>
      <dl class="facts" id="customer"></dl>
    </section>
    <section class="card" aria-labelledby="shipments-title">
      <h2 id="shipments-title">Shipments</h2>
      <div id="shipments"></div>
    </section>
    <section class="card" aria-labelledby="messages-title">
      <h2 id="messages-title">Messages</h2>
      <ul class="messages" id="messages" aria-label="Messages, newest first"></ul>
    </section>
    <section class="card" aria-labelledby="prefs-title">
      <h2 id="prefs-title">Preferences and suppressions</h2>
      <div id="prefs"></div>
    </section>
  </div>
</main>`;

const SCRIPT = `
(function () {
  'use strict';
  var KEY_STORAGE = ${JSON.stringify(API_KEY_STORAGE)};
  var state = { key: sessionStorage.getItem(KEY_STORAGE), results: [], order: null };
  var $ = function (id) { return document.getElementById(id); };

  /** Builds an element; text is always set with textContent so data can never become markup. */
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') el.textContent = String(v);
      else if (k === 'class') el.className = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function when(iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }
  function label(s) { return String(s || '').replace(/_/g, ' '); }
  function tone(status) {
    if (/^(sent|delivered|available_for_pickup)$/.test(status)) return 'ok';
    if (/^(failed|bounced|exception|undeliverable|returned|cancelled|suppressed|attempt_failed)$/.test(status)) return 'err';
    if (/^(pending|queued|sending|skipped|delayed)$/.test(status)) return 'warn';
    return 'info';
  }
  function badge(status) { return h('span', { class: 'badge ' + tone(status), text: label(status) }); }
  function eta(e) {
    if (!e || !e.date) return '—';
    var text = e.date;
    if (e.windowStart || e.windowEnd) text += ' (' + (e.windowStart || '?') + '–' + (e.windowEnd || '?') + ')';
    return text;
  }

  function ApiError(status, message) { this.status = status; this.message = message; }
  function api(method, path) {
    return fetch(path, { method: method, headers: { Authorization: 'Bearer ' + state.key, Accept: 'application/json' } })
      .then(function (res) {
        return res.text().then(function (body) {
          var json = null;
          try { json = body ? JSON.parse(body) : null; } catch (e) { json = null; }
          if (res.status === 401) { signOut('That key was not recognised. Sign in again.'); throw new ApiError(401, 'Signed out'); }
          if (res.status === 403) { signOut('That key needs the support or admin role.'); throw new ApiError(403, 'Signed out'); }
          if (!res.ok) throw new ApiError(res.status, (json && json.message) || ('Request failed (' + res.status + ')'));
          return json;
        });
      });
  }

  function showSignIn(message) {
    $('sign-in').hidden = false; $('search').hidden = true; $('order').hidden = true; $('sign-out').hidden = true;
    var err = $('sign-in-error');
    err.hidden = !message; err.textContent = message || '';
    $('api-key').value = '';
    $('api-key').focus();
  }
  function showSearch() {
    $('sign-in').hidden = true; $('search').hidden = false; $('sign-out').hidden = false;
  }
  function signOut(message) {
    sessionStorage.removeItem(KEY_STORAGE); state.key = null; state.order = null;
    clear($('results')); $('search-status').textContent = '';
    history.replaceState(null, '', location.pathname);
    showSignIn(message);
  }

  $('sign-in-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var key = $('api-key').value.trim();
    if (!key) { showSignIn('Enter an API key.'); return; }
    state.key = key;
    var button = ev.submitter || $('sign-in-form').querySelector('button');
    button.disabled = true;
    api('GET', '/v1/admin/session').then(function () {
      // Stored only once the server accepted it, so a wrong key never lingers in the tab.
      sessionStorage.setItem(KEY_STORAGE, key);
      showSearch();
      $('q').focus();
    }, function (err) {
      if (err.status !== 401 && err.status !== 403) showSignIn(err.message);
    }).then(function () { button.disabled = false; });
  });
  $('sign-out').addEventListener('click', function () { signOut('Signed out.'); });

  $('search-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var q = $('q').value.trim();
    var status = $('search-status');
    if (!q) { status.textContent = 'Type an order number, tracking number, email or phone.'; $('q').focus(); return; }
    status.textContent = 'Searching…';
    $('order').hidden = true;
    api('GET', '/v1/admin/search?q=' + encodeURIComponent(q)).then(function (body) {
      state.results = body.results;
      renderResults();
      var n = body.results.length;
      status.textContent = n === 0 ? 'No orders match.' : n === 1 ? '1 order found.' : n + ' orders found' + (n >= 20 ? ' (showing the newest 20).' : '.');
    }, function (err) { if (err.status !== 401 && err.status !== 403) status.textContent = err.message; });
  });

  function renderResults() {
    var list = $('results');
    clear(list);
    state.results.forEach(function (r) {
      list.appendChild(h('li', {}, [h('button', { type: 'button', 'data-order': r.externalId, onclick: function () { openOrder(r.externalId, true); } }, [
        h('span', { class: 'id', text: r.externalId }),
        h('span', { text: r.customerName }),
        h('span', { class: 'sub', text: r.shipments + (r.shipments === 1 ? ' shipment' : ' shipments') + ' · ' + when(r.createdAt) }),
      ])]));
    });
  }

  function openOrder(externalId, focus) {
    var status = $('order-status');
    status.textContent = 'Loading…';
    return api('GET', '/v1/orders/' + encodeURIComponent(externalId)).then(function (order) {
      state.order = order;
      history.replaceState(null, '', '#order=' + encodeURIComponent(externalId));
      renderOrder(order);
      $('search').hidden = true;
      $('order').hidden = false;
      status.textContent = '';
      if (focus) $('order-title').focus();
      return api('GET', '/v1/customers/' + encodeURIComponent(order.customer.id) + '/preferences').then(renderPrefs);
    }).catch(function (err) {
      if (err.status === 401 || err.status === 403) return;
      if (state.order) { status.textContent = err.message; return; }
      $('search').hidden = false;
      $('search-status').textContent = err.message;
    });
  }
  $('back').addEventListener('click', function () {
    state.order = null;
    history.replaceState(null, '', location.pathname);
    $('order').hidden = true; $('search').hidden = false;
    var first = $('results').querySelector('button');
    (first || $('q')).focus();
  });
  $('refresh').addEventListener('click', function () { if (state.order) openOrder(state.order.externalId, false); });

  function renderOrder(order) {
    $('order-title').textContent = 'Order ' + order.externalId;
    var c = order.customer;
    var facts = $('customer');
    clear(facts);
    [['Name', c.name], ['Email', c.email], ['Phone', c.phone], ['Locale', c.locale], ['Time zone', c.timeZone],
     ['Country', c.country], ['Promised date', order.promisedDate]].forEach(function (f) {
      facts.appendChild(h('dt', { text: f[0] }));
      facts.appendChild(h('dd', { text: f[1] || '—' }));
    });

    var ships = $('shipments');
    clear(ships);
    if (!order.shipments.length) ships.appendChild(h('p', { class: 'empty', text: 'No shipments yet.' }));
    order.shipments.forEach(function (s) {
      var events = h('ol', { class: 'timeline', 'aria-label': 'Tracking events for ' + s.trackingNumber + ', newest first' });
      s.events.forEach(function (e) {
        events.appendChild(h('li', {}, [
          h('div', {}, [badge(e.status), ' ', e.description || '', e.reason ? ' (' + label(e.reason) + ')' : '']),
          h('div', { class: 'when', text: when(e.occurredAt) + (e.location ? ' · ' + e.location : '') }),
        ]));
      });
      ships.appendChild(h('div', { class: 'shipment', 'data-tracking': s.trackingNumber }, [
        h('div', { class: 'shipment-head' }, [
          h('h3', { text: s.carrier.toUpperCase() + ' ' + s.trackingNumber }),
          badge(s.status),
          s.exceptionReason ? h('span', { class: 'badge err', text: label(s.exceptionReason) }) : null,
        ]),
        h('dl', { class: 'facts' }, [
          h('dt', { text: 'ETA' }), h('dd', { text: eta(s.eta) }),
          h('dt', { text: 'Original ETA' }), h('dd', { text: eta(s.originalEta) }),
          h('dt', { text: 'Last scan' }), h('dd', { text: when(s.lastEventAt) }),
          s.deliveredAt ? h('dt', { text: 'Delivered' }) : null, s.deliveredAt ? h('dd', { text: when(s.deliveredAt) }) : null,
          s.pickup ? h('dt', { text: 'Pickup point' }) : null,
          s.pickup ? h('dd', { text: [s.pickup.name, s.pickup.address].filter(Boolean).join(', ') || '—' }) : null,
        ]),
        s.events.length ? events : h('p', { class: 'empty', text: 'No tracking events yet.' }),
      ]));
    });

    var msgs = $('messages');
    clear(msgs);
    var list = order.notifications.slice().sort(function (a, b) { return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0; });
    if (!list.length) msgs.appendChild(h('li', { class: 'empty', text: 'No messages yet.' }));
    list.forEach(function (n) { msgs.appendChild(messageItem(n)); });
  }

  function messageItem(n) {
    var body = h('div', { class: 'content' }, [h('p', { class: 'empty', text: 'Loading…' })]);
    var loaded = false;
    var details = h('details', {}, [h('summary', { text: 'Content and attempts' }), body]);
    details.addEventListener('toggle', function () {
      if (!details.open || loaded) return;
      loaded = true;
      api('GET', '/v1/notifications/' + encodeURIComponent(n.id)).then(function (d) { renderDetail(body, d); }, function (err) {
        loaded = false;
        clear(body); body.appendChild(h('p', { class: 'error', text: err.message }));
      });
    });
    var resend = h('button', { type: 'button', class: 'secondary small', 'aria-label': 'Resend ' + label(n.type) + ' ' + n.channel + ' message',
      onclick: function () {
        resend.disabled = true;
        $('order-status').textContent = 'Resending…';
        api('POST', '/v1/notifications/' + encodeURIComponent(n.id) + '/resend').then(function () {
          return openOrder(state.order.externalId, false).then(function () { $('order-status').textContent = 'Resend queued.'; });
        }, function (err) {
          resend.disabled = false;
          if (err.status !== 401 && err.status !== 403) $('order-status').textContent = err.message;
        });
      } }, ['Resend']);
    return h('li', { 'data-notification': n.id, 'data-status': n.status }, [
      h('div', { class: 'msg-head' }, [
        h('span', { class: 'type', text: label(n.type) }),
        h('span', { class: 'badge info', text: n.channel === 'sms' ? 'SMS' : 'Email' }),
        badge(n.status),
        n.statusReason ? h('span', { class: 'hint', text: label(n.statusReason) }) : null,
        h('span', { class: 'spacer' }),
        resend,
      ]),
      h('div', { class: 'msg-times' }, [
        h('span', { text: 'Scheduled ' + when(n.scheduledFor) }),
        h('span', { text: 'Sent ' + when(n.sentAt) }),
        n.deliveredAt ? h('span', { text: 'Delivered ' + when(n.deliveredAt) }) : null,
        h('span', { text: 'Template ' + (n.templateVersion === null || n.templateVersion === undefined ? '—' : (n.templateVersion === 0 ? 'default' : 'v' + n.templateVersion)) }),
      ]),
      details,
    ]);
  }

  function renderDetail(body, d) {
    clear(body);
    var r = d.rendered || {};
    if (d.channel === 'sms') {
      body.appendChild(r.text ? h('div', { class: 'bubble', text: r.text }) : h('p', { class: 'empty', text: 'Not rendered yet.' }));
      if (d.segments) body.appendChild(h('p', { class: 'hint', text: d.segments + ' segment' + (d.segments === 1 ? '' : 's') + (d.encoding ? ' · ' + d.encoding : '') }));
    } else {
      body.appendChild(h('p', {}, [h('strong', { text: 'Subject: ' }), r.subject || '(not rendered yet)']));
      if (r.html) {
        var frame = h('iframe', { sandbox: '', title: 'Email: ' + (r.subject || ''), referrerpolicy: 'no-referrer' });
        // srcdoc as a property: the HTML lives only inside the sandboxed frame, never in this page's DOM.
        frame.srcdoc = r.html;
        body.appendChild(frame);
      }
      if (r.text) body.appendChild(h('details', {}, [h('summary', { text: 'Plain-text part' }), h('pre', { class: 'mono', text: r.text })]));
    }
    if (d.resendOf) body.appendChild(h('p', { class: 'hint', text: 'Resend of message ' + d.resendOf }));
    if (d.errorCode || d.errorMessage) body.appendChild(h('p', { class: 'error', text: [d.errorCode, d.errorMessage].filter(Boolean).join(': ') }));
    if (!d.attempts.length) { body.appendChild(h('p', { class: 'empty', text: 'No delivery attempts yet.' })); return; }
    var rows = d.attempts.map(function (a) {
      return h('tr', {}, [
        h('td', { text: a.attempt }), h('td', { text: a.provider }), h('td', {}, [badge(a.outcome)]),
        h('td', { text: when(a.startedAt) }), h('td', { class: 'mono', text: [a.errorCode, a.errorMessage].filter(Boolean).join(': ') || a.providerMessageId || '' }),
      ]);
    });
    body.appendChild(h('div', { class: 'table-wrap' }, [h('table', {}, [
      h('caption', { class: 'hint', text: 'Delivery attempts' }),
      h('thead', {}, [h('tr', {}, ['#', 'Provider', 'Outcome', 'Started', 'Detail'].map(function (t) { return h('th', { scope: 'col', text: t }); }))]),
      h('tbody', {}, rows),
    ])]));
  }

  function renderPrefs(p) {
    var host = $('prefs');
    clear(host);
    host.appendChild(h('h3', { text: 'Suppressions' }));
    if (!p.suppressions.length) host.appendChild(h('p', { class: 'empty', text: 'None: every channel can be reached.' }));
    else host.appendChild(h('ul', {}, p.suppressions.map(function (s) {
      return h('li', {}, [h('span', { class: 'badge ' + (s.active ? 'err' : 'info'), text: s.active ? 'active' : 'lifted' }), ' ',
        (s.channel === 'sms' ? 'SMS' : 'Email') + ' · ' + label(s.reason) + (s.source ? ' (' + s.source + ')' : '') + ' · since ' + when(s.createdAt)]);
    })));
    host.appendChild(h('h3', { text: 'Preferences', style: 'margin-top:12px' }));
    if (!p.preferences.length) host.appendChild(h('p', { class: 'empty', text: 'Defaults: no opt-outs recorded.' }));
    else host.appendChild(h('ul', {}, p.preferences.map(function (x) {
      return h('li', {}, [(x.type === '*' ? 'All messages' : label(x.type)) + ' by ' + (x.channel === '*' ? 'any channel' : x.channel) + ': ',
        h('span', { class: 'badge ' + (x.enabled ? 'ok' : 'err'), text: x.enabled ? 'on' : 'off' })]);
    })));
  }

  if (state.key) {
    showSearch();
    var m = /^#order=(.+)$/.exec(location.hash);
    if (m) openOrder(decodeURIComponent(m[1]), true); else $('q').focus();
  } else {
    showSignIn();
  }
})();
`;

export function supportPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Orders · Wismo support</title><style>${STYLE}</style></head>
<body>${BODY}<script>${SCRIPT}</script></body></html>`;
}
