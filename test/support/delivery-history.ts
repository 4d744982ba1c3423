/**
 * Histories with known transit distributions, for the model's specs: each lane draws its business-day transit
 * from its own weights, so what the model should answer is known in advance.
 */
import { addBusinessDays, weekdayOf } from '../../src/predictions/business-days';
import type { HistoryRow } from '../../src/predictions/edd-backtest';

export interface SyntheticLane {
  carrier: string;
  service: string;
  originCountry: string;
  originPostcode: string;
  destinationCountry: string;
  destinationPostcode: string;
  /** weights[t] = relative frequency of a transit of t business days. */
  transitWeights: number[];
}

/** mulberry32: a small seeded generator, so every run sees the same history. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function draw(weights: number[], random: () => number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let t = 0; t < weights.length; t++) {
    r -= weights[t];
    if (r < 0) return t;
  }
  return weights.length - 1;
}

/** `perDay` shipments on each lane each weekday from `firstDay`, delivered at 14:00 UTC; promise = ship + 5. */
export function syntheticHistory(
  lanes: SyntheticLane[],
  options: { firstDay?: string; days?: number; perDay?: number; seed?: number; promiseDays?: number } = {},
): HistoryRow[] {
  const { firstDay = '2026-01-05', days = 120, perDay = 1, seed = 7, promiseDays = 5 } = options;
  const random = seededRandom(seed);
  const rows: HistoryRow[] = [];
  const start = Date.parse(`${firstDay}T00:00:00Z`);
  for (let d = 0; d < days; d++) {
    const shippedOn = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    if (weekdayOf(shippedOn) > 4) continue;
    for (const [i, lane] of lanes.entries()) {
      for (let n = 0; n < perDay; n++) {
        const deliveredOn = addBusinessDays(shippedOn, draw(lane.transitWeights, random));
        rows.push({
          shipmentId: `${d}-${i}-${n}`,
          carrier: lane.carrier,
          service: lane.service,
          originCountry: lane.originCountry,
          originPostcode: lane.originPostcode,
          destinationCountry: lane.destinationCountry,
          destinationPostcode: lane.destinationPostcode,
          shippedAtMs: Date.parse(`${shippedOn}T09:00:00Z`),
          shippedOn,
          deliveredAtMs: Date.parse(`${deliveredOn}T14:00:00Z`),
          deliveredOn,
          promisedDate: addBusinessDays(shippedOn, promiseDays),
          carrierEta: null,
        });
      }
    }
  }
  return rows;
}

export const LANES: SyntheticLane[] = [
  {
    carrier: 'dhl_paket',
    service: 'standard',
    originCountry: 'DE',
    originPostcode: '10115',
    destinationCountry: 'DE',
    destinationPostcode: '80331',
    transitWeights: [0, 70, 25, 5],
  },
  {
    carrier: 'ups',
    service: 'ground',
    originCountry: 'US',
    originPostcode: '10001',
    destinationCountry: 'US',
    destinationPostcode: '94105',
    transitWeights: [0, 0, 0, 10, 50, 30, 10],
  },
  {
    carrier: 'royal_mail',
    service: 'tracked48',
    originCountry: 'GB',
    originPostcode: 'SW1A 1AA',
    destinationCountry: 'GB',
    destinationPostcode: 'EH1 1YZ',
    transitWeights: [0, 20, 60, 15, 5],
  },
];
