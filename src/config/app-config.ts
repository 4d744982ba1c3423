import { parseNotifyChannels, parseQuietHours } from './notification-config';
import { HelpLinks, VARIABLES, VariableName, VariableSpec } from './config.schema';

/**
 * The one place that reads the environment. Everything else receives the typed `AppConfig`
 * through the `APP_CONFIG` provider.
 */

export const APP_CONFIG = Symbol('APP_CONFIG');

export type Role = 'all' | 'api' | 'worker';

/**
 * A class only so that `import { APP_CONFIG, AppConfig }` compiles in an injected constructor: with
 * `isolatedModules` and `emitDecoratorMetadata`, TypeScript rejects an interface there (TS1272). It is never
 * instantiated; `loadConfig` returns a plain object of this shape.
 */
export abstract class AppConfig {
  env: 'development' | 'production' | 'test';
  /** `trustProxy`: false, a hop count, or the trusted proxies' addresses (Fastify's `trustProxy`). */
  http: { port: number; host: string; publicBaseUrl: string; trustProxy: false | number | string[] };
  role: Role;
  logLevel: string;
  shutdownTimeoutMs: number;
  dataDir: string;
  devSecrets: 'auto' | 'off';
  database: { url: string | undefined };
  queue: { redisUrl: string | undefined; prefix: string };
  auth: { adminApiKey: string | undefined };
  webhooks: {
    easypostSecret: string | undefined;
    aftershipSecret: string | undefined;
    shippoToken: string | undefined;
    genericSecret: string | undefined;
    track17ApiKey: string | undefined;
    ship24Secret: string | undefined;
    shipengineToken: string | undefined;
    shipengineJwksUrl: string;
    karrioSecret: string | undefined;
    shopifySecret: string | undefined;
  };
  tracking: { defaultCountry: string; noScanDelayDays: number };
  analytics: { storeTimeZone: string; onTimeTarget: number; exceptionAlert: number; refreshMs: number };
  sms: {
    accountSid: string | undefined;
    authToken: string | undefined;
    messagingServiceSid: string | undefined;
    fromNumber: string | undefined;
    apiBaseUrl: string | undefined;
    maxSegments: number;
    /** SMS_ACCENTS: whether accented letters outside GSM-7 may cost a segment. */
    accents: 'auto' | 'always' | 'never';
    ratePerSecond: number;
    workerConcurrency: number;
  };
  email: {
    smtpUrl: string | undefined;
    smtpPoolSize: number;
    from: string;
    replyTo: string | undefined;
    ratePerSecond: number;
    workerConcurrency: number;
    unsubscribeSecret: string | undefined;
  };
  brand: { name: string; supportUrl: string; logoUrl: string | undefined; color: string };
  trackingPage: { linkSecret: string | undefined; publicUrl: string; linkTtlDays: number };
  notifications: {
    debounceSeconds: number;
    channels: string;
    quietHours: string;
    pickupReminderDays: number;
    sweeperIntervalSeconds: number;
    sendingLeaseSeconds: number;
  };
  chat: {
    tokenSecret: string | undefined;
    tokenAudience: string;
    tokenMaxLifetimeSeconds: number;
    sessionIdleMs: number;
    /** Chat turns one process runs at once (CHAT_CONCURRENCY). */
    concurrency: number;
    rateLimitPerMinute: number;
    allowedOrigins: string[];
    orderNumberPattern: string;
    /** The store's page per out-of-scope kind (refunds, payments…); SUPPORT_URL for the rest. */
    helpLinks: HelpLinks;
    handoffWebhookUrl: string | undefined;
    handoffWebhookSecret: string | undefined;
  };
  /** Public surfaces that production hides or guards (issue 14). */
  surfaces: { metricsToken: string | undefined; demoPage: boolean; resendLimitPerHour: number };
}

export interface ConfigProblem {
  variable: string;
  value: string;
  expected: string;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      [
        `Invalid configuration: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
        ...problems.map((p) => `  - ${p.variable}=${p.value}: expected ${p.expected}`),
        'See .env.example or the README for every variable.',
      ].join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

type Env = Record<string, string | undefined>;

/** Validates every variable and throws one error listing all problems. Secrets are masked in the message. */
export function loadConfig(
  env: Env = process.env,
  extraChecks?: (c: AppConfig) => ConfigProblem[],
): AppConfig {
  const problems: ConfigProblem[] = [];
  const values: Partial<Record<VariableName, unknown>> = {};
  for (const [key, spec] of Object.entries(VARIABLES) as [VariableName, VariableSpec][]) {
    const raw = env[key];
    const text = raw === undefined || raw.trim() === '' ? spec.default : raw.trim();
    if (text === undefined) continue;
    const parsed = spec.parse(text);
    if (parsed.ok) values[key] = parsed.value;
    else
      problems.push({
        variable: key,
        value: spec.secret ? '(hidden)' : JSON.stringify(text),
        expected: parsed.expected,
      });
  }
  const v = values as Record<VariableName, never>;
  const port = (v.PORT as number | undefined) ?? 3000;
  const config: AppConfig = {
    env: v.NODE_ENV,
    http: {
      port,
      host: v.HOST,
      publicBaseUrl: v.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
      trustProxy: v.TRUST_PROXY,
    },
    role: v.ROLE,
    logLevel: v.LOG_LEVEL,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    dataDir: v.DATA_DIR,
    devSecrets: v.DEV_SECRETS,
    database: { url: v.DATABASE_URL },
    queue: { redisUrl: v.REDIS_URL, prefix: v.QUEUE_PREFIX },
    auth: { adminApiKey: v.ADMIN_API_KEY },
    webhooks: {
      easypostSecret: v.EASYPOST_WEBHOOK_SECRET,
      aftershipSecret: v.AFTERSHIP_WEBHOOK_SECRET,
      shippoToken: v.SHIPPO_WEBHOOK_TOKEN,
      genericSecret: v.GENERIC_WEBHOOK_SECRET,
      track17ApiKey: v.TRACK17_API_KEY,
      ship24Secret: v.SHIP24_WEBHOOK_SECRET,
      shipengineToken: v.SHIPENGINE_WEBHOOK_TOKEN,
      shipengineJwksUrl: v.SHIPENGINE_JWKS_URL,
      karrioSecret: v.KARRIO_WEBHOOK_SECRET,
      shopifySecret: v.SHOPIFY_WEBHOOK_SECRET,
    },
    tracking: { defaultCountry: v.DEFAULT_COUNTRY, noScanDelayDays: v.NO_SCAN_DELAY_DAYS },
    analytics: {
      storeTimeZone: v.STORE_TIME_ZONE,
      onTimeTarget: v.ANALYTICS_ON_TIME_TARGET,
      exceptionAlert: v.ANALYTICS_EXCEPTION_ALERT,
      refreshMs: v.ANALYTICS_REFRESH_SECONDS * 1000,
    },
    sms: {
      accountSid: v.TWILIO_ACCOUNT_SID,
      authToken: v.TWILIO_AUTH_TOKEN,
      messagingServiceSid: v.TWILIO_MESSAGING_SERVICE_SID,
      fromNumber: v.TWILIO_FROM_NUMBER,
      apiBaseUrl: v.TWILIO_API_BASE_URL,
      maxSegments: v.SMS_MAX_SEGMENTS,
      accents: v.SMS_ACCENTS,
      ratePerSecond: v.SMS_RATE_PER_SECOND,
      workerConcurrency: v.SMS_WORKER_CONCURRENCY,
    },
    email: {
      smtpUrl: v.SMTP_URL,
      smtpPoolSize: v.SMTP_POOL_SIZE,
      from: v.EMAIL_FROM,
      replyTo: v.EMAIL_REPLY_TO,
      ratePerSecond: v.EMAIL_RATE_PER_SECOND,
      workerConcurrency: v.EMAIL_WORKER_CONCURRENCY,
      unsubscribeSecret: v.UNSUBSCRIBE_SECRET,
    },
    brand: { name: v.BRAND_NAME, supportUrl: v.SUPPORT_URL, logoUrl: v.BRAND_LOGO_URL, color: v.BRAND_COLOR },
    trackingPage: {
      linkSecret: v.TRACKING_LINK_SECRET,
      publicUrl: v.PUBLIC_TRACKING_URL ?? v.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
      linkTtlDays: v.TRACKING_LINK_TTL_DAYS,
    },
    notifications: {
      debounceSeconds: v.NOTIFY_DEBOUNCE_SECONDS,
      channels: v.NOTIFY_CHANNELS ?? '',
      quietHours: v.QUIET_HOURS,
      pickupReminderDays: v.PICKUP_REMINDER_DAYS,
      sweeperIntervalSeconds: v.SWEEPER_INTERVAL_SECONDS,
      sendingLeaseSeconds: v.NOTIFY_SENDING_LEASE_SECONDS,
    },
    chat: {
      tokenSecret: v.CHAT_TOKEN_SECRET,
      tokenAudience: v.CHAT_TOKEN_AUDIENCE,
      tokenMaxLifetimeSeconds: (v.CHAT_TOKEN_MAX_LIFETIME_HOURS as number) * 3600,
      sessionIdleMs: (v.CHAT_SESSION_IDLE_MINUTES as number) * 60_000,
      concurrency: v.CHAT_CONCURRENCY,
      rateLimitPerMinute: v.CHAT_RATE_LIMIT_PER_MINUTE,
      allowedOrigins: v.CHAT_ALLOWED_ORIGINS ?? [],
      orderNumberPattern: v.CHAT_ORDER_NUMBER_PATTERN ?? '',
      helpLinks: (v.CHAT_HELP_LINKS as HelpLinks | undefined) ?? {},
      handoffWebhookUrl: v.HANDOFF_WEBHOOK_URL,
      handoffWebhookSecret: v.HANDOFF_WEBHOOK_SECRET,
    },
    surfaces: {
      metricsToken: v.METRICS_TOKEN,
      demoPage: (v.DEMO_PAGE as boolean | undefined) ?? v.NODE_ENV !== 'production',
      resendLimitPerHour: v.RESEND_LIMIT_PER_HOUR,
    },
  };
  problems.push(...crossChecks(config, env));
  if (extraChecks && problems.length === 0) problems.push(...extraChecks(config));
  if (problems.length) throw new ConfigValidationError(problems);
  return config;
}

function crossChecks(c: AppConfig, env: Env): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const twilioSet = [c.sms.accountSid, c.sms.authToken].filter(Boolean).length;
  if (twilioSet === 1) {
    problems.push({
      variable: c.sms.accountSid ? 'TWILIO_AUTH_TOKEN' : 'TWILIO_ACCOUNT_SID',
      value: '(unset)',
      expected: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to be set together',
    });
  }
  if (twilioSet === 2 && !c.sms.messagingServiceSid && !c.sms.fromNumber) {
    problems.push({
      variable: 'TWILIO_FROM_NUMBER',
      value: '(unset)',
      expected: 'TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER when Twilio credentials are set',
    });
  }
  if (c.env === 'production') {
    for (const name of ['UNSUBSCRIBE_SECRET', 'PUBLIC_BASE_URL', 'TRACKING_LINK_SECRET'] as const) {
      if (!env[name]) problems.push({ variable: name, value: '(unset)', expected: 'a value in production' });
    }
  }
  const channels = parseNotifyChannels(c.notifications.channels || undefined);
  if (!channels.ok) {
    problems.push({
      variable: 'NOTIFY_CHANNELS',
      value: JSON.stringify(c.notifications.channels),
      expected: channels.errors.join('; '),
    });
  }
  const quiet = parseQuietHours(c.notifications.quietHours);
  if (!quiet.ok) {
    problems.push({
      variable: 'QUIET_HOURS',
      value: JSON.stringify(c.notifications.quietHours),
      expected: quiet.errors.join('; '),
    });
  }
  if (c.chat.handoffWebhookUrl && !c.chat.handoffWebhookSecret) {
    problems.push({
      variable: 'HANDOFF_WEBHOOK_SECRET',
      value: '(unset)',
      expected: 'a secret when HANDOFF_WEBHOOK_URL is set',
    });
  }
  return problems;
}
