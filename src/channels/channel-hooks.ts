import { Injectable } from '@nestjs/common';
import type { NotificationStatus } from '../shared/notification.types';
import type { InboundSmsHandler } from './inbound-sms.handler';

/** A provider's delivery report for one message it accepted (a Twilio status callback). */
export interface DeliveryReceipt {
  providerMessageId: string;
  status: NotificationStatus;
  /** Set when the provider reports the message undelivered: our reason and the provider's error code. */
  failure: { reason: string; errorCode: string | null } | null;
}

/** What became of a receipt: the message it was about (null when unknown) and whether its status moved. */
export interface DeliveryReceiptOutcome {
  notificationId: string | null;
  moved: boolean;
}

/** Implemented by the feature that owns the message records (notifications). */
export interface DeliveryReceiptHandler {
  apply(receipt: DeliveryReceipt): Promise<DeliveryReceiptOutcome>;
}

/**
 * Where channels hand over what arrives from providers without depending on the features that use channels:
 * notifications registers the receiver of delivery receipts and the chat registers the answerer of inbound texts,
 * each from its own module at start-up. So dependencies run one way (chat → channels, notifications → channels)
 * and channels never writes another feature's rows.
 */
@Injectable()
export class ChannelHooks {
  private receipts: DeliveryReceiptHandler | undefined;
  private inbound: InboundSmsHandler | undefined;

  handleDeliveryReceipts(handler: DeliveryReceiptHandler): void {
    this.receipts = handler;
  }

  answerInboundSms(handler: InboundSmsHandler): void {
    this.inbound = handler;
  }

  get deliveryReceipts(): DeliveryReceiptHandler | undefined {
    return this.receipts;
  }

  get inboundSms(): InboundSmsHandler | undefined {
    return this.inbound;
  }
}
