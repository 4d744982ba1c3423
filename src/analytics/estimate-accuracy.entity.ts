import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Estimate accuracy per closed store day and carrier (issue 20): deliveries of that day and, per source (our first
 * window, the carrier's first ETA), how many had a date and how far it was off. Carrier `*` is the day's total and
 * is written for every rolled day, even one without deliveries: its latest day is how far the rollup reaches.
 */
@Entity('estimate_accuracy_daily')
export class EstimateAccuracyDaily {
  @PrimaryColumn({ type: 'date' })
  day: string;

  @PrimaryColumn({ type: 'varchar', length: 50 })
  carrier: string;

  @Column({ type: 'int', default: 0 }) deliveries: number;
  @Column({ name: 'ours_covered', type: 'int', default: 0 }) oursCovered: number;
  @Column({ name: 'ours_hits', type: 'int', default: 0 }) oursHits: number;
  @Column({ name: 'ours_exact', type: 'int', default: 0 }) oursExact: number;
  @Column({ name: 'ours_within_one', type: 'int', default: 0 }) oursWithinOne: number;
  @Column({ name: 'ours_abs_error', type: 'int', default: 0 }) oursAbsError: number;
  @Column({ name: 'ours_late', type: 'int', default: 0 }) oursLate: number;
  @Column({ name: 'carrier_covered', type: 'int', default: 0 }) carrierCovered: number;
  @Column({ name: 'carrier_exact', type: 'int', default: 0 }) carrierExact: number;
  @Column({ name: 'carrier_within_one', type: 'int', default: 0 }) carrierWithinOne: number;
  @Column({ name: 'carrier_abs_error', type: 'int', default: 0 }) carrierAbsError: number;
  @Column({ name: 'carrier_late', type: 'int', default: 0 }) carrierLate: number;
}
