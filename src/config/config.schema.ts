import { IANAZone } from 'luxon';
import { isIP } from 'node:net';

/**
 * Every environment variable Wismo reads, declared once: its default, its meaning and how it is parsed.
 * `.env.example` and the README's configuration table are checked against this list by a test, so the
 * three cannot drift apart.
 */

export type Parser<T> = (raw: string) => { ok: true; value: T } | { ok: false; expected: string };

export interface VariableSpec<T = unknown> {
  name: string;
  /** The value used when the variable is unset or empty; `undefined` means "no value" (feature off). */
  default?: string;
  description: string;
  parse: Parser<T>;
  secret?: boolean;
}

const ok = <T>(value: T) => ({ ok: true as const, value });
const bad = (expected: string) => ({ ok: false as const, expected });

export const asString: Parser<string> = (raw) => ok(raw);

/** The out-of-scope kinds of the chat, as CHAT_HELP_LINKS names them, and the chat intent each one is. */
export const HELP_LINK_KINDS = {
  returns: 'refund_return',
  payments: 'payment',
  account: 'account',
  products: 'product',
  invoices: 'invoice',
  other: 'out_of_scope',
} as const;
export type HelpLinks = Partial<Record<(typeof HELP_LINK_KINDS)[keyof typeof HELP_LINK_KINDS], string>>;

export const asHelpLinks: Parser<HelpLinks> = (raw) => {
  const expected = `kind=https://… pairs separated by ";", kinds ${Object.keys(HELP_LINK_KINDS).join(', ')}`;
  const links: HelpLinks = {};
  for (const part of raw
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf('=');
    const kind = part.slice(0, at).trim() as keyof typeof HELP_LINK_KINDS;
    const url = part.slice(at + 1).trim();
    if (at < 1 || !(kind in HELP_LINK_KINDS) || !/^https?:\/\/\S+$/.test(url)) return bad(expected);
    try {
      new URL(url);
    } catch {
      return bad(expected);
    }
    links[HELP_LINK_KINDS[kind]] = url;
  }
  return ok(links);
};

export const asInt =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) return bad(`an integer between ${min} and ${max}`);
    const n = Number(raw);
    return n >= min && n <= max ? ok(n) : bad(`an integer between ${min} and ${max}`);
  };

export const asNumber =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) && n >= min && n <= max
      ? ok(n)
      : bad(`a number between ${min} and ${max}`);
  };

export const asEnum =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) =>
    (values as string[]).includes(raw) ? ok(raw as T) : bad(`one of ${values.join(', ')}`);

export const asUrl =
  (...protocols: string[]): Parser<string> =>
  (raw) => {
    try {
      const url = new URL(raw);
      if (protocols.length && !protocols.includes(url.protocol.replace(/:$/, ''))) {
        return bad(`a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`);
      }
      return ok(raw.replace(/\/+$/, ''));
    } catch {
      return bad(`a URL such as ${protocols[0] ?? 'https'}://host:port/path`);
    }
  };

export const asBoolean: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return ok(true);
  if (['0', 'false', 'no', 'off'].includes(v)) return ok(false);
  return bad('true or false');
};

export const asSecret =
  (minLength: number): Parser<string> =>
  (raw) =>
    raw.length >= minLength ? ok(raw) : bad(`a secret of at least ${minLength} characters`);

export const asList: Parser<string[]> = (raw) =>
  ok(
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

export const asTimeZone: Parser<string> = (raw) =>
  IANAZone.isValidZone(raw) ? ok(raw) : bad('an IANA time zone such as Europe/Paris');

export const asRegExp: Parser<string> = (raw) => {
  try {
    new RegExp(raw);
    return ok(raw);
  } catch {
    return bad('a valid regular expression');
  }
};

/** Named ranges `proxy-addr` (Fastify's `trustProxy`) understands besides addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `none` → trust no proxy; `2` → trust that many hops; `10.0.0.0/8,loopback` → trust those proxies. `true` (every
 * hop) is refused on purpose: it lets any client choose its own address.
 */
export const asTrustProxy: Parser<false | number | string[]> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['none', 'false', 'off', '0'].includes(v)) return ok(false);
  if (/^\d+$/.test(v)) return Number(v) <= 10 ? ok(Number(v)) : bad('a hop count between 0 and 10');
  const expected =
    '`none`, a hop count, or a comma list of proxy addresses/CIDRs (or loopback, linklocal, uniquelocal); not `true`';
  const entries = v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (!entries.length) return bad(expected);
  for (const entry of entries) {
    if (PROXY_RANGE_NAMES.has(entry)) continue;
    const [address, bits, more] = entry.split('/');
    const family = isIP(address);
    if (!family || more !== undefined) return bad(expected);
    if (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)))
      return bad(expected);
  }
  return ok(entries);
};

export const asCountry: Parser<string> = (raw) =>
  /^[A-Z]{2}$/.test(raw) ? ok(raw) : bad('an ISO 3166-1 alpha-2 country code such as US');

export const asEmailAddress: Parser<string> = (raw) =>
  /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/.test(raw.trim())
    ? ok(raw.trim())
    : bad('an address such as "Wismo <updates@example.com>"');

/** The list, in the order the README shows it. */
export const VARIABLES = {
  NODE_ENV: {
    name: 'NODE_ENV',
    default: 'development',
    description: 'development, production or test. Production logs JSON and requires a key for /outbox.',
    parse: asEnum('development', 'production', 'test'),
  },
  PORT: { name: 'PORT', default: '3000', description: 'HTTP port.', parse: asInt(0, 65535) },
  HOST: {
    name: 'HOST',
    default: '0.0.0.0',
    description: 'Interface the HTTP server binds to.',
    parse: asString,
  },
  TRUST_PROXY: {
    name: 'TRUST_PROXY',
    default: 'none',
    description:
      'Which proxies may set the client address through `X-Forwarded-For` (it keys the chat rate limit and lock-outs): `none` (the TCP peer is the client), a hop count such as `1`, or a comma list of proxy addresses and CIDRs (`10.0.0.0/8,loopback`). Never trust every hop.',
    parse: asTrustProxy,
  },
  ROLE: {
    name: 'ROLE',
    default: 'all',
    description:
      '`all` runs everything; `api` serves HTTP and only enqueues; `worker` runs the queue processors (and health).',
    parse: asEnum('all', 'api', 'worker'),
  },
  DATABASE_URL: {
    name: 'DATABASE_URL',
    description:
      'PostgreSQL URL. Unset: an embedded PostgreSQL is started with data in `$DATA_DIR/postgres` (as root: in `/var/lib/wismo/clusters/`, see Two commands).',
    parse: asUrl('postgres', 'postgresql'),
    secret: true,
  },
  DATA_DIR: {
    name: 'DATA_DIR',
    default: '.data',
    description: 'Local state: the embedded PostgreSQL cluster and generated development secrets.',
    parse: asString,
  },
  REDIS_URL: {
    name: 'REDIS_URL',
    description:
      'Redis URL for BullMQ (the scale-out engine). Unset: queues live in PostgreSQL (schema `bullmq`).',
    parse: asUrl('redis', 'rediss'),
    secret: true,
  },
  QUEUE_PREFIX: {
    name: 'QUEUE_PREFIX',
    default: 'wismo',
    description: 'BullMQ key prefix (Redis) so several deployments can share one server.',
    parse: asString,
  },
  ADMIN_API_KEY: {
    name: 'ADMIN_API_KEY',
    description:
      'Bootstraps an `admin` API key at start (stored hashed). Use `npm run cli -- api-key create` for more.',
    parse: asSecret(16),
    secret: true,
  },
  PUBLIC_BASE_URL: {
    name: 'PUBLIC_BASE_URL',
    description:
      'The URL customers and providers reach this service at (tracking links, Twilio callbacks and signatures, unsubscribe links). Default `http://localhost:$PORT`.',
    parse: asUrl('http', 'https'),
  },
  LOG_LEVEL: {
    name: 'LOG_LEVEL',
    default: 'info',
    description: 'fatal, error, warn, info, debug, trace or silent.',
    parse: asEnum('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  SHUTDOWN_TIMEOUT_MS: {
    name: 'SHUTDOWN_TIMEOUT_MS',
    default: '20000',
    description: 'How long a SIGTERM waits for HTTP requests and in-flight jobs before exiting.',
    parse: asInt(0, 600000),
  },
  DEV_SECRETS: {
    name: 'DEV_SECRETS',
    default: 'auto',
    description:
      '`auto`: outside production, unset webhook secrets and the admin key are generated once into `$DATA_DIR/dev-secrets.json` (shared with `npm run demo`). `off` never generates.',
    parse: asEnum('auto', 'off'),
  },
  EASYPOST_WEBHOOK_SECRET: {
    name: 'EASYPOST_WEBHOOK_SECRET',
    description:
      'EasyPost webhook secret (`X-Hmac-Signature`). Unset: the endpoint answers 401 `webhook_not_configured`.',
    parse: asSecret(1),
    secret: true,
  },
  AFTERSHIP_WEBHOOK_SECRET: {
    name: 'AFTERSHIP_WEBHOOK_SECRET',
    description: 'AfterShip webhook secret (`aftership-hmac-sha256`).',
    parse: asSecret(1),
    secret: true,
  },
  SHIPPO_WEBHOOK_TOKEN: {
    name: 'SHIPPO_WEBHOOK_TOKEN',
    description: 'The `token` query parameter registered in the Shippo webhook URL.',
    parse: asSecret(8),
    secret: true,
  },
  GENERIC_WEBHOOK_SECRET: {
    name: 'GENERIC_WEBHOOK_SECRET',
    description: 'Standard Webhooks secret (`whsec_…` or plain) for `POST /v1/webhooks/generic`.',
    parse: asSecret(8),
    secret: true,
  },
  TRACK17_API_KEY: {
    name: 'TRACK17_API_KEY',
    description:
      '17TRACK API key: verifies the `sign` header of `POST /v1/webhooks/17track` (SHA-256 of body + `/` + key).',
    parse: asSecret(8),
    secret: true,
  },
  SHIP24_WEBHOOK_SECRET: {
    name: 'SHIP24_WEBHOOK_SECRET',
    description:
      'Ship24 webhook secret, sent as `Authorization: Bearer <secret>` to `POST /v1/webhooks/ship24`.',
    parse: asSecret(8),
    secret: true,
  },
  SHIPENGINE_WEBHOOK_TOKEN: {
    name: 'SHIPENGINE_WEBHOOK_TOKEN',
    description: 'The `token` query parameter registered in the ShipEngine track webhook URL.',
    parse: asSecret(8),
    secret: true,
  },
  SHIPENGINE_JWKS_URL: {
    name: 'SHIPENGINE_JWKS_URL',
    default: 'https://api.shipengine.com/jwks',
    description:
      'Where ShipEngine publishes the keys of its RSA-SHA256 webhook signatures (`x-shipengine-rsa-sha256-*`), checked when a webhook carries them.',
    parse: asUrl('http', 'https'),
  },
  KARRIO_WEBHOOK_SECRET: {
    name: 'KARRIO_WEBHOOK_SECRET',
    description:
      "The karrio webhook's secret (karrio sends it in `X-Event-Id`; an `X-Karrio-Signature` HMAC is accepted too).",
    parse: asSecret(8),
    secret: true,
  },
  SHOPIFY_WEBHOOK_SECRET: {
    name: 'SHOPIFY_WEBHOOK_SECRET',
    description: 'Shopify app secret: verifies `X-Shopify-Hmac-Sha256` on `POST /v1/webhooks/shopify`.',
    parse: asSecret(8),
    secret: true,
  },
  DEFAULT_COUNTRY: {
    name: 'DEFAULT_COUNTRY',
    default: 'US',
    description:
      'Country used to parse phone numbers written without a country code when the customer has none.',
    parse: asCountry,
  },
  STORE_TIME_ZONE: {
    name: 'STORE_TIME_ZONE',
    default: 'UTC',
    description:
      "The store's time zone: analytics cohorts and days are dates in it. After changing it, run `npm run cli -- analytics rebuild`.",
    parse: asTimeZone,
  },
  ANALYTICS_ON_TIME_TARGET: {
    name: 'ANALYTICS_ON_TIME_TARGET',
    default: '0.95',
    description: 'The dashboard highlights an on-time rate below this fraction.',
    parse: asNumber(0, 1),
  },
  ANALYTICS_EXCEPTION_ALERT: {
    name: 'ANALYTICS_EXCEPTION_ALERT',
    default: '0.03',
    description: 'The dashboard highlights an exception rate above this fraction.',
    parse: asNumber(0, 1),
  },
  ANALYTICS_REFRESH_SECONDS: {
    name: 'ANALYTICS_REFRESH_SECONDS',
    default: '60',
    description: 'How often workers fold new events, messages and chats into the analytics rollups.',
    parse: asInt(5, 3600),
  },
  NO_SCAN_DELAY_DAYS: {
    name: 'NO_SCAN_DELAY_DAYS',
    default: '3',
    description:
      "A moving shipment silent for longer than its lane's usual gap between scans (95th percentile of the store's own history) gets the `stalled` message, once; this many days is the threshold where there is too little history.",
    parse: asInt(1, 60),
  },
  TWILIO_ACCOUNT_SID: {
    name: 'TWILIO_ACCOUNT_SID',
    description: 'Twilio account SID (`AC…`). Without Twilio credentials SMS go to the outbox.',
    parse: (raw: string) =>
      /^AC[0-9a-zA-Z]{8,}$/.test(raw) ? ok(raw) : bad('a Twilio account SID starting with AC'),
  },
  TWILIO_AUTH_TOKEN: {
    name: 'TWILIO_AUTH_TOKEN',
    description: 'Twilio auth token; also verifies `X-Twilio-Signature` on callbacks.',
    parse: asSecret(8),
    secret: true,
  },
  TWILIO_MESSAGING_SERVICE_SID: {
    name: 'TWILIO_MESSAGING_SERVICE_SID',
    description: 'Messaging service SID (`MG…`); preferred over `TWILIO_FROM_NUMBER`.',
    parse: (raw: string) => (/^MG[0-9a-zA-Z]{8,}$/.test(raw) ? ok(raw) : bad('a SID starting with MG')),
  },
  TWILIO_FROM_NUMBER: {
    name: 'TWILIO_FROM_NUMBER',
    description: 'Sender number in E.164 when no messaging service is set.',
    parse: (raw: string) =>
      /^\+[1-9]\d{6,14}$/.test(raw) ? ok(raw) : bad('an E.164 number such as +15005550006'),
  },
  TWILIO_API_BASE_URL: {
    name: 'TWILIO_API_BASE_URL',
    description:
      'Send the Twilio SDK to a Twilio-compatible server instead (tests, benchmarks, local mocks).',
    parse: asUrl('http', 'https'),
  },
  SMS_MAX_SEGMENTS: {
    name: 'SMS_MAX_SEGMENTS',
    default: '3',
    description: 'A rendered SMS longer than this fails with `sms_too_long` instead of being cut.',
    parse: asInt(1, 10),
  },
  SMS_ACCENTS: {
    name: 'SMS_ACCENTS',
    default: 'auto',
    description:
      'Accented letters outside GSM-7 (á í ó ú ç…) in texts: `auto` keeps them when that costs no extra segment, else writes plain letters; `always` keeps them (UCS-2, 70 characters a segment); `never` always writes plain letters.',
    parse: asEnum('auto', 'always', 'never'),
  },
  SMS_RATE_PER_SECOND: {
    name: 'SMS_RATE_PER_SECOND',
    default: '50',
    description: 'Upper bound on SMS handed to the provider per second (BullMQ limiter, across all workers).',
    parse: asInt(1, 10000),
  },
  SMTP_URL: {
    name: 'SMTP_URL',
    description: 'SMTP server (`smtp://user:pass@host:587`, `smtps://…`). Unset: email goes to the outbox.',
    parse: asUrl('smtp', 'smtps'),
    secret: true,
  },
  EMAIL_FROM: {
    name: 'EMAIL_FROM',
    default: 'Wismo Store <updates@example.com>',
    description: 'From address of every email.',
    parse: asEmailAddress,
  },
  EMAIL_REPLY_TO: {
    name: 'EMAIL_REPLY_TO',
    description: 'Optional Reply-To address.',
    parse: asEmailAddress,
  },
  EMAIL_RATE_PER_SECOND: {
    name: 'EMAIL_RATE_PER_SECOND',
    default: '100',
    description: 'Upper bound on emails handed to SMTP per second (BullMQ limiter).',
    parse: asInt(1, 10000),
  },
  SMTP_POOL_SIZE: {
    name: 'SMTP_POOL_SIZE',
    default: '25',
    description:
      'SMTP connections kept open per worker process (Nodemailer pool). Each carries one message at a time.',
    parse: asInt(1, 100),
  },
  SMS_WORKER_CONCURRENCY: {
    name: 'SMS_WORKER_CONCURRENCY',
    default: '50',
    description:
      'SMS jobs one worker process runs at once (the rate limit still applies across all workers).',
    parse: asInt(1, 500),
  },
  EMAIL_WORKER_CONCURRENCY: {
    name: 'EMAIL_WORKER_CONCURRENCY',
    default: '50',
    description: 'Email jobs one worker process runs at once; keep it at or above SMTP_POOL_SIZE.',
    parse: asInt(1, 500),
  },
  UNSUBSCRIBE_SECRET: {
    name: 'UNSUBSCRIBE_SECRET',
    description:
      'Key that signs unsubscribe links (HMAC). Required in production; generated in development (`DEV_SECRETS`).',
    parse: asSecret(16),
    secret: true,
  },
  TRACKING_LINK_SECRET: {
    name: 'TRACKING_LINK_SECRET',
    description:
      'Key that signs tracking-page links (`/t/<token>`). Required in production; generated in development (`DEV_SECRETS`). Rotating it revokes every link.',
    parse: asSecret(16),
    secret: true,
  },
  PUBLIC_TRACKING_URL: {
    name: 'PUBLIC_TRACKING_URL',
    description:
      'Base URL of tracking-page links in messages, for a custom domain such as `https://track.shop.example` (default PUBLIC_BASE_URL).',
    parse: asUrl('http', 'https'),
  },
  TRACKING_LINK_TTL_DAYS: {
    name: 'TRACKING_LINK_TTL_DAYS',
    default: '90',
    description:
      'A tracking-page link stops working this many days after its parcel was delivered or returned.',
    parse: asInt(1, 3650),
  },
  BRAND_LOGO_URL: {
    name: 'BRAND_LOGO_URL',
    description:
      'Logo on the tracking page (an https URL; shown only when set, so the page makes no outside request).',
    parse: asUrl('https'),
  },
  BRAND_COLOR: {
    name: 'BRAND_COLOR',
    default: '#2457d6',
    description: 'Accent colour of the tracking page, as #rrggbb (buttons, progress bar).',
    parse: (raw: string) =>
      /^#[0-9a-fA-F]{6}$/.test(raw) ? ok(raw.toLowerCase()) : bad('a colour as #rrggbb'),
  },
  BRAND_NAME: {
    name: 'BRAND_NAME',
    default: 'Wismo Store',
    description: 'Shown in messages.',
    parse: asString,
  },
  SUPPORT_URL: {
    name: 'SUPPORT_URL',
    default: 'https://example.com/help',
    description: 'Support link in messages, HELP replies and the chat.',
    parse: asUrl('http', 'https'),
  },
  NOTIFY_DEBOUNCE_SECONDS: {
    name: 'NOTIFY_DEBOUNCE_SECONDS',
    default: '60',
    description: 'Changes of one shipment inside this window collapse to the latest one.',
    parse: asInt(0, 3600),
  },
  NOTIFY_CHANNELS: {
    name: 'NOTIFY_CHANNELS',
    default: '',
    description:
      'Overrides which types go on which channels, e.g. `shipped=email,sms;pickup_reminder=off` (defaults in the README).',
    parse: asString,
  },
  QUIET_HOURS: {
    name: 'QUIET_HOURS',
    default: '21:00-08:00',
    description:
      "SMS quiet hours in the customer's time zone, optionally per type: `21:00-08:00;exception=off;out_for_delivery=22:00-07:00`.",
    parse: asString,
  },
  PICKUP_REMINDER_DAYS: {
    name: 'PICKUP_REMINDER_DAYS',
    default: '3',
    description: 'Days a parcel waits at a pickup point before the one reminder.',
    parse: asInt(1, 30),
  },
  SWEEPER_INTERVAL_SECONDS: {
    name: 'SWEEPER_INTERVAL_SECONDS',
    default: '30',
    description: 'How often pending notifications left behind (crash, queue outage) are re-enqueued.',
    parse: asInt(1, 3600),
  },
  NOTIFY_SENDING_LEASE_SECONDS: {
    name: 'NOTIFY_SENDING_LEASE_SECONDS',
    default: '120',
    description:
      'A notification claimed (`sending`) longer than this belongs to a worker that died mid-send and may be claimed and sent again. Keep it well above the provider timeout (15 s).',
    parse: asInt(1, 3600),
  },
  CHAT_TOKEN_SECRET: {
    name: 'CHAT_TOKEN_SECRET',
    description:
      'HS256 key for storefront shopper tokens (`Authorization: Bearer` JWT with the customer id).',
    parse: asSecret(16),
    secret: true,
  },
  CHAT_RATE_LIMIT_PER_MINUTE: {
    name: 'CHAT_RATE_LIMIT_PER_MINUTE',
    default: '30',
    description:
      'Chat requests per client address per minute, counted across every API process (in Redis, else PostgreSQL); 429 with Retry-After beyond.',
    parse: asInt(1, 100000),
  },
  CHAT_TOKEN_AUDIENCE: {
    name: 'CHAT_TOKEN_AUDIENCE',
    default: 'wismo-chat',
    description: 'The `aud` every storefront shopper token must carry.',
    parse: asString,
  },
  CHAT_TOKEN_MAX_LIFETIME_HOURS: {
    name: 'CHAT_TOKEN_MAX_LIFETIME_HOURS',
    default: '24',
    description:
      'Longest lifetime a shopper token may have: tokens without `exp`, or expiring further ahead than this, are refused.',
    parse: asInt(1, 720),
  },
  CHAT_SESSION_IDLE_MINUTES: {
    name: 'CHAT_SESSION_IDLE_MINUTES',
    default: '30',
    description:
      'A verified chat session idle for this long forgets its verification (session ids are bearer credentials).',
    parse: asInt(1, 10080),
  },
  CHAT_CONCURRENCY: {
    name: 'CHAT_CONCURRENCY',
    default: '6',
    description:
      'Chat messages (and so verifications) one API process handles at once; each uses at most one database connection at a time, so keep it well below the pool of 20. Beyond it a message waits up to 2 s, then gets 429 `chat_busy`.',
    parse: asInt(1, 16),
  },
  CHAT_ALLOWED_ORIGINS: {
    name: 'CHAT_ALLOWED_ORIGINS',
    default: '',
    description:
      'Comma-separated store origins allowed to call the chat API from a browser (CORS). Empty: same origin only.',
    parse: asList,
  },
  CHAT_HELP_LINKS: {
    name: 'CHAT_HELP_LINKS',
    default: '',
    description:
      "The store's pages the chat points to for what it does not answer, e.g. `returns=https://shop.example/returns;payments=…;account=…;products=…;invoices=…;other=…`. Unset kinds use SUPPORT_URL.",
    parse: asHelpLinks,
  },
  CHAT_ORDER_NUMBER_PATTERN: {
    name: 'CHAT_ORDER_NUMBER_PATTERN',
    default: '',
    description:
      "Regular expression for the store's order numbers in chat messages. Empty: the built-in pattern.",
    parse: asRegExp,
  },
  HANDOFF_WEBHOOK_URL: {
    name: 'HANDOFF_WEBHOOK_URL',
    description:
      'When set, chat hand-offs and the cases shoppers raise on the tracking page (`type: tracking_page.case`, retried until accepted) are POSTed here, signed Standard Webhooks style with `HANDOFF_WEBHOOK_SECRET`.',
    parse: asUrl('http', 'https'),
  },
  HANDOFF_WEBHOOK_SECRET: {
    name: 'HANDOFF_WEBHOOK_SECRET',
    description: 'Signing secret for hand-off webhooks.',
    parse: asSecret(8),
    secret: true,
  },
  METRICS_TOKEN: {
    name: 'METRICS_TOKEN',
    description:
      'Bearer token that `/metrics` requires when set. Unset: open in development and test; in production an `admin` API key is required.',
    parse: asSecret(16),
    secret: true,
  },
  DEMO_PAGE: {
    name: 'DEMO_PAGE',
    description:
      'Serve the demo store page `/demo`. Default: on outside production, off in production (404) unless `true`.',
    parse: asBoolean,
  },
  RESEND_LIMIT_PER_HOUR: {
    name: 'RESEND_LIMIT_PER_HOUR',
    default: '3',
    description:
      'Resends allowed per notification and per customer in any hour (counted in PostgreSQL, so across processes); beyond it 429 `resend_limited`.',
    parse: asInt(1, 1000),
  },
} satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof VARIABLES;
