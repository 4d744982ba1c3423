/**
 * Estimated delivery windows from the store's own delivered shipments (issue 20).
 *
 * A window is three business-day quantiles of past transit times on the shipment's lane: earliest (P10), most
 * likely (P50) and latest (P90), recency-weighted so that a carrier's change of network shows within weeks. The
 * lane is carrier × service × origin region × destination region × ship weekday; a cell needs at least
 * `minDeliveries` past deliveries, else the model falls back one rung (drop the weekday, then the regions for the
 * countries, then the route, then store-wide), and with too few even store-wide it says "cannot estimate yet"
 * instead of guessing.
 *
 * Once a parcel has been in transit for some business days without arriving, only past parcels that took at least
 * as long say anything about it: the window is re-estimated from that conditional tail, so a parcel still out on
 * day 3 gets a later window than it had on day 0.
 *
 * Pure and deterministic: the service and `npm run eval:edd` run this same code.
 */
import { addBusinessDays, businessIndex, weekdayOf } from './business-days';

export interface LaneFacts {
  carrier: string;
  service?: string | null;
  originCountry?: string | null;
  originPostcode?: string | null;
  destinationCountry?: string | null;
  destinationPostcode?: string | null;
}

export interface DeliveredShipment extends LaneFacts {
  /** Calendar date the parcel was handed to the carrier, in its own local day. */
  shippedOn: string;
  deliveredOn: string;
  /** When it was delivered, for recency weighting (ms since epoch). */
  deliveredAtMs: number;
}

export type LaneLevel = 'lane_weekday' | 'lane' | 'country_route' | 'carrier_service' | 'store';

export const LANE_LEVELS: readonly LaneLevel[] = [
  'lane_weekday',
  'lane',
  'country_route',
  'carrier_service',
  'store',
];

export interface DeliveryWindow {
  earliest: string;
  likely: string;
  latest: string;
  /** Which rung of the ladder answered, and from how many past deliveries. */
  level: LaneLevel;
  basedOn: number;
}

export type DeliveryEstimate =
  ({ status: 'estimated' } & DeliveryWindow) | { status: 'cannot_estimate_yet'; reason: string };

export interface EstimatorOptions {
  /** Deliveries a cell needs before it may answer. */
  minDeliveries: number;
  /** A delivery this many days old weighs half as much as one today. */
  halfLifeDays: number;
  /** The most recent deliveries kept per cell; older ones weigh almost nothing by then. */
  maxPerCell: number;
  quantiles: { earliest: number; likely: number; latest: number };
}

export const DEFAULT_ESTIMATOR_OPTIONS: EstimatorOptions = {
  minDeliveries: 10,
  halfLifeDays: 60,
  maxPerCell: 400,
  quantiles: { earliest: 0.1, likely: 0.5, latest: 0.9 },
};

const MS_PER_DAY = 86_400_000;
/** Fewer past parcels than this in the conditional tail and the next rung, with more history, answers instead. */
const MIN_TAIL = 3;

/** Countries whose postcodes say little in the first two characters: how many lead characters make a region. */
const REGION_PREFIX: Record<string, number | 'letters'> = { US: 3, CA: 1, GB: 'letters', IE: 3, NL: 2 };

/** A coarse region for a postcode: ZIP3 in the US, the area letters in the UK, the first two characters elsewhere. */
export function regionOf(country?: string | null, postcode?: string | null): string {
  const cc = (country ?? '').trim().toUpperCase() || '??';
  const code = (postcode ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (!code) return cc;
  const rule = REGION_PREFIX[cc] ?? 2;
  const prefix =
    rule === 'letters' ? (/^[A-Z]{1,2}/.exec(code)?.[0] ?? code.slice(0, 2)) : code.slice(0, rule);
  return `${cc}:${prefix}`;
}

function part(value?: string | null): string {
  return (value ?? '').trim().toLowerCase() || '-';
}

/** The cell key of a shipment at each rung of the ladder, most specific first. */
export function laneKeys(facts: LaneFacts, shippedOn: string): Record<LaneLevel, string> {
  const route = `${part(facts.carrier)}|${part(facts.service)}`;
  const regions = `${regionOf(facts.originCountry, facts.originPostcode)}>${regionOf(facts.destinationCountry, facts.destinationPostcode)}`;
  const countries = `${part(facts.originCountry)}>${part(facts.destinationCountry)}`;
  return {
    lane_weekday: `${route}|${regions}|${weekdayOf(shippedOn)}`,
    lane: `${route}|${regions}`,
    country_route: `${route}|${countries}`,
    carrier_service: route,
    store: '*',
  };
}

/**
 * A cell's past deliveries as two parallel arrays of numbers, not an object each: V8 stores them unboxed, so a
 * model of a year of deliveries is about 160,000 arrays instead of a million small objects that every
 * full garbage collection of the process would walk (170 ms a collection at 1,000,000 shipments, against 70 ms
 * with the arrays).
 */
interface Cell {
  /** Business days from ship to delivery. */
  transit: number[];
  /** When each was delivered (ms since epoch). */
  deliveredAtMs: number[];
}

/**
 * Weighted quantile of whole-day samples: the smallest transit whose cumulative weight reaches q of the total.
 * `order` lists the cell's samples sorted by transit.
 */
function weightedQuantile(cell: Cell, order: number[], weights: number[], total: number, q: number): number {
  const target = q * total;
  let cumulative = 0;
  for (let i = 0; i < order.length; i++) {
    cumulative += weights[i];
    if (cumulative >= target - 1e-9) return cell.transit[order[i]];
  }
  return cell.transit[order[order.length - 1]];
}

/** Past deliveries by lane cell, kept as they arrive; asked for windows. */
export class DeliveryEstimator {
  private readonly cells = new Map<string, Cell>();
  readonly options: EstimatorOptions;

  constructor(options: Partial<EstimatorOptions> = {}) {
    this.options = { ...DEFAULT_ESTIMATOR_OPTIONS, ...options };
  }

  /** Learns one delivery. Deliveries may come in any order; a cell keeps its most recent `maxPerCell`. */
  add(delivery: DeliveredShipment): void {
    const transit = businessIndex(delivery.deliveredOn) - businessIndex(delivery.shippedOn);
    if (transit < 0) return; // delivered before it shipped: bad data, not a fast lane
    for (const key of Object.values(laneKeys(delivery, delivery.shippedOn))) {
      let cell = this.cells.get(key);
      if (!cell) this.cells.set(key, (cell = { transit: [], deliveredAtMs: [] }));
      cell.transit.push(transit);
      cell.deliveredAtMs.push(delivery.deliveredAtMs);
      if (cell.transit.length > this.options.maxPerCell * 2) this.keepRecent(cell);
    }
  }

  /** Keeps a cell's `maxPerCell` most recent deliveries, newest first (a stable sort: ties keep their order). */
  private keepRecent(cell: Cell): void {
    const order = cell.transit.map((_, i) => i);
    order.sort((a, b) => cell.deliveredAtMs[b] - cell.deliveredAtMs[a]);
    order.length = this.options.maxPerCell;
    cell.transit = order.map((i) => cell.transit[i]);
    cell.deliveredAtMs = order.map((i) => cell.deliveredAtMs[i]);
  }

  /**
   * The window for a shipment shipped on `shippedOn`, as known at `asOfMs` on the local date `asOfDate` (the
   * parcel not yet delivered). Deliveries after `asOfMs` are never used, so a backtest cannot see the future.
   */
  estimate(
    facts: LaneFacts,
    shippedOn: string,
    asOfMs: number,
    asOfDate: string = shippedOn,
  ): DeliveryEstimate {
    const keys = laneKeys(facts, shippedOn);
    const elapsed = Math.max(0, businessIndex(asOfDate) - businessIndex(shippedOn));
    let enoughHistory = false;
    for (const level of LANE_LEVELS) {
      const cell = this.cells.get(keys[level]);
      if (!cell) continue;
      let known = 0;
      const tail: number[] = [];
      for (let i = 0; i < cell.transit.length; i++) {
        if (cell.deliveredAtMs[i] > asOfMs) continue;
        known += 1;
        if (cell.transit[i] >= elapsed) tail.push(i);
      }
      if (known < this.options.minDeliveries) continue;
      enoughHistory = true;
      if (tail.length < MIN_TAIL) continue;
      return { status: 'estimated', ...this.window(cell, tail, shippedOn, asOfMs, level, known) };
    }
    if (!enoughHistory) {
      return {
        status: 'cannot_estimate_yet',
        reason: `fewer than ${this.options.minDeliveries} past deliveries, even store-wide`,
      };
    }
    return { status: 'cannot_estimate_yet', reason: `in transit longer than almost every past parcel` };
  }

  private window(
    cell: Cell,
    tail: number[],
    shippedOn: string,
    asOfMs: number,
    level: LaneLevel,
    basedOn: number,
  ): DeliveryWindow {
    const order = [...tail].sort((a, b) => cell.transit[a] - cell.transit[b]);
    const halfLifeMs = this.options.halfLifeDays * MS_PER_DAY;
    const weights = order.map((i) => Math.pow(0.5, Math.max(0, asOfMs - cell.deliveredAtMs[i]) / halfLifeMs));
    const total = weights.reduce((a, b) => a + b, 0);
    const { quantiles } = this.options;
    const at = (q: number) => addBusinessDays(shippedOn, weightedQuantile(cell, order, weights, total, q));
    return {
      earliest: at(quantiles.earliest),
      likely: at(quantiles.likely),
      latest: at(quantiles.latest),
      level,
      basedOn,
    };
  }
}
