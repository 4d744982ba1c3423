/**
 * Honest measurement of delivery estimates on a store's history (`npm run eval:edd`).
 *
 * Rolling origin: shipments are taken in ship order, and each is estimated by a model that has learnt only the
 * shipments delivered before it shipped, as the service would have known them on that day. The same figures are
 * computed for the store's promised date and the carrier's ETA, where the history has them, as a single-day
 * window each. Errors and widths are in business days (see business-days.ts).
 */
import { DateTime } from 'luxon';
import { businessIndex } from './business-days';
import { DeliveryEstimator, EstimatorOptions, LaneFacts, LaneLevel } from './delivery-estimate';

export const HISTORY_COLUMNS = [
  'shipment_id',
  'carrier',
  'service',
  'origin_country',
  'origin_postcode',
  'destination_country',
  'destination_postcode',
  'shipped_at',
  'delivered_at',
  'promised_date',
  'carrier_eta',
] as const;

export interface HistoryRow extends LaneFacts {
  shipmentId: string;
  shippedAtMs: number;
  shippedOn: string;
  deliveredAtMs: number | null;
  deliveredOn: string | null;
  promisedDate: string | null;
  carrierEta: string | null;
}

export interface AccuracyFigures {
  /** Shipments scored (delivered) and, of those, how many got an estimate. */
  scored: number;
  estimated: number;
  coverage: number | null;
  windowHitRate: number | null;
  exactRate: number | null;
  withinOneDayRate: number | null;
  mae: number | null;
  meanWidthDays: number | null;
  lateRate: number | null;
}

export interface BacktestReport {
  ours: AccuracyFigures;
  promised: AccuracyFigures;
  carrier: AccuracyFigures;
  /** Our figures on shipments answered by a lane cell (not the carrier-wide or store-wide fallback). */
  oursOnLanes: AccuracyFigures;
  levels: Partial<Record<LaneLevel, number>>;
}

export class HistoryFormatError extends Error {}

/**
 * `YYYY-MM-DD` when the value is a real calendar date (2024-02-30 is not), else null. Tracking's own reader
 * (tracking/eta.ts) is not imported: tracking depends on predictions, never the reverse.
 */
function parseCalendarDate(value: string): string | null {
  const trimmed = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return null;
  return DateTime.fromISO(trimmed, { zone: 'utc' }).isValid ? trimmed : null;
}

/** An instant and its local calendar date: the date in the string's own offset, else in `zone`. */
function readInstant(
  value: string,
  zone: string,
  column: string,
  line: number,
): { ms: number; date: string } {
  const dateOnly = parseCalendarDate(value);
  const parsed = dateOnly
    ? DateTime.fromISO(dateOnly, { zone })
    : DateTime.fromISO(value, { setZone: true, zone });
  if (!parsed.isValid)
    throw new HistoryFormatError(`line ${line}: ${column} "${value}" is not an ISO 8601 date`);
  return { ms: parsed.toMillis(), date: parsed.toISODate() as string };
}

function readDate(value: string, zone: string, column: string, line: number): string | null {
  if (!value) return null;
  return parseCalendarDate(value) ?? readInstant(value, zone, column, line).date;
}

/** Splits one CSV line (RFC 4180 quoting). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/** Reads a history CSV with the header `HISTORY_COLUMNS` (any order); local dates fall back to `zone`. */
export function parseHistoryCsv(text: string, zone = 'UTC'): HistoryRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) throw new HistoryFormatError('the file is empty');
  const header = splitCsvLine(lines[0]).map((h) => h.toLowerCase());
  const missing = HISTORY_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new HistoryFormatError(`the header lacks ${missing.join(', ')}`);
  const col = Object.fromEntries(HISTORY_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof HISTORY_COLUMNS)[number],
    number
  >;
  return lines.slice(1).map((raw, i) => {
    const line = i + 2;
    const cells = splitCsvLine(raw);
    const get = (c: (typeof HISTORY_COLUMNS)[number]) => cells[col[c]] ?? '';
    if (!get('shipped_at')) throw new HistoryFormatError(`line ${line}: shipped_at is empty`);
    const shipped = readInstant(get('shipped_at'), zone, 'shipped_at', line);
    const delivered = get('delivered_at')
      ? readInstant(get('delivered_at'), zone, 'delivered_at', line)
      : null;
    return {
      shipmentId: get('shipment_id'),
      carrier: get('carrier'),
      service: get('service') || null,
      originCountry: get('origin_country') || null,
      originPostcode: get('origin_postcode') || null,
      destinationCountry: get('destination_country') || null,
      destinationPostcode: get('destination_postcode') || null,
      shippedAtMs: shipped.ms,
      shippedOn: shipped.date,
      deliveredAtMs: delivered?.ms ?? null,
      deliveredOn: delivered?.date ?? null,
      promisedDate: readDate(get('promised_date'), zone, 'promised_date', line),
      carrierEta: readDate(get('carrier_eta'), zone, 'carrier_eta', line),
    };
  });
}

class Tally {
  scored = 0;
  estimated = 0;
  hits = 0;
  exact = 0;
  withinOne = 0;
  absError = 0;
  width = 0;
  late = 0;

  add(deliveredOn: string, window: { earliest: string; likely: string; latest: string } | null): void {
    this.scored++;
    if (!window) return;
    this.estimated++;
    const actual = businessIndex(deliveredOn);
    const likely = businessIndex(window.likely);
    const earliest = businessIndex(window.earliest);
    const latest = businessIndex(window.latest);
    const error = Math.abs(actual - likely);
    if (actual >= earliest && actual <= latest) this.hits++;
    if (error === 0) this.exact++;
    if (error <= 1) this.withinOne++;
    if (actual > latest) this.late++;
    this.absError += error;
    this.width += latest - earliest;
  }

  figures(): AccuracyFigures {
    const of = (n: number, d: number) => (d ? n / d : null);
    return {
      scored: this.scored,
      estimated: this.estimated,
      coverage: of(this.estimated, this.scored),
      windowHitRate: of(this.hits, this.estimated),
      exactRate: of(this.exact, this.estimated),
      withinOneDayRate: of(this.withinOne, this.estimated),
      mae: of(this.absError, this.estimated),
      meanWidthDays: of(this.width, this.estimated),
      lateRate: of(this.late, this.estimated),
    };
  }
}

const pointWindow = (date: string | null) => (date ? { earliest: date, likely: date, latest: date } : null);

/** Scores our estimate, the promise and the carrier's ETA on every delivered shipment, rolling origin. */
export function backtest(rows: HistoryRow[], options: Partial<EstimatorOptions> = {}): BacktestReport {
  const estimator = new DeliveryEstimator(options);
  const byShipping = [...rows].sort((a, b) => a.shippedAtMs - b.shippedAtMs);
  const byDelivery = rows
    .filter((r) => r.deliveredAtMs !== null && r.deliveredOn !== null)
    .sort((a, b) => a.deliveredAtMs! - b.deliveredAtMs!);
  const ours = new Tally();
  const onLanes = new Tally();
  const promised = new Tally();
  const carrier = new Tally();
  const levels: Partial<Record<LaneLevel, number>> = {};
  let learnt = 0;
  for (const row of byShipping) {
    while (learnt < byDelivery.length && byDelivery[learnt].deliveredAtMs! < row.shippedAtMs) {
      const done = byDelivery[learnt++];
      estimator.add({ ...done, deliveredOn: done.deliveredOn!, deliveredAtMs: done.deliveredAtMs! });
    }
    if (!row.deliveredOn) continue;
    const estimate = estimator.estimate(row, row.shippedOn, row.shippedAtMs);
    const window = estimate.status === 'estimated' ? estimate : null;
    ours.add(row.deliveredOn, window);
    if (window) {
      levels[window.level] = (levels[window.level] ?? 0) + 1;
      if (window.level !== 'carrier_service' && window.level !== 'store')
        onLanes.add(row.deliveredOn, window);
    }
    promised.add(row.deliveredOn, pointWindow(row.promisedDate));
    carrier.add(row.deliveredOn, pointWindow(row.carrierEta));
  }
  return {
    ours: ours.figures(),
    promised: promised.figures(),
    carrier: carrier.figures(),
    oursOnLanes: onLanes.figures(),
    levels,
  };
}
