/**
 * `npm run demo [-- --fast]`: plays a demo store against a running Wismo. It creates orders for customers in
 * several time zones and the four languages (one of them through Shopify's order webhooks), then replays realistic
 * carrier journeys through the real, signed webhook endpoints of every provider (EasyPost, AfterShip, Shippo, generic,
 * 17TRACK, Ship24, ShipEngine, karrio, and Shopify's fulfillment status), runs the scheduled pickup-reminder,
 * stalled and arriving-tomorrow checks now (POST /v1/system/maintenance/{job}), and prints what each customer was told and where to
 * look.
 *
 * Configuration (the same variables the service reads): DEMO_BASE_URL (default http://127.0.0.1:3000),
 * ADMIN_API_KEY, EASYPOST_WEBHOOK_SECRET, AFTERSHIP_WEBHOOK_SECRET, SHIPPO_WEBHOOK_TOKEN, GENERIC_WEBHOOK_SECRET,
 * TRACK17_API_KEY, SHIP24_WEBHOOK_SECRET, SHIPENGINE_WEBHOOK_TOKEN, KARRIO_WEBHOOK_SECRET, SHOPIFY_WEBHOOK_SECRET.
 * Unset ones are read from $DATA_DIR/dev-secrets.json (DATA_DIR default .data), which `npm start` writes in
 * development, so `npm start` + `npm run demo` needs no configuration.
 *
 * Pacing: by default each journey waits, after a scan that created notifications, until those left the debounce
 * window (sent, or held by SMS quiet hours), so every stage's message really goes out (a few minutes with the
 * default NOTIFY_DEBOUNCE_SECONDS=60). `--fast` plays every journey at once and returns as soon as the
 * notifications exist (well under a minute); the service's debounce then collapses each journey's burst to its
 * latest stage and the earlier messages show as cancelled (superseded), exactly what a customer would get.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import {
  buildWebhook,
  genericWebhook,
  shopifyFulfillment,
  shopifyId,
  shopifyWebhook,
  type Scan,
  type SignedRequest,
  type Tracker,
  type WebhookSecrets,
} from './demo/providers';
import { NOTIFICATION_TYPES } from '../src/shared/notification.types';
import {
  DEMO_ORDERS,
  type CustomerSpec,
  type JourneySpec,
  type OrderSpec,
  type ScanStep,
  type Step,
} from './demo/store';

export { NOTIFICATION_TYPES };

export interface DemoOptions {
  baseUrl: string;
  adminKey: string;
  secrets: WebhookSecrets;
  fast?: boolean;
  /** Where the report goes; default console.log. */
  log?: (line: string) => void;
  /** The clock the journeys are laid out against; default now. */
  now?: Date;
}

export interface NotificationSummary {
  id: string;
  shipmentId: string;
  type: string;
  channel: 'sms' | 'email';
  status: string;
  statusReason: string | null;
  scheduledFor: string;
  sentAt: string | null;
  createdAt: string;
}

interface IngestResult {
  shipments: number;
  newEvents: number;
  duplicateEvents: number;
  notifications: number;
}

export interface StepRecord {
  label: string;
  provider: string;
  result: IngestResult;
}

export interface DemoShipment {
  trackingNumber: string;
  carrier: string;
  provider: string;
  story: string;
  steps: StepRecord[];
}

export interface DemoOrder {
  orderNumber: string;
  customer: OrderSpec['customer'];
  shipments: DemoShipment[];
  notifications: NotificationSummary[];
}

export interface DemoResult {
  baseUrl: string;
  orders: DemoOrder[];
  /** type → status → count, over the demo's orders. */
  totals: Record<string, Record<string, number>>;
  maintenance: Record<string, unknown>;
  webhooks: number;
  elapsedMs: number;
}

class Api {
  requests = 0;
  constructor(
    private readonly base: string,
    private readonly key: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    return this.raw<T>(method, path, body === undefined ? undefined : JSON.stringify(body), {
      ...(auth ? { authorization: `Bearer ${this.key}` } : {}),
    });
  }

  async raw<T>(method: string, path: string, body: string | undefined, headers: Record<string, string>) {
    this.requests += 1;
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body,
      });
    } catch (err) {
      const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new Error(
        `Cannot reach Wismo at ${this.base} (${why}). Is it running? Start it with: npm start`,
        {
          cause: err,
        },
      );
    }
    const text = await res.text();
    if (!res.ok) {
      const hint =
        res.status === 401
          ? ' (check ADMIN_API_KEY and the webhook secrets: they must be the ones the service was started with)'
          : '';
      throw new Error(`${method} ${path.replace(/token=[^&]+/, 'token=…')} → ${res.status}${hint}: ${text}`);
    }
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Every webhook answers with its intake counts (Shopify's with its own fields around them). */
  send(req: SignedRequest): Promise<IngestResult> {
    return this.raw<IngestResult>('POST', req.path, req.body, req.headers);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isScan = (step: Step): step is ScanStep => 'stage' in step;

/** The latest moment, at least 20 minutes ago, that falls in the customer's business hours (09:00–19:00). */
function anchorFor(zone: string, now: Date): DateTime {
  let t = DateTime.fromJSDate(new Date(now.getTime() - 20 * 60_000)).setZone(zone);
  if (t.hour >= 19) t = t.set({ hour: 18, minute: 40 + (t.minute % 15), second: 0, millisecond: 0 });
  else if (t.hour < 9)
    t = t.minus({ days: 1 }).set({ hour: 18, minute: 40 + (t.minute % 15), second: 0, millisecond: 0 });
  return t;
}

function stepLabel(step: ScanStep): string {
  if (step.stage === 'exception') return `exception(${step.reason ?? 'other'})`;
  if (step.stage === 'delivered' && step.collected) return 'collected at pickup point';
  return step.stage;
}

/** Runs the demo store; returns what happened. The CLI prints it; the CI test asserts on it. */
export async function main(opts: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const log = opts.log ?? ((line: string) => console.log(line));
  const base = opts.baseUrl.replace(/\/+$/, '');
  const api = new Api(base, opts.adminKey);
  const fast = opts.fast === true;
  let webhooks = 0;

  // A run-specific order-number block so the demo can be played again against the same database.
  const block = String(Math.floor(now.getTime() / 60_000) % 10_000).padStart(4, '0');
  log(`Wismo demo store → ${base} (${fast ? 'fast' : 'paced'} mode)`);

  /** A Shopify order: orders/create (the customer), then fulfillments/create (the parcel), both signed by Shopify. */
  const sendShopifyOrder = async (
    orderNumber: string,
    customer: CustomerSpec,
    shipments: { journey: JourneySpec; trackingNumber: string }[],
  ) => {
    const [first, ...rest] = customer.name.split(' ');
    const address = {
      first_name: first,
      last_name: rest.join(' '),
      phone: customer.phone,
      zip: customer.postcode,
      country_code: customer.country,
      // Shopify gives a region, not a zone: Wismo derives the customer's zone from it.
      province_code: customer.country === 'CA' ? 'QC' : null,
    };
    await api.send(
      shopifyWebhook(
        'orders/create',
        {
          id: shopifyId('order', orderNumber),
          name: `#${orderNumber}`,
          email: customer.email,
          customer_locale: customer.locale,
          shipping_address: address,
          fulfillments: [],
        },
        opts.secrets.shopify,
      ),
    );
    for (const s of shipments) {
      const fulfillment = shopifyFulfillment(
        { carrier: s.journey.orderCarrier, trackingNumber: s.trackingNumber, orderNumber, history: [] },
        false,
      );
      await api.send(shopifyWebhook('fulfillments/create', fulfillment, opts.secrets.shopify));
    }
  };

  // 1. The store sends its orders.
  const orders = DEMO_ORDERS.map((spec, i) => {
    const anchor = anchorFor(spec.customer.timeZone, now);
    return {
      spec,
      anchor,
      orderNumber: `WS-${block}${String(i + 1).padStart(2, '0')}`,
      shipments: spec.shipments.map((journey) => ({ journey, trackingNumber: journey.trackingNumber() })),
    };
  });
  for (const o of orders) {
    if (o.spec.source === 'shopify') {
      await sendShopifyOrder(o.orderNumber, o.spec.customer, o.shipments);
      continue;
    }
    await api.call('PUT', `/v1/orders/${o.orderNumber}`, {
      customer: { ...o.spec.customer },
      promisedDate: o.anchor.plus({ days: o.spec.promisedInDays }).toISODate(),
      shipments: o.shipments.map((s) => ({
        carrier: s.journey.orderCarrier,
        trackingNumber: s.trackingNumber,
      })),
    });
  }
  log(
    `Created ${orders.length} orders, ${orders.filter((o) => o.spec.source === 'shopify').length} of them through Shopify webhooks (${orders.reduce((n, o) => n + o.shipments.length, 0)} shipments).`,
  );

  // 2. The carriers scan the parcels; providers post their webhooks.
  const waitUntilOutOfDebounce = async (orderNumber: string) => {
    const deadline = Date.now() + 5 * 60_000;
    while (Date.now() < deadline) {
      const list = await listNotifications(api, orderNumber);
      const soon = Date.now() + 2 * 60_000;
      const open = list.filter(
        (n) =>
          n.status === 'pending' ||
          n.status === 'sending' ||
          (n.status === 'queued' && Date.parse(n.scheduledFor) <= soon),
      );
      if (open.length === 0) return;
      await sleep(2000);
    }
  };

  const playShipment = async (
    orderNumber: string,
    anchor: DateTime,
    journey: JourneySpec,
    trackingNumber: string,
  ): Promise<DemoShipment> => {
    const tracker: Tracker = {
      provider: journey.provider,
      carrier: journey.providerCarrier,
      trackingNumber,
      orderNumber,
      history: [],
      eta: null,
      originalEta: null,
    };
    const toScan = (step: ScanStep): Scan => ({
      stage: step.stage,
      reason: step.reason,
      description: step.text,
      place: step.at,
      zone: step.at.zone,
      at: anchor.minus({ minutes: Math.round(step.h * 60) }).toJSDate(),
      collected: step.collected,
      pickup: step.pickup && {
        name: step.pickup.name,
        address: step.pickup.address,
        deadline: anchor.plus({ days: step.pickup.deadlineInDays }).toISODate()!,
      },
    });
    const records: StepRecord[] = [];
    let previous: SignedRequest | null = null;
    for (const step of journey.steps) {
      const nowSeconds = Math.floor(Date.now() / 1000);
      let req: SignedRequest;
      let label: string;
      let provider = journey.provider as string;
      if ('duplicate' in step) {
        if (!previous) continue;
        req = previous;
        label = `duplicate of the last ${journey.provider} webhook`;
      } else if ('late' in step) {
        req = genericWebhook(tracker, toScan(step.late), opts.secrets.generic, nowSeconds);
        label = `late scan "${step.late.text}" from ${Math.round(step.late.h)} h before`;
        provider = 'generic';
      } else {
        if (step.eta !== undefined) {
          tracker.eta = anchor.plus({ days: step.eta }).toISODate();
          tracker.originalEta ??= tracker.eta;
        }
        tracker.history.push(toScan(step));
        req = buildWebhook(tracker, opts.secrets, nowSeconds);
        label = stepLabel(step);
      }
      const result = await api.send(req);
      webhooks += 1;
      previous = req;
      records.push({ label, provider, result });
      if (!fast && isScan(step) && result.notifications > 0) await waitUntilOutOfDebounce(orderNumber);
    }
    return {
      trackingNumber,
      carrier: journey.orderCarrier,
      provider: journey.provider,
      story: journey.story,
      steps: records,
    };
  };

  const played = await mapLimit(orders, fast ? 6 : orders.length, async (o) => {
    const shipments: DemoShipment[] = [];
    for (const s of o.shipments)
      shipments.push(await playShipment(o.orderNumber, o.anchor, s.journey, s.trackingNumber));
    return shipments;
  });
  log(
    `Played ${webhooks} signed webhooks (EasyPost, AfterShip, Shippo, generic, 17TRACK, Ship24, ShipEngine, karrio, Shopify).`,
  );

  // 3. The scheduled checks, now rather than in 15 minutes.
  const maintenance: Record<string, unknown> = {};
  for (const job of ['check-pickup-reminders', 'check-stale-shipments', 'check-arriving-tomorrow']) {
    const res = await api.call<{ result: unknown }>('POST', `/v1/system/maintenance/${job}`, {});
    maintenance[job] = res.result;
  }

  // 4. Paced mode waits for the last messages to leave the debounce window; fast mode only needs them to exist.
  if (!fast) {
    log('Waiting for the last messages to be sent (debounce)…');
    for (const o of orders) await waitUntilOutOfDebounce(o.orderNumber);
  }

  const result: DemoResult = {
    baseUrl: base,
    orders: [],
    totals: {},
    maintenance,
    webhooks,
    elapsedMs: 0,
  };
  for (const [i, o] of orders.entries()) {
    const notifications = await listNotifications(api, o.orderNumber);
    result.orders.push({
      orderNumber: o.orderNumber,
      customer: o.spec.customer,
      shipments: played[i],
      notifications,
    });
    for (const n of notifications) {
      result.totals[n.type] ??= {};
      result.totals[n.type][n.status] = (result.totals[n.type][n.status] ?? 0) + 1;
    }
  }
  result.elapsedMs = Date.now() - started;
  report(result, log);
  return result;
}

async function listNotifications(api: Api, orderNumber: string): Promise<NotificationSummary[]> {
  const page = await api.call<{ items: NotificationSummary[] }>(
    'GET',
    `/v1/notifications?orderId=${encodeURIComponent(orderNumber)}&limit=200`,
  );
  return [...page.items].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.channel.localeCompare(b.channel),
  );
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function describe(n: NotificationSummary, zone: string): string {
  const held =
    n.status === 'queued' && Date.parse(n.scheduledFor) - Date.parse(n.createdAt) > 5 * 60_000
      ? ` held (quiet hours) until ${DateTime.fromISO(n.scheduledFor).setZone(zone).toFormat('ccc HH:mm')} local`
      : '';
  const status = held ? 'queued' : n.status;
  const reason = n.statusReason ? ` (${n.statusReason})` : '';
  return `${n.type}/${n.channel} ${status}${reason}${held}`;
}

function report(r: DemoResult, log: (line: string) => void): void {
  const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
  log('');
  log('What happened, per order');
  log('========================');
  for (const o of r.orders) {
    const c = o.customer;
    log(`${o.orderNumber}  ${c.name} <${c.email}>  ${c.locale}  ${c.timeZone}  postcode ${c.postcode}`);
    for (const s of o.shipments) {
      log(`  ${s.carrier} ${s.trackingNumber} via ${s.provider}: ${s.story}`);
      const path = s.steps.map((step) => {
        const extra =
          step.result.newEvents === 0 && step.result.duplicateEvents > 0
            ? ' [duplicate: ignored]'
            : step.result.notifications === 0 && /late scan/.test(step.label)
              ? ' [stored in history, no message]'
              : '';
        return step.label.startsWith('duplicate') || step.label.startsWith('late')
          ? `${step.label}${extra}`
          : step.label;
      });
      log(`    journey: ${dedupeRuns(path).join(' → ')}`);
    }
    if (o.notifications.length === 0) log('    notifications: none');
    for (const n of o.notifications) log(`    • ${describe(n, c.timeZone)}`);
  }

  log('');
  log('Notifications by type (all demo orders)');
  log('=======================================');
  const statuses = [...new Set(Object.values(r.totals).flatMap((t) => Object.keys(t)))].sort();
  for (const type of NOTIFICATION_TYPES) {
    const t = r.totals[type] ?? {};
    const parts = statuses.filter((s) => t[s]).map((s) => `${t[s]} ${s}`);
    log(`  ${pad(type, 24)} ${parts.length ? parts.join(', ') : 'MISSING'}`);
  }
  const held = r.orders
    .flatMap((o) => o.notifications)
    .filter(
      (n) =>
        n.channel === 'sms' &&
        n.status === 'queued' &&
        Date.parse(n.scheduledFor) - Date.parse(n.createdAt) > 5 * 60_000,
    ).length;
  if (held)
    log(`  ${held} SMS held by quiet hours (customer-local 21:00–08:00): they go out in the morning.`);
  log(
    `  Scheduled checks run now: pickup reminders ${JSON.stringify(r.maintenance['check-pickup-reminders'])}, ` +
      `stalled ${JSON.stringify(r.maintenance['check-stale-shipments'])}, ` +
      `arriving tomorrow ${JSON.stringify(r.maintenance['check-arriving-tomorrow'])}.`,
  );
  log(`  ${r.webhooks} webhooks in ${(r.elapsedMs / 1000).toFixed(1)} s.`);

  const pick = (n: number) => r.orders[n];
  const tryChat = [pick(1), pick(2), pick(4), pick(6)].filter(Boolean);
  log('');
  log('Where to look');
  log('=============');
  log(`  Outbox (every SMS and email):      ${r.baseUrl}/outbox`);
  log(`  Support timelines (admin API key): ${r.baseUrl}/admin/orders  (search ${r.orders[0]?.orderNumber})`);
  log(
    `  API:                               ${r.baseUrl}/v1/notifications?orderId=${r.orders[0]?.orderNumber}`,
  );
  log(`  Chat on the demo store:            ${r.baseUrl}/demo  — ask "where is my order?", then give:`);
  for (const o of tryChat)
    log(
      `      ${o.orderNumber}  ${o.customer.email}  (or postcode ${o.customer.postcode})  — ${o.shipments[0].story}`,
    );
}

function dedupeRuns(items: string[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    const m = last?.match(/^(.*) ×(\d+)$/);
    if (last === item) out[out.length - 1] = `${item} ×2`;
    else if (m && m[1] === item) out[out.length - 1] = `${item} ×${Number(m[2]) + 1}`;
    else out.push(item);
  }
  return out;
}

/** The service's own variables, else the development secrets file `npm start` wrote. */
export function resolveCliOptions(env: NodeJS.ProcessEnv = process.env): Omit<DemoOptions, 'fast'> {
  const file = resolve(env.DATA_DIR || '.data', 'dev-secrets.json');
  const dev: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const pick = (name: string) => {
    const value = env[name] || dev[name];
    if (!value) {
      throw new Error(
        `${name} is not set and ${file} ${existsSync(file) ? `has no ${name}` : 'does not exist'}. ` +
          'Start the service in development (npm start writes it) or export the variables the service uses.',
      );
    }
    return value;
  };
  return {
    baseUrl: env.DEMO_BASE_URL || 'http://127.0.0.1:3000',
    adminKey: pick('ADMIN_API_KEY'),
    secrets: {
      easypost: pick('EASYPOST_WEBHOOK_SECRET'),
      aftership: pick('AFTERSHIP_WEBHOOK_SECRET'),
      shippo: pick('SHIPPO_WEBHOOK_TOKEN'),
      generic: pick('GENERIC_WEBHOOK_SECRET'),
      track17: pick('TRACK17_API_KEY'),
      ship24: pick('SHIP24_WEBHOOK_SECRET'),
      shipengine: pick('SHIPENGINE_WEBHOOK_TOKEN'),
      karrio: pick('KARRIO_WEBHOOK_SECRET'),
      shopify: pick('SHOPIFY_WEBHOOK_SECRET'),
    },
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(
      'Usage: npm run demo [-- --fast]   (env: DEMO_BASE_URL, ADMIN_API_KEY, *_WEBHOOK_SECRET, DATA_DIR)',
    );
    process.exit(0);
  }
  Promise.resolve()
    .then(() => main({ ...resolveCliOptions(), fast: args.includes('--fast') }))
    .then(
      (result) => {
        // For `npm run screenshots`: which orders to show. Written next to dev-secrets.json.
        const dir = resolve(process.env.DATA_DIR || '.data');
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          resolve(dir, 'demo-last-run.json'),
          JSON.stringify(
            {
              baseUrl: result.baseUrl,
              orders: result.orders.map((o) => ({
                orderNumber: o.orderNumber,
                email: o.customer.email,
                postcode: o.customer.postcode,
                locale: o.customer.locale,
                stories: o.shipments.map((s) => s.story),
              })),
            },
            null,
            2,
          ),
        );
        process.exit(0);
      },
      (err: Error) => {
        console.error(`demo failed: ${err.message}`);
        process.exit(1);
      },
    );
}
