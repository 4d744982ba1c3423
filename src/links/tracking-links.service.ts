import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { signTrackingToken, verifyTrackingToken } from './tracking-link';
import type { ViewSource } from './tracking-link';

/**
 * The signed links to the tracking page, for everything that gives one out (messages, the chat's shipment cards,
 * the order lookup) and for the page that checks them. Its own small module so that any feature can import it
 * without importing the page (which itself uses the chat's verification).
 */
@Injectable()
export class TrackingLinks {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // Without TRACKING_LINK_SECRET (tests, or DEV_SECRETS=off) links work until the process restarts.
    const secret = config.trackingPage.linkSecret ?? randomBytes(32).toString('base64url');
    this.key = createHash('sha256').update(`wismo-tracking-link:${secret}`).digest();
  }

  /** `<PUBLIC_TRACKING_URL>/t/<token>?s=<source>` for the shipment with this link number. */
  urlFor(linkRef: string | bigint, source: ViewSource): string {
    return `${this.config.trackingPage.publicUrl}/t/${this.tokenFor(linkRef)}?s=${source}`;
  }

  tokenFor(linkRef: string | bigint): string {
    return signTrackingToken(BigInt(linkRef), this.key);
  }

  /**
   * HMAC of `data` for another use of the same secret (the order lookup's cookie and its CSRF tokens). The purpose
   * is part of the signed text, so a value signed for one use is never valid for another, nor as a link.
   */
  sign(purpose: string, data: string): string {
    return createHmac('sha256', this.key).update(`wismo-${purpose}:v1:${data}`).digest('base64url');
  }

  /** The link number of a genuine token, or null. */
  verify(token: string): bigint | null {
    return verifyTrackingToken(token, this.key);
  }
}
