/**
 * The template editor at /admin/templates (views/support/templates.hbs): pick a channel, language and message
 * type (kept in the URL), edit each part in a CodeMirror editor with problems marked inline in plain words, see
 * a live preview with sample data (this shop's brand) or a real shipment, save drafts, publish, compare versions
 * and roll back. Every value from the server goes in through textContent; the email preview is a sandboxed
 * iframe without scripts.
 */
import { ApiError } from '../lib/api.client';
import { formatDateTime as when } from '../lib/dates';
import { byId, h } from '../lib/dom';
import { messageOf, type Shell, startShell } from '../lib/shell';
import { CodeEditor } from '../template-editor/code-editor';
import { diffLines } from '../template-editor/line-diff';
import { type PlainProblem, plainProblem, type Problem } from '../template-editor/plain-problems';

type Channel = 'sms' | 'email' | 'chat';
type Part = 'body' | 'subject' | 'html' | 'text';
type Parts = Partial<Record<Part, string>>;

interface TemplateSummary {
  type: string;
  channel: Channel;
  locale: string;
  source: 'default' | 'override';
  version: number | null;
  hasDraft: boolean;
}

interface TemplateVersionView {
  version: number;
  status: 'draft' | 'published' | 'archived';
  author: string;
  note?: string | null;
  createdAt: string;
  publishedAt?: string | null;
  parts: Parts;
}

interface TemplateDetail {
  type: string;
  channel: Channel;
  locale: string;
  source: 'default' | 'override';
  version: number | null;
  draft: TemplateVersionView | null;
  sources: { default: Parts; effective: Parts };
  history: TemplateVersionView[];
  variables?: { name: string; kind: string; description: string; nullable?: boolean }[];
}

interface PreviewResult {
  data: 'sample' | 'shipment';
  subject: string | null;
  html: string | null;
  text: string | null;
  sms: string | null;
  segments: number | null;
  encoding: string | null;
  nonGsmCharacters?: string[];
  problems?: Problem[];
}

const CHANNELS: Channel[] = ['sms', 'email', 'chat'];
const PART_NAMES: Record<Part, string> = {
  body: 'SMS text',
  subject: 'Subject',
  html: 'HTML',
  text: 'Plain text (optional: derived from the HTML when empty)',
};

const state = {
  shell: null as Shell | null,
  list: [] as TemplateSummary[],
  channel: 'sms' as Channel,
  locale: 'en',
  type: null as string | null,
  detail: null as TemplateDetail | null,
  parts: {} as Parts,
  editors: new Map<Part, CodeEditor>(),
  activePart: 'body' as Part,
  dirty: false,
  previewSeq: 0,
  previewTimer: 0,
  data: 'sample' as 'sample' | 'shipment',
};

let wired = false;
startShell({
  onSignedIn: async (shell) => {
    state.shell = shell;
    try {
      await loadList();
    } catch (err) {
      if (!(err instanceof ApiError && err.signedOut)) shell.signOut(`Sign in again: ${messageOf(err)}`);
      return;
    }
    if (!wired) {
      wired = true;
      wire();
    }
    enter();
  },
  onTimeZoneChange: () => {
    if (!state.detail) return;
    renderEditorMeta();
    renderHistory();
  },
});

function api(): Shell['api'] {
  if (!state.shell) throw new Error('not signed in');
  return state.shell.api;
}

function setStatus(text: string, kind: '' | 'ok' | 'error' = ''): void {
  const status = byId('status');
  status.textContent = text;
  status.className = kind;
}

async function loadList(): Promise<void> {
  state.list = (await api().get<{ templates: TemplateSummary[] }>('/v1/templates')).templates;
}

/** The selection from the URL (?channel=&locale=&type=), where it is kept so a link opens the same template. */
function enter(): void {
  const params = new URLSearchParams(location.search);
  const channel = params.get('channel') as Channel | null;
  if (channel && CHANNELS.includes(channel) && localesFor(channel).length) state.channel = channel;
  const locale = params.get('locale');
  const locales = localesFor(state.channel);
  state.locale =
    locale && locales.includes(locale)
      ? locale
      : locales.includes(state.locale)
        ? state.locale
        : (locales[0] ?? 'en');
  const type = params.get('type');
  renderControls();
  renderSidebar();
  const types = typesFor(state.channel);
  const start = type && types.includes(type) ? type : (state.type ?? types[0]);
  state.type = null;
  if (start) void selectType(start, true);
}

function keepSelectionInUrl(): void {
  const params = new URLSearchParams({ channel: state.channel, locale: state.locale });
  if (state.type) params.set('type', state.type);
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

// ---- sidebar ----
function typesFor(channel: Channel): string[] {
  const seen: string[] = [];
  for (const t of state.list) {
    if (t.channel === channel && t.locale === state.locale && !seen.includes(t.type)) seen.push(t.type);
  }
  return seen;
}

function localesFor(channel: Channel): string[] {
  const seen: string[] = [];
  for (const t of state.list) if (t.channel === channel && !seen.includes(t.locale)) seen.push(t.locale);
  return seen;
}

function summary(type: string): TemplateSummary | undefined {
  return state.list.find((t) => t.type === type && t.channel === state.channel && t.locale === state.locale);
}

function typeLabel(type: string): string {
  return type.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function renderControls(): void {
  for (const c of CHANNELS) {
    const b = byId<HTMLButtonElement>(`channel-${c}`);
    b.setAttribute('aria-pressed', String(state.channel === c));
    b.disabled = localesFor(c).length === 0;
  }
  const select = byId<HTMLSelectElement>('locale');
  select.replaceChildren(
    ...localesFor(state.channel).map((l) =>
      h('option', { value: l, text: l.toUpperCase(), selected: l === state.locale }),
    ),
  );
}

function renderSidebar(): void {
  byId('types').replaceChildren(
    ...typesFor(state.channel).map((type) => {
      const s = summary(type);
      return h('li', {}, [
        h(
          'button',
          {
            type: 'button',
            'data-type': type,
            'aria-current': String(type === state.type),
            onclick: () => void selectType(type),
          },
          [
            h('span', { text: typeLabel(type) }),
            h('span', { class: 'spacer' }),
            s?.hasDraft ? h('span', { class: 'badge draft', text: 'draft' }) : null,
            s?.source === 'override' ? h('span', { class: 'badge override', text: `v${s.version}` }) : null,
          ],
        ),
      ]);
    }),
  );
}

function confirmLeave(): boolean {
  return !state.dirty || window.confirm('Discard unsaved changes?');
}

function wire(): void {
  for (const c of CHANNELS) {
    byId(`channel-${c}`).addEventListener('click', () => {
      if (!confirmLeave()) return;
      state.channel = c;
      const locales = localesFor(c);
      if (!locales.includes(state.locale)) state.locale = locales[0] ?? 'en';
      const types = typesFor(c);
      const keep = state.type && types.includes(state.type) ? state.type : types[0];
      state.type = null;
      renderControls();
      renderSidebar();
      if (keep) void selectType(keep, true);
    });
  }
  const locale = byId<HTMLSelectElement>('locale');
  locale.addEventListener('change', () => {
    if (!confirmLeave()) {
      locale.value = state.locale;
      return;
    }
    state.locale = locale.value;
    const type = state.type;
    state.type = null;
    renderSidebar();
    if (type) void selectType(type, true);
  });

  byId<HTMLInputElement>('data-sample').addEventListener('change', () => {
    state.data = 'sample';
    schedulePreview(0);
  });
  byId<HTMLInputElement>('data-shipment').addEventListener('change', () => {
    state.data = 'shipment';
    byId('tracking').focus();
    schedulePreview(0);
  });
  byId('tracking').addEventListener('input', () => {
    if (state.data === 'shipment') schedulePreview(500);
  });
  for (const device of ['desktop', 'mobile'] as const) {
    byId(`device-${device}`).addEventListener('click', () => {
      byId('device-desktop').setAttribute('aria-pressed', String(device === 'desktop'));
      byId('device-mobile').setAttribute('aria-pressed', String(device === 'mobile'));
      byId('email-frame').classList.toggle('mobile', device === 'mobile');
    });
  }

  byId('save').addEventListener('click', () => void saveDraft().catch(() => undefined));
  byId('publish').addEventListener('click', () => void publish());
  byId('revert').addEventListener('click', () => {
    if (window.confirm('Discard unsaved changes?')) void refresh(true);
  });
  byId('reset').addEventListener('click', () => {
    if (!window.confirm('Go back to the built-in default? The edited version stays in the history.')) return;
    api()
      .delete(`${path()}/override`)
      .then(() => {
        setStatus('Reset to the default.', 'ok');
        return refresh(true);
      })
      .catch((err: unknown) => setStatus(messageOf(err), 'error'));
  });
  window.addEventListener('beforeunload', (e) => {
    if (state.dirty) e.preventDefault();
  });
}

// ---- one template ----
function path(): string {
  return `/v1/templates/${encodeURIComponent(state.type ?? '')}/${state.channel}/${state.locale}`;
}

function partsFor(channel: Channel): Part[] {
  return channel === 'email' ? ['subject', 'html', 'text'] : ['body'];
}

async function selectType(type: string, force = false): Promise<void> {
  if (!force && type !== state.type && !confirmLeave()) return;
  state.type = type;
  keepSelectionInUrl();
  renderSidebar();
  byId('work').hidden = false;
  setStatus('Loading…');
  try {
    const detail = await api().get<TemplateDetail>(path());
    state.detail = detail;
    const start = detail.draft ? detail.draft.parts : detail.sources.effective;
    state.parts = {};
    for (const p of partsFor(state.channel)) state.parts[p] = start[p] ?? '';
    state.dirty = false;
    state.activePart = state.channel === 'email' ? 'html' : 'body';
    renderEditor();
    renderHistory();
    renderVariables();
    setStatus('');
    schedulePreview(0);
  } catch (err) {
    setStatus(messageOf(err), 'error');
  }
}

function renderEditor(): void {
  const d = state.detail!;
  byId('editor-title').textContent =
    `${typeLabel(d.type)} · ${d.channel.toUpperCase()} · ${d.locale.toUpperCase()}`;
  renderEditorMeta();
  for (const editor of state.editors.values()) editor.destroy();
  state.editors.clear();
  const host = byId('parts');
  host.replaceChildren();
  for (const part of partsFor(state.channel)) {
    const labelId = `label-${part}`;
    const name = part === 'body' && state.channel === 'chat' ? 'Reply text' : PART_NAMES[part];
    const box = h('div', { class: `code${part === 'subject' ? ' subject' : ''}`, id: `code-${part}` });
    host.append(h('p', { class: 'part-label', id: labelId, text: name }), box);
    const editor = new CodeEditor({
      parent: box,
      doc: state.parts[part] ?? '',
      labelledBy: labelId,
      describedBy: 'problems',
      language: part === 'html' ? 'html' : 'text',
      singleLine: part === 'subject',
      onChange: (value) => {
        state.parts[part] = value;
        state.dirty = true;
        updateButtons();
        schedulePreview(350);
      },
      onFocus: () => {
        state.activePart = part;
      },
      onSave: () => void saveDraft().catch(() => undefined),
    });
    editor.view.contentDOM.id = `editor-${part}`;
    editor.view.contentDOM.dataset.part = part;
    state.editors.set(part, editor);
  }
  byId('reset').hidden = d.source !== 'override';
  renderProblems([]);
  updateButtons();
}

function renderEditorMeta(): void {
  const d = state.detail!;
  let meta =
    d.source === 'override' ? `In force: version ${d.version} (edited)` : 'In force: the built-in default';
  if (d.draft) meta += ` · draft v${d.draft.version} saved by ${d.draft.author} ${when(d.draft.createdAt)}`;
  byId('editor-meta').textContent = meta;
}

function updateButtons(): void {
  const d = state.detail;
  if (!d) return;
  byId<HTMLButtonElement>('save').disabled = !state.dirty;
  byId<HTMLButtonElement>('publish').disabled = !state.dirty && !d.draft;
  byId<HTMLButtonElement>('revert').disabled = !state.dirty;
}

function renderVariables(): void {
  byId('variables').replaceChildren(
    ...(state.detail?.variables ?? [])
      .filter((v) => v.kind !== 'object')
      .map((v) => {
        const snippet = `{{${v.name}}}`;
        return h('button', {
          type: 'button',
          title: v.description + (v.nullable ? ' May be empty: wrap in {{#if}}.' : ''),
          'aria-label': `Insert ${snippet}: ${v.description}`,
          'data-variable': v.name,
          text: snippet,
          // Keep the editor's cursor: the button must not take the focus on press.
          onmousedown: (e: Event) => e.preventDefault(),
          onclick: () => {
            const editor =
              state.editors.get(state.activePart) ?? state.editors.get(partsFor(state.channel)[0]);
            editor?.insert(snippet);
          },
        });
      }),
  );
}

function renderProblems(problems: Problem[]): void {
  const plain: PlainProblem[] = problems.map((p) => plainProblem(state.parts[p.part as Part] ?? '', p));
  for (const [part, editor] of state.editors) {
    const mine = plain.filter((p) => p.part === part);
    editor.showProblems(mine);
    byId(`code-${part}`).classList.toggle(
      'has-error',
      mine.some((p) => p.severity === 'error'),
    );
  }
  byId('problems').replaceChildren(
    ...plain.map((p) => {
      const where = p.part + (p.line ? ` ${p.line}:${p.column ?? 1}` : '');
      const jump = h('button', {
        type: 'button',
        text: where,
        title: `Go to ${where}`,
        onclick: () => state.editors.get(p.part as Part)?.goTo(p.line, p.column),
      });
      return h('li', { class: p.severity }, [
        jump,
        ' ',
        (p.severity === 'warning' ? 'Warning: ' : '') + p.plain,
      ]);
    }),
  );
}

// ---- preview ----
function schedulePreview(delay: number): void {
  window.clearTimeout(state.previewTimer);
  state.previewTimer = window.setTimeout(() => void preview(), delay);
}

function currentParts(): Parts {
  const parts: Parts = {};
  for (const p of partsFor(state.channel)) parts[p] = state.parts[p] ?? '';
  if (state.channel === 'email' && !parts.text) delete parts.text;
  return parts;
}

async function preview(): Promise<void> {
  if (!state.detail) return;
  const seq = ++state.previewSeq;
  const body: Record<string, unknown> = {
    type: state.type,
    channel: state.channel,
    locale: state.locale,
    parts: currentParts(),
  };
  const tracking = byId<HTMLInputElement>('tracking').value.trim();
  if (state.data === 'shipment' && tracking) body.trackingNumber = tracking;
  else body.sample = true;
  const host = byId('preview');
  host.setAttribute('aria-busy', 'true');
  try {
    const r = await api().post<PreviewResult>('/v1/templates/preview', body);
    if (seq !== state.previewSeq) return;
    byId('preview-error').textContent = '';
    host.removeAttribute('data-stale');
    renderProblems(r.problems ?? []);
    showPreview(r);
  } catch (err) {
    if (seq !== state.previewSeq) return;
    const problems = problemsOf(err);
    renderProblems(problems);
    host.setAttribute('data-stale', '');
    byId('preview-error').textContent = problems.length
      ? 'Fix the problems under the editor to see the preview.'
      : messageOf(err);
  } finally {
    if (seq === state.previewSeq) host.removeAttribute('aria-busy');
  }
}

/** The per-part problems of a 400 validation_failed answer, if that is what came back. */
function problemsOf(err: unknown): Problem[] {
  if (!(err instanceof ApiError)) return [];
  const errors = (err.body as { errors?: Problem[] } | null)?.errors ?? [];
  return errors.length && errors[0].part ? errors : [];
}

function showPreview(r: PreviewResult): void {
  byId('sms-preview').hidden = state.channel === 'email';
  byId('email-preview').hidden = state.channel !== 'email';
  if (state.channel === 'email') {
    byId('email-subject').textContent = `Subject: ${r.subject ?? ''}`;
    byId<HTMLIFrameElement>('email-frame').srcdoc = r.html ?? '';
    byId('email-text').textContent = r.text ?? '';
  } else {
    byId('bubble').textContent = (state.channel === 'chat' ? r.text : r.sms) ?? '';
    const counter = byId('segments');
    if (state.channel === 'sms') {
      const n = Array.from(r.sms ?? '').length;
      const segments = r.segments ?? 0;
      const nonGsm = r.nonGsmCharacters ?? [];
      counter.textContent =
        `${segments}${segments === 1 ? ' segment' : ' segments'} · ${r.encoding} · ${n} characters` +
        (nonGsm.length ? ` · not GSM-7: ${nonGsm.join(' ')}` : '');
      counter.className = `counter${segments > 2 || r.encoding !== 'GSM-7' ? ' warn' : ''}`;
    } else {
      counter.textContent = 'Chat reply';
      counter.className = 'counter';
    }
  }
  byId('preview-data').textContent = r.data === 'shipment' ? 'Real shipment data' : 'Sample data';
}

// ---- save, publish, reset ----
async function saveDraft(): Promise<TemplateVersionView | null> {
  if (!state.dirty) return state.detail?.draft ?? null;
  setStatus('Saving draft…');
  const body: Parts & { note?: string } = currentParts();
  const note = byId<HTMLInputElement>('note').value.trim();
  if (note) body.note = note;
  try {
    const r = await api().put<{ draft: TemplateVersionView; warnings?: Problem[] }>(`${path()}/draft`, body);
    state.dirty = false;
    const warnings = r.warnings ?? [];
    setStatus(
      `Draft v${r.draft.version} saved${warnings.length ? ` with ${warnings.length} warning(s)` : ''}.`,
      'ok',
    );
    await refresh(false);
    renderProblems(warnings);
    return r.draft;
  } catch (err) {
    const problems = problemsOf(err);
    if (problems.length) renderProblems(problems);
    setStatus(`Not saved: ${messageOf(err)}`, 'error');
    throw err;
  }
}

async function publish(): Promise<void> {
  const note = byId<HTMLInputElement>('note').value.trim();
  try {
    await saveDraft();
    setStatus('Publishing…');
    const r = await api().post<{ published: { version: number } }>(`${path()}/publish`, note ? { note } : {});
    byId<HTMLInputElement>('note').value = '';
    setStatus(`Published version ${r.published.version}. New messages use it now.`, 'ok');
    await refresh(true);
  } catch (err) {
    if (err instanceof ApiError) setStatus(`Not published: ${err.message}`, 'error');
  }
}

async function refresh(reloadEditor: boolean): Promise<void> {
  const [, detail] = await Promise.all([loadList(), api().get<TemplateDetail>(path())]);
  state.detail = detail;
  renderSidebar();
  renderHistory();
  if (reloadEditor) {
    const start = detail.draft ? detail.draft.parts : detail.sources.effective;
    for (const p of partsFor(state.channel)) state.parts[p] = start[p] ?? '';
    state.dirty = false;
    renderEditor();
    schedulePreview(0);
  } else {
    byId('reset').hidden = detail.source !== 'override';
    renderEditorMeta();
    updateButtons();
  }
}

// ---- history and diff ----
function renderHistory(): void {
  const versions = state.detail?.history ?? [];
  byId('history-empty').hidden = versions.length > 0;
  byId('history').replaceChildren(
    ...versions.map((v) => {
      const diffHost = h('div');
      const previous = previousOf(v);
      return h('li', { 'data-version': v.version }, [
        h('div', { class: 'row' }, [
          h('strong', { text: `v${v.version}` }),
          h('span', { class: `badge ${v.status}`, text: v.status }),
          h('span', { class: 'meta', text: `${v.author} · ${when(v.publishedAt || v.createdAt)}` }),
          h('span', { class: 'spacer' }),
          h('button', {
            type: 'button',
            text: 'Diff',
            title: `What changed from ${previous.name} to v${v.version}`,
            'aria-expanded': 'false',
            onclick: (e: Event) =>
              toggleDiff(
                e.currentTarget as HTMLButtonElement,
                diffHost,
                previous.parts,
                v.parts,
                previous.name,
                `v${v.version}`,
              ),
          }),
          h('button', {
            type: 'button',
            text: 'Compare with editor',
            'aria-expanded': 'false',
            onclick: (e: Event) =>
              toggleDiff(
                e.currentTarget as HTMLButtonElement,
                diffHost,
                v.parts,
                state.parts,
                `v${v.version}`,
                'the editor',
              ),
          }),
          v.status === 'archived'
            ? h('button', {
                type: 'button',
                text: 'Roll back to this',
                onclick: () => void rollback(v.version),
              })
            : null,
        ]),
        v.note ? h('div', { class: 'note', text: v.note }) : null,
        diffHost,
      ]);
    }),
  );
}

/** The version before `v` in the history, or the built-in default text for the first one. */
function previousOf(v: TemplateVersionView): { name: string; parts: Parts } {
  const older = (state.detail?.history ?? [])
    .filter((x) => x.version < v.version)
    .sort((a, b) => b.version - a.version)[0];
  return older
    ? { name: `v${older.version}`, parts: older.parts }
    : { name: 'the built-in default', parts: state.detail?.sources.default ?? {} };
}

function toggleDiff(
  button: HTMLButtonElement,
  host: HTMLElement,
  before: Parts,
  after: Parts,
  beforeName: string,
  afterName: string,
): void {
  const open = button.getAttribute('aria-expanded') === 'true';
  for (const other of button.parentElement?.querySelectorAll('button[aria-expanded]') ?? []) {
    other.setAttribute('aria-expanded', 'false');
  }
  host.replaceChildren();
  if (open) return;
  button.setAttribute('aria-expanded', 'true');
  const parts = partsFor(state.channel);
  for (const part of parts) {
    const lines = diffLines(before[part] ?? '', after[part] ?? '');
    if (parts.length > 1)
      host.appendChild(h('p', { class: 'diff-label', text: `${part}: ${beforeName} → ${afterName}` }));
    const pre = h('pre', { class: 'diff', 'aria-label': `Changes from ${beforeName} to ${afterName}` });
    if (!lines.some((l) => l[0] !== ' ')) pre.appendChild(h('span', { text: '  (no changes)' }));
    else {
      for (const [mark, text] of lines) {
        pre.appendChild(
          h('span', { class: mark === '+' ? 'add' : mark === '-' ? 'del' : '', text: `${mark} ${text}` }),
        );
      }
    }
    host.appendChild(pre);
  }
}

async function rollback(version: number): Promise<void> {
  if (!confirmLeave()) return;
  if (!window.confirm(`Publish a new version with the text of v${version}?`)) return;
  try {
    const r = await api().post<{ published: { version: number } }>(`${path()}/rollback`, { version });
    setStatus(`Rolled back: version ${r.published.version} has the text of v${version}.`, 'ok');
    await refresh(true);
  } catch (err) {
    setStatus(`Not rolled back: ${messageOf(err)}`, 'error');
  }
}
