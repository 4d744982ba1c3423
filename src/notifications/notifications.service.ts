import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AppException } from '../common/app.exception';
import { summarise } from './notification-summary';
import {
  CUSTOMERS,
  ORDERS,
  SHIPMENTS,
  type SubjectCustomer,
  type SubjectOrder,
  type SubjectShipment,
} from './notification-subject';
import { CustomerPreference } from './customer-preference.entity';
import { NotificationAttempt } from './notification-attempt.entity';
import { NotificationDispatcher } from './notification-dispatcher.service';
import { CLOCK, type Clock } from '../shared/clock';
import { Notification } from './notification.entity';
import { resendVerdict } from './resend-rules';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { CanonicalStatus } from '../shared/tracking.types';
import type { NotificationQueryDto, PreferenceDto } from './notifications.controller';
import { Suppression } from '../channels/suppression.entity';

/** Support's read side of notifications, resends and preferences. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(q: NotificationQueryDto) {
    const qb = this.dataSource.getRepository(Notification).createQueryBuilder('n');
    if (q.orderId) {
      const order = await this.dataSource
        .getRepository<SubjectOrder>(ORDERS)
        .findOneBy({ externalId: q.orderId });
      if (!order) return { items: [], total: 0, limit: q.limit ?? 50, offset: q.offset ?? 0 };
      qb.andWhere('n.order_id = :orderId', { orderId: order.id });
    }
    const uuidOk = (v: string, field: string) => {
      if (!/^[0-9a-f-]{36}$/i.test(v)) throw AppException.validation([{ field, message: 'must be a UUID' }]);
      return v;
    };
    if (q.shipmentId)
      // Through the order's index: no index leads with the shipment, and a shipment's messages are its order's.
      qb.andWhere('n.shipment_id = :s AND n.order_id = (SELECT order_id FROM shipments WHERE id = :s)', {
        s: uuidOk(q.shipmentId, 'shipmentId'),
      });
    if (q.customerId) qb.andWhere('n.customer_id = :c', { c: uuidOk(q.customerId, 'customerId') });
    if (q.status) qb.andWhere('n.status = :status', { status: q.status });
    if (q.type) qb.andWhere('n.type = :type', { type: q.type });
    if (q.channel) qb.andWhere('n.channel = :channel', { channel: q.channel });
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const [rows, total] = await qb
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
    const statuses = await this.shipmentStatuses(rows.map((n) => n.shipmentId));
    return {
      items: rows.map((n) => summarise(n, statuses.get(n.shipmentId) ?? null)),
      total,
      limit,
      offset,
    };
  }

  async detail(id: string) {
    const n = await this.dataSource.getRepository(Notification).findOneBy({ id });
    if (!n) throw AppException.notFound('Notification');
    const attempts = await this.dataSource
      .getRepository(NotificationAttempt)
      .find({ where: { notificationId: id }, order: { startedAt: 'ASC' } });
    const statuses = await this.shipmentStatuses([n.shipmentId]);
    return {
      ...summarise(n, statuses.get(n.shipmentId) ?? null),
      orderId: n.orderId,
      customerId: n.customerId,
      locale: n.locale,
      templateVersionId: n.templateVersionId,
      quietHoursDelayed: n.quietHoursDelayed,
      provider: n.provider,
      providerMessageId: n.providerMessageId,
      errorCode: n.errorCode,
      errorMessage: n.errorMessage,
      segments: n.segments,
      encoding: n.encoding,
      resendOf: n.resendOf,
      fallbackOf: n.fallbackOf,
      rendered: { subject: n.renderedSubject, text: n.renderedText, html: n.renderedHtml },
      attempts: attempts.map((a) => ({
        attempt: a.attempt,
        channel: a.channel,
        provider: a.provider,
        outcome: a.outcome,
        providerMessageId: a.providerMessageId,
        errorCode: a.errorCode,
        errorMessage: a.errorMessage,
        startedAt: a.startedAt.toISOString(),
        finishedAt: a.finishedAt.toISOString(),
      })),
    };
  }

  /**
   * A resend is a new row pointing at the original, re-rendered with today's template and data. Only for a
   * message that went out (or failed) and still tells the truth (resend-rules.ts), and at most
   * RESEND_LIMIT_PER_HOUR per message and per customer: counted from the resend rows themselves under a
   * per-customer advisory lock, so the cap holds across API processes and concurrent clicks.
   */
  async resend(id: string) {
    const repo = this.dataSource.getRepository(Notification);
    const original = await repo.findOneBy({ id });
    if (!original) throw AppException.notFound('Notification');
    const status = (await this.shipmentStatuses([original.shipmentId])).get(original.shipmentId) ?? null;
    const verdict = resendVerdict(original, status);
    if (!verdict.allowed)
      throw new AppException('resend_not_allowed', verdict.reason!, { reason: verdict.code });
    const rootId = original.resendOf ?? original.id;
    const limit = this.config.surfaces.resendLimitPerHour;
    const copy = await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('resend:' || $1, 0))`, [
        original.customerId,
      ]);
      const [counts] = (await manager.query(
        `SELECT count(*)::int AS customer, (count(*) FILTER (WHERE resend_of = $2))::int AS message
           FROM notifications
          WHERE customer_id = $1 AND resend_of IS NOT NULL AND created_at > now() - interval '1 hour'`,
        [original.customerId, rootId],
      )) as { customer: number; message: number }[];
      if (counts.message >= limit)
        throw new AppException(
          'resend_limited',
          `This message was already resent ${counts.message} times in the last hour (limit ${limit}); try again later`,
          { reason: 'per_message_limit', retryAfterSeconds: 3600 },
        );
      if (counts.customer >= limit)
        throw new AppException(
          'resend_limited',
          `This customer was already sent ${counts.customer} resends in the last hour (limit ${limit}); try again later`,
          { reason: 'per_customer_limit', retryAfterSeconds: 3600 },
        );
      return manager.save(
        Notification,
        manager.create(Notification, {
          shipmentId: original.shipmentId,
          orderId: original.orderId,
          customerId: original.customerId,
          type: original.type,
          channel: original.channel,
          status: 'pending',
          scheduledFor: this.clock.now(),
          locale: original.locale,
          resendOf: rootId,
        }),
      );
    });
    await this.dispatcher.enqueue([copy]);
    return summarise((await repo.findOneBy({ id: copy.id }))!, status);
  }

  private async shipmentStatuses(ids: string[]): Promise<Map<string, CanonicalStatus>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await this.dataSource
      .getRepository<SubjectShipment>(SHIPMENTS)
      .find({ where: { id: In(unique) }, select: { id: true, status: true } });
    return new Map(rows.map((s) => [s.id, s.status]));
  }

  async setPreferences(customerId: string, preferences: PreferenceDto[]) {
    if (!(await this.dataSource.getRepository<SubjectCustomer>(CUSTOMERS).existsBy({ id: customerId })))
      throw AppException.notFound('Customer');
    await this.dataSource.transaction(async (manager) => {
      for (const p of preferences) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(CustomerPreference)
          .values({ customerId, type: p.type, channel: p.channel, enabled: p.enabled })
          .orUpdate(['enabled', 'updated_at'], ['customer_id', 'type', 'channel'])
          .execute();
      }
    });
    return this.preferences(customerId);
  }

  async preferences(customerId: string) {
    const customer = await this.dataSource
      .getRepository<SubjectCustomer>(CUSTOMERS)
      .findOneBy({ id: customerId });
    if (!customer) throw AppException.notFound('Customer');
    const rows = await this.dataSource
      .getRepository(CustomerPreference)
      .find({ where: { customerId }, order: { type: 'ASC' } });
    const addresses = [customer.email, customer.phone].filter((a): a is string => !!a);
    const suppressions = addresses.length
      ? await this.dataSource
          .getRepository(Suppression)
          .find({ where: { address: In(addresses) }, order: { createdAt: 'DESC' } })
      : [];
    return {
      customerId,
      preferences: rows.map((r) => ({
        type: r.type,
        channel: r.channel,
        enabled: r.enabled,
        updatedAt: r.updatedAt.toISOString(),
      })),
      suppressions: suppressions.map((s) => ({
        channel: s.channel,
        reason: s.reason,
        source: s.source,
        active: !s.liftedAt,
        createdAt: s.createdAt.toISOString(),
      })),
    };
  }
}
