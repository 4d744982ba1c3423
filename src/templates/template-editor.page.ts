/**
 * The template editor at /admin/templates: one self-contained HTML page (vanilla JS and CSS) that talks to
 * /v1/templates with the API key the person signs in with. Kept as a TypeScript string so `nest build` ships
 * it in dist/ without an asset step. Every value from the server is inserted with textContent, never innerHTML;
 * the rendered email is shown in a sandboxed iframe without scripts.
 */

const STYLE = `
:root { color-scheme: light; --bg:#f5f6f8; --panel:#fff; --fg:#1b2230; --muted:#5c6678; --line:#e1e5ec; --accent:#2457d6;
  --accent-fg:#fff; --ok:#17803d; --warn:#a15c00; --err:#b42318; --code:#f7f8fa; --radius:10px;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
* { box-sizing: border-box; }
[hidden] { display:none !important; }
html, body { margin:0; height:100%; }
body { background:var(--bg); color:var(--fg); font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
button, input, select, textarea { font:inherit; color:inherit; }
button { cursor:pointer; border:1px solid var(--line); background:var(--panel); border-radius:8px; padding:6px 12px; }
button:hover { border-color:#c5cbd6; }
button.primary { background:var(--accent); color:var(--accent-fg); border-color:var(--accent); font-weight:600; }
button.danger { color:var(--err); }
button:disabled { opacity:.5; cursor:not-allowed; }
:focus-visible { outline:3px solid color-mix(in srgb, var(--accent) 45%, transparent); outline-offset:1px; }
input[type=text], input[type=password], select { border:1px solid var(--line); border-radius:8px; padding:6px 10px; background:var(--panel); }
.sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
header.top { display:flex; align-items:center; gap:12px; padding:10px 16px; background:var(--panel); border-bottom:1px solid var(--line); }
header.top h1 { font-size:16px; margin:0; }
header.top .who { margin-left:auto; color:var(--muted); }
#signin { max-width:420px; margin:12vh auto; background:var(--panel); border:1px solid var(--line); border-radius:14px; padding:28px; }
#signin h2 { margin:0 0 8px; font-size:20px; }
#signin p { color:var(--muted); margin:0 0 16px; }
#signin label { display:block; font-weight:600; margin-bottom:6px; }
#signin input { width:100%; margin-bottom:12px; }
#signin .error { color:var(--err); min-height:1.4em; margin:0 0 8px; }
#app { display:grid; grid-template-columns:240px minmax(0,1fr); height:calc(100vh - 49px); }
nav.side { border-right:1px solid var(--line); background:var(--panel); overflow:auto; padding:12px; }
nav.side .controls { display:grid; gap:8px; margin-bottom:12px; }
.segmented { display:flex; border:1px solid var(--line); border-radius:8px; overflow:hidden; }
.segmented button { flex:1; border:0; border-radius:0; padding:6px 8px; }
.segmented button[aria-pressed=true] { background:var(--accent); color:var(--accent-fg); }
nav.side ul { list-style:none; margin:0; padding:0; }
nav.side li button { width:100%; text-align:left; border:0; border-radius:8px; padding:7px 10px; display:flex; gap:6px; align-items:center; }
nav.side li button[aria-current=true] { background:color-mix(in srgb, var(--accent) 12%, transparent); font-weight:600; }
.badge { font-size:11px; border-radius:999px; padding:1px 7px; border:1px solid var(--line); color:var(--muted); white-space:nowrap; }
.badge.override { color:var(--accent); border-color:color-mix(in srgb, var(--accent) 40%, transparent); }
.badge.draft { color:var(--warn); border-color:color-mix(in srgb, var(--warn) 40%, transparent); }
.badge.published { color:var(--ok); border-color:color-mix(in srgb, var(--ok) 40%, transparent); }
.spacer { flex:1; }
main.work { overflow:auto; padding:16px; display:grid; grid-template-columns:minmax(0,1.1fr) minmax(0,1fr); gap:16px; align-content:start; }
section.card { background:var(--panel); border:1px solid var(--line); border-radius:var(--radius); padding:14px; min-width:0; }
section.card h2 { font-size:15px; margin:0 0 10px; display:flex; gap:8px; align-items:center; flex-wrap:wrap; }
section.card h3 { font-size:13px; margin:14px 0 6px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
.meta { color:var(--muted); font-size:13px; margin:0 0 10px; }
.part-label { display:block; font-weight:600; margin:10px 0 4px; }
.code { display:flex; border:1px solid var(--line); border-radius:8px; background:var(--code); overflow:hidden; }
.code .gutter { margin:0; padding:8px 6px; min-width:38px; text-align:right; color:#9aa3b2; font:13px/20px var(--mono); user-select:none;
  white-space:pre; overflow:hidden; border-right:1px solid var(--line); background:#eef0f4; }
.code textarea { flex:1; min-width:0; border:0; resize:vertical; padding:8px 10px; font:13px/20px var(--mono); background:transparent;
  white-space:pre-wrap; overflow-wrap:anywhere; overflow:auto; min-height:160px; tab-size:2; }
.measure { position:absolute; visibility:hidden; left:-9999px; top:0; font:13px/20px var(--mono); white-space:pre-wrap; overflow-wrap:anywhere; tab-size:2; }
#preview[data-stale] #sms-preview, #preview[data-stale] #email-preview { opacity:.45; }
.code textarea:focus { outline:none; }
.code:focus-within { border-color:var(--accent); }
.code.subject textarea { min-height:40px; height:40px; resize:none; white-space:pre; overflow-x:auto; overflow-y:hidden; }
.code.has-error { border-color:var(--err); }
ul.problems { list-style:none; margin:8px 0 0; padding:0; display:grid; gap:4px; }
ul.problems li { font-size:13px; padding:6px 8px; border-radius:6px; background:#fdf0ef; color:var(--err); }
ul.problems li.warning { background:#fff6e6; color:var(--warn); }
ul.problems li button { border:0; background:none; padding:0; font:600 13px var(--mono); color:inherit; text-decoration:underline; }
.actions { display:flex; gap:8px; flex-wrap:wrap; align-items:center; margin-top:12px; }
.actions input[type=text] { flex:1; min-width:160px; }
#status { min-height:1.4em; font-size:13px; margin-top:8px; }
#status.error { color:var(--err); } #status.ok { color:var(--ok); }
.vars { display:flex; flex-wrap:wrap; gap:6px; max-height:180px; overflow:auto; }
.vars button { font:12px var(--mono); padding:3px 8px; border-radius:6px; }
.preview-controls { display:flex; gap:8px; flex-wrap:wrap; align-items:center; margin-bottom:10px; }
.phone { max-width:340px; margin:0 auto; background:#eceff4; border-radius:28px; padding:18px 14px 22px; border:1px solid var(--line); }
.phone .to { text-align:center; font-size:12px; color:var(--muted); margin-bottom:10px; }
.bubble { background:#e5e5ea; color:#111; border-radius:18px 18px 18px 4px; padding:9px 13px; white-space:pre-wrap; overflow-wrap:anywhere; max-width:88%; font-size:14px; }
.counter { text-align:center; font-size:12px; color:var(--muted); margin-top:10px; }
.counter.warn { color:var(--warn); font-weight:600; }
.email-frame-wrap { background:#eceff4; border-radius:8px; padding:10px; overflow:auto; }
.email-subject { font-weight:600; margin:0 0 8px; overflow-wrap:anywhere; }
iframe.email { display:block; margin:0 auto; border:1px solid var(--line); background:#fff; height:560px; width:640px; max-width:none; transition:width .15s; }
iframe.email.mobile { width:375px; }
details.plain pre { white-space:pre-wrap; font:12px/1.5 var(--mono); background:var(--code); padding:8px; border-radius:6px; overflow-wrap:anywhere; }
.preview-error { color:var(--err); font-size:13px; }
ol.history { list-style:none; margin:0; padding:0; display:grid; gap:8px; }
ol.history li { border:1px solid var(--line); border-radius:8px; padding:8px 10px; }
ol.history .row { display:flex; gap:8px; align-items:center; flex-wrap:wrap; }
ol.history .note { color:var(--muted); font-size:13px; margin-top:2px; overflow-wrap:anywhere; }
pre.diff { font:12px/18px var(--mono); background:var(--code); border-radius:6px; padding:6px 0; overflow:auto; max-height:300px; margin:8px 0 0; }
pre.diff span { display:block; padding:0 8px; white-space:pre; }
pre.diff .add { background:#e6f6ea; color:#135c2c; } pre.diff .del { background:#fdecec; color:#8a1c13; }
.history-card { grid-column:1 / -1; }
@media (max-width: 1100px) { main.work { grid-template-columns:minmax(0,1fr); } }
@media (max-width: 720px) {
  #app { grid-template-columns:1fr; height:auto; }
  nav.side { border-right:0; border-bottom:1px solid var(--line); max-height:none; }
  nav.side ul { display:flex; overflow-x:auto; gap:4px; }
  nav.side li button { white-space:nowrap; }
  main.work { padding:10px; }
  header.top .who { display:none; }
  iframe.email { width:100%; } iframe.email.mobile { width:100%; }
}
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var KEY_STORAGE = 'wismo.apiKey';
  var state = { key: sessionStorage.getItem(KEY_STORAGE), list: [], channel: 'sms', locale: 'en', type: null,
    detail: null, parts: {}, activePart: 'body', dirty: false, previewSeq: 0, previewTimer: null, device: 'desktop',
    data: 'sample', lastProblems: [] };
  var $ = function (id) { return document.getElementById(id); };

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') el.textContent = v;
      else if (k === 'on') for (var ev in v) el.addEventListener(ev, v[ev]);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    (children || []).forEach(function (c) { if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return el;
  }

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: Object.assign({ Authorization: 'Bearer ' + state.key }, body !== undefined ? { 'content-type': 'application/json' } : {}),
      body: body !== undefined ? JSON.stringify(body) : undefined,
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = { message: text }; }
        if (res.status === 401) { signOut('Your key was not accepted. Sign in again.'); }
        if (!res.ok) { var err = new Error((data && data.message) || res.statusText); err.status = res.status; err.body = data; throw err; }
        return data;
      });
    });
  }

  function setStatus(text, kind) { var s = $('status'); s.textContent = text || ''; s.className = kind || ''; }

  // ---- sign in ----
  function showSignIn(message) {
    $('signin').hidden = false; $('app').hidden = true; $('who').textContent = ''; $('signout').hidden = true;
    $('signin-error').textContent = message || '';
    $('api-key').focus();
  }
  function signOut(message) { sessionStorage.removeItem(KEY_STORAGE); state.key = null; showSignIn(message); }
  $('signin').addEventListener('submit', function (e) {
    e.preventDefault();
    var key = $('api-key').value.trim();
    if (!key) { $('signin-error').textContent = 'Enter an API key.'; return; }
    state.key = key;
    $('signin-error').textContent = 'Checking…';
    loadList().then(function () {
      sessionStorage.setItem(KEY_STORAGE, key);
      $('api-key').value = '';
      enterApp();
    }).catch(function (err) {
      state.key = null;
      $('signin-error').textContent = err.status === 403 ? 'This key cannot edit templates (needs the support or admin role).'
        : err.status === 401 ? 'That key was not recognised.' : 'Could not sign in: ' + err.message;
    });
  });
  $('signout').addEventListener('click', function () { signOut(''); });

  function enterApp() {
    $('signin').hidden = true; $('app').hidden = false; $('signout').hidden = false;
    $('who').textContent = 'Signed in';
    renderControls(); renderSidebar();
    var first = typesFor(state.channel)[0];
    if (first && !state.type) selectType(first);
  }

  function loadList() { return api('GET', '/v1/templates').then(function (data) { state.list = data.templates; }); }

  // ---- sidebar ----
  function typesFor(channel) {
    var seen = []; state.list.forEach(function (t) {
      if (t.channel === channel && t.locale === (channel === 'chat' ? chatLocale() : state.locale) && seen.indexOf(t.type) < 0) seen.push(t.type);
    });
    return seen;
  }
  function chatLocale() { return state.locale; }
  function localesFor(channel) {
    var seen = []; state.list.forEach(function (t) { if (t.channel === channel && seen.indexOf(t.locale) < 0) seen.push(t.locale); });
    return seen;
  }
  function summary(type) {
    return state.list.find(function (t) { return t.type === type && t.channel === state.channel && t.locale === state.locale; });
  }
  function label(type) { return type.replace(/_/g, ' ').replace(/^./, function (c) { return c.toUpperCase(); }); }

  function renderControls() {
    ['sms', 'email', 'chat'].forEach(function (c) {
      var b = $('channel-' + c); b.setAttribute('aria-pressed', String(state.channel === c));
      b.disabled = localesFor(c).length === 0;
    });
    var select = $('locale'); select.textContent = '';
    localesFor(state.channel).forEach(function (l) { select.appendChild(h('option', { value: l, text: l.toUpperCase(), selected: l === state.locale })); });
  }
  function renderSidebar() {
    var ul = $('types'); ul.textContent = '';
    typesFor(state.channel).forEach(function (type) {
      var s = summary(type) || {};
      ul.appendChild(h('li', null, [h('button', { type: 'button', 'data-type': type, 'aria-current': String(type === state.type),
        on: { click: function () { selectType(type); } } }, [
        h('span', { text: label(type) }), h('span', { class: 'spacer' }),
        s.hasDraft ? h('span', { class: 'badge draft', text: 'draft' }) : null,
        s.source === 'override' ? h('span', { class: 'badge override', text: 'v' + s.version }) : null,
      ])]));
    });
  }
  ['sms', 'email', 'chat'].forEach(function (c) {
    $('channel-' + c).addEventListener('click', function () {
      if (!confirmLeave()) return;
      state.channel = c;
      var locales = localesFor(c); if (locales.indexOf(state.locale) < 0) state.locale = locales[0] || 'en';
      var types = typesFor(c); var keep = types.indexOf(state.type) >= 0 ? state.type : types[0];
      state.type = null; renderControls(); renderSidebar(); if (keep) selectType(keep, true);
    });
  });
  $('locale').addEventListener('change', function (e) {
    if (!confirmLeave()) { e.target.value = state.locale; return; }
    state.locale = e.target.value; var t = state.type; state.type = null; renderSidebar(); if (t) selectType(t, true);
  });
  function confirmLeave() { return !state.dirty || window.confirm('Discard unsaved changes?'); }

  // ---- one template ----
  function path() { return '/v1/templates/' + encodeURIComponent(state.type) + '/' + state.channel + '/' + state.locale; }
  function partsFor(channel) { return channel === 'email' ? ['subject', 'html', 'text'] : ['body']; }

  function selectType(type, force) {
    if (!force && type !== state.type && !confirmLeave()) return;
    state.type = type; renderSidebar();
    $('work').hidden = false;
    setStatus('Loading…');
    return api('GET', path()).then(function (detail) {
      state.detail = detail;
      var start = detail.draft ? detail.draft.parts : detail.sources.effective;
      state.parts = {}; partsFor(state.channel).forEach(function (p) { state.parts[p] = start[p] || ''; });
      state.dirty = false; state.activePart = partsFor(state.channel)[state.channel === 'email' ? 1 : 0];
      renderEditor(); renderHistory(); renderVariables(); setStatus('');
      schedulePreview(0);
    }).catch(function (err) { setStatus(err.message, 'error'); });
  }

  function renderEditor() {
    var d = state.detail;
    $('editor-title').textContent = label(d.type) + ' · ' + d.channel.toUpperCase() + ' · ' + d.locale.toUpperCase();
    var meta = d.source === 'override' ? 'In force: version ' + d.version + ' (edited)' : 'In force: the built-in default';
    if (d.draft) meta += ' · draft v' + d.draft.version + ' saved by ' + d.draft.author + ' ' + when(d.draft.createdAt);
    $('editor-meta').textContent = meta;
    var host = $('parts'); host.textContent = '';
    partsFor(state.channel).forEach(function (part) {
      var id = 'editor-' + part;
      var names = { body: state.channel === 'sms' ? 'SMS text' : 'Reply text', subject: 'Subject', html: 'HTML', text: 'Plain text (optional: derived from the HTML when empty)' };
      var gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
      var area = h('textarea', { id: id, 'data-part': part, spellcheck: 'false', autocapitalize: 'off',
        'aria-describedby': 'problems', rows: part === 'subject' ? 1 : part === 'body' ? 8 : 16 });
      area.value = state.parts[part];
      var sync = function () { gutter.textContent = gutterText(area); gutter.scrollTop = area.scrollTop; };
      new ResizeObserver(sync).observe(area);
      area.addEventListener('input', function () { state.parts[part] = area.value; state.dirty = true; sync(); updateButtons(); schedulePreview(350); });
      area.addEventListener('scroll', function () { gutter.scrollTop = area.scrollTop; });
      area.addEventListener('focus', function () { state.activePart = part; });
      area.addEventListener('keydown', function (e) {
        if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.metaKey && part !== 'subject' && e.altKey) { e.preventDefault(); insertAt(area, '  '); }
        if ((e.ctrlKey || e.metaKey) && e.key === 's') { e.preventDefault(); saveDraft(); }
      });
      host.appendChild(h('label', { class: 'part-label', for: id, text: names[part] }));
      host.appendChild(h('div', { class: 'code' + (part === 'subject' ? ' subject' : ''), id: 'code-' + part }, [gutter, area]));
      sync();
    });
    $('reset').hidden = d.source !== 'override';
    renderProblems([]); updateButtons();
  }

  /** Line numbers for soft-wrapped text: each logical line is measured at the textarea's width. */
  function gutterText(area) {
    var lines = area.value.split('\n');
    if (area.dataset.part === 'subject') return '1';
    var measure = document.getElementById('measure');
    var style = getComputedStyle(area);
    measure.style.width = (area.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)) + 'px';
    measure.textContent = '';
    lines.forEach(function (line) { measure.appendChild(h('div', { text: line || ' ' })); });
    var out = '';
    Array.prototype.forEach.call(measure.children, function (div, i) {
      var rows = Math.max(1, Math.round(div.offsetHeight / 20));
      out += (i + 1) + '\n' + new Array(rows).join('\n');
    });
    return out;
  }

  function updateButtons() {
    var d = state.detail; if (!d) return;
    $('save').disabled = !state.dirty;
    $('publish').disabled = !state.dirty && !d.draft;
    $('revert').disabled = !state.dirty;
  }

  function insertAt(area, text) {
    var start = area.selectionStart, end = area.selectionEnd;
    area.setRangeText(text, start, end, 'end');
    area.dispatchEvent(new Event('input'));
    area.focus();
  }

  function renderVariables() {
    var host = $('variables'); host.textContent = '';
    (state.detail.variables || []).forEach(function (v) {
      if (v.kind === 'object') return;
      var snippet = '{{' + v.name + '}}';
      host.appendChild(h('button', { type: 'button', title: v.description + (v.nullable ? ' May be empty: wrap in {{#if}}.' : ''),
        'aria-label': 'Insert ' + snippet + ': ' + v.description, 'data-variable': v.name,
        on: { mousedown: function (e) { e.preventDefault(); }, click: function () {
          var area = $('editor-' + state.activePart) || $('editor-' + partsFor(state.channel)[0]);
          insertAt(area, snippet);
        } } }, [snippet]));
    });
  }

  function renderProblems(problems) {
    state.lastProblems = problems;
    var ul = $('problems'); ul.textContent = '';
    partsFor(state.channel).forEach(function (p) { var c = $('code-' + p); if (c) c.classList.remove('has-error'); });
    problems.forEach(function (p) {
      var where = p.part + (p.line ? ' ' + p.line + ':' + (p.column || 1) : '');
      var c = $('code-' + p.part); if (c && p.severity === 'error') c.classList.add('has-error');
      var jump = h('button', { type: 'button', text: where, title: 'Go to ' + where, on: { click: function () { goTo(p); } } });
      ul.appendChild(h('li', { class: p.severity }, [jump, ' ', (p.severity === 'warning' ? 'Warning: ' : '') + p.message]));
    });
  }

  function goTo(p) {
    var area = $('editor-' + p.part); if (!area) return;
    var lines = area.value.split('\n'); var pos = 0;
    for (var i = 0; i < (p.line || 1) - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    pos += Math.max(0, (p.column || 1) - 1);
    area.focus(); area.setSelectionRange(pos, pos);
  }

  // ---- preview ----
  function schedulePreview(delay) {
    clearTimeout(state.previewTimer);
    state.previewTimer = setTimeout(preview, delay);
  }
  function preview() {
    if (!state.detail) return;
    var seq = ++state.previewSeq;
    var body = { type: state.type, channel: state.channel, locale: state.locale, parts: currentParts() };
    var tracking = $('tracking').value.trim();
    if (state.data === 'shipment' && tracking) body.trackingNumber = tracking; else body.sample = true;
    $('preview').setAttribute('aria-busy', 'true');
    api('POST', '/v1/templates/preview', body).then(function (r) {
      if (seq !== state.previewSeq) return;
      $('preview-error').textContent = '';
      $('preview').removeAttribute('data-stale');
      renderProblems(r.problems || []);
      showPreview(r);
    }).catch(function (err) {
      if (seq !== state.previewSeq) return;
      var problems = (err.body && err.body.errors) || [];
      if (problems.length && problems[0].part) renderProblems(problems); else renderProblems([]);
      $('preview').setAttribute('data-stale', '');
      $('preview-error').textContent = problems.length && problems[0].part ? 'Fix the problems under the editor to see the preview.' : err.message;
    }).finally(function () { if (seq === state.previewSeq) $('preview').removeAttribute('aria-busy'); });
  }
  function currentParts() {
    var parts = {}; partsFor(state.channel).forEach(function (p) { parts[p] = state.parts[p]; });
    if (state.channel === 'email' && !parts.text) delete parts.text;
    return parts;
  }
  function showPreview(r) {
    $('sms-preview').hidden = state.channel === 'email';
    $('email-preview').hidden = state.channel !== 'email';
    if (state.channel === 'email') {
      $('email-subject').textContent = 'Subject: ' + r.subject;
      $('email-frame').srcdoc = r.html;
      $('email-text').textContent = r.text;
    } else {
      $('bubble').textContent = state.channel === 'chat' ? r.text : r.sms;
      var counter = $('segments');
      if (state.channel === 'sms') {
        var n = Array.from(r.sms).length;
        counter.textContent = r.segments + (r.segments === 1 ? ' segment' : ' segments') + ' · ' + r.encoding + ' · ' + n + ' characters' +
          (r.nonGsmCharacters && r.nonGsmCharacters.length ? ' · not GSM-7: ' + r.nonGsmCharacters.join(' ') : '');
        counter.className = 'counter' + (r.segments > 2 || r.encoding !== 'GSM-7' ? ' warn' : '');
      } else { counter.textContent = 'Chat reply'; counter.className = 'counter'; }
    }
    $('preview-data').textContent = r.data === 'shipment' ? 'Real shipment data' : 'Sample data';
  }
  $('data-sample').addEventListener('change', function () { state.data = 'sample'; schedulePreview(0); });
  $('data-shipment').addEventListener('change', function () { state.data = 'shipment'; $('tracking').focus(); schedulePreview(0); });
  $('tracking').addEventListener('input', function () { if (state.data === 'shipment') schedulePreview(500); });
  ['desktop', 'mobile'].forEach(function (d) {
    $('device-' + d).addEventListener('click', function () {
      state.device = d;
      $('device-desktop').setAttribute('aria-pressed', String(d === 'desktop'));
      $('device-mobile').setAttribute('aria-pressed', String(d === 'mobile'));
      $('email-frame').classList.toggle('mobile', d === 'mobile');
    });
  });

  // ---- save, publish, reset ----
  function saveDraft() {
    if (!state.dirty) return Promise.resolve(state.detail.draft);
    setStatus('Saving draft…');
    var body = currentParts(); var note = $('note').value.trim(); if (note) body.note = note;
    return api('PUT', path() + '/draft', body).then(function (r) {
      state.dirty = false;
      var warnings = r.warnings || [];
      setStatus('Draft v' + r.draft.version + ' saved' + (warnings.length ? ' with ' + warnings.length + ' warning(s)' : '') + '.', 'ok');
      return refresh(false).then(function () { renderProblems(warnings); return r.draft; });
    }).catch(function (err) {
      var problems = (err.body && err.body.errors) || [];
      if (problems.length && problems[0].part) renderProblems(problems);
      setStatus('Not saved: ' + err.message, 'error');
      throw err;
    });
  }
  function refresh(reloadEditor) {
    return Promise.all([loadList(), api('GET', path())]).then(function (res) {
      state.detail = res[1]; renderSidebar(); renderHistory();
      if (reloadEditor) { var start = state.detail.draft ? state.detail.draft.parts : state.detail.sources.effective;
        partsFor(state.channel).forEach(function (p) { state.parts[p] = start[p] || ''; }); state.dirty = false; renderEditor(); schedulePreview(0); }
      else { $('reset').hidden = state.detail.source !== 'override'; renderEditorMeta(); updateButtons(); }
    });
  }
  function renderEditorMeta() {
    var d = state.detail;
    var meta = d.source === 'override' ? 'In force: version ' + d.version + ' (edited)' : 'In force: the built-in default';
    if (d.draft) meta += ' · draft v' + d.draft.version + ' saved by ' + d.draft.author + ' ' + when(d.draft.createdAt);
    $('editor-meta').textContent = meta;
  }
  $('save').addEventListener('click', function () { saveDraft().catch(function () {}); });
  $('publish').addEventListener('click', function () {
    var note = $('note').value.trim();
    saveDraft().then(function () {
      setStatus('Publishing…');
      return api('POST', path() + '/publish', note ? { note: note } : {});
    }).then(function (r) {
      $('note').value = '';
      setStatus('Published version ' + r.published.version + '. New messages use it now.', 'ok');
      return refresh(true);
    }).catch(function (err) { if (err.status) setStatus('Not published: ' + err.message, 'error'); });
  });
  $('revert').addEventListener('click', function () { if (window.confirm('Discard unsaved changes?')) refresh(true); });
  $('reset').addEventListener('click', function () {
    if (!window.confirm('Go back to the built-in default? The edited version stays in the history.')) return;
    api('DELETE', path() + '/override').then(function () { setStatus('Reset to the default.', 'ok'); return refresh(true); })
      .catch(function (err) { setStatus(err.message, 'error'); });
  });

  // ---- history and diff ----
  function when(iso) { try { return new Date(iso).toLocaleString(); } catch (e) { return iso; } }
  function renderHistory() {
    var ol = $('history'); ol.textContent = '';
    var versions = state.detail.history;
    $('history-empty').hidden = versions.length > 0;
    versions.forEach(function (v) {
      var diffHost = h('div');
      var li = h('li', { 'data-version': v.version }, [
        h('div', { class: 'row' }, [
          h('strong', { text: 'v' + v.version }), h('span', { class: 'badge ' + v.status, text: v.status }),
          h('span', { class: 'meta', style: 'margin:0', text: v.author + ' · ' + when(v.publishedAt || v.createdAt) }),
          h('span', { class: 'spacer' }),
          h('button', { type: 'button', text: 'Diff', 'aria-expanded': 'false', on: { click: function (e) { toggleDiff(e.currentTarget, diffHost, v); } } }),
          v.status === 'archived' ? h('button', { type: 'button', text: 'Roll back to this', on: { click: function () { rollback(v.version); } } }) : null,
        ]),
        v.note ? h('div', { class: 'note', text: v.note }) : null,
        diffHost,
      ]);
      ol.appendChild(li);
    });
  }
  function toggleDiff(button, host, v) {
    if (host.firstChild) { host.textContent = ''; button.setAttribute('aria-expanded', 'false'); return; }
    button.setAttribute('aria-expanded', 'true');
    partsFor(state.channel).forEach(function (part) {
      var lines = diffLines(v.parts[part] || '', state.parts[part] || '');
      if (partsFor(state.channel).length > 1) host.appendChild(h('div', { class: 'meta', style: 'margin:8px 0 0', text: part + ': v' + v.version + ' → editor' }));
      var pre = h('pre', { class: 'diff', 'aria-label': 'Changes from version ' + v.version + ' to the editor text' });
      var changed = lines.some(function (l) { return l[0] !== ' '; });
      if (!changed) pre.appendChild(h('span', { text: '  (no changes)' }));
      else lines.forEach(function (l) { pre.appendChild(h('span', { class: l[0] === '+' ? 'add' : l[0] === '-' ? 'del' : '', text: l[0] + ' ' + l[1] })); });
      host.appendChild(pre);
    });
  }
  /** Longest common subsequence over lines: enough for templates of a few hundred lines. */
  function diffLines(a, b) {
    var x = a.split('\n'), y = b.split('\n'), n = x.length, m = y.length;
    if (n * m > 4e6) return x.map(function (l) { return ['-', l]; }).concat(y.map(function (l) { return ['+', l]; }));
    var t = []; for (var i = 0; i <= n; i++) { t.push(new Int32Array(m + 1)); }
    for (i = n - 1; i >= 0; i--) for (var j = m - 1; j >= 0; j--) t[i][j] = x[i] === y[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
    var out = []; i = 0; j = 0;
    while (i < n && j < m) { if (x[i] === y[j]) { out.push([' ', x[i]]); i++; j++; } else if (t[i + 1][j] >= t[i][j + 1]) out.push(['-', x[i++]]); else out.push(['+', y[j++]]); }
    while (i < n) out.push(['-', x[i++]]); while (j < m) out.push(['+', y[j++]]);
    return out;
  }
  function rollback(version) {
    if (!confirmLeave()) return;
    if (!window.confirm('Publish a new version with the text of v' + version + '?')) return;
    api('POST', path() + '/rollback', { version: version }).then(function (r) {
      setStatus('Rolled back: version ' + r.published.version + ' has the text of v' + version + '.', 'ok');
      return refresh(true);
    }).catch(function (err) { setStatus('Not rolled back: ' + err.message, 'error'); });
  }

  window.addEventListener('beforeunload', function (e) { if (state.dirty) { e.preventDefault(); e.returnValue = ''; } });

  if (state.key) loadList().then(enterApp).catch(function (err) { if (err.status !== 401) signOut('Sign in again: ' + err.message); });
  else showSignIn('');
})();
`;

const BODY = `
<header class="top">
  <h1>Wismo · Message templates</h1>
  <span class="who" id="who"></span>
  <button type="button" id="signout" hidden>Sign out</button>
</header>
<form id="signin" hidden>
  <h2>Sign in</h2>
  <p>Use a support or admin API key. It is kept only for this browser tab.</p>
  <label for="api-key">API key</label>
  <input id="api-key" type="password" autocomplete="off" spellcheck="false" required>
  <p class="error" id="signin-error" role="alert"></p>
  <button type="submit" class="primary" id="signin-button">Sign in</button>
</form>
<div class="measure" id="measure" aria-hidden="true"></div>
<div id="app" hidden>
  <nav class="side" aria-label="Templates">
    <div class="controls">
      <div class="segmented" role="group" aria-label="Channel">
        <button type="button" id="channel-sms" aria-pressed="true">SMS</button>
        <button type="button" id="channel-email" aria-pressed="false">Email</button>
        <button type="button" id="channel-chat" aria-pressed="false">Chat</button>
      </div>
      <label class="sr-only" for="locale">Language</label>
      <select id="locale" aria-label="Language"></select>
    </div>
    <ul id="types"></ul>
  </nav>
  <main class="work" id="work" hidden>
    <section class="card" aria-labelledby="editor-title">
      <h2 id="editor-title"></h2>
      <p class="meta" id="editor-meta"></p>
      <div id="parts"></div>
      <ul class="problems" id="problems" aria-live="polite" aria-label="Problems"></ul>
      <h3>Insert a variable</h3>
      <div class="vars" id="variables"></div>
      <div class="actions">
        <label class="sr-only" for="note">Note for this version</label>
        <input type="text" id="note" placeholder="Note: what changed and why" maxlength="500">
        <button type="button" id="save">Save draft</button>
        <button type="button" id="publish" class="primary">Publish</button>
        <button type="button" id="revert">Discard changes</button>
        <button type="button" id="reset" class="danger" hidden>Reset to default</button>
      </div>
      <div id="status" role="status" aria-live="polite"></div>
    </section>
    <section class="card" id="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview <span class="badge" id="preview-data">Sample data</span></h2>
      <div class="preview-controls" role="radiogroup" aria-label="Preview data">
        <label><input type="radio" name="data" id="data-sample" checked> Sample data</label>
        <label><input type="radio" name="data" id="data-shipment"> Tracking number</label>
        <label class="sr-only" for="tracking">Tracking number</label>
        <input type="text" id="tracking" placeholder="e.g. 1Z999AA10123456784" autocomplete="off">
      </div>
      <p class="preview-error" id="preview-error" role="alert"></p>
      <div id="sms-preview">
        <div class="phone"><div class="to">Text message</div><div class="bubble" id="bubble"></div>
        <div class="counter" id="segments" aria-live="polite"></div></div>
      </div>
      <div id="email-preview" hidden>
        <div class="preview-controls segmented" role="group" aria-label="Preview width" style="max-width:240px">
          <button type="button" id="device-desktop" aria-pressed="true">Desktop</button>
          <button type="button" id="device-mobile" aria-pressed="false">Mobile</button>
        </div>
        <p class="email-subject" id="email-subject"></p>
        <div class="email-frame-wrap"><iframe class="email" id="email-frame" title="Email preview" sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe></div>
        <details class="plain"><summary>Plain-text part</summary><pre id="email-text"></pre></details>
      </div>
    </section>
    <section class="card history-card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <p class="meta" id="history-empty">No edits yet: the built-in default is in force.</p>
      <ol class="history" id="history"></ol>
    </section>
  </main>
</div>
`;

export function templateEditorPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Message templates · Wismo</title><style>${STYLE}</style></head>
<body>${BODY}<script>${SCRIPT}</script></body></html>`;
}
