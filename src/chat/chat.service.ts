import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Customer } from '../tracking/customer.entity';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import { TrackingEvent } from '../tracking/tracking-event.entity';
import { ChatHandoff } from './chat-handoff.entity';
import { ChatHandoffService, HandoffReason } from './chat-handoff.service';
import { ChatMessage } from './chat-message.entity';
import { ChatRequest } from './chat-request.entity';
import { ChatSession } from './chat-session.entity';
import { ChatTemplateLanguage, ChatTemplates, chatLanguageOf } from './chat-templates';
import { ChatVerificationService, Identifier } from './chat-verification.service';
import { CONFIDENCE_THRESHOLD, Intent, IntentClassifier } from './nlu/intent-classifier';
import {
  dateLocaleFor,
  formatInstant,
  ShipmentCard,
  shipmentCard,
  shipmentLines,
  ViewContext,
} from './shipment-view';

export const CHAT_CLASSIFIER = Symbol('CHAT_CLASSIFIER');
export const CHAT_TEMPLATES = Symbol('CHAT_TEMPLATES');

/** Low-confidence turns in a row that hand the conversation to a person. */
export const LOW_CONFIDENCE_HANDOFF_TURNS = 2;

export interface ChatTurnInput {
  channel: 'web' | 'sms';
  message: string;
  sessionId?: string;
  locale?: string;
  /** SMS sessions are keyed by the sender's number (E.164). */
  phone?: string;
  /** Counts verification failures per client; never stored in clear. */
  clientIp: string;
  /** Storefront shopper token (JWT). */
  token?: string;
}

export interface ChatTurnResult {
  sessionId: string;
  intent: Intent;
  confidence: number;
  reply: string;
  quickReplies: string[];
  shipments: ShipmentCard[];
  handoff: { id: string; reason: string; status: string } | null;
}

/** Conversation memory kept on the session between turns. */
interface SessionContext {
  verifiedBy?: 'details' | 'token' | 'phone';
  pendingOrderNumber?: string;
  pendingTrackingNumber?: string;
  pendingEmail?: string;
  pendingPostcode?: string;
  /** What the shopper asked before we had to verify them; answered once they are. */
  pendingIntent?: Intent;
  /** Shipments the last answer was about: "the other parcel" means the rest. */
  focusShipmentIds?: string[];
}

interface Answer {
  lines: string[];
  quickReplies: string[];
  shipments: ShipmentCard[];
  handoff?: HandoffReason;
}

const TRACKING_ANSWERS = new Set<Intent>([
  'track_order',
  'delivery_eta',
  'delivery_problem',
  'provide_details',
]);
const NEEDS_ORDER = new Set<Intent>([...TRACKING_ANSWERS, 'change_address', 'cancel_order']);
const BEFORE_DISPATCH = new Set(['pre_transit', 'unknown']);
/** "what about the other parcel?" in the four chat languages; the classifier has no intent for follow-ups. */
const OTHER_PARCEL =
  /\b(other|another|second|remaining|rest)\b.*\b(parcel|package|shipment|box|one|item)s?\b|\b(otro|otra)\b.*\b(paquete|envio|envío|caja)\b|\bautres?\b.*\b(colis|paquet|envoi)\b|\b(andere|anderen|zweite)\b.*\b(paket|sendung)\b/i;

/**
 * The WISMO bot: one turn in, one reply out, for the widget and for SMS alike. Owns the dialogue (verification,
 * follow-ups, hand-off) and stores every turn. Never shows tracking data before the session is verified, and never
 * for an out-of-scope question.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CHAT_CLASSIFIER) private readonly classifier: IntentClassifier,
    @Inject(CHAT_TEMPLATES) private readonly templates: ChatTemplates,
    private readonly verification: ChatVerificationService,
    private readonly handoffs: ChatHandoffService,
    @InjectRepository(ChatSession) private readonly sessions: Repository<ChatSession>,
    @InjectRepository(ChatMessage) private readonly messages: Repository<ChatMessage>,
    @InjectRepository(ChatRequest) private readonly requests: Repository<ChatRequest>,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(Shipment) private readonly shipments: Repository<Shipment>,
    @InjectRepository(TrackingEvent) private readonly events: Repository<TrackingEvent>,
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
  ) {}

  async handleTurn(input: ChatTurnInput): Promise<ChatTurnResult> {
    const session = await this.sessionFor(input);
    const ctx = (session.context ?? {}) as SessionContext;
    // The classifier falls back to this locale when the text carries no language evidence ("#1042"): the
    // conversation's language so far (a new session starts from the page's locale), not the browser's, so a
    // shopper who asked in Spanish on an English page keeps getting Spanish when they type an order number.
    const classification = this.classifier.classify(input.message, session.locale);
    const language = chatLanguageOf(classification.language);
    session.locale = language;

    await this.applyIdentity(session, ctx, input);
    await this.messages.insert({
      sessionId: session.id,
      role: 'shopper',
      text: input.message,
      intent: classification.intent,
      confidence: classification.confidence,
    });

    const answer = await this.respond(session, ctx, input, classification, language);
    let handoff: ChatHandoff | null = null;
    if (answer.handoff) {
      handoff = await this.handoffs.create(session, answer.handoff);
      session.handedOffAt = new Date();
      const order = session.orderId ? await this.orders.findOneBy({ id: session.orderId }) : null;
      const key = answer.handoff === 'low_confidence' ? 'handoff_low_confidence' : 'handoff';
      answer.lines.push(
        this.t(language, key, {
          order: order?.externalId ?? null,
          reference: handoff.id.slice(0, 8).toUpperCase(),
        }),
      );
      answer.quickReplies = [];
    }
    session.context = ctx as Record<string, unknown>;
    await this.sessions.save(session);
    const reply = answer.lines.join('\n');
    await this.messages.insert({
      sessionId: session.id,
      role: 'bot',
      text: reply,
      intent: classification.intent,
      confidence: classification.confidence,
    });
    if (handoff) await this.handoffs.enqueueDelivery(handoff);
    return {
      sessionId: session.id,
      intent: classification.intent,
      confidence: classification.confidence,
      reply,
      quickReplies: answer.quickReplies,
      shipments: answer.shipments,
      handoff: handoff ? { id: handoff.id, reason: handoff.reason, status: handoff.status } : null,
    };
  }

  /** The stored session and transcript, for support. */
  async transcript(sessionId: string): Promise<{ session: ChatSession; messages: ChatMessage[] } | null> {
    const session = await this.sessions.findOneBy({ id: sessionId });
    if (!session) return null;
    const messages = await this.messages.find({ where: { sessionId }, order: { createdAt: 'ASC' } });
    return { session, messages };
  }

  private async sessionFor(input: ChatTurnInput): Promise<ChatSession> {
    let session: ChatSession | null = null;
    if (input.channel === 'sms' && input.phone) {
      session = await this.sessions.findOne({
        where: { channel: 'sms', phone: input.phone },
        order: { updatedAt: 'DESC' },
      });
    } else if (input.sessionId) {
      // An unknown or foreign id starts a new conversation rather than failing: the widget may hold a stale id.
      session = await this.sessions.findOneBy({ id: input.sessionId, channel: 'web' });
    }
    if (session) return session;
    return this.sessions.save(
      this.sessions.create({
        channel: input.channel,
        phone: input.channel === 'sms' ? (input.phone ?? null) : null,
        locale: chatLanguageOf(input.locale),
        context: {},
      }),
    );
  }

  /** A storefront token, or the SMS sender's number, identifies the customer without asking for details. */
  private async applyIdentity(
    session: ChatSession,
    ctx: SessionContext,
    input: ChatTurnInput,
  ): Promise<void> {
    const fromToken = await this.verification.customerFromToken(input.token);
    if (fromToken && session.verifiedCustomerId !== fromToken) {
      this.verify(session, ctx, fromToken, null, 'token');
      return;
    }
    if (input.channel === 'sms' && input.phone && !session.verifiedCustomerId) {
      const customer = await this.verification.customerByPhone(input.phone);
      if (customer) this.verify(session, ctx, customer.id, null, 'phone');
    }
  }

  private verify(
    session: ChatSession,
    ctx: SessionContext,
    customerId: string,
    orderId: string | null,
    by: SessionContext['verifiedBy'],
  ): void {
    session.verifiedCustomerId = customerId;
    session.orderId = orderId;
    session.verifiedAt = new Date();
    ctx.verifiedBy = by;
    delete ctx.pendingOrderNumber;
    delete ctx.pendingTrackingNumber;
    delete ctx.pendingEmail;
    delete ctx.pendingPostcode;
    delete ctx.focusShipmentIds;
  }

  private async respond(
    session: ChatSession,
    ctx: SessionContext,
    input: ChatTurnInput,
    c: ReturnType<IntentClassifier['classify']>,
    language: ChatTemplateLanguage,
  ): Promise<Answer> {
    const t = (key: string, vars = {}) => this.t(language, key, vars);
    const e = c.entities;
    const hasIdentifier = e.orderNumbers.length > 0 || e.trackingNumbers.length > 0;
    const hasProof = e.emails.length > 0 || e.postcodes.length > 0;
    const other = !!session.orderId && OTHER_PARCEL.test(input.message);
    let intent: Intent = other ? 'track_order' : c.intent;
    const confident = other || c.confidence >= CONFIDENCE_THRESHOLD || hasIdentifier || hasProof;

    if (!confident) {
      session.lowConfidenceStreak += 1;
      if (session.lowConfidenceStreak >= LOW_CONFIDENCE_HANDOFF_TURNS) {
        session.lowConfidenceStreak = 0;
        return { lines: [], quickReplies: [], shipments: [], handoff: 'low_confidence' };
      }
      return { lines: [t('not_understood')], quickReplies: [t('qr_track'), t('qr_person')], shipments: [] };
    }
    session.lowConfidenceStreak = 0;

    if (intent === 'out_of_scope' && !hasIdentifier) {
      return {
        lines: [t('out_of_scope', { supportUrl: this.config.brand.supportUrl })],
        quickReplies: [t('qr_track'), t('qr_person')],
        shipments: [],
      };
    }
    if (intent === 'human_agent') return { lines: [], quickReplies: [], shipments: [], handoff: 'requested' };
    if (NEEDS_ORDER.has(intent) && intent !== 'provide_details' && !session.orderId)
      ctx.pendingIntent = intent;

    let justVerified = false;
    if (hasIdentifier || hasProof) {
      const outcome = await this.handleDetails(session, ctx, input, c, language);
      if (outcome !== 'verified') return outcome;
      justVerified = true;
    }
    if (justVerified && (intent === 'provide_details' || !NEEDS_ORDER.has(intent)))
      intent = ctx.pendingIntent ?? 'track_order';

    if (intent === 'greeting')
      return { lines: [t('greeting')], quickReplies: [t('qr_track'), t('qr_person')], shipments: [] };
    if (intent === 'thanks') return { lines: [t('thanks')], quickReplies: [], shipments: [] };

    if (!session.orderId && session.verifiedCustomerId) {
      const latest = await this.verification.latestOrderOf(session.verifiedCustomerId);
      if (latest) session.orderId = latest.id;
    }
    if (!session.orderId) {
      return {
        lines: [t(session.verifiedCustomerId ? 'ask_identifier' : 'ask_details')],
        quickReplies: [],
        shipments: [],
      };
    }
    delete ctx.pendingIntent;
    const answer = await this.answer(session, ctx, intent, other, language, input.message);
    for (const extra of c.also ?? []) {
      if (extra === 'human_agent') answer.handoff = 'requested';
      if ((extra === 'change_address' || extra === 'cancel_order') && extra !== intent) {
        const more = await this.answer(session, ctx, extra, false, language, input.message);
        answer.lines.push('', ...more.lines);
      }
    }
    return answer;
  }

  /** Takes identifiers and proof from the message; answers with what is still missing, a refusal, or 'verified'. */
  private async handleDetails(
    session: ChatSession,
    ctx: SessionContext,
    input: ChatTurnInput,
    c: ReturnType<IntentClassifier['classify']>,
    language: ChatTemplateLanguage,
  ): Promise<Answer | 'verified'> {
    const t = (key: string, vars = {}) => this.t(language, key, vars);
    const e = c.entities;
    const identifier: Identifier | null = e.orderNumbers[0]
      ? { orderNumber: e.orderNumbers[0] }
      : e.trackingNumbers[0]
        ? { trackingNumber: e.trackingNumbers[0].value }
        : null;

    if (identifier) {
      const found = await this.verification.findOrder(identifier);
      if (found && session.verifiedCustomerId && found.order.id === session.orderId) {
        ctx.focusShipmentIds = found.shipmentId ? [found.shipmentId] : undefined;
        return 'verified';
      }
      // A token or phone identifies the customer, so any of their own orders may be shown without more proof.
      if (found && session.verifiedCustomerId === found.customer.id && ctx.verifiedBy !== 'details') {
        session.orderId = found.order.id;
        ctx.focusShipmentIds = found.shipmentId ? [found.shipmentId] : undefined;
        return 'verified';
      }
      if (ctx.verifiedBy === 'details') {
        // A different order number starts a new verification: proof for one order is not proof for another.
        session.verifiedCustomerId = null;
        session.orderId = null;
        session.verifiedAt = null;
        delete ctx.verifiedBy;
      }
      delete ctx.pendingOrderNumber;
      delete ctx.pendingTrackingNumber;
      if (identifier.orderNumber) ctx.pendingOrderNumber = identifier.orderNumber;
      else ctx.pendingTrackingNumber = identifier.trackingNumber;
    }
    if (e.emails[0]) ctx.pendingEmail = e.emails[0];
    if (e.postcodes[0]) ctx.pendingPostcode = e.postcodes[0];

    const pending: Identifier | null = ctx.pendingOrderNumber
      ? { orderNumber: ctx.pendingOrderNumber }
      : ctx.pendingTrackingNumber
        ? { trackingNumber: ctx.pendingTrackingNumber }
        : null;
    if (!pending) return { lines: [t('ask_identifier')], quickReplies: [], shipments: [] };
    const phone = session.channel === 'sms' ? (session.phone ?? undefined) : undefined;
    if (!ctx.pendingEmail && !ctx.pendingPostcode && !phone) {
      return { lines: [t('ask_contact')], quickReplies: [], shipments: [] };
    }

    const clientHash = this.verification.clientHash(input.clientIp);
    return this.verification.serialised(session.id, clientHash, async () => {
      const lock = await this.verification.lockStatus(session.id, clientHash);
      if (lock.locked) {
        delete ctx.pendingEmail;
        delete ctx.pendingPostcode;
        return this.lockedAnswer(language, lock.retryAfterSeconds);
      }
      const proof = { email: ctx.pendingEmail, postcode: ctx.pendingPostcode, phone };
      delete ctx.pendingEmail;
      delete ctx.pendingPostcode;
      const verified = await this.verification.verify(pending, proof);
      if (verified) {
        this.verify(
          session,
          ctx,
          verified.customerId,
          verified.orderId,
          proof.email || proof.postcode ? 'details' : 'phone',
        );
        if (verified.shipmentId) ctx.focusShipmentIds = [verified.shipmentId];
        this.logger.log(`Chat session ${session.id} verified for order ${verified.orderId}`);
        return 'verified';
      }
      if (!proof.email && !proof.postcode) {
        // Only the SMS sender's number was tried: not a guess by the shopper, so ask for proof instead of counting it.
        return { lines: [t('ask_contact')], quickReplies: [], shipments: [] };
      }
      await this.verification.recordFailure(session.id, clientHash);
      this.logger.log(`Chat session ${session.id} failed verification`);
      const after = await this.verification.lockStatus(session.id, clientHash);
      if (after.locked) return this.lockedAnswer(language, after.retryAfterSeconds);
      return { lines: [t('verify_failed')], quickReplies: [t('qr_person')], shipments: [] };
    });
  }

  private lockedAnswer(language: ChatTemplateLanguage, retryAfterSeconds: number): Answer {
    return {
      lines: [
        this.t(language, 'verification_locked', {
          minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)),
          supportUrl: this.config.brand.supportUrl,
        }),
      ],
      quickReplies: [],
      shipments: [],
    };
  }

  /** The answer about the verified order. */
  private async answer(
    session: ChatSession,
    ctx: SessionContext,
    intent: Intent,
    other: boolean,
    language: ChatTemplateLanguage,
    message: string,
  ): Promise<Answer> {
    const t = (key: string, vars = {}) => this.t(language, key, vars);
    const order = await this.orders.findOneByOrFail({ id: session.orderId as string });
    const customer = await this.customers.findOneBy({ id: order.customerId });
    const view: ViewContext = {
      templates: this.templates,
      language,
      dateLocale: dateLocaleFor(language, customer?.locale),
      timeZone: customer?.timeZone ?? 'UTC',
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
          sessionId: session.id,
          orderId: order.id,
          kind: intent,
          details: message,
        });
        return {
          lines: [t(`request_recorded_${intent}`, { order: order.externalId })],
          quickReplies: [person],
          shipments: [],
        };
      }
      const cards = await this.cards(all, view);
      return {
        lines: [t(`after_dispatch_${intent}`, { order: order.externalId })],
        quickReplies: [person],
        shipments: cards,
      };
    }
    if (all.length === 0) {
      return {
        lines: [t('no_shipments', { order: order.externalId })],
        quickReplies: [person],
        shipments: [],
      };
    }

    const focus = (ctx.focusShipmentIds ?? []).filter((id) => all.some((s) => s.id === id));
    let selected = all;
    const lines: string[] = [];
    if (other) {
      const rest = all.filter((s) => !focus.includes(s.id));
      if (all.length === 1 || rest.length === 0) lines.push(t('other_none', { order: order.externalId }));
      else selected = rest;
    } else if (focus.length) {
      selected = all.filter((s) => focus.includes(s.id));
    }
    ctx.focusShipmentIds = selected.length < all.length ? selected.map((s) => s.id) : undefined;

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
      if (delivered) {
        const at = delivered.deliveredAt ?? delivered.lastEventAt;
        return {
          lines: [
            ...lines,
            ...blocks,
            '',
            t('delivered_missing', { time: at ? formatInstant(at, view) : '' }),
          ],
          quickReplies: [person],
          shipments: cards,
        };
      }
      return {
        lines: [...lines, ...blocks, '', t('problem_offer')],
        quickReplies: [person],
        shipments: cards,
      };
    }
    return { lines: [...lines, blocks.join('\n\n')], quickReplies, shipments: cards };
  }

  private async cards(shipments: Shipment[], view: ViewContext): Promise<ShipmentCard[]> {
    const cards: ShipmentCard[] = [];
    for (const shipment of shipments) {
      const last = await this.events
        .createQueryBuilder('e')
        .where('e.shipment_id = :id', { id: shipment.id })
        .orderBy('e.occurred_at', 'DESC', 'NULLS LAST')
        .addOrderBy('e.received_at', 'DESC')
        .getOne();
      cards.push(shipmentCard(shipment, last, view));
    }
    return cards;
  }

  private t(
    language: ChatTemplateLanguage,
    key: string,
    vars: Record<string, string | number | boolean | null> = {},
  ): string {
    return this.templates.render(language, key, vars);
  }
}
