import { Initial1795483032609 } from './migrations/1795483032609-initial';
import { OrderContactsChatLimits1796407596071 } from './migrations/1796407596071-order-contacts-chat-limits';
import { WebhookReplay1796407659574 } from './migrations/1796407659574-webhook-replay';
import { Analytics1796407874825 } from './migrations/1796407874825-analytics';
import { ShopifyOrders1796408085422 } from './migrations/1796408085422-shopify-orders';
import { TrackingPage1796408913244 } from './migrations/1796408913244-tracking-page';
import { SupportCaseWebhooks1796409894192 } from './migrations/1796409894192-support-case-webhooks';
import { ProactiveMessages1796410100000 } from './migrations/1796410100000-proactive-messages';
import { DeliveryEstimates1796410200000 } from './migrations/1796410200000-delivery-estimates';
import { AnalyticsAtScale1796410300000 } from './migrations/1796410300000-analytics-at-scale';
import { Lz4Toast1796410400000 } from './migrations/1796410400000-lz4-toast';
import { AnalyticsRefreshHorizon1796410500000 } from './migrations/1796410500000-analytics-refresh-horizon';
import { TimeOrderedIds1796410600000 } from './migrations/1796410600000-time-ordered-ids';
/** Every migration in order; `npm run migration:generate` appends to this list. */
export const MIGRATIONS: Function[] = [
  Initial1795483032609,
  OrderContactsChatLimits1796407596071,
  WebhookReplay1796407659574,
  Analytics1796407874825,
  ShopifyOrders1796408085422,
  TrackingPage1796408913244,
  SupportCaseWebhooks1796409894192,
  ProactiveMessages1796410100000,
  DeliveryEstimates1796410200000,
  AnalyticsAtScale1796410300000,
  Lz4Toast1796410400000,
  AnalyticsRefreshHorizon1796410500000,
  TimeOrderedIds1796410600000,
];
