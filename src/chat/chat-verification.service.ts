import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { MoreThan, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Customer } from '../tracking/customer.entity';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import { VerificationFailure } from './verification-failure.entity';

/** Failures per session, and per client, inside the window that lock verification. */
export const MAX_VERIFICATION_FAILURES = 5;
export const VERIFICATION_WINDOW_MS = 60 * 60 * 1000;

export interface LockStatus {
  locked: boolean;
  retryAfterSeconds: number;
}

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
  /** E.164 phone of an SMS session: the customer's own phone is proof for that customer's orders. */
  phone?: string;
}

/** "sw1a-1aa" and "SW1A 1AA" are the same postcode. */
export function normalizePostcode(postcode: string): string {
  return postcode.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * Decides whether a shopper may see an order: order or tracking number plus the email, postcode or phone on the
 * order, or a storefront token; and counts failures so guessing is locked out. Never says which part was wrong:
 * an unknown order and a wrong email are the same `null`.
 */
@Injectable()
export class ChatVerificationService {
  private readonly clientKey: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(VerificationFailure) private readonly failures: Repository<VerificationFailure>,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(Shipment) private readonly shipments: Repository<Shipment>,
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
  ) {
    // A stable key is needed so every API process counts the same client; the value only has to be secret.
    this.clientKey = config.chat.tokenSecret ?? config.email.unsubscribeSecret ?? 'wismo-chat-client-hash';
  }

  /** HMAC of the client address: enough to count attempts, useless to identify anyone. */
  clientHash(ip: string): string {
    return createHmac('sha256', this.clientKey).update(ip).digest('hex');
  }

  /** The customer id from a valid storefront token (HS256, `sub`), or null for a missing or bad one. */
  async customerFromToken(token: string | undefined): Promise<string | null> {
    const secret = this.config.chat.tokenSecret;
    if (!token || !secret) return null;
    let sub: unknown;
    try {
      sub = (jwt.verify(token, secret, { algorithms: ['HS256'] }) as jwt.JwtPayload).sub;
    } catch {
      return null;
    }
    if (typeof sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(sub)) return null;
    return (await this.customers.existsBy({ id: sub })) ? sub : null;
  }

  async lockStatus(sessionId: string, clientHash: string): Promise<LockStatus> {
    const since = new Date(Date.now() - VERIFICATION_WINDOW_MS);
    let unlockAt = 0;
    for (const where of [{ sessionId }, { clientHash }]) {
      const recent = await this.failures.find({
        where: { ...where, createdAt: MoreThan(since) },
        order: { createdAt: 'DESC' },
        take: MAX_VERIFICATION_FAILURES,
        select: { id: true, createdAt: true },
      });
      if (recent.length >= MAX_VERIFICATION_FAILURES) {
        unlockAt = Math.max(
          unlockAt,
          recent[MAX_VERIFICATION_FAILURES - 1].createdAt.getTime() + VERIFICATION_WINDOW_MS,
        );
      }
    }
    const wait = Math.ceil((unlockAt - Date.now()) / 1000);
    return wait > 0 ? { locked: true, retryAfterSeconds: wait } : { locked: false, retryAfterSeconds: 0 };
  }

  /**
   * Runs a lock check, a verification and its failure record as one step per client and session: without it,
   * eight guesses in flight at once from one address would all pass the check before any failure is counted.
   * The advisory locks (client first, then session: one order, no deadlock) live until the transaction ends.
   */
  async serialised<T>(sessionId: string, clientHash: string, fn: () => Promise<T>): Promise<T> {
    return this.failures.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1)), pg_advisory_xact_lock(hashtext($2))', [
        `chat-client:${clientHash}`,
        `chat-session:${sessionId}`,
      ]);
      return fn();
    });
  }

  async recordFailure(sessionId: string, clientHash: string): Promise<void> {
    await this.failures.insert({ sessionId, clientHash });
  }

  /** The order an identifier names, with its customer; null when there is none. */
  async findOrder(
    id: Identifier,
  ): Promise<{ order: Order; customer: Customer; shipmentId: string | null } | null> {
    let order: Order | null = null;
    let shipmentId: string | null = null;
    if (id.orderNumber) {
      const n = id.orderNumber.toUpperCase();
      order = await this.orders
        .createQueryBuilder('o')
        .where('UPPER(o.external_id) IN (:...candidates)', { candidates: [n, `#${n}`] })
        .getOne();
    } else if (id.trackingNumber) {
      const shipment = await this.shipments
        .createQueryBuilder('s')
        .where("UPPER(REPLACE(s.tracking_number, ' ', '')) = :tn", {
          tn: id.trackingNumber.toUpperCase().replace(/\s+/g, ''),
        })
        .andWhere('s.order_id IS NOT NULL')
        .orderBy('s.created_at', 'DESC')
        .getOne();
      if (shipment?.orderId) {
        order = await this.orders.findOneBy({ id: shipment.orderId });
        shipmentId = shipment.id;
      }
    }
    if (!order) return null;
    const customer = await this.customers.findOneBy({ id: order.customerId });
    return customer ? { order, customer, shipmentId } : null;
  }

  /** Checks the proof against the order's customer. */
  async verify(id: Identifier, proof: Proof): Promise<VerifiedOrder | null> {
    const found = await this.findOrder(id);
    if (!found) return null;
    const { customer } = found;
    const emailOk =
      !!proof.email && !!customer.email && customer.email.toLowerCase() === proof.email.toLowerCase();
    const postcodeOk =
      !!proof.postcode &&
      !!customer.postcode &&
      normalizePostcode(customer.postcode) === normalizePostcode(proof.postcode);
    const phoneOk = !!proof.phone && !!customer.phone && customer.phone === proof.phone;
    if (!emailOk && !postcodeOk && !phoneOk) return null;
    return { customerId: customer.id, orderId: found.order.id, shipmentId: found.shipmentId };
  }

  /** The customer's most recent order, for a shopper identified by token or phone who names no order. */
  async latestOrderOf(customerId: string): Promise<Order | null> {
    return this.orders.findOne({ where: { customerId }, order: { createdAt: 'DESC' } });
  }

  /** The most recently updated customer with this phone (E.164), for an SMS session. */
  async customerByPhone(phone: string): Promise<Customer | null> {
    return this.customers.findOne({ where: { phone }, order: { updatedAt: 'DESC' } });
  }
}
