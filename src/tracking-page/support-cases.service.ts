import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MaintenanceRegistry } from '../queue/maintenance.registry';
import { JobName } from '../queue/queue.constants';
import { signStandardWebhook } from '../tracking/webhook-signature';
import { type CaseKind, SupportCase } from './tracking-page.entities';

const WEBHOOK_TIMEOUT_MS = 10_000;
/** How often the delivery task looks for due cases. */
export const CASE_DELIVERY_EVERY_MS = 30_000;
/** Cases one run delivers; the rest wait for the next run. */
const BATCH = 20;
/** A claimed case is not picked again for this long, so a run that dies mid-delivery is retried, not lost. */
const LEASE_SECONDS = 300;
/** Backoff after the n-th failed try: 30 s, 1 min, 2 min … capped at an hour; the task never gives up. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 3600);
}

export interface SupportCaseView {
  id: string;
  kind: CaseKind;
  details: string | null;
  source: string;
  status: string;
  webhookStatus: string;
  shipment: { id: string; trackingNumber: string } | null;
  createdAt: string;
}

/**
 * Support cases raised from the tracking page (delivery instructions, problems): stored for the support console and,
 * when HANDOFF_WEBHOOK_URL is set, posted there signed Standard Webhooks style like chat hand-offs. Delivery is a
 * maintenance task over `pending` rows, not a fire-and-forget job: the row is the truth, so a case survives a lost
 * job, a restart or a receiver that is down for a day.
 */
@Injectable()
export class SupportCasesService implements OnModuleInit {
  private readonly logger = new Logger(SupportCasesService.name);

  constructor(
    private readonly db: DataSource,
    private readonly registry: MaintenanceRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      job: JobName.DeliverSupportCases,
      everyMs: CASE_DELIVERY_EVERY_MS,
      run: () => this.deliverDue(),
    });
  }

  async create(fields: {
    orderId: string;
    shipmentId: string | null;
    kind: CaseKind;
    details: string | null;
  }): Promise<string> {
    const webhook = !!this.config.chat.handoffWebhookUrl;
    const id = randomUUID();
    await this.db.getRepository(SupportCase).insert({
      id,
      ...fields,
      source: 'tracking_page',
      webhookStatus: webhook ? 'pending' : 'not_configured',
      webhookNextAt: webhook ? new Date() : null,
    });
    this.logger.log(`Support case ${id} (${fields.kind}) for order ${fields.orderId} from the tracking page`);
    return id;
  }

  /** The cases of one order, newest first, for the support console. */
  async forOrder(orderId: string): Promise<SupportCaseView[]> {
    const rows: (Omit<SupportCaseView, 'createdAt' | 'shipment'> & {
      createdAt: Date;
      shipmentId: string | null;
      trackingNumber: string | null;
    })[] = await this.db.query(
      `SELECT c.id, c.kind, c.details, c.source, c.status, c.webhook_status AS "webhookStatus",
              c.created_at AS "createdAt", c.shipment_id AS "shipmentId", s.tracking_number AS "trackingNumber"
         FROM support_cases c LEFT JOIN shipments s ON s.id = c.shipment_id
        WHERE c.order_id = $1 ORDER BY c.created_at DESC LIMIT 200`,
      [orderId],
    );
    return rows.map(({ shipmentId, trackingNumber, createdAt, ...r }) => ({
      ...r,
      shipment: shipmentId ? { id: shipmentId, trackingNumber: trackingNumber ?? '' } : null,
      createdAt: createdAt.toISOString(),
    }));
  }

  /** Delivers every due `pending` case; answers how many went out and how many wait for a retry. */
  async deliverDue(): Promise<{ delivered: number; retrying: number; failed: number }> {
    const result = { delivered: 0, retrying: 0, failed: 0 };
    // Claimed with a lease in one statement, so two workers never post the same case at once.
    const claimed: { id: string; attempts: number }[] = (
      await this.db.query(
        `UPDATE support_cases SET webhook_next_at = now() + make_interval(secs => ${LEASE_SECONDS})
          WHERE id IN (SELECT id FROM support_cases
                        WHERE webhook_status = 'pending' AND webhook_next_at <= now()
                        ORDER BY webhook_next_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
          RETURNING id, webhook_attempts AS attempts`,
      )
    )[0];
    for (const row of claimed ?? []) {
      const outcome = await this.deliver(row.id).catch((err: Error) => {
        this.logger.warn(`Support case ${row.id} webhook failed: ${err.message}`);
        return 'retry' as const;
      });
      if (outcome === 'retry') {
        const attempts = row.attempts + 1;
        await this.db.query(
          `UPDATE support_cases SET webhook_attempts = $2, webhook_next_at = now() + make_interval(secs => $3)
            WHERE id = $1`,
          [row.id, attempts, retryDelaySeconds(attempts)],
        );
        result.retrying++;
      } else if (outcome === 'delivered') result.delivered++;
      else result.failed++;
    }
    return result;
  }

  /** The webhook body: the case and the order context an agent needs. */
  async payload(caseId: string): Promise<Record<string, unknown> | null> {
    const [row]: {
      id: string;
      kind: string;
      details: string | null;
      source: string;
      createdAt: Date;
      shipmentId: string | null;
      orderId: string;
      number: string;
      customerId: string;
      locale: string;
    }[] = await this.db.query(
      `SELECT c.id, c.kind, c.details, c.source, c.created_at AS "createdAt", c.shipment_id AS "shipmentId",
              o.id AS "orderId", o.external_id AS number, o.customer_id AS "customerId", o.contact_locale AS locale
         FROM support_cases c JOIN orders o ON o.id = c.order_id WHERE c.id = $1`,
      [caseId],
    );
    if (!row) return null;
    const shipments: Record<string, unknown>[] = await this.db.query(
      `SELECT id, carrier, tracking_number AS "trackingNumber", status, exception_reason AS "exceptionReason", eta,
              last_event_at AS "lastEventAt"
         FROM shipments WHERE order_id = $1 ORDER BY created_at`,
      [row.orderId],
    );
    return {
      type: 'tracking_page.case',
      case: {
        id: row.id,
        kind: row.kind,
        details: row.details,
        source: row.source,
        shipmentId: row.shipmentId,
        createdAt: row.createdAt.toISOString(),
      },
      order: {
        id: row.orderId,
        number: row.number,
        customerId: row.customerId,
        locale: row.locale,
        shipments,
      },
    };
  }

  private async deliver(caseId: string): Promise<'delivered' | 'retry' | 'failed'> {
    const url = this.config.chat.handoffWebhookUrl;
    const secret = this.config.chat.handoffWebhookSecret;
    if (!url || !secret) {
      await this.setStatus(caseId, 'not_configured');
      return 'failed';
    }
    const payload = await this.payload(caseId);
    if (!payload) return 'failed';
    const body = JSON.stringify(payload);
    const id = `msg_${caseId}`; // the same id on every try, so the receiver can drop a repeat
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook(id, timestamp, body, secret),
      },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    if (response.ok) {
      await this.setStatus(caseId, 'delivered');
      this.logger.log(`Support case ${caseId} delivered (${response.status})`);
      return 'delivered';
    }
    // A 4xx other than 408/429 is permanent: the receiver will not change its mind.
    if (
      response.status >= 400 &&
      response.status < 500 &&
      response.status !== 408 &&
      response.status !== 429
    ) {
      await this.setStatus(caseId, 'failed');
      this.logger.warn(`Support case ${caseId} webhook refused with ${response.status}`);
      return 'failed';
    }
    this.logger.warn(`Support case ${caseId} webhook answered ${response.status}; will retry`);
    return 'retry';
  }

  private async setStatus(caseId: string, status: 'delivered' | 'failed' | 'not_configured'): Promise<void> {
    await this.db.query(
      `UPDATE support_cases SET webhook_status = $2, webhook_next_at = NULL,
              webhook_attempts = webhook_attempts + 1 WHERE id = $1`,
      [caseId, status],
    );
  }
}
