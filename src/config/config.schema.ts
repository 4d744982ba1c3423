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

export const asTimeZone: Parser<string> = (raw) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: raw });
    return ok(raw);
  } catch {
    return bad('an IANA time zone such as Europe/Paris');
  }
};

export const asRegExp: Parser<string> = (raw) => {
  try {
    new RegExp(raw);
    return ok(raw);
  } catch {
    return bad('a valid regular expression');
  }
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
      'PostgreSQL URL. Unset: an embedded PostgreSQL is started with data in `$DATA_DIR/postgres`.',
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
  DEFAULT_COUNTRY: {
    name: 'DEFAULT_COUNTRY',
    default: 'US',
    description:
      'Country used to parse phone numbers written without a country code when the customer has none.',
    parse: asCountry,
  },
  NO_SCAN_DELAY_DAYS: {
    name: 'NO_SCAN_DELAY_DAYS',
    default: '3',
    description: 'A shipment in transit with no scan for this many days is flagged as delayed (once).',
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
    description: 'Chat requests per client IP per minute (429 with Retry-After beyond).',
    parse: asInt(1, 100000),
  },
  CHAT_ALLOWED_ORIGINS: {
    name: 'CHAT_ALLOWED_ORIGINS',
    default: '',
    description:
      'Comma-separated store origins allowed to call the chat API from a browser (CORS). Empty: same origin only.',
    parse: asList,
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
      'When set, chat hand-offs are POSTed here, signed Standard Webhooks style with `HANDOFF_WEBHOOK_SECRET`.',
    parse: asUrl('http', 'https'),
  },
  HANDOFF_WEBHOOK_SECRET: {
    name: 'HANDOFF_WEBHOOK_SECRET',
    description: 'Signing secret for hand-off webhooks.',
    parse: asSecret(8),
    secret: true,
  },
} satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof VARIABLES;
