import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiKey, ApiRole } from './api-key.entity';
import type { AuthenticatedKey } from './auth.decorators';

const CACHE_MS = 10_000;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key: the plain text is returned once and never stored. */
export function generateApiKey(): { key: string; keyHash: string; prefix: string } {
  const key = `wsm_${randomBytes(24).toString('base64url')}`;
  return { key, keyHash: hashApiKey(key), prefix: key.slice(0, 8) };
}

/** API keys: created once and shown once, stored as SHA-256 hashes, looked up with a short cache. */
@Injectable()
export class ApiKeyService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeyService.name);
  private readonly cache = new Map<string, { key: AuthenticatedKey | null; until: number }>();

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.auth.adminApiKey)
      await this.ensureKey(this.config.auth.adminApiKey, 'admin', 'ADMIN_API_KEY');
  }

  /** Registers a known key (the bootstrap admin key) idempotently. */
  async ensureKey(plain: string, role: ApiRole, label: string): Promise<void> {
    const keyHash = hashApiKey(plain);
    await this.keys
      .createQueryBuilder()
      .insert()
      .values({ keyHash, prefix: plain.slice(0, 8), role, label })
      .orIgnore()
      .execute();
  }

  async create(role: ApiRole, label: string): Promise<{ key: string; record: ApiKey }> {
    const { key, keyHash, prefix } = generateApiKey();
    const record = await this.keys.save(this.keys.create({ keyHash, prefix, role, label }));
    this.logger.log({ apiKeyId: record.id, role }, 'API key created');
    return { key, record };
  }

  list(): Promise<ApiKey[]> {
    return this.keys.find({ order: { createdAt: 'ASC' } });
  }

  async revoke(idOrPrefix: string): Promise<boolean> {
    const qb = this.keys
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('revoked_at IS NULL');
    const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
    const result = await (
      isUuid ? qb.andWhere('id = :v', { v: idOrPrefix }) : qb.andWhere('prefix = :v', { v: idOrPrefix })
    ).execute();
    this.cache.clear();
    return (result.affected ?? 0) > 0;
  }

  async authenticate(plain: string): Promise<AuthenticatedKey | null> {
    const keyHash = hashApiKey(plain);
    const cached = this.cache.get(keyHash);
    if (cached && cached.until > Date.now()) return cached.key;
    const record = await this.keys.findOne({ where: { keyHash, revokedAt: IsNull() } });
    const key = record ? { id: record.id, role: record.role, label: record.label } : null;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(keyHash, { key, until: Date.now() + CACHE_MS });
    if (record) void this.keys.update(record.id, { lastUsedAt: new Date() }).catch(() => undefined);
    return key;
  }
}
