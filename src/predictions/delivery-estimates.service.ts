import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { CanonicalStatus, Eta, EtaSource, StoredEstimate } from '../shared/tracking.types';
import { businessIndex } from './business-days';
import { type DeliveryEstimate, DeliveryEstimator, type LaneFacts } from './delivery-estimate';
import {
  type CarrierAccuracy,
  DEFAULT_CHOICE_RULE,
  ESTIMATED_STATUSES,
  preferredSource,
  scoreDelivery,
  shippedOnOf,
  shownSource,
  storedWindow,
} from './shipment-estimate';

/** How long a trained model is used before it learns the newest deliveries. */
const RETRAIN_MS = 60 * 60_000;
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

/** What one scan tells the estimate of its shipment (tracking reads it from the locked row and the update). */
export interface ScanFacts {
  carrier: string;
  service: string | null;
  status: CanonicalStatus;
  eta: Eta | null;
  originalEta: Eta | null;
  deliveredAt: Date | null;
  estimate: StoredEstimate | null;
  firstEstimate: StoredEstimate | null;
  etaSource: EtaSource | null;
  estimateError: number | null;
  carrierEtaError: number | null;
  /** The order's destination and the customer's zone; null while the shipment has no order. */
  destination: { country: string | null; postcode: string | null; timeZone: string | null } | null;
  /** The update's new scans. */
  scans: { status: CanonicalStatus; occurredAt: Date | null }[];
}

/** The shipment's estimate columns after the scan (unchanged values included). */
export interface EstimateColumns {
  estimate: StoredEstimate | null;
  firstEstimate: StoredEstimate | null;
  etaSource: EtaSource | null;
  estimateError?: number | null;
  estimateHit?: boolean | null;
  carrierEtaError?: number | null;
}

interface Model extends EstimateModel {
  trainedAt: number;
}

/**
 * Delivery windows from the store's own history (issue 20): a DeliveryEstimator trained from the delivered
 * shipments of the last year (analytics' shipment facts) and each carrier's recent accuracy, ours against the
 * carrier's (the scores stored at delivery), both kept for an hour, then retrained in the background on the
 * next use. The same model code that `npm run eval:edd` backtests.
 *
 * Webhook intake calls {@link forScan} inside its transaction: it never waits for a training (before the first
 * model exists, windows are simply not remade), and its answer is folded into the shipment UPDATE intake already
 * makes, so a scan costs no statement more.
 */
@Injectable()
export class DeliveryEstimates implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryEstimates.name);
  private model: Model | null = null;
  private training: Promise<Model> | null = null;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Warm, so the first scans after a start already get windows; a failure is retried on the next use.
    this.current(new Date()).catch((err: Error) =>
      this.logger.warn(`Delivery estimates could not be trained: ${err.message}`),
    );
  }

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
    const { estimator } = await this.current(now);
    return estimateWith(estimator, facts, shippedOn, today, now);
  }

  /** Per carrier, the source its shipments show (null: no evidence yet, the fallback applies). */
  async preferredSource(carrier: string, now = new Date()): Promise<EtaSource | null> {
    const { accuracy } = await this.current(now);
    return preferredSource(accuracy.get(carrier));
  }

  /** Trains now (after history was loaded in bulk, or in tests), instead of waiting for the next period. */
  async retrain(): Promise<void> {
    await this.training?.catch(() => undefined); // one that started before the new history must not answer
    this.model = null;
    await this.current(new Date());
  }

  /**
   * The estimate columns of a shipment after a scan, computed in memory: a new window conditional on the time
   * spent (the first one kept), the source to show, and at delivery the scores of our first window and the
   * carrier's first ETA. Never waits: without a trained model the stored window stays as it was.
   */
  forScan(facts: ScanFacts, receivedAt: Date): EstimateColumns {
    return estimateAfterScan(this.ready(receivedAt), facts, receivedAt, this.config.analytics.storeTimeZone);
  }

  /** The trained model if there is one (a stale one starts a retrain and still answers); never waits. */
  private ready(now: Date): Model | null {
    if (!this.model || now.getTime() - this.model.trainedAt >= RETRAIN_MS) {
      this.current(now).catch((err: Error) =>
        this.logger.warn(`Delivery estimates could not be trained: ${err.message}`),
      );
    }
    return this.model;
  }

  private async current(now: Date): Promise<Model> {
    if (this.model && now.getTime() - this.model.trainedAt < RETRAIN_MS) return this.model;
    this.training ??= this.train()
      .then((model) => (this.model = model))
      .finally(() => {
        this.training = null;
      });
    // While a retrain runs, the previous model keeps answering.
    return this.model ?? this.training;
  }

  private async train(): Promise<Model> {
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
    // Scores stored at delivery (partial index on delivered_at): each source's mean absolute error per carrier.
    const scores: {
      carrier: string;
      oursSamples: number;
      oursMae: number | null;
      carrierSamples: number;
      carrierMae: number | null;
    }[] = await this.db.query(
      `SELECT carrier,
              count(estimate_error)::int AS "oursSamples", avg(abs(estimate_error))::float8 AS "oursMae",
              count(carrier_eta_error)::int AS "carrierSamples", avg(abs(carrier_eta_error))::float8 AS "carrierMae"
         FROM shipments
        WHERE delivered_at IS NOT NULL AND delivered_at >= now() - make_interval(days => $1::int)
          AND (estimate_error IS NOT NULL OR carrier_eta_error IS NOT NULL)
        GROUP BY carrier`,
      [DEFAULT_CHOICE_RULE.windowDays],
    );
    const accuracy = new Map<string, CarrierAccuracy>(
      scores.map((r) => [
        r.carrier,
        {
          ours: { samples: r.oursSamples, mae: r.oursMae },
          carrier: { samples: r.carrierSamples, mae: r.carrierMae },
        },
      ]),
    );
    this.logger.log(
      `Delivery estimates trained on ${rows.length} deliveries and ${accuracy.size} carriers' scores in ${Date.now() - started} ms`,
    );
    return { estimator, accuracy, trainedAt: Date.now() };
  }
}

/** A trained model: the estimator and each carrier's recent record. */
export interface EstimateModel {
  estimator: DeliveryEstimator;
  accuracy: Map<string, CarrierAccuracy>;
}

/**
 * {@link DeliveryEstimates.forScan} without the cache: the estimate columns of a shipment after a scan, given the
 * model (null before the first training) and the store's zone (ship days are store dates, as the model learnt).
 */
export function estimateAfterScan(
  model: EstimateModel | null,
  facts: ScanFacts,
  receivedAt: Date,
  storeZone: string,
): EstimateColumns {
  const zone = facts.destination?.timeZone ?? 'UTC';
  const today = dayIn(receivedAt, zone);
  const columns: EstimateColumns = {
    estimate: facts.estimate,
    firstEstimate: facts.firstEstimate,
    etaSource: facts.etaSource,
  };
  if (facts.status === 'delivered') {
    if (facts.deliveredAt && facts.estimateError === null && facts.carrierEtaError === null) {
      Object.assign(
        columns,
        scoreDelivery(facts.firstEstimate, facts.originalEta, dayIn(facts.deliveredAt, zone)),
      );
    }
    return columns;
  }
  const estimating = ESTIMATED_STATUSES.includes(facts.status);
  if (estimating && model) {
    const shippedOn = shippedOnOf(
      facts.estimate?.shippedOn ?? facts.firstEstimate?.shippedOn ?? null,
      facts.scans,
      (instant) => dayIn(instant, storeZone),
    );
    if (shippedOn) {
      const lane: LaneFacts = {
        carrier: facts.carrier,
        service: facts.service,
        destinationCountry: facts.destination?.country ?? null,
        destinationPostcode: facts.destination?.postcode ?? null,
      };
      const window = storedWindow(
        estimateWith(model.estimator, lane, shippedOn, today, receivedAt),
        shippedOn,
        receivedAt,
      );
      columns.estimate = window;
      columns.firstEstimate = facts.firstEstimate ?? window;
    }
  }
  const preferred = model ? preferredSource(model.accuracy.get(facts.carrier)) : facts.etaSource;
  columns.etaSource = shownSource(preferred, facts.eta, estimating ? columns.estimate : null, today);
  return columns;
}

/** The customer's (or store's) calendar date of an instant in a zone; UTC when the zone is unknown. */
export function dayIn(instant: Date, zone: string): string {
  return (
    DateTime.fromJSDate(instant, { zone }).toISODate() ??
    DateTime.fromJSDate(instant, { zone: 'UTC' }).toISODate()!
  );
}

function estimateWith(
  estimator: DeliveryEstimator,
  facts: LaneFacts,
  shippedOn: string,
  today: string,
  now: Date,
): DeliveryEstimate {
  const asOf = businessIndex(today) >= businessIndex(shippedOn) ? today : shippedOn;
  return estimator.estimate(facts, shippedOn, now.getTime(), asOf);
}
