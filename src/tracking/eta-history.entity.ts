import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { TimeOrderedPrimaryColumn } from '../database/time-ordered-id';
import type { Eta } from '../shared/tracking.types';

/** Every ETA a shipment was given, in order: the basis of ETA-accuracy figures and delay messages. */
@Entity('eta_history')
@Index('ix_eta_history_shipment', ['shipmentId', 'recordedAt'])
export class EtaHistory {
  @TimeOrderedPrimaryColumn()
  id: string;

  @Column({ name: 'shipment_id', type: 'uuid' })
  shipmentId: string;

  @Column({ type: 'jsonb', nullable: true })
  eta: Eta | null;

  @Column({ name: 'previous_eta', type: 'jsonb', nullable: true })
  previousEta: Eta | null;

  @Column({ type: 'varchar', length: 20 })
  provider: string;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
