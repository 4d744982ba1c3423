import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { businessIndex } from './business-days';
import { type DeliveryEstimate, DeliveryEstimator, type LaneFacts } from './delivery-estimate';

/** How long a trained model is used before it learns the newest deliveries. */
const RETRAIN_MS = 15 * 60_000;
/** Deliveries older than this say little about today's network (they also weigh almost nothing). */
const HISTORY_DAYS = 365;

interface DeliveredRow {
  carrier: string;
  service: string;
  destinationCountry: string;
  destinationPostcode: string | null;
  shippedOn: string;
  deliveredOn: string;
  deliveredAt: Date;
}

/**
 * Delivery windows from the store's own history (issue 20), for the pages that show a date when the carrier gives
 * none: a DeliveryEstimator trained from the delivered shipments of the last year (analytics' shipment facts), kept
 * for 15 minutes, then retrained on the next use. The same model code that `npm run eval:edd` backtests.
 */
@Injectable()
export class DeliveryEstimates {
  private readonly logger = new Logger(DeliveryEstimates.name);
  private model: { estimator: DeliveryEstimator; trainedAt: number } | null = null;
  private training: Promise<DeliveryEstimator> | null = null;

  constructor(private readonly db: DataSource) {}

  /**
   * The window for a parcel first scanned on `shippedOn` (store zone) and still on its way on `today` (the
   * customer's date): conditional on the business days already spent.
   */
  async estimate(
    facts: LaneFacts,
    shippedOn: string,
    today: string,
    now = new Date(),
  ): Promise<DeliveryEstimate> {
    const estimator = await this.current(now);
    const asOf = businessIndex(today) >= businessIndex(shippedOn) ? today : shippedOn;
    return estimator.estimate(facts, shippedOn, now.getTime(), asOf);
  }

  private async current(now: Date): Promise<DeliveryEstimator> {
    if (this.model && now.getTime() - this.model.trainedAt < RETRAIN_MS) return this.model.estimator;
    this.training ??= this.train()
      .then((estimator) => {
        this.model = { estimator, trainedAt: Date.now() };
        return estimator;
      })
      .finally(() => {
        this.training = null;
      });
    // While a retrain runs, the previous model keeps answering.
    return this.model?.estimator ?? this.training;
  }

  private async train(): Promise<DeliveryEstimator> {
    const started = Date.now();
    const rows: DeliveredRow[] = await this.db.query(
      `SELECT f.carrier, f.service, f.destination_country AS "destinationCountry",
              o.contact_postcode AS "destinationPostcode",
              to_char(f.cohort_date, 'YYYY-MM-DD') AS "shippedOn",
              to_char((s.delivered_at AT TIME ZONE coalesce(o.contact_time_zone, 'UTC'))::date, 'YYYY-MM-DD') AS "deliveredOn",
              s.delivered_at AS "deliveredAt"
         FROM shipment_facts f
         JOIN shipments s ON s.id = f.shipment_id
         LEFT JOIN orders o ON o.id = f.order_id
        WHERE s.delivered_at IS NOT NULL AND f.cohort_date >= current_date - $1::int`,
      [HISTORY_DAYS],
    );
    const estimator = new DeliveryEstimator();
    for (const r of rows) {
      estimator.add({
        carrier: r.carrier,
        service: r.service || null,
        destinationCountry: r.destinationCountry || null,
        destinationPostcode: r.destinationPostcode,
        shippedOn: r.shippedOn,
        deliveredOn: r.deliveredOn,
        deliveredAtMs: new Date(r.deliveredAt).getTime(),
      });
    }
    this.logger.log(`Delivery estimates trained on ${rows.length} deliveries in ${Date.now() - started} ms`);
    return estimator;
  }
}
