import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Customer } from '../tracking/customer.entity';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import { ChatSession } from './chat-session.entity';
import { AttemptScope, ChatLimiter, LockStatus, sessionLogId } from './chat-rate-limiter';
import { VerificationFailure } from './verification-failure.entity';

export { MAX_VERIFICATION_FAILURES } from './chat-rate-limiter';
export type { LockStatus } from './chat-rate-limiter';

export interface VerifiedOrder {
  customerId: string;
  orderId: string;
  /** Set when the shopper identified a parcel by its tracking number. */
  shipmentId: string | null;
}

export interface Identifier {
  orderNumber?: string;
  trackingNumber?: string;
}

export interface Proof {
  email?: string;
  postcode?: string;
  /** E.164 phone of an SMS session: proof only for orders placed with that phone. */
  phone?: string;
}

export type AttemptOutcome =
  | { kind: 'verified'; verified: VerifiedOrder }
  /** `lockedNow`: this failure used up a counter, so the shopper is locked from now on. */
  | { kind: 'failed'; lockedNow: LockStatus }
  | { kind: 'locked'; retryAfterSeconds: number };

/** "sw1a-1aa" and "SW1A 1AA" are the same postcode. */
export function normalizePostcode(postcode: string): string {
  return postcode.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Equal strings, compared in constant time over fixed-length digests (lengths are not revealed either). */
function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Compared against when no order was found, so a missing order does the same work as a wrong detail. */
const NO_ORDER = { contactEmail: '\u0000', contactPostcode: '\u0000', contactPhone: '\u0000' };

/**
 * Decides whether a shopper may see an order: order or tracking number plus the email, postcode or phone ON THAT
 * ORDER (never another order of the same customer), or a storefront token; and counts failures per session, client
 * and order in the shared limiter so guessing is locked out. Never says which part was wrong: an unknown order and
 * a wrong email take the same queries and give the same answer.
 */
@Injectable()
export class ChatVerificationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: ChatLimiter,
    @InjectRepository(VerificationFailure) private readonly failures: Repository<VerificationFailure>,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
  ) {}

  /** HMAC of the client address: enough to count attempts, useless to identify anyone. */
  clientHash(ip: string): string {
    return this.limiter.hash(ip);
  }

  /**
   * The customer id from a valid storefront token, or null. HS256 only; `aud` must be CHAT_TOKEN_AUDIENCE; `exp` is
   * required and may lie at most CHAT_TOKEN_MAX_LIFETIME_HOURS after the token was issued (or after now, without
   * `iat`), so a leaked token cannot stay good for ever.
   */
  async customerFromToken(token: string | undefined): Promise<string | null> {
    const secret = this.config.chat.tokenSecret;
    if (!token || !secret) return null;
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, secret, {
        algorithms: ['HS256'],
        audience: this.config.chat.tokenAudience,
      }) as jwt.JwtPayload;
    } catch {
      return null;
    }
    const now = Math.floor(Date.now() / 1000);
    const maxLifetime = this.config.chat.tokenMaxLifetimeSeconds;
    if (typeof payload.exp !== 'number') return null;
    if (payload.exp - (typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now) > maxLifetime)
      return null;
    const sub = payload.sub;
    if (typeof sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(sub)) return null;
    return (await this.customers.existsBy({ id: sub })) ? sub : null;
  }

  /**
   * One verification attempt: lock check, the attempt counted as a failure before it is evaluated (atomically in
   * the shared store, so concurrent guesses cannot slip past the count), the check, and the points given back when
   * it succeeds. Holds no lock and at most one database connection at a time (issue 14: twenty concurrent attempts
   * that each held a connection and asked for a second one exhausted the pool); the number of attempts at once is
   * bounded by {@link ChatTurnSlots}.
   */
  async attempt(sessionId: string, clientIp: string, id: Identifier, proof: Proof): Promise<AttemptOutcome> {
    const counted = !!(proof.email || proof.postcode);
    const scope: AttemptScope = {
      sessionId,
      clientIp,
      identifier: id.orderNumber ?? id.trackingNumber ?? '',
    };
    {
      let lockedIfFails: LockStatus = { locked: false, retryAfterSeconds: 0 };
      if (counted) {
        const lock: LockStatus = await this.limiter.lockStatus(scope);
        if (lock.locked) return { kind: 'locked', retryAfterSeconds: lock.retryAfterSeconds };
        const reserved = await this.limiter.reserve(scope);
        if (reserved.locked) return { kind: 'locked', retryAfterSeconds: reserved.retryAfterSeconds };
        lockedIfFails = reserved.lockedIfFails;
      }
      const verified = await this.verify(id, proof);
      if (verified) {
        if (counted) await this.limiter.refund(scope);
        return { kind: 'verified', verified };
      }
      // A record for support and the reliability figures; the lock-out itself is the limiter's count above.
      if (counted) await this.failures.insert({ sessionId, clientHash: this.clientHash(clientIp) });
      return { kind: 'failed', lockedNow: lockedIfFails };
    }
  }

  /** Whether verification is locked for this session, client or named order. */
  lockStatus(sessionId: string, clientIp: string, id: Identifier): Promise<LockStatus> {
    return this.limiter.lockStatus({
      sessionId,
      clientIp,
      identifier: id.orderNumber ?? id.trackingNumber ?? '',
    });
  }

  /** A session id as it may appear in logs. */
  sessionLogId(sessionId: string): string {
    return sessionLogId(this.config, sessionId);
  }

  /** The order an identifier names, with its own contact details; null when there is none. One query either way. */
  async findOrder(id: Identifier): Promise<{ order: Order; shipmentId: string | null } | null> {
    if (id.orderNumber) {
      const n = id.orderNumber.toUpperCase();
      const order = await this.orders
        .createQueryBuilder('o')
        .where('UPPER(o.external_id) IN (:...candidates)', { candidates: [n, `#${n}`] })
        .getOne();
      return order ? { order, shipmentId: null } : null;
    }
    if (id.trackingNumber) {
      const row = await this.orders
        .createQueryBuilder('o')
        .innerJoin(Shipment, 's', 's.order_id = o.id')
        .addSelect('s.id', 'shipment_id')
        .where("UPPER(REPLACE(s.tracking_number, ' ', '')) = :tn", {
          tn: id.trackingNumber.toUpperCase().replace(/\s+/g, ''),
        })
        .orderBy('s.created_at', 'DESC')
        .getRawAndEntities<{ shipment_id: string }>();
      const order = row.entities[0];
      return order ? { order, shipmentId: row.raw[0].shipment_id } : null;
    }
    return null;
  }

  /** Checks the proof against the contact details the named order was placed with. */
  async verify(id: Identifier, proof: Proof): Promise<VerifiedOrder | null> {
    const found = await this.findOrder(id);
    const contact = found?.order ?? NO_ORDER;
    // Every comparison runs whether or not the order exists, so timing does not tell the two apart.
    const emailOk =
      !!proof.email &&
      !!contact.contactEmail &&
      same(contact.contactEmail.toLowerCase(), proof.email.trim().toLowerCase());
    const postcodeOk =
      !!proof.postcode &&
      !!contact.contactPostcode &&
      same(normalizePostcode(contact.contactPostcode), normalizePostcode(proof.postcode));
    const phoneOk = !!proof.phone && !!contact.contactPhone && same(contact.contactPhone, proof.phone);
    if (!found || (!emailOk && !postcodeOk && !phoneOk)) return null;
    return { customerId: found.order.customerId, orderId: found.order.id, shipmentId: found.shipmentId };
  }

  /** The customer's most recent order, for a shopper identified by a storefront token who names no order. */
  async latestOrderOf(customerId: string): Promise<Order | null> {
    return this.orders.findOne({ where: { customerId }, order: { createdAt: 'DESC' } });
  }

  /**
   * The most recent order placed with this phone (E.164), for an SMS session: the sender's number proves only the
   * orders that carry it, not every order of a customer matched by email.
   */
  async latestOrderByPhone(phone: string): Promise<Order | null> {
    return this.orders.findOne({ where: { contactPhone: phone }, order: { createdAt: 'DESC' } });
  }

  /**
   * Session ids are bearer credentials: a verification idle longer than CHAT_SESSION_IDLE_MINUTES is forgotten.
   * Marks the session active; true when a verification was dropped.
   */
  forgetIfIdle(session: ChatSession, now = new Date()): boolean {
    const last = session.lastActiveAt ?? session.verifiedAt;
    session.lastActiveAt = now;
    if (!session.verifiedCustomerId || !last) return false;
    if (now.getTime() - last.getTime() <= this.config.chat.sessionIdleMs) return false;
    session.verifiedCustomerId = null;
    session.orderId = null;
    session.verifiedAt = null;
    return true;
  }
}
