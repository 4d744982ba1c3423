import { TrackingLinks } from '../links/tracking-links.service';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import { TrackingEvent } from '../tracking/tracking-event.entity';
import { ChatRequest } from './chat-request.entity';
import { ChatTemplateLanguage, ChatTemplates } from './chat-templates';
import type { Intent } from './nlu/intent-classifier';
import {
  dateLocaleFor,
  formatInstant,
  ShipmentCard,
  shipmentCard,
  shipmentLines,
  ViewContext,
} from './shipment-view';

export const CHAT_TEMPLATES = Symbol('CHAT_TEMPLATES');

const BEFORE_DISPATCH = new Set(['pre_transit', 'unknown']);

export interface OrderAnswer {
  lines: string[];
  quickReplies: string[];
  shipments: ShipmentCard[];
}

export interface OrderAnswerRequest {
  sessionId: string;
  orderId: string;
  intent: Intent;
  /** "what about the other parcel?" */
  otherParcel: boolean;
  language: ChatTemplateLanguage;
  /** The shopper's words: kept with a change or cancel request for the agent who acts on it. */
  message: string;
  /** Shipments the previous answer was about; updated to the ones this answer is about. */
  focusShipmentIds?: string[];
  /** false on the web widget: its cards link the carrier's page, so the reply text does not paste the address. */
  linksInText: boolean;
}

/**
 * What the bot says about a verified order: its parcels' status, ETA and problems, and change or cancel requests.
 * Reads orders and shipments; writes only the change/cancel requests support acts on. Decides nothing about who
 * may see the order: callers pass an order the session is verified for.
 */
@Injectable()
export class ChatOrderAnswerService {
  constructor(
    @Inject(CHAT_TEMPLATES) private readonly templates: ChatTemplates,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(Shipment) private readonly shipments: Repository<Shipment>,
    @InjectRepository(TrackingEvent) private readonly events: Repository<TrackingEvent>,
    @InjectRepository(ChatRequest) private readonly requests: Repository<ChatRequest>,
    private readonly links: TrackingLinks,
  ) {}

  /**
   * The stored order number among the forms a typed one may take ("ws9307" → WS-009307), in the forms' order of
   * likelihood; the first form when none is stored (verification then fails as for any unknown number).
   */
  async resolveOrderNumber(forms: string[]): Promise<string> {
    if (forms.length <= 1) return forms[0];
    const rows: { externalId: string }[] = await this.orders
      .createQueryBuilder('o')
      .select('o.external_id', 'externalId')
      .where('UPPER(o.external_id) IN (:...forms)', { forms: [...forms, ...forms.map((f) => `#${f}`)] })
      .limit(forms.length * 2)
      .getRawMany();
    const stored = new Set(rows.map((r) => r.externalId.toUpperCase().replace(/^#/, '')));
    return forms.find((f) => stored.has(f)) ?? forms[0];
  }

  async externalIdOf(orderId: string | null): Promise<string | null> {
    if (!orderId) return null;
    const order = await this.orders.findOne({
      where: { id: orderId },
      select: { id: true, externalId: true },
    });
    return order?.externalId ?? null;
  }

  async answer(req: OrderAnswerRequest): Promise<OrderAnswer & { focusShipmentIds?: string[] }> {
    const { intent, language } = req;
    const t = (key: string, vars = {}) => this.templates.render(language, key, vars);
    const order = await this.orders.findOneByOrFail({ id: req.orderId });
    // The order's own contact details: what its customer row says now may come from a later order.
    const view: ViewContext = {
      templates: this.templates,
      language,
      dateLocale: dateLocaleFor(language, order.contactLocale),
      timeZone: order.contactTimeZone ?? 'UTC',
      country: order.contactCountry ?? null,
      linksInText: req.linksInText,
      trackingPageUrl: (shipment) => (shipment.linkRef ? this.links.urlFor(shipment.linkRef, 'chat') : null),
    };
    const all = await this.shipments.find({
      where: { orderId: order.id },
      order: { createdAt: 'ASC', trackingNumber: 'ASC' },
    });
    const person = t('qr_person');

    if (intent === 'change_address' || intent === 'cancel_order') {
      if (all.every((s) => BEFORE_DISPATCH.has(s.status))) {
        // The request's text is for the agent who acts on it (it may hold the new address); it stays in the database.
        await this.requests.insert({
          sessionId: req.sessionId,
          orderId: order.id,
          kind: intent,
          details: req.message,
        });
        return {
          lines: [t(`request_recorded_${intent}`, { order: order.externalId })],
          quickReplies: [person],
          shipments: [],
          focusShipmentIds: req.focusShipmentIds,
        };
      }
      return {
        lines: [t(`after_dispatch_${intent}`, { order: order.externalId })],
        quickReplies: [person],
        shipments: await this.cards(all, view),
        focusShipmentIds: req.focusShipmentIds,
      };
    }
    if (all.length === 0) {
      return {
        lines: [t('no_shipments', { order: order.externalId })],
        quickReplies: [person],
        shipments: [],
        focusShipmentIds: req.focusShipmentIds,
      };
    }

    const focus = (req.focusShipmentIds ?? []).filter((id) => all.some((s) => s.id === id));
    let selected = all;
    const lines: string[] = [];
    if (req.otherParcel) {
      const rest = all.filter((s) => !focus.includes(s.id));
      if (all.length === 1 || rest.length === 0) lines.push(t('other_none', { order: order.externalId }));
      else selected = rest;
    } else if (focus.length) {
      selected = all.filter((s) => focus.includes(s.id));
    }
    const focusShipmentIds = selected.length < all.length ? selected.map((s) => s.id) : undefined;

    const cards = await this.cards(selected, view);
    if (lines.length === 0 && selected.length === all.length) {
      lines.push(t('order_intro', { order: order.externalId, multiple: all.length > 1, count: all.length }));
    }
    const blocks = selected.map((s, i) =>
      shipmentLines(
        cards[i],
        s,
        { index: all.indexOf(s) + 1, count: all.length },
        view,
        intent === 'delivery_eta' ? 'eta' : 'status',
      ).join('\n'),
    );
    const quickReplies = [t('qr_eta'), person];
    if (selected.length < all.length) quickReplies.unshift(t('qr_other'));

    if (intent === 'delivery_problem') {
      const delivered = selected.find((s) => s.status === 'delivered');
      const closing = delivered
        ? t('delivered_missing', {
            time:
              (delivered.deliveredAt ?? delivered.lastEventAt)
                ? formatInstant((delivered.deliveredAt ?? delivered.lastEventAt) as Date, view)
                : '',
          })
        : t('problem_offer');
      return {
        lines: [...lines, ...blocks, '', closing],
        quickReplies: [person],
        shipments: cards,
        focusShipmentIds,
      };
    }
    return { lines: [...lines, blocks.join('\n\n')], quickReplies, shipments: cards, focusShipmentIds };
  }

  /** One card per shipment, with its latest scan: one query for all of them. */
  private async cards(shipments: Shipment[], view: ViewContext): Promise<ShipmentCard[]> {
    if (shipments.length === 0) return [];
    const latest = await this.events
      .createQueryBuilder('e')
      .distinctOn(['e.shipment_id'])
      .where('e.shipment_id IN (:...ids)', { ids: shipments.map((s) => s.id) })
      .orderBy('e.shipment_id')
      .addOrderBy('e.occurred_at', 'DESC', 'NULLS LAST')
      .addOrderBy('e.received_at', 'DESC')
      .getMany();
    const byShipment = new Map(latest.map((e) => [e.shipmentId, e]));
    return shipments.map((s) => shipmentCard(s, byShipment.get(s.id) ?? null, view));
  }
}
