import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AppException } from '../common/app.exception';
import { Customer } from '../tracking/customer.entity';
import { Order } from '../tracking/order.entity';
import { summarise } from '../tracking/orders.service';
import { CustomerPreference } from './customer-preference.entity';
import { NotificationAttempt } from './notification-attempt.entity';
import { NotificationDispatcher } from './notification-dispatcher.service';
import { CLOCK, type Clock } from './notification-planner.service';
import { Notification } from './notification.entity';
import type { NotificationQueryDto, PreferenceDto } from './notifications.controller';
import { Suppression } from './suppression.entity';

/** Support's read side of notifications, resends and preferences. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(q: NotificationQueryDto) {
    const qb = this.dataSource.getRepository(Notification).createQueryBuilder('n');
    if (q.orderId) {
      const order = await this.dataSource.getRepository(Order).findOneBy({ externalId: q.orderId });
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
    return { items: rows.map(summarise), total, limit, offset };
  }

  async detail(id: string) {
    const n = await this.dataSource.getRepository(Notification).findOneBy({ id });
    if (!n) throw AppException.notFound('Notification');
    const attempts = await this.dataSource
      .getRepository(NotificationAttempt)
      .find({ where: { notificationId: id }, order: { startedAt: 'ASC' } });
    return {
      ...summarise(n),
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

  /** A resend is a new row pointing at the original, re-rendered with today's template and data. */
  async resend(id: string) {
    const repo = this.dataSource.getRepository(Notification);
    const original = await repo.findOneBy({ id });
    if (!original) throw AppException.notFound('Notification');
    const copy = await repo.save(
      repo.create({
        shipmentId: original.shipmentId,
        orderId: original.orderId,
        customerId: original.customerId,
        type: original.type,
        channel: original.channel,
        status: 'pending',
        scheduledFor: this.clock.now(),
        locale: original.locale,
        resendOf: original.resendOf ?? original.id,
      }),
    );
    await this.dispatcher.enqueue([copy]);
    return summarise((await repo.findOneBy({ id: copy.id }))!);
  }

  async setPreferences(customerId: string, preferences: PreferenceDto[]) {
    if (!(await this.dataSource.getRepository(Customer).existsBy({ id: customerId })))
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
    const customer = await this.dataSource.getRepository(Customer).findOneBy({ id: customerId });
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
