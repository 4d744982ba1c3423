import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UnsubscribeTokens } from '../channels/unsubscribe-tokens.service';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { fromRow } from '../database/from-row';
import { TrackingLinks } from '../links/tracking-links.service';
import { CLOCK, type Clock } from '../shared/clock';
import type { NotificationType, SupportedLocale } from '../shared/notification.types';
import { TemplateStore } from '../templates/template-store.service';
import { brandVariables, type TemplateVariables } from '../templates/template-variables';
import { MessageFactsRepository, shipmentFacts } from './message-facts.repository';
import { buildTemplateVariables, type SiblingParcel } from './message-variables';
import {
  CUSTOMERS,
  ORDERS,
  SHIPMENTS,
  type SubjectCustomer as Customer,
  type SubjectOrder as Order,
  type SubjectShipment as Shipment,
} from './notification-subject';
import type { Notification } from './notification.entity';

/**
 * Renders a notification once with the published template of its type, channel and locale: the text is stored
 * with the outcome, so a retry sends exactly it. Also the source of real-shipment previews for the editor.
 */
@Injectable()
export class NotificationRenderer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reader: MessageFactsRepository,
    private readonly templates: TemplateStore,
    private readonly unsubscribe: UnsubscribeTokens,
    private readonly links: TrackingLinks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `parcels`: the order's parcels when the caller already read them (the claim does), else read here. */
  async render(
    n: Notification,
    shipment: Shipment,
    order: Order,
    customer: Customer,
    parcels?: SiblingParcel[],
  ): Promise<void> {
    const template = await this.templates.effective(n.type, n.channel, customer.locale);
    const vars = await this.variables(
      shipment,
      order,
      customer,
      template.locale,
      n.channel,
      n.type,
      parcels,
      n.aboutDate,
    );
    if (n.channel === 'sms') {
      const sms = this.templates.engine.renderSms(template.parts.body ?? '', vars, this.config.sms.accents);
      Object.assign(n, {
        renderedText: sms.body,
        segments: sms.analysis.segments,
        encoding: sms.analysis.encoding,
      });
    } else {
      const email = this.templates.engine.renderEmail(
        {
          subject: template.parts.subject ?? '',
          html: template.parts.html ?? '',
          text: template.parts.text ?? null,
        },
        vars,
      );
      Object.assign(n, {
        renderedSubject: email.subject,
        renderedHtml: email.html,
        renderedText: email.text,
      });
    }
    Object.assign(n, {
      templateVersionId: template.versionId,
      templateVersion: template.version,
      locale: template.locale,
    });
  }

  /**
   * The variables a send of this shipment would use, for the template editor's preview (registered with
   * templates' ShipmentPreviews): the newest shipment with this tracking number, its order and customer.
   */
  async previewVariables(
    trackingNumber: string,
    locale: SupportedLocale,
    channel: 'sms' | 'email',
  ): Promise<TemplateVariables> {
    const [shipmentRow] = await this.dataSource.query(
      'SELECT * FROM shipments WHERE tracking_number = $1 ORDER BY updated_at DESC LIMIT 1',
      [trackingNumber.trim()],
    );
    if (!shipmentRow) throw AppException.notFound(`Shipment with tracking number ${trackingNumber}`);
    const shipment = fromRow<Shipment>(this.dataSource, SHIPMENTS, shipmentRow);
    if (!shipment.orderId) {
      throw new AppException(
        'unprocessable',
        `Shipment ${trackingNumber} is not linked to an order yet, so it has no customer to preview with`,
      );
    }
    const [orderRow] = await this.dataSource.query('SELECT * FROM orders WHERE id = $1', [shipment.orderId]);
    const order = orderRow ? fromRow<Order>(this.dataSource, ORDERS, orderRow) : null;
    const [customerRow] = order
      ? await this.dataSource.query('SELECT * FROM customers WHERE id = $1', [order.customerId])
      : [];
    if (!order || !customerRow)
      throw AppException.notFound(`Order or customer of shipment ${trackingNumber}`);
    return this.variables(
      shipment,
      order,
      fromRow<Customer>(this.dataSource, CUSTOMERS, customerRow),
      locale,
      channel,
    );
  }

  async variables(
    shipment: Shipment,
    order: Order,
    customer: Customer,
    locale: TemplateVariables['locale'],
    channel: 'sms' | 'email',
    type?: NotificationType,
    knownParcels?: SiblingParcel[],
    /** The day a dated message is about (arriving_tomorrow announces it as the ETA). */
    aboutDate?: string | null,
  ): Promise<TemplateVariables> {
    // Only a delay message compares ETAs; the send path of every other type skips the query, and the parcels
    // come with the claim.
    const needsLastTold = !type || type === 'delayed';
    const [lastToldEtaDate, parcels] = await Promise.all([
      needsLastTold ? this.reader.lastToldEtaDate(shipment.id, shipment.orderId) : null,
      knownParcels ?? this.reader.orderParcels(shipment),
    ]);
    return buildTemplateVariables({
      locale,
      now: this.clock.now(),
      customer: { name: customer.name, timeZone: customer.timeZone, country: customer.country },
      order: { number: order.externalId },
      shipment: shipmentFacts(shipment),
      parcels,
      lastToldEtaDate,
      arrivingOn: type === 'arriving_tomorrow' ? (aboutDate ?? null) : null,
      brand: brandVariables(this.config),
      unsubscribeUrl: channel === 'email' ? this.unsubscribe.url(customer.id, 'shipping_updates') : null,
      trackingPageUrl: shipment.linkRef ? this.links.urlFor(shipment.linkRef, channel) : null,
    });
  }
}
