import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type GapSample, type GapThresholds, scanGapThresholds } from './scan-gaps';

/**
 * How long the thresholds are used before they learn the newest scans: a 95th percentile over weeks of gaps moves
 * slowly, and on a large store the statement reads every event of the history window (seconds at 10,000,000).
 */
const REFRESH_MS = 6 * 3_600_000;
/** Gaps older than this say little about today's network. */
const HISTORY_DAYS = 60;
/** The most recent gaps kept per lane: plenty for a 95th percentile, and a bound on the statement's output. */
const MAX_PER_LANE = 2000;

/**
 * The "stalled" thresholds of every lane (scan-gaps.ts) from the store's own tracking_events: the gaps between
 * consecutive scans of parcels still moving (the statuses the no-scan check watches), by carrier and the order's
 * destination country. Computed on first use, kept for 6 hours, then recomputed on the next use while the
 * previous thresholds keep answering (like DeliveryEstimates and its model).
 */
@Injectable()
export class ScanGaps {
  private readonly logger = new Logger(ScanGaps.name);
  private cached: { thresholds: GapThresholds; at: number } | null = null;
  private computing: Promise<GapThresholds> | null = null;

  constructor(private readonly db: DataSource) {}

  async thresholds(): Promise<GapThresholds> {
    if (this.cached && Date.now() - this.cached.at < REFRESH_MS) return this.cached.thresholds;
    this.computing ??= this.compute()
      .then((thresholds) => {
        this.cached = { thresholds, at: Date.now() };
        return thresholds;
      })
      .finally(() => {
        this.computing = null;
      });
    return this.cached?.thresholds ?? this.computing;
  }

  /** Recomputes now (after history was loaded in bulk, or in tests), instead of waiting for the next period. */
  async refresh(): Promise<GapThresholds> {
    await this.computing?.catch(() => undefined); // one that started before the new history must not answer
    const thresholds = await this.compute();
    this.cached = { thresholds, at: Date.now() };
    return thresholds;
  }

  private async compute(): Promise<GapThresholds> {
    const started = Date.now();
    const samples: GapSample[] = (
      await this.db.query(
        `WITH scans AS (
           SELECT e.shipment_id, e.status, e.occurred_at,
                  lead(e.occurred_at) OVER (PARTITION BY e.shipment_id ORDER BY e.occurred_at) AS next_at
             FROM tracking_events e
            WHERE e.occurred_at >= now() - make_interval(days => $1::int)
         ), gaps AS (
           SELECT s.carrier, o.contact_country AS country,
                  extract(epoch FROM g.next_at - g.occurred_at) * 1000 AS gap_ms,
                  row_number() OVER (PARTITION BY s.carrier, o.contact_country ORDER BY g.occurred_at DESC) AS n
             FROM scans g
             JOIN shipments s ON s.id = g.shipment_id
             LEFT JOIN orders o ON o.id = s.order_id
            WHERE g.next_at > g.occurred_at
              AND g.status IN ('pre_transit', 'in_transit', 'out_for_delivery', 'attempt_failed', 'unknown')
         )
         SELECT carrier, country, gap_ms AS "gapMs" FROM gaps WHERE n <= $2`,
        [HISTORY_DAYS, MAX_PER_LANE],
      )
    ).map((r: { carrier: string; country: string | null; gapMs: string | number }) => ({
      carrier: r.carrier,
      country: r.country?.trim() || null,
      gapMs: Number(r.gapMs),
    }));
    const thresholds = scanGapThresholds(samples);
    this.logger.log(
      `Scan-gap thresholds from ${samples.length} gaps (${thresholds.lanes.size} lanes) in ${Date.now() - started} ms`,
    );
    return thresholds;
  }
}
