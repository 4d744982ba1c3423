import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException } from '../common/app.exception';

export const SEARCH_LIMIT = 20;
const MAX_QUERY = 200;
/** Fewer digits than this would match the tail of almost every phone number, so short numbers are not phones. */
const MIN_PHONE_DIGITS = 7;
const PHONE_LIKE = /^\+?[\d\s().-]+$/;

export interface OrderSearchResult {
  externalId: string;
  customerName: string;
  shipments: number;
  createdAt: string;
}

interface Row {
  external_id: string;
  name: string;
  shipments: string | number;
  created_at: Date;
}

/** Support's "find this customer's order" box: one query string matched against every way a shopper identifies an order. */
@Injectable()
export class OrderSearchService {
  constructor(private readonly dataSource: DataSource) {}

  async search(raw: unknown): Promise<{ results: OrderSearchResult[] }> {
    if (typeof raw !== 'string' || raw.length > MAX_QUERY || !raw.trim()) {
      throw AppException.validation([{ field: 'q', message: `is required (1-${MAX_QUERY} characters)` }]);
    }
    const q = raw.trim();
    // Emails are stored lower-cased; only a string with an @ can be one.
    const email = q.includes('@') ? q.toLowerCase() : null;
    const digits = q.replace(/\D/g, '');
    // Phones are stored as E.164: matching the digit tail finds "+1 202…", "(202) 555-0123" and "2025550123" alike.
    const phoneSuffix = PHONE_LIKE.test(q) && digits.length >= MIN_PHONE_DIGITS ? `%${digits}` : null;
    const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows: Row[] = await this.dataSource.query(
      // H1 (issue 14): the contact details given with each order, not the shared customer row's.
      `SELECT o.external_id, o.contact_name AS name, o.created_at,
              (SELECT count(*) FROM shipments s2 WHERE s2.order_id = o.id) AS shipments
         FROM orders o
        WHERE o.external_id LIKE $2 ESCAPE '\\'
           OR o.id IN (SELECT s.order_id FROM shipments s WHERE s.tracking_number IN ($1, $3) AND s.order_id IS NOT NULL)
           OR o.contact_email = $4
           OR o.contact_phone LIKE $5
        ORDER BY (o.external_id = $1) DESC, o.created_at DESC
        LIMIT ${SEARCH_LIMIT}`,
      [q, prefix, q.toUpperCase(), email, phoneSuffix],
    );
    return {
      results: rows.map((r) => ({
        externalId: r.external_id,
        customerName: r.name,
        shipments: Number(r.shipments),
        createdAt: new Date(r.created_at).toISOString(),
      })),
    };
  }
}
