/**
 * The embeddable chat widget, served at the stable URL /widget.js (bundled by esbuild into one classic script).
 * One script tag on any store page: it reads the API base from its own src URL, and lives in a shadow root so
 * the store's CSS cannot break it nor it the store's. Accessible: a labelled button, a dialog with focus moved in
 * and back out, Escape to close, Enter to send, aria-live on the message log; full-width at phone sizes.
 *
 * The conversation survives reloads and navigation on the store: it is kept in the tab's sessionStorage (the
 * session id, the lines and cards shown, the quick replies, whether the panel was open), and when only the id
 * is left it is fetched back from the server while the session lives. Links in replies are built as anchors
 * from the reply's parts, never as markup.
 */
import css from './widget.css' with { type: 'text' };
import { replyParts } from './widget-links';

/** What POST /v1/chat/messages answers (only the fields the widget shows). */
interface ChatReply {
  sessionId: string;
  reply: string;
  shipments?: ShipmentCard[];
  quickReplies?: string[];
}

interface ShipmentCard {
  id: string;
  carrierName: string;
  trackingNumber: string;
  statusText: string;
  etaText?: string | null;
  lastScan?: { text: string } | null;
  pickup?: { name?: string | null; deadline?: string | null } | null;
  trackingUrl?: string | null;
}

declare global {
  interface Window {
    __wismoWidget?: boolean;
  }
}

const SESSION_STORAGE_KEY = 'wismo-chat-session';
const STATE_STORAGE_KEY = 'wismo-chat-state';
/** Lines kept in storage: enough to pick up the conversation, small enough for any storage quota. */
const MAX_STORED_ITEMS = 80;

/** One thing shown in the log, as kept in storage. */
type LogItem = { kind: 'me' | 'bot'; text: string } | { kind: 'card'; card: ShipmentCard };

interface StoredState {
  items: LogItem[];
  quickReplies: string[];
  open: boolean;
}

/** GET /v1/chat/sessions/{id}/transcript */
interface Transcript {
  messages: { role: 'shopper' | 'bot'; text: string }[];
}

function readStorage(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null; // storage blocked (private mode, sandboxed frame)
  }
}

function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  } catch {
    // private mode or full: the conversation simply starts over on the next page
  }
}

function readState(): StoredState | null {
  const raw = readStorage(STATE_STORAGE_KEY);
  if (!raw) return null;
  try {
    const state = JSON.parse(raw) as StoredState;
    return Array.isArray(state.items) ? state : null;
  } catch {
    return null;
  }
}

function start(): void {
  // A store that pastes the tag twice still gets one launcher.
  if (window.__wismoWidget) return;
  window.__wismoWidget = true;

  const script = document.currentScript as HTMLScriptElement | null;
  const base = new URL(script?.src ? script.src : '/widget.js', window.location.href).origin;
  const locale =
    script?.getAttribute('data-locale') || document.documentElement.lang || navigator.language || 'en';
  const token = script?.getAttribute('data-token') ?? null;
  const title = script?.getAttribute('data-title') || 'Order help';

  const host = document.createElement('div');
  host.id = 'wismo-chat';
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = css;
  root.appendChild(style);

  const launcher = el(
    'button',
    {
      type: 'button',
      class: 'launcher',
      'aria-haspopup': 'dialog',
      'aria-expanded': 'false',
      'aria-controls': 'wismo-panel',
    },
    title,
  );
  const panel = el('div', {
    id: 'wismo-panel',
    class: 'panel',
    role: 'dialog',
    'aria-modal': 'false',
    'aria-labelledby': 'wismo-title',
  });
  panel.hidden = true;
  // A div, not <header>: inside the store's page a header would be a second banner landmark.
  const header = el('div', { class: 'head' });
  header.appendChild(el('h2', { id: 'wismo-title' }, title));
  const close = el('button', { type: 'button', class: 'close', 'aria-label': 'Close chat' }, '\u00d7');
  header.appendChild(close);
  const log = el('div', {
    class: 'log',
    role: 'log',
    'aria-live': 'polite',
    'aria-relevant': 'additions',
    tabindex: '0',
    'aria-label': 'Conversation',
  });
  const quick = el('div', { class: 'quick', role: 'group', 'aria-label': 'Suggested replies' });
  const form = el('form');
  const label = el('label', { for: 'wismo-input', class: 'sr' }, 'Your message');
  const input = el('input', {
    id: 'wismo-input',
    type: 'text',
    maxlength: '1000',
    autocomplete: 'off',
    placeholder: 'Ask about your order…',
  });
  const send = el('button', { type: 'submit' }, 'Send');
  form.append(label, input, send);
  panel.append(header, log, quick, form);
  root.append(launcher, panel);
  document.body.appendChild(host);

  let sessionId = readStorage(SESSION_STORAGE_KEY);
  const state: StoredState = readState() ?? { items: [], quickReplies: [], open: false };
  let busy = false;
  let greeted = state.items.length > 0;

  const scrollDown = (): void => {
    log.scrollTop = log.scrollHeight;
  };

  function save(): void {
    state.items = state.items.slice(-MAX_STORED_ITEMS);
    writeStorage(STATE_STORAGE_KEY, JSON.stringify(state));
  }

  function remember(item: LogItem): void {
    state.items.push(item);
    save();
  }

  function addMessage(text: string, who: 'me' | 'bot', keep = true): void {
    const node = el('div', { class: `msg ${who}` });
    node.appendChild(el('span', { class: 'sr' }, who === 'me' ? 'You: ' : 'Assistant: '));
    for (const part of who === 'bot' ? replyParts(text) : [{ text }]) {
      if ('url' in part) {
        node.appendChild(el('a', { href: part.url, target: '_blank', rel: 'noopener noreferrer' }, part.url));
      } else {
        node.appendChild(document.createTextNode(part.text));
      }
    }
    log.appendChild(node);
    scrollDown();
    if (keep) remember({ kind: who, text });
  }

  function addCard(s: ShipmentCard, keep = true): void {
    const card = el('div', { class: 'card', 'data-shipment': s.id });
    card.appendChild(el('h3', null, `${s.carrierName} ${s.trackingNumber}`));
    card.appendChild(el('p', { class: 'status' }, s.statusText));
    if (s.etaText) card.appendChild(el('p', { class: 'eta' }, s.etaText));
    if (s.lastScan) card.appendChild(el('p', { class: 'scan' }, s.lastScan.text));
    if (s.pickup?.name) {
      card.appendChild(el('p', null, s.pickup.name + (s.pickup.deadline ? ` (${s.pickup.deadline})` : '')));
    }
    if (s.trackingUrl) {
      // The carrier's page, as a link that says what it does rather than a long address (issue 17 will point it
      // at our own tracking page).
      const p = el('p');
      const a = el(
        'a',
        {
          href: s.trackingUrl,
          target: '_blank',
          rel: 'noopener noreferrer',
          'aria-label': `Track your parcel ${s.carrierName} ${s.trackingNumber} (opens in a new tab)`,
        },
        'Track your parcel',
      );
      p.appendChild(a);
      card.appendChild(p);
    }
    log.appendChild(card);
    scrollDown();
    if (keep) remember({ kind: 'card', card: s });
  }

  function setQuickReplies(items: readonly string[] | undefined): void {
    quick.replaceChildren();
    for (const text of items ?? []) {
      const b = el('button', { type: 'button' }, text);
      b.addEventListener('click', () => ask(text));
      quick.appendChild(b);
    }
    state.quickReplies = [...(items ?? [])];
    save();
  }

  function render(items: readonly LogItem[]): void {
    for (const item of items) {
      if (item.kind === 'card') addCard(item.card, false);
      else addMessage(item.text, item.kind, false);
    }
  }

  /** Only the session id survived (another tab's storage, a cleared state): ask the server for the lines. */
  async function resume(id: string): Promise<void> {
    try {
      const res = await fetch(`${base}/v1/chat/sessions/${encodeURIComponent(id)}/transcript`);
      if (res.status === 404) {
        // The session ended (idle too long): start a new one rather than carry a dead id.
        sessionId = null;
        writeStorage(SESSION_STORAGE_KEY, null);
        return;
      }
      if (!res.ok) return;
      const transcript = (await res.json()) as Transcript;
      if (state.items.length > 0) return; // the shopper started typing meanwhile
      for (const m of transcript.messages) addMessage(m.text, m.role === 'shopper' ? 'me' : 'bot');
      greeted = greeted || transcript.messages.length > 0;
    } catch {
      // offline: the shopper can still continue the conversation
    }
  }

  async function ask(raw: string): Promise<void> {
    const text = (raw || '').trim();
    if (!text || busy) return;
    busy = true;
    send.disabled = true;
    addMessage(text, 'me');
    setQuickReplies([]);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const body: { message: string; locale: string; sessionId?: string } = {
      message: text.slice(0, 1000),
      locale,
    };
    if (sessionId) body.sessionId = sessionId;
    try {
      const res = await fetch(`${base}/v1/chat/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      const data = (await res.json()) as ChatReply;
      if (!res.ok) {
        addMessage(
          res.status === 429
            ? `You are sending messages quickly. Please wait ${res.headers.get('Retry-After') || 'a few'} seconds.`
            : 'Sorry, something went wrong. Please try again.',
          'bot',
        );
        return;
      }
      sessionId = data.sessionId;
      writeStorage(SESSION_STORAGE_KEY, data.sessionId);
      addMessage(data.reply, 'bot');
      (data.shipments ?? []).forEach((s) => addCard(s));
      setQuickReplies(data.quickReplies);
    } catch {
      addMessage('Sorry, the chat is unavailable right now. Please try again.', 'bot');
    } finally {
      busy = false;
      send.disabled = false;
      input.focus();
    }
  }

  function open(): void {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    state.open = true;
    save();
    if (!greeted) {
      greeted = true;
      addMessage('Hi! Ask me where your order is, when it will arrive, or to talk to a person.', 'bot');
      setQuickReplies(['Where is my order?', 'Talk to a person']);
    }
    input.focus();
  }

  function closePanel(): void {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    state.open = false;
    save();
    launcher.focus();
  }

  // Pick the conversation up where the shopper left it on the previous page.
  render(state.items);
  setQuickReplies(state.quickReplies);
  if (state.open) {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
  }
  if (sessionId && state.items.length === 0) void resume(sessionId);

  launcher.addEventListener('click', () => (panel.hidden ? open() : closePanel()));
  close.addEventListener('click', closePanel);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      closePanel();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value;
    input.value = '';
    void ask(text);
  });
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string> | null,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  if (text != null) node.textContent = text;
  return node;
}

start();
