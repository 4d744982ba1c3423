import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  LOCALES,
  NOTIFICATION_TYPES,
  type NotificationType,
  type SupportedLocale,
} from '../shared/notification.types';
import { chatVariableNames, loadChatDefaults, type ChatDefaults } from './chat-template-sources';
import { defaultTemplateKey, type TemplatePart } from './default-templates';
import type { Problem } from './template-engine';
import { TemplateRenderError } from './template-helpers';
import { ShipmentPreviews } from './shipment-previews';
import { TemplateSandbox } from './template-sandbox';
import { TemplateStore } from './template-store.service';
import {
  brandVariables,
  sampleVariables,
  templateVariablesFor,
  type TemplateVariables,
} from './template-variables';
import { TemplateVersion, type TemplateChannel, type TemplateVersionStatus } from './template-version.entity';
import type { PreviewDto, PublishDto, RollbackDto, SaveDraftDto, TemplatePartsDto } from './templates.dto';

export const TEMPLATE_CHANNELS: readonly TemplateChannel[] = ['sms', 'email', 'chat'];

export interface TemplateKey {
  type: string;
  channel: TemplateChannel;
  locale: string;
}

export type TemplateParts = Partial<Record<TemplatePart, string>>;

/** A validation problem tied to the part of the template it is in. */
export interface PartProblem extends Problem {
  part: TemplatePart;
  /** Same as part: lets generic clients that read `errors[].field` show it. */
  field: TemplatePart;
}

export interface VersionView {
  id: string;
  version: number;
  status: TemplateVersionStatus;
  author: string;
  note: string | null;
  /** When this version was created, or for a draft, last saved. */
  createdAt: string;
  publishedAt: string | null;
  parts: TemplateParts;
}

export interface TemplateSummary extends TemplateKey {
  source: 'default' | 'override';
  /** Published version number; 0 = the default. */
  version: number;
  versionId: string | null;
  hasDraft: boolean;
  lastEditedAt: string | null;
  lastEditedBy: string | null;
}

export interface PreviewResult {
  type: string;
  channel: TemplateChannel;
  locale: string;
  data: 'sample' | 'shipment';
  subject: string | null;
  html: string | null;
  text: string | null;
  sms: string | null;
  segments: number | null;
  encoding: string | null;
  nonGsmCharacters: string[];
  warnings: PartProblem[];
  problems: PartProblem[];
}

const PARTS: Record<TemplateChannel, { required: TemplatePart[]; optional: TemplatePart[] }> = {
  sms: { required: ['body'], optional: [] },
  email: { required: ['subject', 'html'], optional: ['text'] },
  chat: { required: ['body'], optional: [] },
};

/**
 * Editing notification and chat templates: drafts, publishing, rollback and reset, previews. Every change to
 * what is in force (publish, rollback, reset) happens in one transaction that also bumps template_revision,
 * so every process's TemplateStore reloads; writes for one key are serialised by an advisory lock.
 *
 * Draft semantics: at most one draft per key. Saving again updates that draft in place (same version number,
 * new text, author, note and time), so history is not flooded by every keystroke-save. A draft's number is
 * taken when it is first saved; if a rollback publishes a newer number meanwhile, publishing the draft
 * renumbers it so published version numbers always increase.
 */
@Injectable()
export class TemplatesService {
  private readonly logger = new Logger(TemplatesService.name);
  private readonly chat: ChatDefaults;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: TemplateStore,
    private readonly previews: ShipmentPreviews,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sandbox: TemplateSandbox,
  ) {
    this.chat = loadChatDefaults(store.engine.templatesDir);
  }

  /** Checks a route's {type}/{channel}/{locale}; 404 with what exists when it names nothing. */
  resolveKey(type: string, channel: string, locale: string): TemplateKey {
    if (!(TEMPLATE_CHANNELS as readonly string[]).includes(channel)) {
      throw new AppException(
        'not_found',
        `Unknown channel "${channel}"; use one of ${TEMPLATE_CHANNELS.join(', ')}`,
      );
    }
    if (channel === 'chat') {
      if (!this.chat.has(locale)) {
        const known = [...this.chat.keys()];
        throw new AppException(
          'not_found',
          known.length
            ? `No chat templates in "${locale}"; there are: ${known.join(', ')}`
            : 'There are no chat templates yet',
        );
      }
      if (!this.chat.get(locale)!.has(type))
        throw new AppException('not_found', `Unknown chat reply "${type}"`);
      return { type, channel: 'chat', locale };
    }
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(type)) {
      throw new AppException(
        'not_found',
        `Unknown template type "${type}"; use one of ${NOTIFICATION_TYPES.join(', ')}`,
      );
    }
    if (!(LOCALES as readonly string[]).includes(locale)) {
      throw new AppException('not_found', `Unknown locale "${locale}"; use one of ${LOCALES.join(', ')}`);
    }
    return { type, channel: channel as TemplateChannel, locale };
  }

  async list(): Promise<{ templates: TemplateSummary[] }> {
    const keys: TemplateKey[] = [];
    for (const type of NOTIFICATION_TYPES)
      for (const channel of ['sms', 'email'] as const)
        for (const locale of LOCALES) keys.push({ type, channel, locale });
    for (const [locale, replies] of this.chat)
      for (const type of replies.keys()) keys.push({ type, channel: 'chat', locale });

    const rows: Array<{
      type: string;
      channel: string;
      locale: string;
      published_id: string | null;
      published_version: number | null;
      has_draft: boolean;
      last_at: Date | null;
      last_by: string | null;
    }> = await this.dataSource.query(`
      SELECT type, channel, locale,
             (array_agg(id ORDER BY version DESC) FILTER (WHERE status = 'published'))[1] AS published_id,
             max(version) FILTER (WHERE status = 'published') AS published_version,
             bool_or(status = 'draft') AS has_draft,
             max(greatest(created_at, published_at)) AS last_at,
             (array_agg(author ORDER BY greatest(created_at, published_at) DESC))[1] AS last_by
        FROM template_versions GROUP BY type, channel, locale`);
    const byKey = new Map(rows.map((r) => [`${r.type}/${r.channel}/${r.locale}`, r]));
    return {
      templates: keys.map((key) => {
        const row = byKey.get(keyString(key));
        return {
          ...key,
          source: row?.published_id ? 'override' : 'default',
          version: row?.published_version ?? 0,
          versionId: row?.published_id ?? null,
          hasDraft: row?.has_draft ?? false,
          lastEditedAt: row?.last_at ? new Date(row.last_at).toISOString() : null,
          lastEditedBy: row?.last_by ?? null,
        };
      }),
    };
  }

  async get(key: TemplateKey) {
    const versions = await this.versions(this.dataSource.manager, key);
    const published = versions.find((v) => v.status === 'published') ?? null;
    const draft = versions.find((v) => v.status === 'draft') ?? null;
    const defaults = this.defaultParts(key);
    return {
      ...key,
      source: published ? 'override' : 'default',
      version: published?.version ?? 0,
      versionId: published?.id ?? null,
      sources: { default: defaults, effective: published ? partsOf(key.channel, published) : defaults },
      draft: draft ? view(key.channel, draft) : null,
      history: versions.map((v) => view(key.channel, v)),
      variables: this.variablesFor(key),
    };
  }

  async saveDraft(
    key: TemplateKey,
    dto: SaveDraftDto,
    author: string,
  ): Promise<{ draft: VersionView; warnings: PartProblem[] }> {
    const parts = this.partsFrom(key.channel, dto);
    const problems = await this.validate(key, parts);
    throwOnErrors(problems);
    const saved = await this.dataSource.transaction(async (em) => {
      await lockKey(em, key);
      const repo = em.getRepository(TemplateVersion);
      const existing = await repo.findOneBy({ ...key, status: 'draft' });
      const content = { ...columnsFrom(key.channel, parts), author, note: dto.note ?? null };
      if (existing) {
        // createdAt doubles as "last saved" for a draft: the list and history show when it was touched.
        await repo.update(existing.id, { ...content, createdAt: new Date() });
        return repo.findOneByOrFail({ id: existing.id });
      }
      return repo.save(
        repo.create({ ...key, ...content, status: 'draft', version: await nextVersion(em, key) }),
      );
    });
    return { draft: view(key.channel, saved), warnings: problems.filter((p) => p.severity === 'warning') };
  }

  /** Publishes the draft, or the given version (a draft, or an older version which is copied forward). */
  async publish(key: TemplateKey, dto: PublishDto, author: string) {
    const published = await this.dataSource.transaction(async (em) => {
      await lockKey(em, key);
      const repo = em.getRepository(TemplateVersion);
      const target = dto.versionId
        ? await repo.findOneBy({ ...key, id: dto.versionId })
        : await repo.findOneBy({ ...key, status: 'draft' });
      if (!target) {
        throw dto.versionId
          ? AppException.notFound(`Version ${dto.versionId} of ${keyString(key)}`)
          : new AppException(
              'not_found',
              `There is no draft of ${keyString(key)} to publish; save one first`,
            );
      }
      if (target.status === 'published') {
        throw new AppException(
          'conflict',
          `Version ${target.version} of ${keyString(key)} is already published`,
        );
      }
      // The schema or partials may have changed since the draft was saved: never publish what fails now.
      throwOnErrors(await this.validate(key, partsOf(key.channel, target)));
      await archivePublished(em, key);
      let result: TemplateVersion;
      if (target.status === 'draft') {
        const max = await maxVersion(em, key);
        await repo.update(target.id, {
          status: 'published',
          publishedAt: new Date(),
          version: target.version < max ? max + 1 : target.version,
          ...(dto.note !== undefined ? { note: dto.note } : {}),
        });
        result = await repo.findOneByOrFail({ id: target.id });
      } else {
        result = await this.copyForward(
          em,
          key,
          target,
          author,
          dto.note ?? `Republished version ${target.version}`,
        );
      }
      await bumpRevision(em);
      return result;
    });
    this.store.invalidate();
    this.logger.log({ template: keyString(key), version: published.version }, 'template published');
    return { published: view(key.channel, published), template: await this.get(key) };
  }

  /** A new published version with an older version's text; history stays linear. */
  async rollback(key: TemplateKey, dto: RollbackDto, author: string) {
    const published = await this.dataSource.transaction(async (em) => {
      await lockKey(em, key);
      const target = await em.getRepository(TemplateVersion).findOneBy({ ...key, version: dto.version });
      if (!target) throw AppException.notFound(`Version ${dto.version} of ${keyString(key)}`);
      if (target.status === 'published') {
        throw new AppException(
          'conflict',
          `Version ${dto.version} of ${keyString(key)} is already the published one`,
        );
      }
      if (target.status === 'draft') {
        throw new AppException(
          'bad_request',
          `Version ${dto.version} is the draft; publish it instead of rolling back to it`,
        );
      }
      throwOnErrors(await this.validate(key, partsOf(key.channel, target)));
      await archivePublished(em, key);
      const copy = await this.copyForward(
        em,
        key,
        target,
        author,
        dto.note ?? `Rollback to version ${dto.version}`,
      );
      await bumpRevision(em);
      return copy;
    });
    this.store.invalidate();
    this.logger.log({ template: keyString(key), version: published.version }, 'template rolled back');
    return { published: view(key.channel, published), template: await this.get(key) };
  }

  /** Back to the built-in default: the published version is archived (kept in history). */
  async resetToDefault(key: TemplateKey) {
    await this.dataSource.transaction(async (em) => {
      await lockKey(em, key);
      const archived = await archivePublished(em, key);
      if (archived === 0)
        throw new AppException(
          'not_found',
          `${keyString(key)} has no override; the default is already in force`,
        );
      await bumpRevision(em);
    });
    this.store.invalidate();
    this.logger.log({ template: keyString(key) }, 'template reset to default');
    return this.get(key);
  }

  async preview(dto: PreviewDto): Promise<PreviewResult> {
    const key = this.resolveKey(dto.type, dto.channel, dto.locale);
    const parts = await this.previewParts(key, dto);
    const problems = await this.validate(key, parts);
    // Too deeply nested to be worth running at all (template-limits.ts): say so instead of trying.
    if (problems.some((p) => p.code === 'template_too_complex')) throwOnErrors(problems);
    const result: PreviewResult = {
      ...key,
      data: 'sample',
      subject: null,
      html: null,
      text: null,
      sms: null,
      segments: null,
      encoding: null,
      nonGsmCharacters: [],
      warnings: problems.filter((p) => p.severity === 'warning'),
      problems,
    };
    if (key.channel === 'chat') {
      if (problems.some((p) => p.severity === 'error')) throwOnErrors(problems);
      result.text = await this.sandbox.renderChat(parts.body ?? '');
      return result;
    }
    const type = key.type as NotificationType;
    const channel = key.channel as 'sms' | 'email';
    let vars: TemplateVariables;
    if (dto.trackingNumber) {
      vars = await this.shipmentVariables(dto.trackingNumber, key.locale as SupportedLocale, channel);
      result.data = 'shipment';
    } else {
      const sample = sampleVariables(type, { locale: key.locale as SupportedLocale, channel });
      // The sample customer and parcel are made up; the shop is this one (name, logo, links; the layout's colour
      // comes from the sandbox's engine), so the preview reads as sent.
      vars = { ...sample, brand: brandVariables(this.config) };
    }
    const part: TemplatePart = channel === 'sms' ? 'body' : 'html';
    try {
      if (channel === 'sms') {
        // The same accent choice as the sender (SMS_ACCENTS), so the preview is the text the customer gets.
        const sms = await this.sandbox.renderSms(parts.body ?? '', vars, this.config.sms.accents);
        Object.assign(result, {
          sms: sms.body,
          text: sms.body,
          segments: sms.analysis.segments,
          encoding: sms.analysis.encoding,
          nonGsmCharacters: sms.analysis.nonGsmCharacters,
        });
      } else {
        const email = await this.sandbox.renderEmail(
          { subject: parts.subject ?? '', html: parts.html ?? '', text: parts.text || null },
          vars,
        );
        Object.assign(result, email);
      }
    } catch (error) {
      if (!(error instanceof TemplateRenderError)) throw error;
      // Validation usually names the culprit with its place; otherwise report the render error itself.
      const errors = problems.filter((p) => p.severity === 'error');
      throw problemsException(
        errors.length > 0
          ? errors
          : [
              withPart(part, {
                severity: 'error',
                code: 'render_error',
                message: error.message,
                ...renderLocation(error),
              }),
            ],
      );
    }
    return result;
  }

  private async previewParts(key: TemplateKey, dto: PreviewDto): Promise<TemplateParts> {
    if (dto.parts) {
      const parts = this.partsFrom(key.channel, dto.parts);
      return parts;
    }
    const repo = this.dataSource.getRepository(TemplateVersion);
    if (dto.versionId) {
      const version = await repo.findOneBy({ ...key, id: dto.versionId });
      if (!version) throw AppException.notFound(`Version ${dto.versionId} of ${keyString(key)}`);
      return partsOf(key.channel, version);
    }
    const published = await repo.findOneBy({ ...key, status: 'published' });
    return published ? partsOf(key.channel, published) : this.defaultParts(key);
  }

  /** Replicates a send exactly by asking the notifications feature (registered in ShipmentPreviews) for its variables. */
  private async shipmentVariables(trackingNumber: string, locale: SupportedLocale, channel: 'sms' | 'email') {
    const source = this.previews.current;
    if (!source) {
      throw new AppException(
        'unavailable',
        'Previewing with a real shipment needs the notifications module, which is not loaded',
      );
    }
    return source.variables(trackingNumber, locale, channel);
  }

  /** Runs in the template sandbox (a worker thread with a time limit): staff-written templates are untrusted. */
  private async validate(key: TemplateKey, parts: TemplateParts): Promise<PartProblem[]> {
    const problems: PartProblem[] = [];
    if (key.channel === 'chat') {
      const known = this.chatVariables(key.type);
      for (const p of await this.sandbox.validateChat(parts.body ?? '', known))
        problems.push(withPart('body', p));
      return problems;
    }
    for (const part of [...PARTS[key.channel].required, ...PARTS[key.channel].optional]) {
      const source = parts[part];
      if (source === undefined || source === null || source === '') continue;
      for (const p of await this.sandbox.validate(source, {
        type: key.type as NotificationType,
        channel: key.channel,
        part,
        locale: key.locale as SupportedLocale,
      })) {
        problems.push(withPart(part, p));
      }
    }
    return problems;
  }

  /** The parts a channel takes, each required one present and not blank; others refused by name. */
  private partsFrom(channel: TemplateChannel, dto: TemplatePartsDto): TemplateParts {
    const { required, optional } = PARTS[channel];
    const errors: { field: string; message: string }[] = [];
    const parts: TemplateParts = {};
    for (const part of ['body', 'subject', 'html', 'text'] as const) {
      const value = dto[part];
      if (required.includes(part)) {
        if (typeof value !== 'string' || value.trim() === '')
          errors.push({ field: part, message: `${part} is required for ${channel} templates` });
        else parts[part] = value;
      } else if (optional.includes(part)) {
        if (typeof value === 'string' && value.trim() !== '') parts[part] = value;
      } else if (value !== undefined && value !== null) {
        errors.push({ field: part, message: `${channel} templates have no ${part} part` });
      }
    }
    if (errors.length) throw AppException.validation(errors);
    return parts;
  }

  private defaultParts(key: TemplateKey): TemplateParts {
    if (key.channel === 'chat') {
      const body = this.chat.get(key.locale)?.get(key.type) ?? this.chat.get('en')?.get(key.type) ?? '';
      return { body };
    }
    const found = this.store.defaults.get(
      defaultTemplateKey(key.type as NotificationType, key.channel, key.locale as SupportedLocale),
    );
    return { ...(found?.parts ?? {}) };
  }

  /** The bot passes a reply the same variables in every language: the union of what the defaults use. */
  private chatVariables(type: string): Set<string> {
    const names = new Set<string>();
    for (const replies of this.chat.values()) {
      const source = replies.get(type);
      if (source) for (const name of chatVariableNames(source)) names.add(name);
    }
    return names;
  }

  private variablesFor(key: TemplateKey) {
    if (key.channel === 'chat') {
      return [...this.chatVariables(key.type)].map((name) => ({
        name,
        description: 'Passed by the chat bot for this reply.',
        kind: 'text',
        nullable: false,
      }));
    }
    return templateVariablesFor(key.type as NotificationType, key.channel).map(
      ({ name, description, kind, nullable }) => ({
        name,
        description,
        kind,
        nullable,
      }),
    );
  }

  private async versions(em: EntityManager, key: TemplateKey): Promise<TemplateVersion[]> {
    return em
      .getRepository(TemplateVersion)
      .find({ where: { ...key }, order: { version: 'DESC', createdAt: 'DESC' } });
  }

  private async copyForward(
    em: EntityManager,
    key: TemplateKey,
    source: TemplateVersion,
    author: string,
    note: string,
  ): Promise<TemplateVersion> {
    const repo = em.getRepository(TemplateVersion);
    return repo.save(
      repo.create({
        ...key,
        version: await nextVersion(em, key),
        status: 'published',
        subject: source.subject,
        body: source.body,
        text: source.text,
        author,
        note,
        publishedAt: new Date(),
      }),
    );
  }
}

function keyString(key: TemplateKey): string {
  return `${key.type}/${key.channel}/${key.locale}`;
}

function withPart(part: TemplatePart, problem: Problem): PartProblem {
  return { part, field: part, ...problem };
}

function problemsException(problems: PartProblem[]): AppException {
  const summary = problems
    .map((p) => `${p.part}${p.line ? ` ${p.line}:${p.column ?? 1}` : ''}: ${p.message}`)
    .join('; ');
  return new AppException('validation_failed', summary, { errors: problems });
}

function throwOnErrors(problems: PartProblem[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw problemsException(problems);
}

/** Strict-mode render errors end with " - line:column" (column 0-based). */
function renderLocation(error: Error): Pick<Problem, 'line' | 'column'> {
  const match = / - (\d+):(\d+)$/.exec(error.message);
  return match ? { line: Number(match[1]), column: Number(match[2]) + 1 } : {};
}

function partsOf(channel: TemplateChannel, v: TemplateVersion): TemplateParts {
  if (channel === 'email')
    return { subject: v.subject ?? '', html: v.body, ...(v.text ? { text: v.text } : {}) };
  return { body: v.body };
}

function columnsFrom(
  channel: TemplateChannel,
  parts: TemplateParts,
): Pick<TemplateVersion, 'subject' | 'body' | 'text'> {
  if (channel === 'email')
    return { subject: parts.subject ?? '', body: parts.html ?? '', text: parts.text ?? null };
  return { subject: null, body: parts.body ?? '', text: null };
}

function view(channel: TemplateChannel, v: TemplateVersion): VersionView {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    author: v.author,
    note: v.note,
    createdAt: v.createdAt.toISOString(),
    publishedAt: v.publishedAt?.toISOString() ?? null,
    parts: partsOf(channel, v),
  };
}

/** Serialises writes to one key (version numbers, the one-draft and one-published rules) until commit. */
async function lockKey(em: EntityManager, key: TemplateKey): Promise<void> {
  await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`template:${keyString(key)}`]);
}

async function maxVersion(em: EntityManager, key: TemplateKey): Promise<number> {
  const rows: { max: number | null }[] = await em.query(
    'SELECT max(version) AS max FROM template_versions WHERE type = $1 AND channel = $2 AND locale = $3',
    [key.type, key.channel, key.locale],
  );
  return Number(rows[0]?.max ?? 0);
}

async function nextVersion(em: EntityManager, key: TemplateKey): Promise<number> {
  return (await maxVersion(em, key)) + 1;
}

async function archivePublished(em: EntityManager, key: TemplateKey): Promise<number> {
  const result = await em
    .getRepository(TemplateVersion)
    .update({ ...key, status: 'published' }, { status: 'archived' });
  return result.affected ?? 0;
}

/** Every process's TemplateStore compares this counter and reloads when it moved. */
async function bumpRevision(em: EntityManager): Promise<void> {
  await em.query(
    `INSERT INTO template_revision (id, revision) VALUES (1, 1)
     ON CONFLICT (id) DO UPDATE SET revision = template_revision.revision + 1`,
  );
}
