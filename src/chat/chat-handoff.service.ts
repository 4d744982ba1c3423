import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { sessionLogId } from './chat-rate-limiter';
import { QueueService } from '../queue/queue.service';
import { JobName, QueueName } from '../queue/queue.constants';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import { signStandardWebhook } from '../tracking/webhook-signature';
import { ChatHandoff } from './chat-handoff.entity';
import { ChatMessage } from './chat-message.entity';
import { ChatSession } from './chat-session.entity';

export type HandoffReason =
  'requested' | 'low_confidence' | 'delivery_problem' | 'change_address' | 'cancel_order';

const WEBHOOK_TIMEOUT_MS = 10_000;

export interface HandoffView {
  id: string;
  sessionId: string;
  channel: string;
  reason: string;
  status: string;
  webhookStatus: string;
  createdAt: string;
  order: { id: string; number: string } | null;
}

/**
 * Passes a conversation to a person: records the hand-off (the transcript is the session's messages), and when
 * HANDOFF_WEBHOOK_URL is set enqueues its delivery. The job carries the hand-off id only; the webhook body is built
 * from the database at send time, so a retry sends the same content.
 */
@Injectable()
export class ChatHandoffService {
  private readonly logger = new Logger(ChatHandoffService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(ChatHandoff) private readonly handoffs: Repository<ChatHandoff>,
    @InjectRepository(ChatSession) private readonly sessions: Repository<ChatSession>,
    @InjectRepository(ChatMessage) private readonly messages: Repository<ChatMessage>,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(Shipment) private readonly shipments: Repository<Shipment>,
    private readonly queues: QueueService,
  ) {}

  async create(session: ChatSession, reason: HandoffReason): Promise<ChatHandoff> {
    const webhook = !!this.config.chat.handoffWebhookUrl;
    const handoff = await this.handoffs.save(
      this.handoffs.create({
        sessionId: session.id,
        orderId: session.orderId,
        reason,
        webhookStatus: webhook ? 'pending' : 'not_configured',
      }),
    );
    this.logger.log(
      `Chat session ${sessionLogId(this.config, session.id)} handed off (${reason}) as ${handoff.id}`,
    );
    return handoff;
  }

  /** Called after the shopper's turn is stored, so the webhook's transcript includes the bot's last reply. */
  async enqueueDelivery(handoff: ChatHandoff): Promise<void> {
    if (handoff.webhookStatus !== 'pending') return;
    try {
      await this.queues.add(
        QueueName.Outbound,
        JobName.DeliverHandoff,
        { handoffId: handoff.id },
        { jobId: `handoff-${handoff.id}` },
      );
    } catch (err) {
      // The hand-off row stays `pending` and is listed for support; the shopper's reply must not fail over it.
      this.logger.warn(`Enqueue of hand-off ${handoff.id} failed: ${(err as Error).message}`);
    }
  }

  async list(status?: string, limit = 50): Promise<HandoffView[]> {
    const rows = await this.handoffs.find({
      where: status ? { status } : {},
      order: { createdAt: 'DESC' },
      take: limit,
    });
    const orderIds = [...new Set(rows.map((r) => r.orderId).filter((id): id is string => !!id))];
    const sessionIds = [...new Set(rows.map((r) => r.sessionId))];
    const orders = orderIds.length ? await this.orders.findBy({ id: In(orderIds) }) : [];
    const sessions = sessionIds.length ? await this.sessions.findBy({ id: In(sessionIds) }) : [];
    return rows.map((r) => {
      const order = orders.find((o) => o.id === r.orderId);
      return {
        id: r.id,
        sessionId: r.sessionId,
        channel: sessions.find((s) => s.id === r.sessionId)?.channel ?? 'web',
        reason: r.reason,
        status: r.status,
        webhookStatus: r.webhookStatus,
        createdAt: r.createdAt.toISOString(),
        order: order ? { id: order.id, number: order.externalId } : null,
      };
    });
  }

  /** The webhook body: the hand-off, the transcript and the order context an agent needs. */
  async payload(handoffId: string): Promise<Record<string, unknown> | null> {
    const handoff = await this.handoffs.findOneBy({ id: handoffId });
    if (!handoff) return null;
    const session = await this.sessions.findOneBy({ id: handoff.sessionId });
    const transcript = await this.messages.find({
      where: { sessionId: handoff.sessionId },
      order: { createdAt: 'ASC' },
    });
    const order = handoff.orderId ? await this.orders.findOneBy({ id: handoff.orderId }) : null;
    const shipments = order
      ? await this.shipments.find({ where: { orderId: order.id }, order: { createdAt: 'ASC' } })
      : [];
    return {
      type: 'chat.handoff',
      handoff: { id: handoff.id, reason: handoff.reason, createdAt: handoff.createdAt.toISOString() },
      session: session
        ? {
            id: session.id,
            channel: session.channel,
            locale: session.locale,
            verified: !!session.verifiedCustomerId,
          }
        : null,
      order: order
        ? {
            id: order.id,
            number: order.externalId,
            customerId: order.customerId,
            shipments: shipments.map((s) => ({
              id: s.id,
              carrier: s.carrier,
              trackingNumber: s.trackingNumber,
              status: s.status,
              exceptionReason: s.exceptionReason,
              eta: s.eta,
              lastEventAt: s.lastEventAt?.toISOString() ?? null,
            })),
          }
        : null,
      transcript: transcript.map((m) => ({
        role: m.role,
        text: m.text,
        intent: m.intent,
        at: m.createdAt.toISOString(),
      })),
    };
  }

  /**
   * POSTs the hand-off, signed Standard Webhooks style. A 4xx other than 408/429 is permanent (the receiver will not
   * change its mind); anything else throws so BullMQ retries with backoff.
   */
  async deliver(handoffId: string): Promise<void> {
    const url = this.config.chat.handoffWebhookUrl;
    const secret = this.config.chat.handoffWebhookSecret;
    if (!url || !secret) {
      await this.handoffs.update({ id: handoffId }, { webhookStatus: 'not_configured' });
      return;
    }
    const payload = await this.payload(handoffId);
    if (!payload) throw new UnrecoverableError(`Hand-off ${handoffId} no longer exists`);
    const body = JSON.stringify(payload);
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook(id, timestamp, body, secret),
      },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    if (response.ok) {
      await this.handoffs.update({ id: handoffId }, { webhookStatus: 'delivered' });
      this.logger.log(`Hand-off ${handoffId} delivered (${response.status})`);
      return;
    }
    if (
      response.status >= 400 &&
      response.status < 500 &&
      response.status !== 408 &&
      response.status !== 429
    ) {
      await this.handoffs.update({ id: handoffId }, { webhookStatus: 'failed' });
      throw new UnrecoverableError(`Hand-off webhook refused with ${response.status}`);
    }
    throw new Error(`Hand-off webhook answered ${response.status}`);
  }

  async markFailed(handoffId: string): Promise<void> {
    await this.handoffs.update({ id: handoffId }, { webhookStatus: 'failed' });
  }
}
