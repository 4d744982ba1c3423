import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppException } from '../common/app.exception';
import { OutboxMessage } from './outbox-message.entity';

export interface OutboxPage {
  items: OutboxMessage[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}

/** Reads the captured messages, newest first, with a keyset cursor (stable while new messages arrive). */
@Injectable()
export class OutboxService {
  constructor(@InjectRepository(OutboxMessage) private readonly outbox: Repository<OutboxMessage>) {}

  async list(query: { channel?: 'sms' | 'email'; limit: number; before?: string }): Promise<OutboxPage> {
    const qb = this.outbox.createQueryBuilder('m').orderBy('m.createdAt', 'DESC').addOrderBy('m.id', 'DESC');
    if (query.channel) qb.andWhere('m.channel = :channel', { channel: query.channel });
    if (query.before) {
      if (!(await this.outbox.exists({ where: { id: query.before } }))) {
        throw AppException.validation([{ field: 'before', message: 'no outbox message has this id' }]);
      }
      // Compared in SQL: a JS Date would drop the microseconds PostgreSQL keeps and skip or repeat rows.
      qb.andWhere(
        '(m.created_at, m.id) < (SELECT o.created_at, o.id FROM outbox_messages o WHERE o.id = :before)',
        {
          before: query.before,
        },
      );
    }
    const rows = await qb.take(query.limit + 1).getMany();
    const items = rows.slice(0, query.limit);
    return { items, nextBefore: rows.length > query.limit ? items[items.length - 1].id : null };
  }
}
