import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A single counter bumped on every publish, rollback or reset. Each process compares it with the revision
 * its template cache was built at, so an edit published by one API process reaches every worker.
 */
@Entity('template_revision')
export class TemplateRevision {
  @PrimaryColumn({ type: 'int', default: 1 })
  id: number;

  @Column({ type: 'bigint', default: 0 })
  revision: string;
}
