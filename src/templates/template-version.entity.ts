import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type TemplateChannel = 'sms' | 'email' | 'chat';
export type TemplateVersionStatus = 'draft' | 'published' | 'archived';

/**
 * An edited version of a template, keyed by (type, channel, locale). Exactly one published version per key
 * (enforced by a partial unique index); none means the built-in default from templates/ is in effect.
 */
@Entity('template_versions')
@Index('uq_template_versions_number', ['type', 'channel', 'locale', 'version'], { unique: true })
@Index('uq_template_versions_published', ['type', 'channel', 'locale'], {
  unique: true,
  where: `status = 'published'`,
})
export class TemplateVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** A notification type, or a chat reply key. */
  @Column({ type: 'varchar', length: 60 })
  type: string;

  @Column({ type: 'varchar', length: 10 })
  channel: TemplateChannel;

  @Column({ type: 'varchar', length: 10 })
  locale: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'varchar', length: 10 })
  status: TemplateVersionStatus;

  /** Email subject template. */
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  /** SMS text, email HTML, or chat reply text. */
  @Column({ type: 'text' })
  body: string;

  /** Email plain-text template (derived from the HTML when empty). */
  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ type: 'varchar', length: 200 })
  author: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;
}
