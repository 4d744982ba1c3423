import { ANALYTICS_ENTITIES } from '../analytics/analytics.entities';
import { EstimateAccuracyDaily } from '../analytics/estimate-accuracy.entity';
import { ApiKey } from '../auth/api-key.entity';
import { TRACKING_PAGE_ENTITIES } from '../tracking-page/tracking-page.entities';
import { OutboxMessage } from '../channels/outbox-message.entity';
import { ChatHandoff } from '../chat/chat-handoff.entity';
import { ChatMessage } from '../chat/chat-message.entity';
import { ChatRequest } from '../chat/chat-request.entity';
import { ChatSession } from '../chat/chat-session.entity';
import { VerificationFailure } from '../chat/verification-failure.entity';
import { CustomerPreference } from '../notifications/customer-preference.entity';
import { NotificationAttempt } from '../notifications/notification-attempt.entity';
import { Notification } from '../notifications/notification.entity';
import { NotificationSkip } from '../notifications/notification-skip.entity';
import { Suppression } from '../channels/suppression.entity';
import { TemplateRevision } from '../templates/template-revision.entity';
import { TemplateVersion } from '../templates/template-version.entity';
import { Customer } from '../tracking/customer.entity';
import { EtaHistory } from '../tracking/eta-history.entity';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import { ShopifyFulfillmentLink, ShopifyOrderLink } from '../tracking/shopify-link.entity';
import { TrackingEvent } from '../tracking/tracking-event.entity';
import { WebhookMessageId } from '../tracking/webhook-message-id.entity';

/** Every entity, listed explicitly so the app, the CLI and jest load the same set without globbing. */
export const ENTITIES = [
  ApiKey,
  Customer,
  Order,
  Shipment,
  TrackingEvent,
  EtaHistory,
  Notification,
  NotificationAttempt,
  NotificationSkip,
  CustomerPreference,
  Suppression,
  OutboxMessage,
  TemplateVersion,
  TemplateRevision,
  ChatSession,
  ChatMessage,
  ChatHandoff,
  ChatRequest,
  VerificationFailure,
  ...ANALYTICS_ENTITIES,
  EstimateAccuracyDaily,
  ...TRACKING_PAGE_ENTITIES,
  WebhookMessageId,
  ShopifyOrderLink,
  ShopifyFulfillmentLink,
];
