/**
 * The notification policy: which notifications one accepted shipment change calls for, which pending ones it
 * makes obsolete, and when each may go out. Pure (no clock, no I/O): the caller passes `now`, the shipment's
 * state after the change, the customer's preferences, suppressions and the shipment's notification history,
 * and persists the decisions in the same transaction as the change (DESIGN.md, "The flow of one status
 * change", step 2). Skips are returned too, with a machine-readable reason, so the log can say why nothing
 * was sent.
 *
 * Change → type (at most one type per change; the most relevant one):
 *   in_transit from pre_transit/unknown (first carrier scan) → shipped. A shipment first seen further along
 *   (out for delivery, delivered, …) gets only that stage's message, never a belated "shipped".
 *   out_for_delivery → out_for_delivery; attempt_failed → delivery_attempt_failed;
 *   available_for_pickup → available_for_pickup; delivered → delivered (collection at a pickup point is the
 *   same type, the template branches on `collectedAtPickup`); exception → exception, or delayed when the
 *   reason is `delayed`; returned → returned_to_sender; the `delayed` domain event → delayed, except the silence
 *   of the scheduled no-scan check (cause `no_scan`) → stalled: one silence is told once, as "stalled", never also
 *   as "running late" (a carrier's own delay, or a later date, stays `delayed`).
 *   Nothing for pre_transit, unknown, cancelled, other moves into in_transit, or `eta_changed`.
 *   The delivery of the last parcel of an order shipped in several parcels → order_complete instead of delivered,
 *   on each channel that sends order_complete and the customer did not opt out of; delivered on the others (its
 *   text then says the order is complete, issue 16). The customer never gets both for that parcel, and an earlier
 *   parcel's delivered message still waiting is cancelled (order_complete says those parcels arrived too).
 *
 * Rules, in the order they apply:
 * 1. Returned to sender is the last word: once the shipment is returned, or a returned_to_sender
 *    notification exists, every later change is skipped (`returned_to_sender`).
 * 2. `delayed` and `eta_changed` events on a delivered or cancelled shipment are skipped
 *    (`shipment_delivered`, `shipment_cancelled`). Status changes out of those are the tracking intake's
 *    call and are notified normally.
 * 3. Stale: an event older than the shipment's last event (`eventOccurredAt < shipment.lastEventAt`)
 *    notifies nothing and cancels nothing (`stale_event`). Unknown times are not stale.
 * 4. Supersession (see below) yields `cancel` decisions.
 * 5. A type whose channel list is empty is skipped once (`type_disabled`, channel null).
 * 6. Per enabled channel, first match wins: suppression (`suppressed_sms` / `suppressed_email`), opt-out
 *    (`opted_out`; `*` matches any type or channel), missing contact (`no_phone` / `no_email`), same type on
 *    the same channel already in the history (`already_sent`: never the same type twice per shipment and
 *    channel). Suppressions and opt-outs therefore always win.
 *    History rows count as "already" in statuses pending, queued, sending, sent, delivered and failed (a
 *    failure after the provider may have accepted the message must never turn into a duplicate); skipped
 *    and cancelled rows do not (the customer never got them).
 * 7. Otherwise `create`.
 *
 * Debounce and supersession, exactly:
 * - Every creation from a change is scheduled at `now + config.debounceSeconds` (not the event time: a late
 *   webhook must not produce a message "in the past"), so for that long it stays pending and a newer change
 *   can still replace it.
 * - SMS is then moved by quiet hours to the end of the type's window in the customer's zone
 *   (`quietHoursDelayed: true` when moved). Email is never delayed beyond the debounce.
 * - A change whose type supersedes others (SUPERSEDES) cancels every notification of those types for the
 *   shipment still `pending` or `queued`, whatever its channel and `scheduledFor`: inside the debounce
 *   window, or held by quiet hours (an out-for-delivery text held overnight is cancelled by the delivery at
 *   7:00). One `cancel` per type; the caller cancels conditionally (`WHERE status IN ('pending','queued')`)
 *   so a worker that already claimed the row wins the race and the message counts as sent.
 * - delivered and returned_to_sender cancel unconditionally: what is pending is now false. Every other type
 *   cancels only when this change creates at least one notification, so the customer is never left with
 *   neither the older nor the newer message (e.g. a held failed-attempt text is kept when the next day's
 *   out-for-delivery text is skipped as already sent).
 * - Example: shipped at 10:00:00 (email scheduled 10:01:00), out for delivery at 10:00:20 → cancel shipped,
 *   create out_for_delivery SMS and email scheduled 10:01:20. The customer hears only "out for delivery".
 *
 * Arriving tomorrow (`decideArrivingTomorrow`, for the scheduled check): the parcel is still on its way (not out for
 * delivery, delivered, at a pickup point, in exception) and its expected day (the carrier's date, or our most likely
 * date where the carrier has none) is tomorrow in the customer's zone → create, planned inside the morning window
 * (ARRIVING_TOMORROW_WINDOW, 09:00–11:00 local): at its start when decided earlier, at once inside it, never after
 * it (`morning_window_passed`: the out-for-delivery message follows the next morning). No debounce; quiet hours
 * still apply to SMS. Once per shipment, channel and day (`aboutDate`): announced again only for another day.
 *
 * Pickup reminder (`decidePickupReminder`, for the scheduled check): the shipment has been
 * available_for_pickup for at least `config.pickupReminderAfterDays` days and is not collected, and no
 * reminder exists for that channel → create, scheduled at `now` (no debounce; quiet hours still apply to SMS), or,
 * while the "ready for pickup" notice itself still waits, a minute after it: a reminder never precedes its notice.
 */
import type { CanonicalStatus, ExceptionReason, ShipmentDomainEvent } from '../shared/tracking.types';
import { quietWindowFor, type NotificationConfig } from '../config/notification-config';
import {
  CHANNELS,
  NOTIFICATION_TYPES,
  type Channel,
  type NotificationStatus,
  type NotificationType,
} from '../shared/notification.types';
import { nextAllowedSendTime, resolveTimeZone } from '../shared/quiet-hours';
import { DateTime } from 'luxon';
import { parcelPosition, type SiblingParcel } from './message-variables';

export interface NotificationOptOut {
  type: NotificationType | '*';
  channel: Channel | '*';
}

export interface NotificationHistoryEntry {
  type: NotificationType;
  channel: Channel;
  status: NotificationStatus;
  createdAt: Date;
  scheduledFor: Date;
  /** The day a dated message is about (arriving_tomorrow); null or absent for the others. */
  aboutDate?: string | null;
}

export interface PolicyCustomer {
  hasEmail: boolean;
  hasPhone: boolean;
  /** IANA zone; an unknown zone is treated as UTC (quiet-hours.ts). */
  timeZone: string;
}

export interface PolicyContext {
  customer: PolicyCustomer;
  preferences: { optOuts: NotificationOptOut[] };
  suppressions: { sms: boolean; email: boolean };
  /** Every notification row of this shipment, any status. */
  history: NotificationHistoryEntry[];
  config: NotificationConfig;
  now: Date;
  /** Every parcel of the shipment's order, this one included (order_complete); absent or empty = a single parcel. */
  parcels?: readonly SiblingParcel[];
}

export interface PolicyInput extends PolicyContext {
  change: ShipmentDomainEvent;
  /** The shipment's state after the change was applied. */
  shipment: {
    id: string;
    status: CanonicalStatus;
    reason: ExceptionReason | null;
    collectedAtPickup: boolean;
    lastEventAt: Date | null;
  };
  /** When the change happened at the carrier, if known. */
  eventOccurredAt: Date | null;
}

export interface ArrivingTomorrowInput extends PolicyContext {
  shipment: { id: string; status: CanonicalStatus };
  /** The day the parcel is expected, in the customer's zone: the carrier's date, else our most likely date. */
  expectedOn: string | null;
}

export interface PickupReminderInput extends PolicyContext {
  shipment: {
    id: string;
    status: CanonicalStatus;
    collectedAtPickup: boolean;
    /** When the shipment became available for pickup; null when unknown. */
    availableForPickupAt: Date | null;
  };
}

export type SkipReason =
  | 'already_sent'
  | 'returned_to_sender'
  | 'shipment_delivered'
  | 'shipment_cancelled'
  | 'stale_event'
  | 'no_notification_for_change'
  | 'type_disabled'
  | 'suppressed_sms'
  | 'suppressed_email'
  | 'opted_out'
  | 'no_phone'
  | 'no_email'
  | 'not_awaiting_pickup'
  | 'pickup_reminder_too_early'
  | 'not_a_delay'
  | 'not_on_its_way'
  | 'not_arriving_tomorrow'
  | 'morning_window_passed';

export interface CreateDecision {
  action: 'create';
  type: NotificationType;
  channel: Channel;
  scheduledFor: Date;
  quietHoursDelayed: boolean;
  /** The day a dated message is about (arriving_tomorrow). */
  aboutDate?: string;
}

export interface SkipDecision {
  action: 'skip';
  /** Null when the change calls for no notification at all. */
  type: NotificationType | null;
  /** Null when the skip applies to every channel. */
  channel: Channel | null;
  reason: SkipReason;
}

export interface CancelDecision {
  action: 'cancel';
  notificationType: NotificationType;
  reason: 'superseded';
  /** The other parcels of the order whose waiting messages of that type to cancel; absent = this shipment's. */
  siblingShipmentIds?: string[];
}

export type Decision = CreateDecision | SkipDecision | CancelDecision;

/** History statuses that mean "this type was (or is being) sent on this channel". */
export const ALREADY_SENT_STATUSES: readonly NotificationStatus[] = [
  'pending',
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
];

/** Statuses a notification can still be cancelled from: not yet handed to a provider. */
export const CANCELLABLE_STATUSES: readonly NotificationStatus[] = ['pending', 'queued'];

/** Pending notifications of the listed types are obsolete once the key type is decided. */
const DELIVERED_SUPERSEDES: readonly NotificationType[] = [
  'shipped',
  'arriving_tomorrow',
  'delayed',
  'stalled',
  'out_for_delivery',
  'delivery_attempt_failed',
  'available_for_pickup',
  'pickup_reminder',
  'exception',
];

export const SUPERSEDES: Readonly<Record<NotificationType, readonly NotificationType[]>> = {
  shipped: [],
  // "Arriving tomorrow" says it is on its way too.
  arriving_tomorrow: ['shipped'],
  // "On its way, expected Monday" and "running late, now Monday" must not both go out: the delay, decided
  // while the shipped message still waits, says both (it is on its way, and late). A later day also makes a waiting
  // "arriving tomorrow" false, and says more than a waiting "no news for a while".
  delayed: ['shipped', 'arriving_tomorrow', 'stalled'],
  stalled: ['shipped'],
  pickup_reminder: [],
  out_for_delivery: [
    'shipped',
    'arriving_tomorrow',
    'delayed',
    'stalled',
    'delivery_attempt_failed',
    'exception',
  ],
  delivery_attempt_failed: ['shipped', 'arriving_tomorrow', 'delayed', 'stalled', 'out_for_delivery'],
  available_for_pickup: [
    'shipped',
    'arriving_tomorrow',
    'delayed',
    'stalled',
    'out_for_delivery',
    'delivery_attempt_failed',
    'exception',
  ],
  exception: [
    'shipped',
    'arriving_tomorrow',
    'delayed',
    'stalled',
    'out_for_delivery',
    'delivery_attempt_failed',
  ],
  delivered: DELIVERED_SUPERSEDES,
  // It replaces the last parcel's delivered message, so it makes the same messages false.
  order_complete: DELIVERED_SUPERSEDES,
  returned_to_sender: NOTIFICATION_TYPES.filter((type) => type !== 'returned_to_sender'),
};

/**
 * When `arriving_tomorrow` goes out, in the customer's zone: planned for the start of the window, sent at once inside
 * it, not at all after it. A morning message leaves the day to arrange a safe place or a neighbour; later in the
 * day the out-for-delivery message of the next morning says as much.
 */
export const ARRIVING_TOMORROW_WINDOW = { start: { hour: 9, minute: 0 }, end: { hour: 11, minute: 0 } };

/** Statuses in which a parcel is still on its way, so "arriving tomorrow" can be true. */
const ON_ITS_WAY: readonly CanonicalStatus[] = ['pre_transit', 'in_transit', 'unknown'];

/** A reminder decided while its notice still waits goes this long after the notice. */
export const REMINDER_AFTER_NOTICE_MS = 60_000;

/** Statuses of a notification that has not gone out yet (it may still be sent). */
export const PENDING_STATUSES: readonly NotificationStatus[] = ['pending', 'queued', 'sending'];

/**
 * A delay is news only when the new day is later than the one before it (both YYYY-MM-DD). A delay with no
 * new day (no scan for days) is news; a "delay" to the same or an earlier day is not.
 */
function isLater(current: string | null, previous: string | null): boolean {
  if (!current || !previous) return true;
  return current.slice(0, 10) > previous.slice(0, 10);
}

/** Types whose pending predecessors are false once they are decided, so they cancel even when not sent. */
const FINAL_TYPES: readonly NotificationType[] = ['delivered', 'order_complete', 'returned_to_sender'];

const DAY_MS = 24 * 60 * 60 * 1000;

/** The one notification type a change calls for, or null. */
export function notificationTypeForChange(change: ShipmentDomainEvent): NotificationType | null {
  if (change.kind === 'delayed') return change.cause === 'no_scan' ? 'stalled' : 'delayed';
  if (change.kind !== 'status_changed') return null;
  switch (change.to) {
    case 'in_transit':
      return change.from === 'pre_transit' || change.from === 'unknown' ? 'shipped' : null;
    case 'out_for_delivery':
      return 'out_for_delivery';
    case 'attempt_failed':
      return 'delivery_attempt_failed';
    case 'available_for_pickup':
      return 'available_for_pickup';
    case 'delivered':
      return 'delivered';
    case 'exception':
      return change.reason === 'delayed' ? 'delayed' : 'exception';
    case 'returned':
      return 'returned_to_sender';
    case 'pre_transit':
    case 'unknown':
    case 'cancelled':
      return null;
  }
}

export function decideNotifications(input: PolicyInput): Decision[] {
  const { change, shipment, history } = input;
  const type = notificationTypeForChange(change);
  const skipAll = (reason: SkipReason): Decision[] => [{ action: 'skip', type, channel: null, reason }];

  const isReturnTransition = change.kind === 'status_changed' && change.to === 'returned';
  if (
    history.some((entry) => entry.type === 'returned_to_sender') ||
    (shipment.status === 'returned' && !isReturnTransition)
  ) {
    return skipAll('returned_to_sender');
  }
  if (change.kind !== 'status_changed' && shipment.status === 'delivered')
    return skipAll('shipment_delivered');
  if (change.kind !== 'status_changed' && shipment.status === 'cancelled')
    return skipAll('shipment_cancelled');
  if (input.eventOccurredAt && shipment.lastEventAt && input.eventOccurredAt < shipment.lastEventAt) {
    return skipAll('stale_event');
  }
  if (!type) return skipAll('no_notification_for_change');
  if (change.kind === 'delayed' && !isLater(change.current, change.previous)) return skipAll('not_a_delay');

  const sendAt = new Date(input.now.getTime() + input.config.debounceSeconds * 1000);
  const perChannel =
    type === 'delivered' && completesSplitOrder(shipment.id, input.parcels)
      ? [
          ...channelDecisions('order_complete', sendAt, input, { only: (c) => takesOrderComplete(c, input) }),
          ...channelDecisions('delivered', sendAt, input, { only: (c) => !takesOrderComplete(c, input) }),
        ]
      : channelDecisions(type, sendAt, input);
  const creates = perChannel.some((decision) => decision.action === 'create');
  const cancels = creates || FINAL_TYPES.includes(type) ? supersededBy(type, history) : [];
  // "All parcels delivered" says the earlier parcels arrived too: their delivered messages still waiting (debounce)
  // would repeat it a minute apart, so they are cancelled (conditionally: one already claimed is sent).
  const completes = perChannel.some((d) => d.action === 'create' && d.type === 'order_complete');
  const siblings = completes
    ? (input.parcels ?? []).filter((p) => p.id !== shipment.id).map((p) => p.id)
    : [];
  const siblingCancels: CancelDecision[] = siblings.length
    ? [
        {
          action: 'cancel',
          notificationType: 'delivered',
          reason: 'superseded',
          siblingShipmentIds: siblings,
        },
      ]
    : [];
  return [...cancels, ...siblingCancels, ...perChannel];
}

/** This parcel's delivery is the last of an order shipped in several parcels: every parcel is now delivered. */
export function completesSplitOrder(
  shipmentId: string,
  parcels: readonly SiblingParcel[] | undefined,
): boolean {
  if (!parcels || parcels.length < 2) return false;
  return parcelPosition(shipmentId, parcels).completesOrder;
}

/** The channel sends order_complete (configured, and the customer did not opt out of it there). */
function takesOrderComplete(channel: Channel, ctx: PolicyContext): boolean {
  return ctx.config.channels.order_complete.includes(channel) && !optedOut('order_complete', channel, ctx);
}

export function decideArrivingTomorrow(input: ArrivingTomorrowInput): Decision[] {
  const { shipment, history, now } = input;
  const type: NotificationType = 'arriving_tomorrow';
  const skip = (reason: SkipReason): Decision[] => [{ action: 'skip', type, channel: null, reason }];

  if (shipment.status === 'returned' || history.some((entry) => entry.type === 'returned_to_sender')) {
    return skip('returned_to_sender');
  }
  if (!ON_ITS_WAY.includes(shipment.status)) return skip('not_on_its_way');
  const local = DateTime.fromJSDate(now, { zone: resolveTimeZone(input.customer.timeZone) });
  if (!input.expectedOn || input.expectedOn !== local.plus({ days: 1 }).toISODate()) {
    return skip('not_arriving_tomorrow');
  }
  const at = (time: { hour: number; minute: number }) =>
    local.set({ ...time, second: 0, millisecond: 0 }).toJSDate();
  const start = at(ARRIVING_TOMORROW_WINDOW.start);
  if (now.getTime() >= at(ARRIVING_TOMORROW_WINDOW.end).getTime()) return skip('morning_window_passed');
  const sendAt = now.getTime() < start.getTime() ? start : now;
  return channelDecisions(type, sendAt, input, { aboutDate: input.expectedOn });
}

export function decidePickupReminder(input: PickupReminderInput): Decision[] {
  const { shipment, history, now } = input;
  const type: NotificationType = 'pickup_reminder';
  const skip = (reason: SkipReason): Decision[] => [{ action: 'skip', type, channel: null, reason }];

  if (shipment.status === 'returned' || history.some((entry) => entry.type === 'returned_to_sender')) {
    return skip('returned_to_sender');
  }
  if (
    shipment.status !== 'available_for_pickup' ||
    shipment.collectedAtPickup ||
    !shipment.availableForPickupAt
  ) {
    return skip('not_awaiting_pickup');
  }
  const dueAt = shipment.availableForPickupAt.getTime() + input.config.pickupReminderAfterDays * DAY_MS;
  if (now.getTime() < dueAt) return skip('pickup_reminder_too_early');
  // A reminder never precedes the notice it reminds of: while "ready for pickup" still waits (debounce, quiet
  // hours), the reminder is scheduled after it (the sender checks again when it goes out).
  const noticeAt = history
    .filter((entry) => entry.type === 'available_for_pickup' && PENDING_STATUSES.includes(entry.status))
    .reduce((latest, entry) => Math.max(latest, entry.scheduledFor.getTime()), 0);
  const sendAt = noticeAt ? new Date(Math.max(now.getTime(), noticeAt + REMINDER_AFTER_NOTICE_MS)) : now;
  return channelDecisions(type, sendAt, input);
}

/**
 * Rules 5–7 for one type: a skip for a disabled type, else one decision per enabled channel. `only` narrows the
 * channels (a type sharing one change with another, channel by channel: no skip when it keeps none); `aboutDate`
 * makes "already sent" mean "already sent for that day".
 */
function channelDecisions(
  type: NotificationType,
  sendAt: Date,
  ctx: PolicyContext,
  options: { only?: (channel: Channel) => boolean; aboutDate?: string } = {},
): Array<CreateDecision | SkipDecision> {
  const { only, aboutDate } = options;
  const enabled = CHANNELS.filter(
    (channel) => ctx.config.channels[type].includes(channel) && (!only || only(channel)),
  );
  if (enabled.length === 0)
    return only ? [] : [{ action: 'skip', type, channel: null, reason: 'type_disabled' }];
  return enabled.map((channel) => {
    const reason = skipReasonFor(type, channel, ctx, aboutDate);
    if (reason) return { action: 'skip', type, channel, reason };
    const window = channel === 'sms' ? quietWindowFor(ctx.config.quietHours, type) : null;
    const scheduledFor = nextAllowedSendTime(sendAt, ctx.customer.timeZone, window);
    return {
      action: 'create',
      type,
      channel,
      scheduledFor,
      quietHoursDelayed: scheduledFor.getTime() > sendAt.getTime(),
      ...(aboutDate ? { aboutDate } : {}),
    };
  });
}

function optedOut(type: NotificationType, channel: Channel, ctx: PolicyContext): boolean {
  return ctx.preferences.optOuts.some(
    (optOut) =>
      (optOut.type === '*' || optOut.type === type) && (optOut.channel === '*' || optOut.channel === channel),
  );
}

function skipReasonFor(
  type: NotificationType,
  channel: Channel,
  ctx: PolicyContext,
  aboutDate?: string,
): SkipReason | null {
  if (ctx.suppressions[channel]) return channel === 'sms' ? 'suppressed_sms' : 'suppressed_email';
  if (optedOut(type, channel, ctx)) return 'opted_out';
  if (channel === 'sms' && !ctx.customer.hasPhone) return 'no_phone';
  if (channel === 'email' && !ctx.customer.hasEmail) return 'no_email';
  const already = ctx.history.some(
    (entry) =>
      entry.type === type &&
      entry.channel === channel &&
      ALREADY_SENT_STATUSES.includes(entry.status) &&
      (aboutDate === undefined || entry.aboutDate === aboutDate),
  );
  return already ? 'already_sent' : null;
}

function supersededBy(type: NotificationType, history: NotificationHistoryEntry[]): CancelDecision[] {
  return SUPERSEDES[type]
    .filter((older) =>
      history.some((entry) => entry.type === older && CANCELLABLE_STATUSES.includes(entry.status)),
    )
    .map((older) => ({ action: 'cancel', notificationType: older, reason: 'superseded' }));
}

/**
 * What the sender knows when it is about to send: the shipment as it is now, and the few facts about the
 * order's other messages that decide whether this one is still true.
 */
export interface SendTimeInput {
  type: NotificationType;
  /** A person asked for it (resend): their call, checked by the resend rules instead. */
  isResend: boolean;
  shipment: { status: CanonicalStatus; collectedAtPickup: boolean };
  /** For a delay: the current ETA is later than what the customer was last told (or promised). */
  delayIsNews: boolean;
  /** An available_for_pickup notice of this shipment has not gone out yet (any channel). */
  pickupNoticePending: boolean;
  /**
   * For arriving_tomorrow: the day it announces, the customer's tomorrow now, and the carrier's current date when it
   * has one that is not past. Absent: not checked.
   */
  arrival?: { aboutDate: string | null; tomorrow: string; carrierDate: string | null };
  /** For stalled: a scan reached us after the message was decided (the parcel moved). */
  scannedSinceDecided?: boolean;
}

export interface SendTimeVerdict {
  status: 'skipped' | 'cancelled';
  reason:
    | 'returned_to_sender'
    | 'superseded'
    | 'not_awaiting_pickup'
    | 'pickup_notice_pending'
    | 'not_a_delay'
    | 'not_arriving_tomorrow';
}

/**
 * Statuses in which each type's message is still true. A message decided earlier and held (debounce, quiet
 * hours, a retry) is re-checked against the shipment as it is when it goes out: "arriving today" after a failed
 * attempt or a pickup, "ready for pickup" after collection, "there's a problem" once it moves again, are false.
 */
const TRUE_WHILE: Readonly<Record<NotificationType, readonly CanonicalStatus[] | null>> = {
  shipped: ['pre_transit', 'in_transit', 'out_for_delivery', 'unknown'],
  arriving_tomorrow: ON_ITS_WAY,
  out_for_delivery: ['out_for_delivery'],
  delivery_attempt_failed: ['attempt_failed', 'available_for_pickup', 'in_transit', 'exception', 'unknown'],
  available_for_pickup: ['available_for_pickup'],
  pickup_reminder: ['available_for_pickup'],
  delivered: ['delivered'],
  order_complete: ['delivered'],
  delayed: ['pre_transit', 'in_transit', 'attempt_failed', 'exception', 'unknown'],
  // The statuses the no-scan check watches: at a pickup point or in exception a parcel is not silently stuck.
  stalled: ['pre_transit', 'in_transit', 'out_for_delivery', 'attempt_failed', 'unknown'],
  exception: ['exception'],
  returned_to_sender: ['returned'],
};

/**
 * The send-time re-check (rule 5 of the issue: no message contradicts a later state, no reminder before its
 * notice; rule 4: a delay that is no longer later than what the customer expects is dropped). Null = send.
 */
export function sendTimeVerdict(input: SendTimeInput): SendTimeVerdict | null {
  if (input.isResend) return null;
  const { type, shipment } = input;
  if (shipment.status === 'returned' && type !== 'returned_to_sender')
    return { status: 'skipped', reason: 'returned_to_sender' };
  if (type === 'pickup_reminder' || type === 'available_for_pickup') {
    if (shipment.status !== 'available_for_pickup' || shipment.collectedAtPickup)
      return type === 'pickup_reminder'
        ? { status: 'skipped', reason: 'not_awaiting_pickup' }
        : { status: 'cancelled', reason: 'superseded' };
    if (type === 'pickup_reminder' && input.pickupNoticePending)
      return { status: 'skipped', reason: 'pickup_notice_pending' };
    return null;
  }
  const allowed = TRUE_WHILE[type];
  if (allowed && !allowed.includes(shipment.status)) return { status: 'cancelled', reason: 'superseded' };
  if (type === 'delayed' && !input.delayIsNews) return { status: 'cancelled', reason: 'not_a_delay' };
  // A scan since "no news for a while" was decided: the parcel moved, the message is false.
  if (type === 'stalled' && input.scannedSinceDecided) return { status: 'cancelled', reason: 'superseded' };
  if (type === 'arriving_tomorrow' && input.arrival) {
    const { aboutDate, tomorrow, carrierDate } = input.arrival;
    // Held past midnight, or the carrier now names another day: "tomorrow" would be false.
    if (aboutDate !== tomorrow || (carrierDate !== null && carrierDate !== aboutDate))
      return { status: 'cancelled', reason: 'not_arriving_tomorrow' };
  }
  return null;
}
