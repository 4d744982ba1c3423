import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Suppression } from './suppression.entity';

export type SuppressionChannel = 'sms' | 'email';
export type SuppressionReason = 'stop' | 'undeliverable' | 'unsubscribe' | 'hard_bounce';

/**
 * The numbers and addresses we must not message. Keyed by the normalised address, so it holds for every
 * customer record that shares it. Idempotent both ways: the partial unique index allows one active row per
 * address, and concurrent suppressions of the same address settle on that one row.
 */
@Injectable()
export class SuppressionService {
  private readonly logger = new Logger(SuppressionService.name);

  constructor(@InjectRepository(Suppression) private readonly suppressions: Repository<Suppression>) {}

  async isSuppressed(channel: SuppressionChannel, address: string): Promise<boolean> {
    return this.suppressions.exists({
      where: { channel, address: normaliseAddress(channel, address), liftedAt: IsNull() },
    });
  }

  /** Returns true when this call created the suppression, false when the address was already suppressed. */
  async suppress(
    channel: SuppressionChannel,
    address: string,
    reason: SuppressionReason,
    source: string | null,
  ): Promise<boolean> {
    const rows: Array<{ id: string }> = await this.suppressions.query(
      `INSERT INTO suppressions (channel, address, reason, source)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, address) WHERE lifted_at IS NULL DO NOTHING
       RETURNING id`,
      [channel, normaliseAddress(channel, address), reason, source?.slice(0, 60) ?? null],
    );
    if (rows.length)
      this.logger.log({ suppressionId: rows[0].id, channel, reason, source }, 'Address suppressed');
    return rows.length > 0;
  }

  /** Lifts every active suppression of the address (START). Returns true when there was one. */
  async lift(channel: SuppressionChannel, address: string): Promise<boolean> {
    const result = await this.suppressions.update(
      { channel, address: normaliseAddress(channel, address), liftedAt: IsNull() },
      { liftedAt: new Date() },
    );
    const lifted = (result.affected ?? 0) > 0;
    if (lifted) this.logger.log({ channel }, 'Suppression lifted');
    return lifted;
  }
}

/**
 * normaliseAddress in SQL, for statements that look suppressions up against a customer's column: one rule for
 * the addresses stored and the addresses compared.
 */
export function normalisedAddressSql(channel: SuppressionChannel, column: string): string {
  return channel === 'email' ? `lower(btrim(${column}))` : `btrim(${column})`;
}

/** Email addresses compare case-insensitively in practice; numbers are stored as E.164 already. */
export function normaliseAddress(channel: SuppressionChannel, address: string): string {
  const trimmed = address.trim();
  return channel === 'email' ? trimmed.toLowerCase() : trimmed;
}
