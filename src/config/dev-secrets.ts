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
  UNSUBSCRIBE_SECRET: string;
  CHAT_TOKEN_SECRET: string;
}

export function devSecretsPath(dataDir: string): string {
  return resolve(dataDir, 'dev-secrets.json');
}

export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = devSecretsPath(dataDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  const secret = () => randomBytes(24).toString('base64url');
  const secrets: DevSecrets = {
    ADMIN_API_KEY: `wsm_dev_${secret()}`,
    EASYPOST_WEBHOOK_SECRET: secret(),
    AFTERSHIP_WEBHOOK_SECRET: secret(),
    SHIPPO_WEBHOOK_TOKEN: secret(),
    GENERIC_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
    UNSUBSCRIBE_SECRET: secret(),
    CHAT_TOKEN_SECRET: secret(),
  };
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
        easypostSecret: pick(config.webhooks.easypostSecret, 'EASYPOST_WEBHOOK_SECRET'),
        aftershipSecret: pick(config.webhooks.aftershipSecret, 'AFTERSHIP_WEBHOOK_SECRET'),
        shippoToken: pick(config.webhooks.shippoToken, 'SHIPPO_WEBHOOK_TOKEN'),
        genericSecret: pick(config.webhooks.genericSecret, 'GENERIC_WEBHOOK_SECRET'),
      },
      email: {
        ...config.email,
        unsubscribeSecret: pick(config.email.unsubscribeSecret, 'UNSUBSCRIBE_SECRET'),
      },
      chat: { ...config.chat, tokenSecret: pick(config.chat.tokenSecret, 'CHAT_TOKEN_SECRET') },
    },
  };
}
