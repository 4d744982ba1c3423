import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { carrierDisplayName } from '../carriers/carrier-registry';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { DateRange } from './analytics.service';

/** One source's accuracy over a set of deliveries (fractions 0–1, days in business days; null when not defined). */
export interface EstimateFigures {
  /** Deliveries that had a first date from this source. */
  covered: number;
  /** covered / deliveries. */
  coverage: number | null;
  /** Delivered within the first window (for the carrier's single date: on that day). */
  windowHitRate: number | null;
  /** Delivered on the most likely day. */
  exactRate: number | null;
  /** Delivered within one business day of the most likely day. */
  withinOneDayRate: number | null;
  /** Mean absolute error of the most likely day, in business days. */
  mae: number | null;
  /** Delivered after the window's last day. */
  lateRate: number | null;
}

export interface EstimateAccuracyReport extends DateRange {
  deliveries: number;
  ours: EstimateFigures;
  carrier: EstimateFigures;
  groups: {
    key: string;
    name: string;
    deliveries: number;
    ours: EstimateFigures;
    carrier: EstimateFigures;
  }[];
}

interface Counts {
  deliveries: number;
  oursCovered: number;
  oursHits: number;
  oursExact: number;
  oursWithinOne: number;
  oursAbsError: number;
  oursLate: number;
  carrierCovered: number;
  carrierExact: number;
  carrierWithinOne: number;
  carrierAbsError: number;
  carrierLate: number;
}

const COUNT_KEYS: (keyof Counts)[] = [
  'deliveries',
  'oursCovered',
  'oursHits',
  'oursExact',
  'oursWithinOne',
  'oursAbsError',
  'oursLate',
  'carrierCovered',
  'carrierExact',
  'carrierWithinOne',
  'carrierAbsError',
  'carrierLate',
];

const of = (n: number, d: number) => (d ? n / d : null);

export function figuresOf(c: Counts): { ours: EstimateFigures; carrier: EstimateFigures } {
  return {
    ours: {
      covered: c.oursCovered,
      coverage: of(c.oursCovered, c.deliveries),
      windowHitRate: of(c.oursHits, c.oursCovered),
      exactRate: of(c.oursExact, c.oursCovered),
      withinOneDayRate: of(c.oursWithinOne, c.oursCovered),
      mae: of(c.oursAbsError, c.oursCovered),
      lateRate: of(c.oursLate, c.oursCovered),
    },
    carrier: {
      covered: c.carrierCovered,
      coverage: of(c.carrierCovered, c.deliveries),
      // The carrier gives one day: its "window" is that day.
      windowHitRate: of(c.carrierExact, c.carrierCovered),
      exactRate: of(c.carrierExact, c.carrierCovered),
      withinOneDayRate: of(c.carrierWithinOne, c.carrierCovered),
      mae: of(c.carrierAbsError, c.carrierCovered),
      lateRate: of(c.carrierLate, c.carrierCovered),
    },
  };
}

/** Deliveries are scored when their delivery scan arrives; days this recent are still read live, never rolled. */
const OPEN_DAYS = 7;
/** Closed days rolled again at each tick, for scores that arrive late (a delivery scan weeks late, a backfill). */
const RECHECK_DAYS = 30;

/** The counts of one carrier (or `*`) over deliveries, from the covering index on `delivered_at`. */
const COUNTS_SQL = `count(*)::int AS "deliveries",
       count(estimate_error)::int AS "oursCovered",
       count(*) FILTER (WHERE estimate_hit)::int AS "oursHits",
       count(*) FILTER (WHERE estimate_error = 0)::int AS "oursExact",
       count(*) FILTER (WHERE abs(estimate_error) <= 1)::int AS "oursWithinOne",
       coalesce(sum(abs(estimate_error)), 0)::int AS "oursAbsError",
       count(*) FILTER (WHERE NOT estimate_hit AND estimate_error > 0)::int AS "oursLate",
       count(carrier_eta_error)::int AS "carrierCovered",
       count(*) FILTER (WHERE carrier_eta_error = 0)::int AS "carrierExact",
       count(*) FILTER (WHERE abs(carrier_eta_error) <= 1)::int AS "carrierWithinOne",
       coalesce(sum(abs(carrier_eta_error)), 0)::int AS "carrierAbsError",
       count(*) FILTER (WHERE carrier_eta_error > 0)::int AS "carrierLate"`;

const COLUMN = (key: keyof Counts) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Estimated delivery accuracy and coverage per carrier (issues 19 and 20): for the shipments delivered in a range
 * of store days, our first window and the carrier's first ETA against the delivery day, from the scores intake
 * stores on each shipment at delivery. Closed days (older than a week) come from the daily rollup, the rest from
 * the covering index on `delivered_at` (index-only), so a two-year range reads a few thousand rollup rows.
 */
@Injectable()
export class EstimateAccuracyService {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async report(range: DateRange): Promise<EstimateAccuracyReport> {
    const zone = this.config.analytics.storeTimeZone;
    const [{ rolled }]: { rolled: string | null }[] = await this.db.query(
      `SELECT to_char(max(day) + 1, 'YYYY-MM-DD') AS rolled FROM estimate_accuracy_daily WHERE carrier = '*'`,
    );
    // [from, split) from the rollup, [split, to) live.
    const split = rolled
      ? rolled < range.from
        ? range.from
        : rolled > range.to
          ? range.to
          : rolled
      : range.from;
    const fromRollup: ({ carrier: string } & Counts)[] =
      split > range.from
        ? await this.db.query(
            `SELECT carrier, ${COUNT_KEYS.map((k) => `sum(${COLUMN(k)})::int AS "${k}"`).join(', ')}
               FROM estimate_accuracy_daily WHERE day >= $1 AND day < $2 AND carrier <> '*'
              GROUP BY carrier`,
            [range.from, split],
          )
        : [];
    const live: ({ carrier: string } & Counts)[] =
      split < range.to
        ? await this.db.query(
            `SELECT carrier, ${COUNTS_SQL}
               FROM shipments
              WHERE delivered_at IS NOT NULL
                AND delivered_at >= ($1::date::timestamp AT TIME ZONE $3)
                AND delivered_at < ($2::date::timestamp AT TIME ZONE $3)
              GROUP BY carrier`,
            [split, range.to, zone],
          )
        : [];
    const byCarrier = new Map<string, Counts>();
    const total = zero();
    for (const r of [...fromRollup, ...live]) {
      const c = byCarrier.get(r.carrier) ?? zero();
      for (const k of COUNT_KEYS) {
        c[k] += r[k];
        total[k] += r[k];
      }
      byCarrier.set(r.carrier, c);
    }
    return {
      ...range,
      deliveries: total.deliveries,
      ...figuresOf(total),
      groups: [...byCarrier.entries()]
        .sort(([a, x], [b, y]) => y.deliveries - x.deliveries || a.localeCompare(b))
        .map(([carrier, c]) => ({
          key: carrier,
          name: carrierDisplayName(carrier) || carrier,
          deliveries: c.deliveries,
          ...figuresOf(c),
        })),
    };
  }

  /**
   * Rolls every closed store day not rolled yet (from the first delivery on, the first time) and rolls the last
   * 30 closed days again, in one statement; a day is closed a week after it ended. A score that lands on a day
   * closed for longer than that (a delivery scan more than five weeks late) is not counted.
   */
  async roll(now = new Date()): Promise<number> {
    const zone = this.config.analytics.storeTimeZone;
    const columns = COUNT_KEYS.map(COLUMN).join(', ');
    const rows: { day: string }[] = await this.db.query(
      `WITH bounds AS (
         SELECT CASE WHEN w.rolled IS NULL
                     THEN (SELECT (min(delivered_at) AT TIME ZONE $1)::date FROM shipments
                            WHERE delivered_at IS NOT NULL)
                     ELSE least(w.rolled, ($2::timestamptz AT TIME ZONE $1)::date - $3::int - $4::int) END AS first,
                ($2::timestamptz AT TIME ZONE $1)::date - $3::int AS last_closed
           FROM (SELECT max(day) + 1 AS rolled FROM estimate_accuracy_daily WHERE carrier = '*') w),
       scored AS (
         SELECT (s.delivered_at AT TIME ZONE $1)::date AS day, s.carrier, s.estimate_error, s.estimate_hit,
                s.carrier_eta_error
           FROM shipments s, bounds b
          WHERE s.delivered_at IS NOT NULL
            AND s.delivered_at >= (b.first::timestamp AT TIME ZONE $1)
            AND s.delivered_at < ((b.last_closed + 1)::timestamp AT TIME ZONE $1)),
       per_carrier AS (
         SELECT day, carrier, ${COUNTS_SQL} FROM scored GROUP BY day, carrier),
       per_day AS (
         SELECT d::date AS day, '*' AS carrier,
                ${COUNT_KEYS.map((k) => `coalesce(sum(p."${k}"), 0)::int AS "${k}"`).join(', ')}
           FROM bounds b, generate_series(b.first, b.last_closed, interval '1 day') d
           LEFT JOIN per_carrier p ON p.day = d::date
          GROUP BY d)
       INSERT INTO estimate_accuracy_daily (day, carrier, ${columns})
       SELECT day, carrier, ${COUNT_KEYS.map((k) => `"${k}"`).join(', ')} FROM per_carrier
       UNION ALL
       SELECT day, carrier, ${COUNT_KEYS.map((k) => `"${k}"`).join(', ')} FROM per_day
       ON CONFLICT (day, carrier) DO UPDATE SET ${COUNT_KEYS.map(COLUMN)
         .map((c) => `${c} = EXCLUDED.${c}`)
         .join(', ')}
       RETURNING day`,
      [zone, now.toISOString(), OPEN_DAYS, RECHECK_DAYS],
    );
    return rows.length;
  }
}

function zero(): Counts {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as Counts;
}
