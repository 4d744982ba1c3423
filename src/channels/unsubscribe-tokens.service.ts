import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export const UNSUBSCRIBE_CATEGORIES = ['shipping_updates'] as const;
export type UnsubscribeCategory = (typeof UNSUBSCRIBE_CATEGORIES)[number];

export const UNSUBSCRIBE_PATH = '/v1/unsubscribe';

export interface UnsubscribeClaim {
  customerId: string;
  category: UnsubscribeCategory;
}

interface Payload {
  c: string;
  k: string;
  v: number;
}

/**
 * Signed unsubscribe links: `base64url(payload).base64url(HMAC-SHA256(payload))` with payload
 * `{c: customerId, k: category, v: 1}`. Stateless, so a link in a years-old email still works, and it names
 * the customer only by id. Without UNSUBSCRIBE_SECRET (only possible outside production with
 * DEV_SECRETS=off) a per-process key is used: links work until the next restart.
 */
@Injectable()
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = Buffer.from(config.email.unsubscribeSecret ?? ephemeralKey(), 'utf8');
  }

  sign(customerId: string, category: UnsubscribeCategory): string {
    const payload = Buffer.from(
      JSON.stringify({ c: customerId, k: category, v: 1 } satisfies Payload),
    ).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The claim of a genuine token, or null for anything forged, truncated or malformed. Never throws. */
  verify(token: string | undefined | null): UnsubscribeClaim | null {
    if (typeof token !== 'string' || token.length > 1000) return null;
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!match) return null;
    const given = Buffer.from(match[2], 'base64url');
    const expected = this.mac(match[1]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let payload: Partial<Payload>;
    try {
      payload = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as Partial<Payload>;
    } catch {
      return null;
    }
    if (payload?.v !== 1 || typeof payload.c !== 'string' || !payload.c) return null;
    if (!(UNSUBSCRIBE_CATEGORIES as readonly string[]).includes(payload.k as string)) return null;
    return { customerId: payload.c, category: payload.k as UnsubscribeCategory };
  }

  /** The https link for the email body and the List-Unsubscribe header. */
  url(customerId: string, category: UnsubscribeCategory): string {
    return `${this.config.http.publicBaseUrl}${UNSUBSCRIBE_PATH}?token=${this.sign(customerId, category)}`;
  }

  /** RFC 2369 + RFC 8058 one-click headers for a non-essential email: pass them as `EmailMessage.headers`. */
  listUnsubscribeHeaders(customerId: string, category: UnsubscribeCategory): Record<string, string> {
    return {
      'List-Unsubscribe': `<${this.url(customerId, category)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }
}

let processKey: string | undefined;
function ephemeralKey(): string {
  processKey ??= randomBytes(32).toString('base64url');
  return processKey;
}
