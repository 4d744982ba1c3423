/**
 * The arithmetic of delivery analytics, apart from SQL: rollup rows summed into weeks and into the figures the API
 * answers (shipment facts are summed into daily rows by the refresh's statement). Rates are fractions, null when
 * their denominator is 0.
 */
import { type Histogram, merge, p50p90 } from './histogram';

export interface DailyKey {
  cohortDate: string;
  carrier: string;
  service: string;
  destinationCountry: string;
}

/** A row of analytics_delivery_daily, as stored (snake_case). */
export interface DailyRow {
  cohort_date: string;
  carrier: string;
  service: string;
  destination_country: string;
  shipments: number;
  with_attempt: number;
  delivered_first: number;
  with_promise: number;
  on_time: number;
  with_exception: number;
  lost: number;
  returned: number;
  exception_reasons: Record<string, number>;
  transit_days: Histogram;
  first_scan_hours: Histogram;
  latency_minutes: Histogram;
}

function emptyRow(key: DailyKey): DailyRow {
  return {
    cohort_date: key.cohortDate,
    carrier: key.carrier,
    service: key.service,
    destination_country: key.destinationCountry,
    shipments: 0,
    with_attempt: 0,
    delivered_first: 0,
    with_promise: 0,
    on_time: 0,
    with_exception: 0,
    lost: 0,
    returned: 0,
    exception_reasons: {},
    transit_days: {},
    first_scan_hours: {},
    latency_minutes: {},
  };
}

export interface DeliveryFigures {
  shipments: number;
  onTimeRate: number | null;
  firstAttemptRate: number | null;
  transitDays: { p50: number | null; p90: number | null };
  /** Shipments per whole business day of transit: the distribution the dashboard draws. */
  transitDaysHistogram: Histogram;
  exceptionRate: number | null;
  exceptionsByReason: Record<string, number>;
  timeToFirstScanHours: { p50: number | null; p90: number | null };
  scanLatencyMinutes: { p50: number | null; p90: number | null };
  lost: number;
  returned: number;
  /** The counts behind the rates, so a reader can check them and a dashboard can link to them. */
  counts: {
    withAttempt: number;
    deliveredFirst: number;
    withPromise: number;
    onTime: number;
    withException: number;
  };
}

export const rate = (numerator: number, denominator: number): number | null =>
  denominator ? numerator / denominator : null;

/** Rollup rows added up into one row with the given key (a week's row from its days, a group's total). */
export function sumRows(rows: DailyRow[], key: DailyKey): DailyRow {
  const sum = emptyRow(key);
  for (const r of rows) {
    sum.shipments += r.shipments;
    sum.with_attempt += r.with_attempt;
    sum.delivered_first += r.delivered_first;
    sum.with_promise += r.with_promise;
    sum.on_time += r.on_time;
    sum.with_exception += r.with_exception;
    sum.lost += r.lost;
    sum.returned += r.returned;
    merge(sum.exception_reasons, r.exception_reasons);
    merge(sum.transit_days, r.transit_days);
    merge(sum.first_scan_hours, r.first_scan_hours);
    merge(sum.latency_minutes, r.latency_minutes);
  }
  return sum;
}

/** Sums rollup rows into the figures of one group (or the whole range). */
export function figuresOf(rows: DailyRow[]): DeliveryFigures {
  const sum = sumRows(rows, { cohortDate: '', carrier: '', service: '', destinationCountry: '' });
  return {
    shipments: sum.shipments,
    onTimeRate: rate(sum.on_time, sum.with_promise),
    firstAttemptRate: rate(sum.delivered_first, sum.with_attempt),
    transitDays: p50p90(sum.transit_days),
    transitDaysHistogram: sum.transit_days,
    exceptionRate: rate(sum.with_exception, sum.shipments),
    exceptionsByReason: sum.exception_reasons,
    timeToFirstScanHours: p50p90(sum.first_scan_hours),
    scanLatencyMinutes: p50p90(sum.latency_minutes),
    lost: sum.lost,
    returned: sum.returned,
    counts: {
      withAttempt: sum.with_attempt,
      deliveredFirst: sum.delivered_first,
      withPromise: sum.with_promise,
      onTime: sum.on_time,
      withException: sum.with_exception,
    },
  };
}

/** The Monday of a date's ISO week, as `YYYY-MM-DD`. */
export function weekOf(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const back = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/** The whole ISO weeks (Monday to Monday) inside a range, as `[weeksFrom, weeksTo)`; empty at `to` when none. */
export function wholeWeeks({ from, to }: { from: string; to: string }): {
  weeksFrom: string;
  weeksTo: string;
} {
  const weeksFrom = weekOf(from) === from ? from : weekOf(addDays(from, 7));
  const weeksTo = weekOf(to);
  return weeksFrom < weeksTo ? { weeksFrom, weeksTo } : { weeksFrom: to, weeksTo: to };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export const DELIVERY_GROUPS = ['carrier', 'service', 'destinationCountry', 'week'] as const;
export type DeliveryGroup = (typeof DELIVERY_GROUPS)[number];

export function groupKey(row: DailyRow, by: DeliveryGroup): string {
  switch (by) {
    case 'carrier':
      return row.carrier;
    case 'service':
      return row.service;
    case 'destinationCountry':
      return row.destination_country;
    case 'week':
      return weekOf(row.cohort_date);
  }
}
