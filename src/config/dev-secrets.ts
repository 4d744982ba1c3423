import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppConfig } from './app-config';

/**
 * For `npm start` on a bare machine: unset webhook secrets, the admin key and the signing keys are generated
 * once into `$DATA_DIR/dev-secrets.json` (mode 600), so `npm run demo` can sign webhooks the service accepts.
 * Never in production, never in tests, never when DEV_SECRETS=off.
 */
export interface DevSecrets {
  ADMIN_API_KEY: string;
  EASYPOST_WEBHOOK_SECRET: string;
  AFTERSHIP_WEBHOOK_SECRET: string;
  SHIPPO_WEBHOOK_TOKEN: string;
  GENERIC_WEBHOOK_SECRET: string;
  TRACK17_API_KEY: string;
  SHIP24_WEBHOOK_SECRET: string;
  SHIPENGINE_WEBHOOK_TOKEN: string;
  KARRIO_WEBHOOK_SECRET: string;
  SHOPIFY_WEBHOOK_SECRET: string;
  UNSUBSCRIBE_SECRET: string;
  CHAT_TOKEN_SECRET: string;
  TRACKING_LINK_SECRET: string;
}

export function devSecretsPath(dataDir: string): string {
  return resolve(dataDir, 'dev-secrets.json');
}

export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = devSecretsPath(dataDir);
  const secret = () => randomBytes(24).toString('base64url');
  const fresh = (): DevSecrets => ({
    ADMIN_API_KEY: `wsm_dev_${secret()}`,
    EASYPOST_WEBHOOK_SECRET: secret(),
    AFTERSHIP_WEBHOOK_SECRET: secret(),
    SHIPPO_WEBHOOK_TOKEN: secret(),
    GENERIC_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
    TRACK17_API_KEY: secret(),
    SHIP24_WEBHOOK_SECRET: secret(),
    SHIPENGINE_WEBHOOK_TOKEN: secret(),
    KARRIO_WEBHOOK_SECRET: secret(),
    SHOPIFY_WEBHOOK_SECRET: secret(),
    UNSUBSCRIBE_SECRET: secret(),
    CHAT_TOKEN_SECRET: secret(),
    TRACKING_LINK_SECRET: secret(),
  });
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    const missing = (Object.keys(fresh()) as (keyof DevSecrets)[]).filter((k) => !stored[k]);
    if (missing.length === 0) return stored as DevSecrets;
    // A file written before a provider was added gains that provider's secret; existing values never change.
    const completed = { ...fresh(), ...stored } as DevSecrets;
    writeFileSync(file, JSON.stringify(completed, null, 2), { mode: 0o600 });
    return completed;
  }
  const secrets = fresh();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Fills only what the environment left unset; returns which values came from the file. */
export function applyDevSecrets(config: AppConfig): { config: AppConfig; applied: string[] } {
  if (config.env !== 'development' || config.devSecrets === 'off') return { config, applied: [] };
  const s = loadOrCreateDevSecrets(config.dataDir);
  const applied: string[] = [];
  const pick = (current: string | undefined, name: keyof DevSecrets) => {
    if (current) return current;
    applied.push(name);
    return s[name];
  };
  return {
    applied,
    config: {
      ...config,
      auth: { adminApiKey: pick(config.auth.adminApiKey, 'ADMIN_API_KEY') },
      webhooks: {
        ...config.webhooks,
        easypostSecret: pick(config.webhooks.easypostSecret, 'EASYPOST_WEBHOOK_SECRET'),
        aftershipSecret: pick(config.webhooks.aftershipSecret, 'AFTERSHIP_WEBHOOK_SECRET'),
        shippoToken: pick(config.webhooks.shippoToken, 'SHIPPO_WEBHOOK_TOKEN'),
        genericSecret: pick(config.webhooks.genericSecret, 'GENERIC_WEBHOOK_SECRET'),
        track17ApiKey: pick(config.webhooks.track17ApiKey, 'TRACK17_API_KEY'),
        ship24Secret: pick(config.webhooks.ship24Secret, 'SHIP24_WEBHOOK_SECRET'),
        shipengineToken: pick(config.webhooks.shipengineToken, 'SHIPENGINE_WEBHOOK_TOKEN'),
        karrioSecret: pick(config.webhooks.karrioSecret, 'KARRIO_WEBHOOK_SECRET'),
        shopifySecret: pick(config.webhooks.shopifySecret, 'SHOPIFY_WEBHOOK_SECRET'),
      },
      email: {
        ...config.email,
        unsubscribeSecret: pick(config.email.unsubscribeSecret, 'UNSUBSCRIBE_SECRET'),
      },
      chat: { ...config.chat, tokenSecret: pick(config.chat.tokenSecret, 'CHAT_TOKEN_SECRET') },
      trackingPage: {
        ...config.trackingPage,
        linkSecret: pick(config.trackingPage.linkSecret, 'TRACKING_LINK_SECRET'),
      },
    },
  };
}
