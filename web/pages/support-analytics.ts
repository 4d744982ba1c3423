/**
 * /admin/analytics (views/support/analytics.hbs): the analytics API drawn as charts (Chart.js), each with its
 * table under it; filters kept in the URL; CSV downloads; every count opens the shipments behind it, each linking
 * to its order. Values reach the DOM through textContent only.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { ApiError } from '../lib/api.client';
import { byId, h, label } from '../lib/dom';
import { messageOf, type Shell, startShell } from '../lib/shell';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

interface Percentiles {
  p50: number | null;
  p90: number | null;
}

interface DeliveryFigures {
  shipments: number;
  onTimeRate: number | null;
  firstAttemptRate: number | null;
  transitDays: Percentiles;
  transitDaysHistogram: Record<string, number>;
  exceptionRate: number | null;
  exceptionsByReason: Record<string, number>;
  timeToFirstScanHours: Percentiles;
  scanLatencyMinutes: Percentiles;
  lost: number;
  returned: number;
  counts: {
    withAttempt: number;
    deliveredFirst: number;
    withPromise: number;
    onTime: number;
    withException: number;
  };
}

interface DeliveryReport extends DeliveryFigures {
  from: string;
  to: string;
  stuck: number;
  groups: ({ key: string; name?: string } & DeliveryFigures)[];
}

interface MessageCounts {
  planned: number;
  sent: number;
  delivered: number;
  failed: number;
  optedOut: number;
  smsSegments: number;
  deliveryRate: number | null;
}

interface MessageReport extends MessageCounts {
  byChannel: Record<string, MessageCounts>;
  trackingPage: {
    views: number;
    bySource: Record<string, number>;
    notifiedShipments: number;
    viewsPerNotifiedShipment: number | null;
  };
  groups: ({ key: string } & MessageCounts)[];
}

interface ChatCounts {
  conversations: number;
  verified: number;
  handedOff: number;
  contained: number;
  handOffRate: number | null;
  containmentRate: number | null;
}

interface ChatReport extends ChatCounts {
  groups: ({ key: string } & ChatCounts)[];
}

interface DrillShipment {
  shipmentId: string;
  orderId: string | null;
  carrier: string;
  trackingNumber: string;
  status: string;
  cohortDate: string;
  firstAttemptStatus: string | null;
  promiseDate: string | null;
  onTime: boolean | null;
}

/** A figure's drill-down: which shipments of the current range it counts. */
interface Drill {
  title: string;
  filter: string;
  carrier?: string;
  week?: string;
  reason?: string;
}

const root = byId('analytics');
const ON_TIME_TARGET = Number(root.dataset.onTimeTarget ?? '0.95');
const EXCEPTION_ALERT = Number(root.dataset.exceptionAlert ?? '0.03');
const charts = new Map<string, Chart>();
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`);
const num = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));
const pair = (p: Percentiles, unit: string) => (p.p50 === null ? '—' : `${p.p50} / ${p.p90} ${unit}`);
const lowOnTime = (rate: number | null) => rate !== null && rate < ON_TIME_TARGET;
const highExceptions = (rate: number | null) => rate !== null && rate > EXCEPTION_ALERT;

let shell: Shell;
let current: { from: string; to: string; carrier: string };

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The filters: from the URL, else the last 28 days. */
function readFilters(): { from: string; to: string; carrier: string } {
  const params = new URLSearchParams(location.search);
  const to = params.get('to') ?? addDays(new Date().toISOString().slice(0, 10), 1);
  return { from: params.get('from') ?? addDays(to, -28), to, carrier: params.get('carrier') ?? '' };
}

function query(extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams({ from: current.from, to: current.to });
  if (current.carrier) params.set('carrier', current.carrier);
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, value);
  return params.toString();
}

function table(id: string, head: string[], rows: (string | Node)[][], numeric = new Set<number>()): void {
  const el = byId<HTMLTableElement>(id);
  el.replaceChildren(
    h('thead', {}, [
      h(
        'tr',
        {},
        head.map((text, i) => h('th', { scope: 'col', class: numeric.has(i) ? 'num' : undefined, text })),
      ),
    ]),
    h(
      'tbody',
      {},
      rows.length
        ? rows.map((cells) =>
            h(
              'tr',
              {},
              cells.map((cell, i) => {
                const td = h('td', { class: numeric.has(i) ? 'num' : undefined });
                td.append(cell);
                return td;
              }),
            ),
          )
        : [h('tr', {}, [h('td', { colspan: head.length, text: 'Nothing in this range.' })])],
    ),
  );
}

/** A count that opens the shipments behind it. */
function drillLink(text: string, drill: Drill, alert = false): HTMLButtonElement {
  return h('button', {
    type: 'button',
    class: alert ? 'link alert' : 'link',
    text,
    'aria-label': `${text}: show the shipments (${drill.title})`,
    onclick: () => void openDrill(drill),
  });
}

function chart(id: string, config: ChartConfiguration): void {
  charts.get(id)?.destroy();
  const canvas = byId<HTMLCanvasElement>(id);
  charts.set(
    id,
    new Chart(canvas, {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
    } as ChartConfiguration),
  );
}

const rateAxis = { y: { min: 0, max: 100, ticks: { callback: (v: string | number) => `${v} %` } } };
const pct = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

function showHeadline(d: DeliveryReport): void {
  const items: [string, string | Node, string?, boolean?][] = [
    ['Shipments', drillLink(num(d.shipments), { title: 'all shipments', filter: 'all' })],
    [
      'On time',
      drillLink(percent(d.onTimeRate), { title: 'late shipments', filter: 'late' }, lowOnTime(d.onTimeRate)),
      `${num(d.counts.onTime)} of ${num(d.counts.withPromise)} with a promise${lowOnTime(d.onTimeRate) ? `; below the ${percent(ON_TIME_TARGET)} target` : ''}`,
      lowOnTime(d.onTimeRate),
    ],
    [
      'First-attempt delivery',
      drillLink(percent(d.firstAttemptRate), {
        title: 'shipments not delivered at the first attempt',
        filter: 'failed_first',
      }),
      `${num(d.counts.deliveredFirst)} of ${num(d.counts.withAttempt)} attempted`,
    ],
    [
      'Exceptions',
      drillLink(
        percent(d.exceptionRate),
        { title: 'shipments with an exception', filter: 'exception' },
        highExceptions(d.exceptionRate),
      ),
      `${num(d.counts.withException)} shipments${highExceptions(d.exceptionRate) ? `; above the ${percent(EXCEPTION_ALERT)} limit` : ''}`,
      highExceptions(d.exceptionRate),
    ],
    ['Transit (P50 / P90)', pair(d.transitDays, 'business days')],
    ['Order to first scan (P50 / P90)', pair(d.timeToFirstScanHours, 'h')],
    ['Scan latency (P50 / P90)', pair(d.scanLatencyMinutes, 'min')],
    ['Stuck', drillLink(num(d.stuck), { title: 'stuck shipments', filter: 'stuck' })],
    ['Lost', drillLink(num(d.lost), { title: 'lost shipments', filter: 'lost' })],
    ['Returned', drillLink(num(d.returned), { title: 'returned shipments', filter: 'returned' })],
  ];
  byId('headline').replaceChildren(
    ...items.map(([term, value, note, alert]) => {
      const dd = h('dd');
      dd.append(value);
      if (note) dd.append(h('small', { text: note }));
      return h('div', { class: alert ? 'alert' : undefined }, [h('dt', { text: term }), dd]);
    }),
  );
}

function figureRow(
  key: string,
  g: DeliveryFigures,
  slice: Omit<Drill, 'title' | 'filter'>,
): (string | Node)[] {
  return [
    key,
    drillLink(num(g.shipments), { title: `${key}: all shipments`, filter: 'all', ...slice }),
    drillLink(
      percent(g.onTimeRate),
      { title: `${key}: late shipments`, filter: 'late', ...slice },
      lowOnTime(g.onTimeRate),
    ),
    drillLink(percent(g.firstAttemptRate), {
      title: `${key}: not delivered at the first attempt`,
      filter: 'failed_first',
      ...slice,
    }),
    pair(g.transitDays, 'd'),
    drillLink(
      percent(g.exceptionRate),
      { title: `${key}: shipments with an exception`, filter: 'exception', ...slice },
      highExceptions(g.exceptionRate),
    ),
  ];
}

const FIGURE_HEAD = ['', 'Shipments', 'On time', 'First attempt', 'Transit P50 / P90', 'Exceptions'];
const FIGURE_NUMERIC = new Set([1, 2, 3, 4, 5]);

function showWeeks(weeks: DeliveryReport): void {
  const groups = weeks.groups;
  chart('weeks-chart', {
    type: 'line',
    data: {
      labels: groups.map((g) => g.key),
      datasets: [
        {
          label: 'On time',
          data: groups.map((g) => pct(g.onTimeRate)),
          borderColor: '#2457d6',
          backgroundColor: '#2457d6',
        },
        {
          label: 'First attempt',
          data: groups.map((g) => pct(g.firstAttemptRate)),
          borderColor: '#1f7a4d',
          backgroundColor: '#1f7a4d',
        },
        {
          label: 'Exceptions',
          data: groups.map((g) => pct(g.exceptionRate)),
          borderColor: '#a4161a',
          backgroundColor: '#a4161a',
        },
      ],
    },
    options: { scales: rateAxis },
  });
  table(
    'weeks-table',
    ['Week of', ...FIGURE_HEAD.slice(1)],
    groups.map((g) => figureRow(g.key, g, { week: g.key })),
    FIGURE_NUMERIC,
  );
}

function showCarriers(carriers: DeliveryReport): void {
  const groups = carriers.groups;
  const carrierSelect = byId<HTMLSelectElement>('carrier');
  const known = new Set([...carrierSelect.options].map((o) => o.value));
  for (const g of groups)
    if (!known.has(g.key)) carrierSelect.append(h('option', { value: g.key, text: g.name ?? g.key }));
  carrierSelect.value = current.carrier;
  chart('carriers-chart', {
    type: 'bar',
    data: {
      labels: groups.map((g) => g.name ?? g.key),
      datasets: [
        { label: 'On time', data: groups.map((g) => pct(g.onTimeRate)), backgroundColor: '#2457d6' },
        {
          label: 'First attempt',
          data: groups.map((g) => pct(g.firstAttemptRate)),
          backgroundColor: '#1f7a4d',
        },
      ],
    },
    options: { scales: rateAxis },
  });
  table(
    'carriers-table',
    ['Carrier', ...FIGURE_HEAD.slice(1)],
    groups.map((g) => figureRow(g.name ?? g.key, g, { carrier: g.key })),
    FIGURE_NUMERIC,
  );
}

function showReasonsAndTransit(d: DeliveryReport): void {
  const reasons = Object.entries(d.exceptionsByReason).sort((a, b) => b[1] - a[1]);
  chart('reasons-chart', {
    type: 'bar',
    data: {
      labels: reasons.map(([r]) => label(r)),
      datasets: [{ label: 'Shipments', data: reasons.map(([, n]) => n), backgroundColor: '#a4161a' }],
    },
    options: { indexAxis: 'y', plugins: { legend: { display: false } } },
  });
  table(
    'reasons-table',
    ['Reason', 'Shipments'],
    reasons.map(([r, n]) => [
      label(r),
      drillLink(num(n), { title: `shipments with a ${label(r)} exception`, filter: 'all', reason: r }),
    ]),
    new Set([1]),
  );
  const days = Object.entries(d.transitDaysHistogram)
    .map(([k, n]) => [Number(k), n] as const)
    .sort((a, b) => a[0] - b[0]);
  chart('transit-chart', {
    type: 'bar',
    data: {
      labels: days.map(([k]) => String(k)),
      datasets: [{ label: 'Shipments', data: days.map(([, n]) => n), backgroundColor: '#2457d6' }],
    },
    options: { plugins: { legend: { display: false } } },
  });
  table(
    'transit-table',
    ['Business days', 'Shipments'],
    days.map(([k, n]) => [String(k), num(n)]),
    new Set([0, 1]),
  );
}

function showMessages(m: MessageReport): void {
  const tp = m.trackingPage;
  const sources = Object.entries(tp.bySource)
    .map(([source, n]) => `${num(n)} from ${source}`)
    .join(', ');
  byId('page-views').textContent =
    `Tracking page: ${num(tp.views)} ${tp.views === 1 ? 'view' : 'views'}${sources ? ` (${sources})` : ''} for ${num(tp.notifiedShipments)} notified ${tp.notifiedShipments === 1 ? 'shipment' : 'shipments'}` +
    (tp.viewsPerNotifiedShipment === null
      ? '.'
      : `, ${tp.viewsPerNotifiedShipment.toFixed(1)} per shipment.`);
  const channels = Object.entries(m.byChannel);
  const outcome = (name: string, pick: (c: MessageCounts) => number, color: string) => ({
    label: name,
    data: channels.map(([, c]) => pick(c)),
    backgroundColor: color,
  });
  chart('messages-chart', {
    type: 'bar',
    data: {
      labels: channels.map(([c]) => c.toUpperCase()),
      datasets: [
        outcome('Sent', (c) => c.sent, '#2457d6'),
        outcome('Delivered', (c) => c.delivered, '#1f7a4d'),
        outcome('Failed', (c) => c.failed, '#a4161a'),
        outcome('Opted out', (c) => c.optedOut, '#6b7280'),
      ],
    },
  });
  table(
    'messages-table',
    ['Type', 'Planned', 'Sent', 'Delivered', 'Failed', 'Opted out', 'SMS segments'],
    [
      ...m.groups.map((g) => [
        label(g.key),
        num(g.planned),
        num(g.sent),
        num(g.delivered),
        num(g.failed),
        num(g.optedOut),
        num(g.smsSegments),
      ]),
      [
        'All',
        num(m.planned),
        num(m.sent),
        num(m.delivered),
        num(m.failed),
        num(m.optedOut),
        num(m.smsSegments),
      ],
    ],
    new Set([1, 2, 3, 4, 5, 6]),
  );
}

function showChat(c: ChatReport): void {
  chart('chat-chart', {
    type: 'bar',
    data: {
      labels: c.groups.map((g) => g.key),
      datasets: [
        { label: 'Contained', data: c.groups.map((g) => g.contained), backgroundColor: '#1f7a4d' },
        { label: 'Handed off', data: c.groups.map((g) => g.handedOff), backgroundColor: '#a4161a' },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true } } },
  });
  table(
    'chat-table',
    ['Week of', 'Conversations', 'Verified', 'Contained', 'Hand-off rate'],
    [
      ...c.groups.map((g) => [
        g.key,
        num(g.conversations),
        num(g.verified),
        num(g.contained),
        percent(g.handOffRate),
      ]),
      ['All', num(c.conversations), num(c.verified), num(c.contained), percent(c.handOffRate)],
    ],
    new Set([1, 2, 3, 4]),
  );
}

interface EstimateFigures {
  covered: number;
  coverage: number | null;
  windowHitRate: number | null;
  exactRate: number | null;
  withinOneDayRate: number | null;
  mae: number | null;
}

interface EstimateReport {
  deliveries: number;
  ours: EstimateFigures;
  carrier: EstimateFigures;
  groups: {
    key: string;
    name: string;
    deliveries: number;
    ours: EstimateFigures;
    carrier: EstimateFigures;
  }[];
}

/** Our estimate against the carrier's ETA per carrier (issue 20), from /v1/analytics/estimates. */
async function loadEstimates(): Promise<void> {
  const status = byId('estimates-status');
  try {
    const r = await shell.api.get<EstimateReport>(
      `/v1/analytics/estimates?from=${current.from}&to=${current.to}`,
    );
    const days = (n: number | null) => (n === null ? '—' : `${n.toFixed(2)} d`);
    const row = (name: string, deliveries: number, ours: EstimateFigures, carrier: EstimateFigures) => [
      name,
      num(deliveries),
      percent(ours.coverage),
      percent(ours.windowHitRate),
      percent(ours.exactRate),
      percent(ours.withinOneDayRate),
      days(ours.mae),
      percent(carrier.coverage),
      percent(carrier.exactRate),
      percent(carrier.withinOneDayRate),
      days(carrier.mae),
    ];
    table(
      'estimates-table',
      [
        'Carrier',
        'Delivered',
        'Ours: coverage',
        'Ours: in window',
        'Ours: exact',
        'Ours: ±1 day',
        'Ours: MAE',
        'Carrier ETA: coverage',
        'Carrier ETA: exact',
        'Carrier ETA: ±1 day',
        'Carrier ETA: MAE',
      ],
      [
        ...r.groups.map((g) => row(g.name, g.deliveries, g.ours, g.carrier)),
        ...(r.groups.length ? [row('All', r.deliveries, r.ours, r.carrier)] : []),
      ],
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    );
    status.textContent = `${num(r.deliveries)} shipments delivered from ${current.from} until ${current.to}.`;
  } catch (err) {
    if (err instanceof ApiError && err.signedOut) return;
    status.textContent = messageOf(err);
  }
}

async function load(): Promise<void> {
  const status = byId('analytics-status');
  status.textContent = 'Loading…';
  void loadEstimates();
  try {
    const [total, weeks, carriers, messages, chat] = await Promise.all([
      shell.api.get<DeliveryReport>(`/v1/analytics/delivery?${query()}`),
      shell.api.get<DeliveryReport>(`/v1/analytics/delivery?${query({ groupBy: 'week' })}`),
      shell.api.get<DeliveryReport>(
        `/v1/analytics/delivery?${query({ groupBy: 'carrier', carrier: undefined })}`,
      ),
      shell.api.get<MessageReport>(
        `/v1/analytics/messages?from=${current.from}&to=${current.to}&groupBy=type`,
      ),
      shell.api.get<ChatReport>(`/v1/analytics/chat?from=${current.from}&to=${current.to}&groupBy=week`),
    ]);
    showHeadline(total);
    showWeeks(weeks);
    showCarriers(current.carrier ? { ...carriers, groups: carriers.groups } : carriers);
    showReasonsAndTransit(total);
    showMessages(messages);
    showChat(chat);
    const carrierName = carriers.groups.find((g) => g.key === current.carrier)?.name ?? current.carrier;
    status.textContent = `${num(total.shipments)} shipments first scanned from ${total.from} until ${total.to}${current.carrier ? ` with ${carrierName}` : ''}.`;
  } catch (err) {
    if (err instanceof ApiError && err.signedOut) return;
    status.textContent = messageOf(err);
  }
}

async function openDrill(drill: Drill): Promise<void> {
  const section = byId('drill');
  section.hidden = false;
  byId('drill-title').textContent = `Shipments: ${drill.title}`;
  byId('drill-title').focus();
  const status = byId('drill-status');
  status.textContent = 'Loading…';
  try {
    const params = new URLSearchParams({
      from: current.from,
      to: current.to,
      filter: drill.filter,
      limit: '200',
    });
    const carrier = drill.carrier ?? current.carrier;
    if (carrier) params.set('carrier', carrier);
    if (drill.week) params.set('week', drill.week);
    if (drill.reason) params.set('reason', drill.reason);
    const { shipments } = await shell.api.get<{ shipments: DrillShipment[] }>(
      `/v1/analytics/shipments?${params}`,
    );
    table(
      'drill-table',
      ['Order', 'Carrier', 'Tracking number', 'Status', 'First scan', 'Promise', 'First attempt', 'On time'],
      shipments.map((s) => [
        s.orderId
          ? h('a', { href: `/admin/orders?q=${encodeURIComponent(s.orderId)}`, text: s.orderId })
          : '—',
        s.carrier,
        s.trackingNumber,
        label(s.status),
        s.cohortDate,
        s.promiseDate ?? '—',
        label(s.firstAttemptStatus) || '—',
        s.onTime === null ? '—' : s.onTime ? 'yes' : 'late',
      ]),
    );
    status.textContent = `${shipments.length === 200 ? 'The first 200' : shipments.length} shipment(s).`;
  } catch (err) {
    if (err instanceof ApiError && err.signedOut) return;
    status.textContent = messageOf(err);
  }
}

/** CSV with the signed-in key: fetched, then saved through a temporary object URL. */
async function download(kind: string): Promise<void> {
  const path =
    kind === 'delivery'
      ? `/v1/analytics/delivery?${query({ groupBy: 'carrier' })}&format=csv`
      : kind === 'delivery-week'
        ? `/v1/analytics/delivery?${query({ groupBy: 'week' })}&format=csv`
        : `/v1/analytics/${kind}?from=${current.from}&to=${current.to}&groupBy=${kind === 'chat' ? 'week' : 'type'}&format=csv`;
  const status = byId('analytics-status');
  try {
    const csv = await shell.api.text(path);
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = h('a', { href: url, download: `wismo-${kind}-${current.from}-${current.to}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    status.textContent = `Downloaded the ${kind.replace('-', ' by ')} CSV.`;
  } catch (err) {
    if (!(err instanceof ApiError && err.signedOut)) status.textContent = messageOf(err);
  }
}

function start(signedIn: Shell): void {
  shell = signedIn;
  current = readFilters();
  const form = byId<HTMLFormElement>('filters');
  byId<HTMLInputElement>('from').value = current.from;
  byId<HTMLInputElement>('to').value = current.to;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const from = byId<HTMLInputElement>('from').value;
    const to = byId<HTMLInputElement>('to').value;
    current = { from, to, carrier: byId<HTMLSelectElement>('carrier').value };
    history.replaceState(null, '', `?${query()}`);
    byId('drill').hidden = true;
    void load();
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-csv]')) {
    button.addEventListener('click', () => void download(button.dataset.csv ?? 'delivery'));
  }
  byId('drill-close').addEventListener('click', () => {
    byId('drill').hidden = true;
  });
  void load();
}

startShell({ onSignedIn: start });
