/**
 * /admin/orders (views/support/orders.hbs): find an order by number, tracking number, email or phone; see its
 * shipments, every message with its content and attempts, the customer's preferences; resend a message. Every
 * value from the server reaches the DOM through textContent or attributes; a rendered email is shown in an
 * iframe with `sandbox=""` (no script, no navigation, opaque origin).
 */
import { ApiError } from '../lib/api.client';
import { formatDateTime as when } from '../lib/dates';
import { byId, h, label } from '../lib/dom';
import { messageOf, type Shell, startShell } from '../lib/shell';

interface SearchResult {
  externalId: string;
  customerName: string;
  shipments: number;
  createdAt: string;
}

interface Eta {
  date?: string | null;
  windowStart?: string | null;
  windowEnd?: string | null;
}

interface EstimateWindow {
  earliest: string;
  likely: string;
  latest: string;
}

/** A time in the customer's zone with the zone named, as the server words it (src/notifications/message-times.ts). */
interface LocalTime {
  iso: string;
  text: string;
  zone: string;
  zoneName: string;
}

interface TrackingEvent {
  status: string;
  description?: string | null;
  reason?: string | null;
  occurredAt: string;
  occurredAtLocal?: LocalTime | null;
  location?: string | null;
}

interface ShipmentView {
  carrier: string;
  carrierName?: string;
  lastEventAtLocal?: LocalTime | null;
  deliveredAtLocal?: LocalTime | null;
  trackingNumber: string;
  status: string;
  exceptionReason?: string | null;
  eta?: Eta | null;
  originalEta?: Eta | null;
  /** Our current and first estimated windows (issue 20), and the date the customer is shown today. */
  estimate?: EstimateWindow | null;
  firstEstimate?: EstimateWindow | null;
  shown?: ({ source: 'carrier'; eta: Eta } | ({ source: 'estimate' } & EstimateWindow)) | null;
  lastEventAt?: string | null;
  deliveredAt?: string | null;
  pickup?: { name?: string | null; address?: string | null } | null;
  events: TrackingEvent[];
}

/** Whether support may resend a message, and in plain words why not (decided by the server). */
interface ResendRule {
  allowed: boolean;
  reason?: string | null;
}

interface NotificationSummary {
  id: string;
  type: string;
  channel: 'sms' | 'email';
  status: string;
  statusReason?: string | null;
  createdAt: string;
  scheduledFor?: string | null;
  sentAt?: string | null;
  deliveredAt?: string | null;
  templateVersion?: number | null;
  resend?: ResendRule;
  scheduledForLocal?: LocalTime | null;
  sentAtLocal?: LocalTime | null;
  /** Why a message that has not gone out waits (quiet hours, debounce, retry), in words. */
  waitText?: string | null;
}

/**
 * The customer's time with its zone named (what the customer was told, and when quiet hours end), the agent's own
 * time on hover; the agent's time when the server gave no customer time.
 */
function customerTime(local: LocalTime | null | undefined, iso: string | null | undefined): Node {
  if (!local) return document.createTextNode(when(iso));
  return h('time', {
    datetime: local.iso,
    title: `${when(local.iso)} (your time)`,
    text: `${local.text} (customer's time)`,
  });
}

interface NotificationDetail extends NotificationSummary {
  rendered?: { text?: string; subject?: string; html?: string } | null;
  segments?: number | null;
  encoding?: string | null;
  resendOf?: string | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  attempts: {
    attempt: number;
    provider: string;
    outcome: string;
    startedAt: string;
    errorCode?: string | null;
    errorMessage?: string | null;
    providerMessageId?: string | null;
  }[];
}

interface OrderView {
  externalId: string;
  promisedDate?: string | null;
  customer: {
    id: string;
    name?: string | null;
    email?: string | null;
    phone?: string | null;
    locale?: string | null;
    timeZone?: string | null;
    country?: string | null;
  };
  shipments: ShipmentView[];
  notifications: NotificationSummary[];
}

interface Preferences {
  suppressions: {
    active: boolean;
    channel: string;
    reason: string;
    source?: string | null;
    createdAt: string;
  }[];
  preferences: { type: string; channel: string; enabled: boolean }[];
}

const state: { results: SearchResult[]; order: OrderView | null; shell: Shell | null } = {
  results: [],
  order: null,
  shell: null,
};

let started = false;
startShell({
  onSignedIn: (shell) => {
    state.shell = shell;
    if (started) return;
    started = true;
    wire();
    const m = /^#order=(.+)$/.exec(location.hash);
    if (m) void openOrder(decodeURIComponent(m[1]), true);
    else byId('q').focus();
  },
  onTimeZoneChange: () => {
    if (state.order) renderOrder(state.order);
    renderResults();
  },
});

function api(): Shell['api'] {
  if (!state.shell) throw new Error('not signed in');
  return state.shell.api;
}

function tone(status: string): string {
  if (/^(sent|delivered|available_for_pickup)$/.test(status)) return 'ok';
  if (
    /^(failed|bounced|exception|undeliverable|returned|cancelled|suppressed|attempt_failed)$/.test(status)
  ) {
    return 'err';
  }
  if (/^(pending|queued|sending|skipped|delayed)$/.test(status)) return 'warn';
  return 'info';
}

function badge(status: string): HTMLElement {
  return h('span', { class: `badge ${tone(status)}`, text: label(status) });
}

function eta(e: Eta | null | undefined): string {
  if (!e?.date) return '—';
  let text = e.date;
  if (e.windowStart || e.windowEnd) text += ` (${e.windowStart || '?'}–${e.windowEnd || '?'})`;
  return text;
}

function windowText(w: EstimateWindow | null | undefined): string {
  if (!w) return '—';
  return w.earliest === w.latest ? w.likely : `${w.earliest} – ${w.latest} (most likely ${w.likely})`;
}

/** What the customer is told today: the carrier's ETA, or our window, always labelled as an estimate. */
function shownText(s: ShipmentView['shown']): string {
  if (!s) return '—';
  return s.source === 'carrier' ? `${eta(s.eta)} (carrier's ETA)` : `${windowText(s)} (our estimate)`;
}

function wire(): void {
  byId<HTMLFormElement>('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = byId<HTMLInputElement>('q');
    const q = input.value.trim();
    const status = byId('search-status');
    if (!q) {
      status.textContent = 'Type an order number, tracking number, email or phone.';
      input.focus();
      return;
    }
    status.textContent = 'Searching…';
    byId('order').hidden = true;
    api()
      .get<{ results: SearchResult[] }>(`/v1/admin/search?q=${encodeURIComponent(q)}`)
      .then(
        (body) => {
          state.results = body.results;
          renderResults();
          const n = body.results.length;
          status.textContent =
            n === 0
              ? 'No orders match.'
              : n === 1
                ? '1 order found.'
                : `${n} orders found${n >= 20 ? ' (showing the newest 20).' : '.'}`;
        },
        (err: unknown) => {
          if (!(err instanceof ApiError && err.signedOut)) status.textContent = messageOf(err);
        },
      );
  });

  byId('back').addEventListener('click', () => {
    state.order = null;
    history.replaceState(null, '', location.pathname);
    byId('order').hidden = true;
    byId('search').hidden = false;
    const first = byId('results').querySelector('button');
    (first ?? byId('q')).focus();
  });
  byId('refresh').addEventListener('click', () => {
    if (state.order) void openOrder(state.order.externalId, false);
  });
}

function renderResults(): void {
  const list = byId('results');
  list.replaceChildren(
    ...state.results.map((r) =>
      h('li', {}, [
        h(
          'button',
          { type: 'button', 'data-order': r.externalId, onclick: () => void openOrder(r.externalId, true) },
          [
            h('span', { class: 'id', text: r.externalId }),
            h('span', { text: r.customerName }),
            h('span', {
              class: 'sub',
              text: `${r.shipments}${r.shipments === 1 ? ' shipment' : ' shipments'} · ${when(r.createdAt)}`,
            }),
          ],
        ),
      ]),
    ),
  );
}

async function openOrder(externalId: string, focus: boolean): Promise<void> {
  const status = byId('order-status');
  status.textContent = 'Loading…';
  try {
    const order = await api().get<OrderView>(`/v1/orders/${encodeURIComponent(externalId)}`);
    state.order = order;
    history.replaceState(null, '', `#order=${encodeURIComponent(externalId)}`);
    renderOrder(order);
    byId('search').hidden = true;
    byId('order').hidden = false;
    status.textContent = '';
    if (focus) byId('order-title').focus();
    renderPrefs(
      await api().get<Preferences>(`/v1/customers/${encodeURIComponent(order.customer.id)}/preferences`),
    );
    renderCases(
      (await api().get<{ cases: SupportCase[] }>(`/v1/orders/${encodeURIComponent(externalId)}/cases`)).cases,
    );
  } catch (err) {
    if (err instanceof ApiError && err.signedOut) return;
    if (state.order) {
      status.textContent = messageOf(err);
      return;
    }
    byId('search').hidden = false;
    byId('search-status').textContent = messageOf(err);
  }
}

/** Delivery instructions and problems the shopper sent from the tracking page (GET /v1/orders/{id}/cases). */
interface SupportCase {
  id: string;
  kind: string;
  details: string | null;
  status: string;
  webhookStatus: string;
  shipment: { trackingNumber: string } | null;
  createdAt: string;
}

function renderCases(cases: SupportCase[]): void {
  const list = byId('cases');
  list.replaceChildren(
    ...cases.map((c) =>
      h('li', { 'data-case': c.id }, [
        h('div', {}, [
          h('strong', { text: label(c.kind) }),
          ` · ${c.shipment ? c.shipment.trackingNumber : 'whole order'} · ${c.status}`,
          c.webhookStatus !== 'not_configured' ? ` · webhook ${label(c.webhookStatus)}` : '',
        ]),
        c.details ? h('p', { text: c.details }) : null,
        h('div', { class: 'when', text: when(c.createdAt) }),
      ]),
    ),
  );
  if (!cases.length) list.appendChild(h('li', { class: 'empty', text: 'No cases.' }));
}

function renderOrder(order: OrderView): void {
  byId('order-title').textContent = `Order ${order.externalId}`;
  const c = order.customer;
  const facts: [string, string | null | undefined][] = [
    ['Name', c.name],
    ['Email', c.email],
    ['Phone', c.phone],
    ['Locale', c.locale],
    ['Time zone', c.timeZone],
    ['Country', c.country],
    ['Promised date', order.promisedDate],
  ];
  byId('customer').replaceChildren(
    ...facts.flatMap(([term, value]) => [h('dt', { text: term }), h('dd', { text: value || '—' })]),
  );

  const ships = byId('shipments');
  ships.replaceChildren();
  if (!order.shipments.length) ships.appendChild(h('p', { class: 'empty', text: 'No shipments yet.' }));
  for (const s of order.shipments) {
    const events = h(
      'ol',
      { class: 'timeline', 'aria-label': `Tracking events for ${s.trackingNumber}, newest first` },
      s.events.map((e) =>
        h('li', {}, [
          h('div', {}, [badge(e.status), ' ', e.description || '', e.reason ? ` (${label(e.reason)})` : '']),
          h('div', { class: 'when' }, [
            customerTime(e.occurredAtLocal, e.occurredAt),
            e.location ? ` · ${e.location}` : '',
          ]),
        ]),
      ),
    );
    ships.appendChild(
      h('div', { class: 'shipment', 'data-tracking': s.trackingNumber }, [
        h('div', { class: 'shipment-head' }, [
          h('h3', { text: `${s.carrierName || s.carrier} ${s.trackingNumber}` }),
          badge(s.status),
          s.exceptionReason ? h('span', { class: 'badge err', text: label(s.exceptionReason) }) : null,
        ]),
        h('dl', { class: 'facts' }, [
          h('dt', { text: 'ETA' }),
          h('dd', { text: eta(s.eta) }),
          h('dt', { text: 'Original ETA' }),
          h('dd', { text: eta(s.originalEta) }),
          h('dt', { text: 'Customer sees' }),
          h('dd', { class: 'shown-date', text: shownText(s.shown) }),
          h('dt', { text: 'Our estimate' }),
          h('dd', { text: windowText(s.estimate) }),
          h('dt', { text: 'First estimate' }),
          h('dd', { text: windowText(s.firstEstimate) }),
          h('dt', { text: 'Last scan' }),
          h('dd', {}, [customerTime(s.lastEventAtLocal, s.lastEventAt)]),
          s.deliveredAt ? h('dt', { text: 'Delivered' }) : null,
          s.deliveredAt ? h('dd', {}, [customerTime(s.deliveredAtLocal, s.deliveredAt)]) : null,
          s.pickup ? h('dt', { text: 'Pickup point' }) : null,
          s.pickup
            ? h('dd', { text: [s.pickup.name, s.pickup.address].filter(Boolean).join(', ') || '—' })
            : null,
        ]),
        s.events.length ? events : h('p', { class: 'empty', text: 'No tracking events yet.' }),
      ]),
    );
  }

  const msgs = byId('messages');
  const list = order.notifications
    .slice()
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  msgs.replaceChildren(...list.map(messageItem));
  if (!list.length) msgs.appendChild(h('li', { class: 'empty', text: 'No messages yet.' }));
}

function messageItem(n: NotificationSummary): HTMLElement {
  const body = h('div', { class: 'content' }, [h('p', { class: 'empty', text: 'Loading…' })]);
  let loaded = false;
  const details = h('details', {}, [h('summary', { text: 'Content and attempts' }), body]);
  details.addEventListener('toggle', () => {
    if (!details.open || loaded) return;
    loaded = true;
    api()
      .get<NotificationDetail>(`/v1/notifications/${encodeURIComponent(n.id)}`)
      .then(
        (d) => renderDetail(body, d),
        (err: unknown) => {
          loaded = false;
          body.replaceChildren(h('p', { class: 'error', text: messageOf(err) }));
        },
      );
  });
  const what = `${label(n.type)} ${n.channel === 'sms' ? 'SMS' : 'email'}`;
  // The server says whether a resend is allowed (caps, suppressions, a message not yet sent) and why not.
  const rule: ResendRule = n.resend ?? { allowed: true };
  const resend = rule.allowed
    ? h('button', {
        type: 'button',
        class: 'secondary small',
        'aria-label': `Resend ${label(n.type)} ${n.channel} message`,
        text: 'Resend',
        onclick: () => void confirmResend(n, what, resend),
      })
    : h('span', {
        class: 'hint resend-blocked',
        text: rule.reason ?? 'This message cannot be resent.',
      });
  const version =
    n.templateVersion === null || n.templateVersion === undefined
      ? '—'
      : n.templateVersion === 0
        ? 'default'
        : `v${n.templateVersion}`;
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
      h('span', {}, ['Scheduled ', customerTime(n.scheduledForLocal, n.scheduledFor)]),
      h('span', {}, ['Sent ', n.sentAt ? customerTime(n.sentAtLocal, n.sentAt) : '—']),
      n.waitText ? h('span', { class: 'hint wait', text: n.waitText }) : null,
      n.deliveredAt ? h('span', { text: `Delivered ${when(n.deliveredAt)}` }) : null,
      h('span', { text: `Template ${version}` }),
    ]),
    details,
  ]);
}

/** Resending reaches a customer's phone or inbox again: it takes a confirmation in a modal dialog. */
async function confirmResend(n: NotificationSummary, what: string, button: HTMLElement): Promise<void> {
  const dialog = byId<HTMLDialogElement>('resend-dialog');
  byId('resend-text').textContent =
    `The ${what} goes to the customer again, rendered with today's published template.`;
  dialog.returnValue = '';
  dialog.showModal();
  byId('resend-confirm').focus();
  const choice = await new Promise<string>((resolve) =>
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true }),
  );
  if (choice !== 'confirm') {
    button.focus();
    return;
  }
  const status = byId('order-status');
  (button as HTMLButtonElement).disabled = true;
  status.textContent = 'Resending…';
  try {
    await api().post(`/v1/notifications/${encodeURIComponent(n.id)}/resend`);
    if (state.order) await openOrder(state.order.externalId, false);
    status.textContent = 'Resend queued.';
  } catch (err) {
    (button as HTMLButtonElement).disabled = false;
    if (!(err instanceof ApiError && err.signedOut)) status.textContent = messageOf(err);
  }
}

function renderDetail(body: HTMLElement, d: NotificationDetail): void {
  body.replaceChildren();
  const r = d.rendered ?? {};
  if (d.channel === 'sms') {
    body.appendChild(
      r.text
        ? h('div', { class: 'bubble', text: r.text })
        : h('p', { class: 'empty', text: 'Not rendered yet.' }),
    );
    if (d.segments) {
      body.appendChild(
        h('p', {
          class: 'hint',
          text: `${d.segments} segment${d.segments === 1 ? '' : 's'}${d.encoding ? ` · ${d.encoding}` : ''}`,
        }),
      );
    }
  } else {
    body.appendChild(h('p', {}, [h('strong', { text: 'Subject: ' }), r.subject || '(not rendered yet)']));
    if (r.html) {
      const frame = h('iframe', {
        sandbox: '',
        title: `Email: ${r.subject || ''}`,
        referrerpolicy: 'no-referrer',
      });
      // srcdoc as a property: the HTML lives only inside the sandboxed frame, never in this page's DOM.
      frame.srcdoc = r.html;
      body.appendChild(frame);
    }
    if (r.text) {
      body.appendChild(
        h('details', {}, [
          h('summary', { text: 'Plain-text part' }),
          h('pre', { class: 'mono', text: r.text }),
        ]),
      );
    }
  }
  if (d.resendOf) body.appendChild(h('p', { class: 'hint', text: `Resend of message ${d.resendOf}` }));
  if (d.errorCode || d.errorMessage) {
    body.appendChild(
      h('p', { class: 'error', text: [d.errorCode, d.errorMessage].filter(Boolean).join(': ') }),
    );
  }
  if (!d.attempts.length) {
    body.appendChild(h('p', { class: 'empty', text: 'No delivery attempts yet.' }));
    return;
  }
  const rows = d.attempts.map((a) =>
    h('tr', {}, [
      h('td', { text: a.attempt }),
      h('td', { text: a.provider }),
      h('td', {}, [badge(a.outcome)]),
      h('td', { text: when(a.startedAt) }),
      h('td', {
        class: 'mono',
        text: [a.errorCode, a.errorMessage].filter(Boolean).join(': ') || a.providerMessageId || '',
      }),
    ]),
  );
  body.appendChild(
    h('div', { class: 'table-wrap' }, [
      h('table', {}, [
        h('caption', { class: 'hint', text: 'Delivery attempts' }),
        h('thead', {}, [
          h(
            'tr',
            {},
            ['#', 'Provider', 'Outcome', 'Started', 'Detail'].map((t) => h('th', { scope: 'col', text: t })),
          ),
        ]),
        h('tbody', {}, rows),
      ]),
    ]),
  );
}

function renderPrefs(p: Preferences): void {
  const host = byId('prefs');
  host.replaceChildren(h('h3', { text: 'Suppressions' }));
  if (!p.suppressions.length) {
    host.appendChild(h('p', { class: 'empty', text: 'None: every channel can be reached.' }));
  } else {
    host.appendChild(
      h(
        'ul',
        {},
        p.suppressions.map((s) =>
          h('li', {}, [
            h('span', { class: `badge ${s.active ? 'err' : 'info'}`, text: s.active ? 'active' : 'lifted' }),
            ' ',
            `${s.channel === 'sms' ? 'SMS' : 'Email'} · ${label(s.reason)}${s.source ? ` (${s.source})` : ''} · since ${when(s.createdAt)}`,
          ]),
        ),
      ),
    );
  }
  host.appendChild(h('h3', { class: 'spaced', text: 'Preferences' }));
  if (!p.preferences.length) {
    host.appendChild(h('p', { class: 'empty', text: 'Defaults: no opt-outs recorded.' }));
  } else {
    host.appendChild(
      h(
        'ul',
        {},
        p.preferences.map((x) =>
          h('li', {}, [
            `${x.type === '*' ? 'All messages' : label(x.type)} by ${x.channel === '*' ? 'any channel' : x.channel}: `,
            h('span', { class: `badge ${x.enabled ? 'ok' : 'err'}`, text: x.enabled ? 'on' : 'off' }),
          ]),
        ),
      ),
    );
  }
}
