import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DataSource } from 'typeorm';
import type { Channel, NotificationType, SupportedLocale } from '../shared/notification.types';
import { LOCALES } from '../shared/notification.types';
import { DefaultTemplate, defaultTemplateKey, loadDefaultTemplates, TemplatePart } from './default-templates';
import { TemplateEngine } from './template-engine';
import { TemplateVersion, type TemplateChannel } from './template-version.entity';

/** The sources to render for one (type, channel, locale), and where they came from. */
export interface EffectiveTemplate {
  type: NotificationType;
  channel: Channel;
  locale: SupportedLocale;
  parts: Partial<Record<TemplatePart, string>>;
  /** Null for the built-in default from templates/. */
  versionId: string | null;
  /** 0 for the built-in default. */
  version: number;
}

const REVISION_CHECK_MS = 1000;

/** BCP 47 tag → one of our template languages (`es-MX` → `es`), English when we have none. */
export function templateLocale(locale: string | null | undefined): SupportedLocale {
  const language = (locale ?? 'en').toLowerCase().split('-')[0] as SupportedLocale;
  return LOCALES.includes(language) ? language : 'en';
}

/**
 * Which template text is in force: the published version from the database, else the default from
 * templates/. Published versions are cached per process; every process re-reads them when the shared
 * revision counter moves (checked at most once a second), so a publish reaches every worker.
 */
@Injectable()
export class TemplateStore {
  private readonly logger = new Logger(TemplateStore.name);
  readonly engine: TemplateEngine;
  readonly defaults: Map<string, DefaultTemplate>;
  private published = new Map<string, TemplateVersion>();
  private revision: string | null = null;
  private checkedAt = 0;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.engine = new TemplateEngine({ accentColor: config.brand.color });
    this.defaults = loadDefaultTemplates(this.engine.templatesDir);
  }

  async effective(type: NotificationType, channel: Channel, locale: string): Promise<EffectiveTemplate> {
    await this.ensureFresh();
    const lang = templateLocale(locale);
    for (const candidate of lang === 'en' ? ['en' as const] : [lang, 'en' as const]) {
      const key = defaultTemplateKey(type, channel, candidate);
      const override = this.published.get(key);
      if (override) {
        return {
          type,
          channel,
          locale: candidate,
          parts:
            channel === 'sms'
              ? { body: override.body }
              : { subject: override.subject ?? '', html: override.body, text: override.text ?? undefined },
          versionId: override.id,
          version: override.version,
        };
      }
      const fallback = this.defaults.get(key);
      if (fallback)
        return { type, channel, locale: candidate, parts: fallback.parts, versionId: null, version: 0 };
    }
    throw new Error(`No template for ${type}/${channel}`);
  }

  /**
   * The published version for any key, chat replies included (`type` = reply key, channel `chat`), without
   * language fallback; null when the default is in force.
   */
  async publishedVersion(
    type: string,
    channel: TemplateChannel,
    locale: string,
  ): Promise<TemplateVersion | null> {
    await this.ensureFresh();
    return this.published.get(`${type}/${channel}/${locale}`) ?? null;
  }

  /**
   * The published chat replies with the revision they were read at, for the chat bot: it recompiles them only
   * when the revision moves, and this check costs a query at most once a second, like `effective()`.
   */
  async publishedChatReplies(): Promise<{
    revision: string | null;
    replies: { type: string; locale: string; body: string }[];
  }> {
    await this.ensureFresh();
    const replies = [...this.published.values()]
      .filter((v) => v.channel === 'chat')
      .map((v) => ({ type: v.type, locale: v.locale, body: v.body }));
    return { revision: this.revision, replies };
  }

  /** Forces the next lookup to re-read published versions (after a publish in this process). */
  invalidate(): void {
    this.checkedAt = 0;
    this.revision = null;
  }

  private async ensureFresh(): Promise<void> {
    if (Date.now() - this.checkedAt < REVISION_CHECK_MS) return;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
  }

  private async refresh(): Promise<void> {
    try {
      const rows: { revision: string }[] = await this.dataSource.query(
        'SELECT revision FROM template_revision WHERE id = 1',
      );
      const current = rows[0]?.revision ?? '0';
      if (current !== this.revision) {
        const versions = await this.dataSource
          .getRepository(TemplateVersion)
          .find({ where: { status: 'published' } });
        this.published = new Map(versions.map((v) => [`${v.type}/${v.channel}/${v.locale}`, v]));
        this.revision = current;
      }
      this.checkedAt = Date.now();
    } catch (err) {
      // Keep rendering with what we have; the next call tries again.
      this.logger.warn(`Template revision check failed: ${(err as Error).message}`);
    }
  }
}
