import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { closeTurn, DialogueState, extraSteps, openTurn, OutOfScopeIntent } from './chat-dialogue.policy';
import { ChatHandoff } from './chat-handoff.entity';
import { ChatHandoffService, HandoffReason } from './chat-handoff.service';
import { ChatMessage } from './chat-message.entity';
import { CHAT_TEMPLATES, ChatOrderAnswerService } from './chat-order-answer.service';
import { ChatSession } from './chat-session.entity';
import { ChatSessionStore } from './chat-session.store';
import { ChatTemplateLanguage, ChatTemplates, chatLanguageOf } from './chat-templates';
import { ChatVerificationService, Identifier } from './chat-verification.service';
import { Classification, Intent, IntentClassifier } from './nlu/intent-classifier';
import { ShipmentCard } from './shipment-view';

export const CHAT_CLASSIFIER = Symbol('CHAT_CLASSIFIER');

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

/**
 * The WISMO bot: one turn in, one reply out, for the widget and for SMS alike. Runs the dialogue: the decisions
 * are the pure functions of chat-dialogue.policy.ts; this class does their I/O (verification, the order answer,
 * storing the turn). Never shows tracking data before the session is verified, and never for an out-of-scope
 * question.
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
    private readonly store: ChatSessionStore,
    private readonly orderAnswers: ChatOrderAnswerService,
    @InjectRepository(ChatSession) private readonly sessions: Repository<ChatSession>,
  ) {}

  async handleTurn(input: ChatTurnInput): Promise<ChatTurnResult> {
    // Replies published in the template editor since the last turn (a cached check, at most once a second).
    await this.templates.refresh();
    const session = await this.sessionFor(input);
    const ctx = (session.context ?? {}) as SessionContext;
    // Session ids are bearer credentials: an idle verification is forgotten (CHAT_SESSION_IDLE_MINUTES).
    if (this.verification.forgetIfIdle(session)) {
      delete ctx.verifiedBy;
      delete ctx.focusShipmentIds;
    }
    // The classifier falls back to this locale when the text carries no language evidence ("#1042"): the
    // conversation's language so far (a new session starts from the page's locale), not the browser's, so a
    // shopper who asked in Spanish on an English page keeps getting Spanish when they type an order number.
    const receivedAt = new Date();
    const classification = this.classifier.classify(input.message, session.locale, expecting(session, ctx));
    const language = chatLanguageOf(classification.language);
    session.locale = language;

    await this.applyIdentity(session, ctx, input);

    const answer = await this.respond(session, ctx, input, classification, language);
    let handoff: ChatHandoff | null = null;
    if (answer.handoff) {
      handoff = await this.handoffs.create(session, answer.handoff);
      session.handedOffAt = new Date();
      const order = await this.orderAnswers.externalIdOf(session.orderId);
      const key = answer.handoff === 'low_confidence' ? 'handoff_low_confidence' : 'handoff';
      answer.lines.push(
        this.t(language, key, {
          order,
          reference: handoff.id.slice(0, 8).toUpperCase(),
        }),
      );
      answer.quickReplies = [];
    }
    session.context = ctx as Record<string, unknown>;
    const reply = answer.lines.join('\n');
    const line = { intent: classification.intent, confidence: classification.confidence };
    await this.store.saveTurn(
      session,
      { ...line, text: input.message, at: receivedAt },
      // One millisecond apart at least, so the transcript's order never depends on the row order.
      { ...line, text: reply, at: new Date(Math.max(Date.now(), receivedAt.getTime() + 1)) },
    );
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

  /** The stored session and transcript, for support and for the widget resuming a conversation. */
  async transcript(sessionId: string): Promise<{ session: ChatSession; messages: ChatMessage[] } | null> {
    return this.store.transcript(sessionId);
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
    // Stored with the turn's lines in one statement at the end of the turn (ChatSessionStore).
    return this.store.create({
      channel: input.channel,
      phone: input.channel === 'sms' ? (input.phone ?? null) : null,
      locale: chatLanguageOf(input.locale),
    });
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
      // The sender's number proves only orders placed with that number, never the rest of a customer's orders.
      const order = await this.verification.latestOrderByPhone(input.phone);
      if (order) this.verify(session, ctx, order.customerId, order.id, 'phone');
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
    c: Classification,
    language: ChatTemplateLanguage,
  ): Promise<Answer> {
    const t = (key: string, vars = {}) => this.t(language, key, vars);
    const opening = openTurn(this.dialogueState(session, ctx), c, input.message);
    session.lowConfidenceStreak = opening.lowConfidenceStreak;
    switch (opening.kind) {
      case 'not_understood':
        return { lines: [t('not_understood')], quickReplies: [t('qr_track'), t('qr_person')], shipments: [] };
      case 'handoff':
        return { lines: [], quickReplies: [], shipments: [], handoff: opening.reason };
      case 'out_of_scope':
        return this.outOfScopeAnswer(language, opening.topic);
      case 'clarify':
        return {
          lines: [t('clarify', { topic: t(`topic_${opening.topic}`) })],
          quickReplies: [t('qr_track'), t(`qr_topic_${opening.topic}`)],
          shipments: [],
        };
    }
    if (opening.rememberIntent) ctx.pendingIntent = opening.rememberIntent;

    let justVerified = false;
    if (opening.takeDetails) {
      await this.resolveOrderNumber(c);
      const outcome = await this.handleDetails(session, ctx, input, c, language);
      if (outcome !== 'verified') return outcome;
      justVerified = true;
    }
    let closing = closeTurn(
      this.dialogueState(session, ctx),
      opening.intent,
      justVerified,
      opening.takeDetails,
    );
    if (closing.kind === 'latest_order' && session.verifiedCustomerId) {
      const latest =
        ctx.verifiedBy === 'phone' && session.phone
          ? await this.verification.latestOrderByPhone(session.phone)
          : await this.verification.latestOrderOf(session.verifiedCustomerId);
      if (latest) session.orderId = latest.id;
      closing = latest ? { kind: 'answer', intent: closing.intent } : { kind: 'ask_identifier' };
    }
    const extras = extraSteps(
      closing.kind === 'answer' ? closing.intent : opening.intent,
      opening.extras,
      true,
    );
    const outOfScopeExtras = (answer: Answer): Answer => {
      for (const step of extras) {
        if (step.kind === 'out_of_scope')
          answer.lines.push('', ...this.outOfScopeAnswer(language, step.topic).lines);
        if (step.kind === 'handoff') answer.handoff = 'requested';
      }
      return answer;
    };
    switch (closing.kind) {
      case 'greeting':
        return { lines: [t('greeting')], quickReplies: [t('qr_track'), t('qr_person')], shipments: [] };
      case 'thanks':
        return { lines: [t('thanks')], quickReplies: [], shipments: [] };
      case 'acknowledge':
        return { lines: [t('acknowledge')], quickReplies: [t('qr_track'), t('qr_person')], shipments: [] };
      case 'ask_details':
      case 'ask_identifier':
      case 'latest_order':
        return outOfScopeExtras({
          lines: [t(session.verifiedCustomerId ? 'ask_identifier' : 'ask_details')],
          quickReplies: [],
          shipments: [],
        });
    }
    delete ctx.pendingIntent;
    const answer = await this.orderAnswer(session, ctx, closing.intent, opening.otherParcel, language, input);
    for (const step of extras) {
      if (step.kind !== 'order') continue;
      const more = await this.orderAnswer(session, ctx, step.intent, false, language, input);
      answer.lines.push('', ...more.lines);
      for (const card of more.shipments)
        if (!answer.shipments.some((s) => s.id === card.id)) answer.shipments.push(card);
    }
    return outOfScopeExtras(answer);
  }

  private dialogueState(session: ChatSession, ctx: SessionContext): DialogueState {
    return {
      hasOrder: !!session.orderId,
      hasCustomer: !!session.verifiedCustomerId,
      lowConfidenceStreak: session.lowConfidenceStreak,
      pendingIntent: ctx.pendingIntent,
    };
  }

  /**
   * An order number typed loosely ("ws9307") may fit the store's pattern in several forms: the one stored wins, so
   * verification compares the shopper's proof against the order they meant.
   */
  private async resolveOrderNumber(c: Classification): Promise<void> {
    const typed = c.entities.orderNumbers[0];
    const forms = typed ? c.entities.orderNumberForms[typed] : undefined;
    if (!forms || forms.length < 2) return;
    const stored = await this.orderAnswers.resolveOrderNumber(forms);
    c.entities.orderNumbers[0] = stored;
  }

  /** The store's page for an out-of-scope kind (CHAT_HELP_LINKS), or its general support page. */
  private outOfScopeAnswer(language: ChatTemplateLanguage, topic: OutOfScopeIntent): Answer {
    const url = this.config.chat.helpLinks?.[topic] ?? this.config.brand.supportUrl;
    return {
      lines: [
        this.t(language, topic === 'out_of_scope' ? 'out_of_scope' : `oos_${topic}`, {
          url,
          supportUrl: url,
        }),
      ],
      quickReplies: [this.t(language, 'qr_track'), this.t(language, 'qr_person')],
      shipments: [],
    };
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
      // A token identifies the customer, so any of their own orders may be shown without more proof; a phone only
      // the orders placed with that phone (a customer is matched by email, so its orders may carry other phones).
      if (
        found &&
        session.verifiedCustomerId === found.order.customerId &&
        (ctx.verifiedBy === 'token' ||
          (ctx.verifiedBy === 'phone' && !!session.phone && found.order.contactPhone === session.phone))
      ) {
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

    const proof = { email: ctx.pendingEmail, postcode: ctx.pendingPostcode, phone };
    delete ctx.pendingEmail;
    delete ctx.pendingPostcode;
    // Counted per session, client and order in the shared limiter; no lock or connection is held across it.
    const outcome = await this.verification.attempt(session.id, input.clientIp, pending, proof);
    if (outcome.kind === 'locked') return this.lockedAnswer(language, outcome.retryAfterSeconds);
    if (outcome.kind === 'verified') {
      const { verified } = outcome;
      this.verify(
        session,
        ctx,
        verified.customerId,
        verified.orderId,
        proof.email || proof.postcode ? 'details' : 'phone',
      );
      if (verified.shipmentId) ctx.focusShipmentIds = [verified.shipmentId];
      // The session id is a bearer credential: logs carry only its hash.
      this.logger.log(
        `Chat session ${this.verification.sessionLogId(session.id)} verified for order ${verified.orderId}`,
      );
      return 'verified';
    }
    if (!proof.email && !proof.postcode) {
      // Only the SMS sender's number was tried: not a guess by the shopper, so ask for proof instead of counting it.
      return { lines: [t('ask_contact')], quickReplies: [], shipments: [] };
    }
    this.logger.log(`Chat session ${this.verification.sessionLogId(session.id)} failed verification`);
    if (outcome.lockedNow.locked) return this.lockedAnswer(language, outcome.lockedNow.retryAfterSeconds);
    return { lines: [t('verify_failed')], quickReplies: [t('qr_person')], shipments: [] };
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

  /** The answer about the verified order; remembers which parcels it was about. */
  private async orderAnswer(
    session: ChatSession,
    ctx: SessionContext,
    intent: Intent,
    otherParcel: boolean,
    language: ChatTemplateLanguage,
    input: ChatTurnInput,
  ): Promise<Answer> {
    const { focusShipmentIds, ...answer } = await this.orderAnswers.answer({
      sessionId: session.id,
      orderId: session.orderId as string,
      intent,
      otherParcel,
      language,
      message: input.message,
      focusShipmentIds: ctx.focusShipmentIds,
      linksInText: session.channel === 'sms',
    });
    ctx.focusShipmentIds = focusShipmentIds;
    return answer;
  }

  private t(
    language: ChatTemplateLanguage,
    key: string,
    vars: Record<string, string | number | boolean | null> = {},
  ): string {
    return this.templates.render(language, key, vars);
  }
}

/**
 * What the chat asked for last, read from what it is still missing: with an order number pending, a bare number is
 * the postcode it asked for; with only the question (or only the email) pending, it is the order number.
 */
function expecting(session: ChatSession, ctx: SessionContext): 'order' | 'contact' | undefined {
  if (session.orderId) return undefined;
  if (ctx.pendingOrderNumber || ctx.pendingTrackingNumber) return 'contact';
  if (ctx.pendingEmail || ctx.pendingPostcode || ctx.pendingIntent) return 'order';
  return undefined;
}
