import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SuppressionService } from './suppression.service';
import { UnsubscribeClaim } from './unsubscribe-tokens.service';

export type UnsubscribeState = 'subscribed' | 'unsubscribed' | 'no_address';

/**
 * Turns a verified unsubscribe claim into an email suppression for the customer's current address. There is
 * one category today (`shipping_updates`), so the suppression covers the address; `source` names the category.
 */
@Injectable()
export class UnsubscribeService {
  private readonly logger = new Logger(UnsubscribeService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly suppressions: SuppressionService,
  ) {}

  async state(claim: UnsubscribeClaim): Promise<UnsubscribeState> {
    const email = await this.emailOf(claim.customerId);
    if (!email) return 'no_address';
    return (await this.suppressions.isSuppressed('email', email)) ? 'unsubscribed' : 'subscribed';
  }

  /** Idempotent: returns false when the address was already suppressed (or there is none to suppress). */
  async unsubscribe(claim: UnsubscribeClaim): Promise<boolean> {
    const email = await this.emailOf(claim.customerId);
    if (!email) return false;
    const created = await this.suppressions.suppress(
      'email',
      email,
      'unsubscribe',
      `unsubscribe:${claim.category}`,
    );
    this.logger.log({ customerId: claim.customerId, category: claim.category, created }, 'Unsubscribe');
    return created;
  }

  private async emailOf(customerId: string): Promise<string | null> {
    // A token carries whatever id was signed; only a UUID can match, and PostgreSQL rejects anything else loudly.
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(customerId)) return null;
    // Read-only from tracking's table by SQL: channels sit below tracking and import none of its classes.
    const [customer]: { email: string | null }[] = await this.dataSource.query(
      'SELECT email FROM customers WHERE id = $1',
      [customerId],
    );
    return customer?.email ? customer.email.trim().toLowerCase() : null;
  }
}
