import type { CanonicalStatus, ExceptionReason, ShipmentDomainEvent } from '../shared/tracking.types';
import { DEFAULT_NOTIFICATION_CONFIG, type NotificationConfig } from '../config/notification-config';
import {
  ARRIVING_TOMORROW_WINDOW,
  decideArrivingTomorrow,
  decideNotifications,
  decidePickupReminder,
  type ArrivingTomorrowInput,
  sendTimeVerdict,
  type SendTimeInput,
  notificationTypeForChange,
  SUPERSEDES,
  type Decision,
  type NotificationHistoryEntry,
  type PickupReminderInput,
  type PolicyInput,
} from './notification-policy';
import type { Channel, NotificationStatus, NotificationType } from '../shared/notification.types';
import type { SiblingParcel } from './message-variables';
import { parseNotifyChannels } from '../config/notification-config';

const NY = 'America/New_York';
/** 10:00 EDT: outside quiet hours in New York. */
const T0 = new Date('2026-06-15T14:00:00Z');
const plus = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);
const DAY = 24 * 3600;

function statusChanged(
  from: CanonicalStatus,
  to: CanonicalStatus,
  extra: { reason?: ExceptionReason | null; collectedAtPickup?: boolean; occurredAt?: Date | null } = {},
): ShipmentDomainEvent {
  return {
    kind: 'status_changed',
    from,
    to,
    reason: extra.reason ?? null,
    collectedAtPickup: extra.collectedAtPickup ?? false,
    occurredAt: extra.occurredAt ?? null,
  };
}

const delayedEvent: ShipmentDomainEvent = {
  kind: 'delayed',
  previous: '2026-06-16',
  current: '2026-06-18',
  cause: 'eta_later',
};

function withConfig(overrides: Partial<NotificationConfig>): NotificationConfig {
  return { ...DEFAULT_NOTIFICATION_CONFIG, ...overrides };
}

/** Input for a change; the shipment's status follows the change unless overridden. */
function input(change: ShipmentDomainEvent, overrides: Partial<PolicyInput> = {}): PolicyInput {
  const status = change.kind === 'status_changed' ? change.to : 'in_transit';
  return {
    change,
    shipment: {
      id: 'shp_1',
      status,
      reason: change.kind === 'status_changed' ? change.reason : null,
      collectedAtPickup: change.kind === 'status_changed' ? change.collectedAtPickup : false,
      lastEventAt: null,
    },
    eventOccurredAt: null,
    customer: { hasEmail: true, hasPhone: true, timeZone: NY },
    preferences: { optOuts: [] },
    suppressions: { sms: false, email: false },
    history: [],
    config: DEFAULT_NOTIFICATION_CONFIG,
    now: T0,
    ...overrides,
  };
}

function row(
  type: NotificationType,
  channel: Channel,
  status: NotificationStatus,
  createdAt = plus(T0, -3600),
  scheduledFor = plus(createdAt, 60),
): NotificationHistoryEntry {
  return { type, channel, status, createdAt, scheduledFor };
}

const create = (
  type: NotificationType,
  channel: Channel,
  scheduledFor: Date,
  quietHoursDelayed = false,
): Decision => ({
  action: 'create',
  type,
  channel,
  scheduledFor,
  quietHoursDelayed,
});
const skip = (type: NotificationType | null, channel: Channel | null, reason: string): Decision =>
  ({ action: 'skip', type, channel, reason }) as Decision;
const cancel = (notificationType: NotificationType): Decision => ({
  action: 'cancel',
  notificationType,
  reason: 'superseded',
});

const creates = (decisions: Decision[]) =>
  decisions
    .filter((d) => d.action === 'create')
    .map((d) => (d.action === 'create' ? `${d.type}/${d.channel}` : ''));

describe('notificationTypeForChange', () => {
  it.each<[CanonicalStatus, CanonicalStatus, ExceptionReason | null, NotificationType | null]>([
    ['pre_transit', 'in_transit', null, 'shipped'],
    ['unknown', 'in_transit', null, 'shipped'],
    ['exception', 'in_transit', null, null],
    ['out_for_delivery', 'in_transit', null, null],
    ['unknown', 'pre_transit', null, null],
    ['in_transit', 'out_for_delivery', null, 'out_for_delivery'],
    ['pre_transit', 'out_for_delivery', null, 'out_for_delivery'],
    ['out_for_delivery', 'attempt_failed', null, 'delivery_attempt_failed'],
    ['in_transit', 'available_for_pickup', null, 'available_for_pickup'],
    ['out_for_delivery', 'delivered', null, 'delivered'],
    ['unknown', 'delivered', null, 'delivered'],
    ['in_transit', 'exception', 'damaged', 'exception'],
    ['in_transit', 'exception', null, 'exception'],
    ['in_transit', 'exception', 'delayed', 'delayed'],
    ['in_transit', 'returned', null, 'returned_to_sender'],
    ['in_transit', 'cancelled', null, null],
    ['in_transit', 'unknown', null, null],
  ])('%s → %s (%s) gives %s', (from, to, reason, type) => {
    expect(notificationTypeForChange(statusChanged(from, to, { reason }))).toBe(type);
  });

  it('maps the delayed event to delayed and an ETA change to nothing', () => {
    expect(notificationTypeForChange(delayedEvent)).toBe('delayed');
    expect(
      notificationTypeForChange({ kind: 'eta_changed', from: null, to: { date: '2026-06-18' } }),
    ).toBeNull();
  });
});

describe('decideNotifications', () => {
  const at = plus(T0, 60);

  describe('one message per meaningful change, on the configured channels', () => {
    it('first carrier scan → shipped, by email only', () => {
      expect(decideNotifications(input(statusChanged('pre_transit', 'in_transit')))).toEqual([
        create('shipped', 'email', at),
      ]);
    });

    it('a shipment first seen out for delivery gets only out_for_delivery, never a belated shipped', () => {
      expect(decideNotifications(input(statusChanged('unknown', 'out_for_delivery')))).toEqual([
        create('out_for_delivery', 'sms', at),
        create('out_for_delivery', 'email', at),
      ]);
    });

    it.each<[CanonicalStatus, CanonicalStatus, ExceptionReason | null, NotificationType]>([
      ['out_for_delivery', 'attempt_failed', null, 'delivery_attempt_failed'],
      ['in_transit', 'available_for_pickup', null, 'available_for_pickup'],
      ['in_transit', 'exception', 'address_issue', 'exception'],
      ['in_transit', 'exception', 'delayed', 'delayed'],
      ['in_transit', 'returned', null, 'returned_to_sender'],
    ])('%s → %s (%s) → %s by SMS and email', (from, to, reason, type) => {
      expect(decideNotifications(input(statusChanged(from, to, { reason })))).toEqual([
        create(type, 'sms', at),
        create(type, 'email', at),
      ]);
    });

    it('delivered → delivered by email only', () => {
      expect(decideNotifications(input(statusChanged('out_for_delivery', 'delivered')))).toEqual([
        create('delivered', 'email', at),
      ]);
    });

    it('collected at a pickup point is the same delivered type', () => {
      const change = statusChanged('available_for_pickup', 'delivered', { collectedAtPickup: true });
      expect(decideNotifications(input(change))).toEqual([create('delivered', 'email', at)]);
    });

    it('the delayed event → delayed', () => {
      expect(decideNotifications(input(delayedEvent))).toEqual([
        create('delayed', 'sms', at),
        create('delayed', 'email', at),
      ]);
    });

    it.each<[string, ShipmentDomainEvent]>([
      ['label created', statusChanged('unknown', 'pre_transit')],
      ['resumed after an exception', statusChanged('exception', 'in_transit')],
      ['tracking cancelled', statusChanged('in_transit', 'cancelled')],
      ['an ETA change', { kind: 'eta_changed', from: { date: '2026-06-16' }, to: { date: '2026-06-15' } }],
    ])('nothing for %s', (_, change) => {
      expect(decideNotifications(input(change))).toEqual([skip(null, null, 'no_notification_for_change')]);
    });

    it('follows channel overrides from config', () => {
      const config = withConfig({
        channels: { ...DEFAULT_NOTIFICATION_CONFIG.channels, delivered: ['email', 'sms'] },
      });
      expect(
        creates(decideNotifications(input(statusChanged('out_for_delivery', 'delivered'), { config }))),
      ).toEqual(['delivered/sms', 'delivered/email']);
    });

    it('a disabled type is skipped once, for every channel', () => {
      const config = withConfig({
        channels: { ...DEFAULT_NOTIFICATION_CONFIG.channels, out_for_delivery: [] },
      });
      expect(decideNotifications(input(statusChanged('in_transit', 'out_for_delivery'), { config }))).toEqual(
        [skip('out_for_delivery', null, 'type_disabled')],
      );
    });
  });

  describe('suppressions, opt-outs and contacts', () => {
    const ofd = statusChanged('in_transit', 'out_for_delivery');

    it('a suppressed number gets no SMS; email still goes', () => {
      expect(decideNotifications(input(ofd, { suppressions: { sms: true, email: false } }))).toEqual([
        skip('out_for_delivery', 'sms', 'suppressed_sms'),
        create('out_for_delivery', 'email', at),
      ]);
    });

    it('a suppressed address gets no email', () => {
      expect(decideNotifications(input(ofd, { suppressions: { sms: false, email: true } }))).toEqual([
        create('out_for_delivery', 'sms', at),
        skip('out_for_delivery', 'email', 'suppressed_email'),
      ]);
    });

    it('an opt-out from all SMS applies to every type', () => {
      const preferences = { optOuts: [{ type: '*' as const, channel: 'sms' as const }] };
      expect(decideNotifications(input(ofd, { preferences }))).toEqual([
        skip('out_for_delivery', 'sms', 'opted_out'),
        create('out_for_delivery', 'email', at),
      ]);
    });

    it('an opt-out from one type on every channel leaves other types alone', () => {
      const preferences = { optOuts: [{ type: 'out_for_delivery' as const, channel: '*' as const }] };
      expect(decideNotifications(input(ofd, { preferences }))).toEqual([
        skip('out_for_delivery', 'sms', 'opted_out'),
        skip('out_for_delivery', 'email', 'opted_out'),
      ]);
      expect(
        creates(
          decideNotifications(input(statusChanged('out_for_delivery', 'attempt_failed'), { preferences })),
        ),
      ).toEqual(['delivery_attempt_failed/sms', 'delivery_attempt_failed/email']);
    });

    it('an opt-out from everything stops everything', () => {
      const preferences = { optOuts: [{ type: '*' as const, channel: '*' as const }] };
      expect(
        creates(decideNotifications(input(statusChanged('in_transit', 'returned'), { preferences }))),
      ).toEqual([]);
    });

    it('no phone → no SMS; no email → no email', () => {
      expect(
        decideNotifications(input(ofd, { customer: { hasEmail: false, hasPhone: false, timeZone: NY } })),
      ).toEqual([skip('out_for_delivery', 'sms', 'no_phone'), skip('out_for_delivery', 'email', 'no_email')]);
    });

    it('suppression wins over every other reason, opt-out over missing contact and history', () => {
      const history = [row('out_for_delivery', 'sms', 'sent'), row('out_for_delivery', 'email', 'sent')];
      expect(
        decideNotifications(
          input(ofd, {
            history,
            suppressions: { sms: true, email: false },
            preferences: { optOuts: [{ type: '*', channel: 'email' }] },
            customer: { hasEmail: false, hasPhone: false, timeZone: NY },
          }),
        ),
      ).toEqual([
        skip('out_for_delivery', 'sms', 'suppressed_sms'),
        skip('out_for_delivery', 'email', 'opted_out'),
      ]);
    });
  });

  describe('never the same type twice', () => {
    const ofd = statusChanged('in_transit', 'out_for_delivery');

    it('a duplicate change produces no notification', () => {
      const first = decideNotifications(input(ofd));
      const history = first.flatMap((d) =>
        d.action === 'create' ? [row(d.type, d.channel, 'pending', T0, d.scheduledFor)] : [],
      );
      expect(decideNotifications(input(ofd, { history, now: plus(T0, 5) }))).toEqual([
        skip('out_for_delivery', 'sms', 'already_sent'),
        skip('out_for_delivery', 'email', 'already_sent'),
      ]);
    });

    it.each<NotificationStatus>(['pending', 'queued', 'sending', 'sent', 'delivered', 'failed'])(
      'a %s row counts as already sent',
      (status) => {
        const history = [row('out_for_delivery', 'sms', status)];
        expect(decideNotifications(input(ofd, { history }))).toEqual([
          skip('out_for_delivery', 'sms', 'already_sent'),
          create('out_for_delivery', 'email', at),
        ]);
      },
    );

    it.each<NotificationStatus>(['cancelled', 'skipped'])(
      'a %s row does not (the customer never got it)',
      (status) => {
        const history = [row('out_for_delivery', 'sms', status), row('out_for_delivery', 'email', status)];
        expect(creates(decideNotifications(input(ofd, { history })))).toEqual([
          'out_for_delivery/sms',
          'out_for_delivery/email',
        ]);
      },
    );

    it('is per channel: a channel skipped before (no email then) can still get its message', () => {
      const history = [row('out_for_delivery', 'sms', 'sent'), row('out_for_delivery', 'email', 'skipped')];
      expect(decideNotifications(input(ofd, { history }))).toEqual([
        skip('out_for_delivery', 'sms', 'already_sent'),
        create('out_for_delivery', 'email', at),
      ]);
    });

    it('a second delay after a delay is not notified', () => {
      const history = [row('delayed', 'sms', 'sent'), row('delayed', 'email', 'sent')];
      expect(creates(decideNotifications(input(delayedEvent, { history })))).toEqual([]);
      expect(
        creates(
          decideNotifications(
            input(statusChanged('in_transit', 'exception', { reason: 'delayed' }), { history }),
          ),
        ),
      ).toEqual([]);
    });
  });

  describe('returned to sender, then nothing more ever', () => {
    const returnedHistory = [
      row('returned_to_sender', 'sms', 'sent'),
      row('returned_to_sender', 'email', 'sent'),
    ];

    it.each<[string, ShipmentDomainEvent]>([
      ['a delay', delayedEvent],
      ['an ETA change', { kind: 'eta_changed', from: null, to: { date: '2026-06-20' } }],
      ['a status change', statusChanged('returned', 'delivered')],
      ['a repeated return', statusChanged('in_transit', 'returned')],
    ])('%s after the return notification is skipped', (_, change) => {
      const decisions = decideNotifications(input(change, { history: returnedHistory }));
      expect(decisions).toHaveLength(1);
      expect(decisions[0]).toMatchObject({ action: 'skip', channel: null, reason: 'returned_to_sender' });
    });

    it('even when the return notification itself was never sent (suppressed), the state alone stops it', () => {
      const shipment = {
        id: 'shp_1',
        status: 'returned' as const,
        reason: null,
        collectedAtPickup: false,
        lastEventAt: null,
      };
      expect(decideNotifications(input(delayedEvent, { shipment }))).toEqual([
        skip('delayed', null, 'returned_to_sender'),
      ]);
    });

    it('a skipped return notification row also stops everything after', () => {
      const history = [row('returned_to_sender', 'sms', 'skipped')];
      expect(decideNotifications(input(statusChanged('exception', 'in_transit'), { history }))).toEqual([
        skip(null, null, 'returned_to_sender'),
      ]);
    });

    it('the return cancels every pending message, even when it is not sent itself', () => {
      const history = [
        row('exception', 'sms', 'pending', plus(T0, -600), plus(T0, 3600)),
        row('delayed', 'email', 'queued'),
        row('shipped', 'email', 'sent'),
      ];
      expect(
        decideNotifications(
          input(statusChanged('exception', 'returned'), {
            history,
            suppressions: { sms: true, email: true },
          }),
        ),
      ).toEqual([
        cancel('delayed'),
        cancel('exception'),
        skip('returned_to_sender', 'sms', 'suppressed_sms'),
        skip('returned_to_sender', 'email', 'suppressed_email'),
      ]);
    });
  });

  describe('terminal shipments', () => {
    it('no delay message for a delivered or cancelled shipment', () => {
      const delivered = {
        id: 'shp_1',
        status: 'delivered' as const,
        reason: null,
        collectedAtPickup: false,
        lastEventAt: null,
      };
      expect(decideNotifications(input(delayedEvent, { shipment: delivered }))).toEqual([
        skip('delayed', null, 'shipment_delivered'),
      ]);
      const cancelled = { ...delivered, status: 'cancelled' as const };
      expect(decideNotifications(input(delayedEvent, { shipment: cancelled }))).toEqual([
        skip('delayed', null, 'shipment_cancelled'),
      ]);
    });

    it('a status change the intake accepted out of delivered (carrier says lost) is notified', () => {
      const change = statusChanged('delivered', 'exception', { reason: 'lost' });
      expect(creates(decideNotifications(input(change)))).toEqual(['exception/sms', 'exception/email']);
    });
  });

  describe('stale events', () => {
    const lastEventAt = new Date('2026-06-15T13:00:00Z');
    const shipment = {
      id: 'shp_1',
      status: 'out_for_delivery' as const,
      reason: null,
      collectedAtPickup: false,
      lastEventAt,
    };

    it('an event older than the current state notifies nothing and cancels nothing', () => {
      const history = [row('shipped', 'email', 'pending', plus(T0, -30), plus(T0, 30))];
      expect(
        decideNotifications(
          input(statusChanged('in_transit', 'out_for_delivery'), {
            shipment,
            history,
            eventOccurredAt: new Date('2026-06-15T12:59:59Z'),
          }),
        ),
      ).toEqual([skip('out_for_delivery', null, 'stale_event')]);
    });

    it('an event at the same time as the last event, or with no time, is not stale', () => {
      const change = statusChanged('in_transit', 'out_for_delivery');
      expect(
        creates(decideNotifications(input(change, { shipment, eventOccurredAt: lastEventAt }))),
      ).toHaveLength(2);
      expect(creates(decideNotifications(input(change, { shipment, eventOccurredAt: null })))).toHaveLength(
        2,
      );
      const noLast = { ...shipment, lastEventAt: null };
      expect(
        creates(decideNotifications(input(change, { shipment: noLast, eventOccurredAt: lastEventAt }))),
      ).toHaveLength(2);
    });
  });

  describe('debounce', () => {
    it('schedules every creation debounceSeconds after now, not at the event time', () => {
      const decisions = decideNotifications(
        input(statusChanged('in_transit', 'out_for_delivery'), { eventOccurredAt: plus(T0, -7200) }),
      );
      expect(decisions).toEqual([
        create('out_for_delivery', 'sms', plus(T0, 60)),
        create('out_for_delivery', 'email', plus(T0, 60)),
      ]);
    });

    it('follows the configured debounce, including zero', () => {
      const change = statusChanged('in_transit', 'out_for_delivery');
      expect(decideNotifications(input(change, { config: withConfig({ debounceSeconds: 300 }) }))[0]).toEqual(
        create('out_for_delivery', 'sms', plus(T0, 300)),
      );
      expect(decideNotifications(input(change, { config: withConfig({ debounceSeconds: 0 }) }))[0]).toEqual(
        create('out_for_delivery', 'sms', T0),
      );
    });

    it('shipped then out for delivery within the debounce window → only out for delivery', () => {
      const first = decideNotifications(input(statusChanged('pre_transit', 'in_transit')));
      expect(first).toEqual([create('shipped', 'email', plus(T0, 60))]);
      const history = [row('shipped', 'email', 'pending', T0, plus(T0, 60))];
      const now = plus(T0, 20);
      expect(
        decideNotifications(input(statusChanged('in_transit', 'out_for_delivery'), { history, now })),
      ).toEqual([
        cancel('shipped'),
        create('out_for_delivery', 'sms', plus(now, 60)),
        create('out_for_delivery', 'email', plus(now, 60)),
      ]);
    });

    it('a shipped message already sent is left alone', () => {
      const history = [row('shipped', 'email', 'sent')];
      expect(
        creates(decideNotifications(input(statusChanged('in_transit', 'out_for_delivery'), { history }))),
      ).toHaveLength(2);
      expect(
        decideNotifications(input(statusChanged('in_transit', 'out_for_delivery'), { history })),
      ).not.toContainEqual(cancel('shipped'));
    });

    it('a message a worker already claimed (sending) is not cancelled', () => {
      const history = [row('out_for_delivery', 'sms', 'sending'), row('out_for_delivery', 'email', 'sent')];
      expect(decideNotifications(input(statusChanged('out_for_delivery', 'delivered'), { history }))).toEqual(
        [create('delivered', 'email', at)],
      );
    });
  });

  describe('supersession', () => {
    it('delivery cancels an out-for-delivery text held overnight by quiet hours, and a pending pickup reminder', () => {
      const now = new Date('2026-06-16T11:00:00Z'); // 07:00 EDT
      const history = [
        row(
          'out_for_delivery',
          'sms',
          'pending',
          new Date('2026-06-16T02:00:00Z'),
          new Date('2026-06-16T12:00:00Z'),
        ),
        row('out_for_delivery', 'email', 'sent', new Date('2026-06-16T02:00:00Z')),
        row('pickup_reminder', 'sms', 'queued'),
      ];
      expect(
        decideNotifications(input(statusChanged('out_for_delivery', 'delivered'), { history, now })),
      ).toEqual([
        cancel('out_for_delivery'),
        cancel('pickup_reminder'),
        create('delivered', 'email', plus(now, 60)),
      ]);
    });

    it('one cancel per type, whatever the number of pending channels', () => {
      const history = [row('out_for_delivery', 'sms', 'pending'), row('out_for_delivery', 'email', 'queued')];
      const decisions = decideNotifications(
        input(statusChanged('out_for_delivery', 'attempt_failed'), { history }),
      );
      expect(decisions.filter((d) => d.action === 'cancel')).toEqual([cancel('out_for_delivery')]);
    });

    it('delivery cancels what is pending even when the delivered message itself is off', () => {
      const config = withConfig({ channels: { ...DEFAULT_NOTIFICATION_CONFIG.channels, delivered: [] } });
      const history = [row('out_for_delivery', 'sms', 'pending')];
      expect(
        decideNotifications(input(statusChanged('out_for_delivery', 'delivered'), { history, config })),
      ).toEqual([cancel('out_for_delivery'), skip('delivered', null, 'type_disabled')]);
    });

    it('other types cancel only when they replace the message: a held failed-attempt text stays if the new one is not sent', () => {
      const now = new Date('2026-06-17T11:30:00Z'); // 07:30 EDT, day 2 out for delivery again
      const history = [
        row('out_for_delivery', 'sms', 'sent', new Date('2026-06-16T12:30:00Z')),
        row('out_for_delivery', 'email', 'sent', new Date('2026-06-16T12:30:00Z')),
        row(
          'delivery_attempt_failed',
          'sms',
          'pending',
          new Date('2026-06-17T02:00:00Z'),
          new Date('2026-06-17T12:00:00Z'),
        ),
      ];
      expect(
        decideNotifications(input(statusChanged('attempt_failed', 'out_for_delivery'), { history, now })),
      ).toEqual([
        skip('out_for_delivery', 'sms', 'already_sent'),
        skip('out_for_delivery', 'email', 'already_sent'),
      ]);
    });

    it('no cancel when every channel of the newer message is suppressed', () => {
      const history = [row('shipped', 'email', 'pending', T0, plus(T0, 60))];
      expect(
        decideNotifications(
          input(statusChanged('in_transit', 'out_for_delivery'), {
            history,
            suppressions: { sms: true, email: true },
          }),
        ),
      ).toEqual([
        skip('out_for_delivery', 'sms', 'suppressed_sms'),
        skip('out_for_delivery', 'email', 'suppressed_email'),
      ]);
    });

    it('an exception replaces a pending shipped and out-for-delivery message', () => {
      const history = [row('shipped', 'email', 'pending'), row('out_for_delivery', 'sms', 'pending')];
      const decisions = decideNotifications(
        input(statusChanged('out_for_delivery', 'exception', { reason: 'address_issue' }), { history }),
      );
      expect(decisions.filter((d) => d.action === 'cancel')).toEqual([
        cancel('shipped'),
        cancel('out_for_delivery'),
      ]);
    });

    it('shipped and pickup reminders supersede nothing', () => {
      expect(SUPERSEDES.shipped).toEqual([]);
      expect(SUPERSEDES.pickup_reminder).toEqual([]);
    });

    it('a delay decided while "on its way" still waits replaces it: one message, the latest truth', () => {
      expect(SUPERSEDES.delayed).toEqual(['shipped', 'arriving_tomorrow', 'stalled']);
      const history = [row('shipped', 'email', 'pending'), row('shipped', 'sms', 'sent')];
      expect(decideNotifications(input(delayedEvent, { history }))).toEqual([
        { action: 'cancel', notificationType: 'shipped', reason: 'superseded' },
        create('delayed', 'sms', at),
        create('delayed', 'email', at),
      ]);
    });

    it('a delay does not cancel a shipped message already sent', () => {
      const history = [row('shipped', 'email', 'sent'), row('shipped', 'sms', 'sent')];
      expect(decideNotifications(input(delayedEvent, { history }))).toEqual([
        create('delayed', 'sms', at),
        create('delayed', 'email', at),
      ]);
    });

    it('nothing supersedes a return, and a return supersedes everything else', () => {
      for (const [type, older] of Object.entries(SUPERSEDES)) {
        expect(older).not.toContain('returned_to_sender');
        expect(older).not.toContain(type);
      }
      expect([...SUPERSEDES.returned_to_sender].sort()).toEqual(
        [
          'shipped',
          'out_for_delivery',
          'delivery_attempt_failed',
          'available_for_pickup',
          'pickup_reminder',
          'delivered',
          'delayed',
          'exception',
          'arriving_tomorrow',
          'stalled',
          'order_complete',
        ].sort(),
      );
    });
  });

  describe('quiet hours (SMS only)', () => {
    const ofd = statusChanged('in_transit', 'out_for_delivery');

    it('holds a late-evening text until 08:00 local; the email goes after the debounce', () => {
      const now = new Date('2026-06-16T02:30:00Z'); // 22:30 EDT
      expect(decideNotifications(input(ofd, { now }))).toEqual([
        create('out_for_delivery', 'sms', new Date('2026-06-16T12:00:00Z'), true),
        create('out_for_delivery', 'email', plus(now, 60), false),
      ]);
    });

    it('applies quiet hours to the debounced send time (20:59:30 + 60 s is quiet)', () => {
      const now = new Date('2026-06-16T00:59:30Z'); // 20:59:30 EDT
      expect(decideNotifications(input(ofd, { now }))[0]).toEqual(
        create('out_for_delivery', 'sms', new Date('2026-06-16T12:00:00Z'), true),
      );
    });

    it("uses the customer's own zone (Kolkata)", () => {
      const now = new Date('2026-06-15T17:00:00Z'); // 22:30 IST, 13:00 EDT
      const customer = { hasEmail: true, hasPhone: true, timeZone: 'Asia/Kolkata' };
      expect(decideNotifications(input(ofd, { now, customer }))[0]).toEqual(
        create('out_for_delivery', 'sms', new Date('2026-06-16T02:30:00Z'), true),
      );
    });

    it('treats an unknown zone as UTC', () => {
      const now = new Date('2026-06-15T23:00:00Z');
      const customer = { hasEmail: true, hasPhone: true, timeZone: 'Nowhere/Special' };
      expect(decideNotifications(input(ofd, { now, customer }))[0]).toEqual(
        create('out_for_delivery', 'sms', new Date('2026-06-16T08:00:00Z'), true),
      );
    });

    it('follows per-type windows and offs', () => {
      const now = new Date('2026-06-16T02:30:00Z'); // 22:30 EDT
      const config = withConfig({
        quietHours: {
          default: { start: '21:00', end: '08:00' },
          perType: { exception: null, out_for_delivery: { start: '23:00', end: '07:00' } },
        },
      });
      expect(
        decideNotifications(
          input(statusChanged('in_transit', 'exception', { reason: 'damaged' }), { now, config }),
        )[0],
      ).toEqual(create('exception', 'sms', plus(now, 60), false));
      expect(decideNotifications(input(ofd, { now, config }))[0]).toEqual(
        create('out_for_delivery', 'sms', plus(now, 60), false),
      );
      const later = new Date('2026-06-16T03:30:00Z'); // 23:30 EDT
      expect(decideNotifications(input(ofd, { now: later, config }))[0]).toEqual(
        create('out_for_delivery', 'sms', new Date('2026-06-16T11:00:00Z'), true),
      );
    });

    it('with quiet hours off, nothing is held', () => {
      const now = new Date('2026-06-16T06:00:00Z'); // 02:00 EDT
      const config = withConfig({ quietHours: { default: null, perType: {} } });
      expect(decideNotifications(input(ofd, { now, config }))[0]).toEqual(
        create('out_for_delivery', 'sms', plus(now, 60), false),
      );
    });

    it('across the New York spring-forward night the text is held until 08:00 EDT', () => {
      const now = new Date('2026-03-08T04:00:00Z'); // 23:00 EST on 7 March
      expect(decideNotifications(input(ofd, { now }))[0]).toEqual(
        create('out_for_delivery', 'sms', new Date('2026-03-08T12:00:00Z'), true),
      );
    });
  });

  describe('a full journey', () => {
    it('label, in transit, out for delivery, failed attempt, pickup, reminder, collected: exactly these messages', () => {
      const history: NotificationHistoryEntry[] = [];
      let shipmentStatus: CanonicalStatus = 'unknown';
      let availableSince: Date | null = null;
      const record = (decisions: Decision[], now: Date) => {
        for (const d of decisions) {
          if (d.action === 'create') history.push(row(d.type, d.channel, 'sent', now, d.scheduledFor));
        }
      };
      const step = (to: CanonicalStatus, nowIso: string, extra: { collectedAtPickup?: boolean } = {}) => {
        const now = new Date(nowIso);
        const change = statusChanged(shipmentStatus, to, { ...extra, occurredAt: plus(now, -120) });
        const decisions = decideNotifications(
          input(change, {
            now,
            eventOccurredAt: plus(now, -120),
            shipment: {
              id: 'shp_1',
              status: to,
              reason: null,
              collectedAtPickup: extra.collectedAtPickup ?? false,
              lastEventAt: plus(now, -120),
            },
            history: [...history],
          }),
        );
        record(decisions, now);
        shipmentStatus = to;
        if (to === 'available_for_pickup') availableSince = plus(now, -120);
        return decisions;
      };
      const reminder = (nowIso: string) => {
        const now = new Date(nowIso);
        const decisions = decidePickupReminder({
          ...input(statusChanged('unknown', 'unknown'), { now, history: [...history] }),
          shipment: {
            id: 'shp_1',
            status: shipmentStatus,
            collectedAtPickup: false,
            availableForPickupAt: availableSince,
          },
        });
        record(decisions, now);
        return decisions;
      };
      const t = (iso: string, seconds = 60) => plus(new Date(iso), seconds);

      expect(step('pre_transit', '2026-06-15T13:00:00Z')).toEqual([
        skip(null, null, 'no_notification_for_change'),
      ]);
      expect(step('in_transit', '2026-06-15T20:00:00Z')).toEqual([
        create('shipped', 'email', t('2026-06-15T20:00:00Z')),
      ]);
      expect(step('out_for_delivery', '2026-06-17T12:30:00Z')).toEqual([
        create('out_for_delivery', 'sms', t('2026-06-17T12:30:00Z')),
        create('out_for_delivery', 'email', t('2026-06-17T12:30:00Z')),
      ]);
      // 17:10 EDT: the failed attempt is still inside allowed hours.
      expect(step('attempt_failed', '2026-06-17T21:10:00Z')).toEqual([
        create('delivery_attempt_failed', 'sms', t('2026-06-17T21:10:00Z')),
        create('delivery_attempt_failed', 'email', t('2026-06-17T21:10:00Z')),
      ]);
      // Moved to a pickup point overnight: the text waits for 08:00 EDT.
      expect(step('available_for_pickup', '2026-06-18T06:00:00Z')).toEqual([
        create('available_for_pickup', 'sms', new Date('2026-06-18T12:00:00Z'), true),
        create('available_for_pickup', 'email', t('2026-06-18T06:00:00Z')),
      ]);
      expect(reminder('2026-06-20T14:00:00Z')).toEqual([
        skip('pickup_reminder', null, 'pickup_reminder_too_early'),
      ]);
      expect(reminder('2026-06-21T14:00:00Z')).toEqual([
        create('pickup_reminder', 'sms', new Date('2026-06-21T14:00:00Z')),
        create('pickup_reminder', 'email', new Date('2026-06-21T14:00:00Z')),
      ]);
      expect(reminder('2026-06-22T14:00:00Z')).toEqual([
        skip('pickup_reminder', 'sms', 'already_sent'),
        skip('pickup_reminder', 'email', 'already_sent'),
      ]);
      expect(step('delivered', '2026-06-22T16:00:00Z', { collectedAtPickup: true })).toEqual([
        create('delivered', 'email', t('2026-06-22T16:00:00Z')),
      ]);

      // The same webhook again, after the state already moved: nothing new.
      const now = new Date('2026-06-22T16:05:00Z');
      expect(
        decideNotifications(
          input(statusChanged('available_for_pickup', 'delivered', { collectedAtPickup: true }), {
            now,
            history: [...history],
          }),
        ),
      ).toEqual([skip('delivered', 'email', 'already_sent')]);

      expect(history.map((h) => `${h.type}/${h.channel}`)).toEqual([
        'shipped/email',
        'out_for_delivery/sms',
        'out_for_delivery/email',
        'delivery_attempt_failed/sms',
        'delivery_attempt_failed/email',
        'available_for_pickup/sms',
        'available_for_pickup/email',
        'pickup_reminder/sms',
        'pickup_reminder/email',
        'delivered/email',
      ]);
    });

    it('a journey that ends in a return: nothing after the return', () => {
      const history = [
        row('shipped', 'email', 'sent'),
        row('exception', 'sms', 'sent'),
        row('exception', 'email', 'sent'),
      ];
      const returned = decideNotifications(input(statusChanged('exception', 'returned'), { history }));
      expect(returned).toEqual([
        create('returned_to_sender', 'sms', at),
        create('returned_to_sender', 'email', at),
      ]);
      const after = [
        ...history,
        row('returned_to_sender', 'sms', 'sent'),
        row('returned_to_sender', 'email', 'sent'),
      ];
      const shipment = {
        id: 'shp_1',
        status: 'returned' as const,
        reason: null,
        collectedAtPickup: false,
        lastEventAt: null,
      };
      for (const change of [
        delayedEvent,
        statusChanged('returned', 'delivered'),
        statusChanged('returned', 'in_transit'),
      ]) {
        expect(creates(decideNotifications(input(change, { history: after, shipment })))).toEqual([]);
      }
      expect(
        decidePickupReminder({
          ...input(delayedEvent, { history: after }),
          shipment: {
            id: 'shp_1',
            status: 'returned',
            collectedAtPickup: false,
            availableForPickupAt: plus(T0, -10 * DAY),
          },
        }),
      ).toEqual([skip('pickup_reminder', null, 'returned_to_sender')]);
    });
  });
});

describe('decidePickupReminder', () => {
  const since = new Date('2026-06-12T14:00:00Z');
  function reminderInput(overrides: Partial<PickupReminderInput> = {}): PickupReminderInput {
    const base = input(statusChanged('in_transit', 'available_for_pickup'));
    return {
      customer: base.customer,
      preferences: base.preferences,
      suppressions: base.suppressions,
      history: [],
      config: base.config,
      now: T0, // exactly 3 days after `since`, 10:00 EDT
      shipment: {
        id: 'shp_1',
        status: 'available_for_pickup',
        collectedAtPickup: false,
        availableForPickupAt: since,
      },
      ...overrides,
    };
  }

  it('reminds after 3 days, on both channels, at once (no debounce)', () => {
    expect(decidePickupReminder(reminderInput())).toEqual([
      create('pickup_reminder', 'sms', T0),
      create('pickup_reminder', 'email', T0),
    ]);
  });

  it('not a second earlier', () => {
    expect(decidePickupReminder(reminderInput({ now: plus(T0, -1) }))).toEqual([
      skip('pickup_reminder', null, 'pickup_reminder_too_early'),
    ]);
  });

  it('follows the configured number of days', () => {
    const config = withConfig({ pickupReminderAfterDays: 5 });
    expect(decidePickupReminder(reminderInput({ config }))).toEqual([
      skip('pickup_reminder', null, 'pickup_reminder_too_early'),
    ]);
    expect(creates(decidePickupReminder(reminderInput({ config, now: plus(T0, 2 * DAY) })))).toHaveLength(2);
  });

  it('never twice', () => {
    const history = [row('pickup_reminder', 'sms', 'sent'), row('pickup_reminder', 'email', 'failed')];
    expect(decidePickupReminder(reminderInput({ history, now: plus(T0, DAY) }))).toEqual([
      skip('pickup_reminder', 'sms', 'already_sent'),
      skip('pickup_reminder', 'email', 'already_sent'),
    ]);
  });

  it.each<[string, Partial<PickupReminderInput['shipment']>]>([
    ['collected', { collectedAtPickup: true }],
    ['delivered', { status: 'delivered' }],
    ['back in transit', { status: 'in_transit' }],
    ['of unknown availability', { availableForPickupAt: null }],
  ])('nothing for a shipment %s', (_, shipment) => {
    const base = reminderInput();
    expect(decidePickupReminder({ ...base, shipment: { ...base.shipment, ...shipment } })).toEqual([
      skip('pickup_reminder', null, 'not_awaiting_pickup'),
    ]);
  });

  it('holds the text for quiet hours', () => {
    const now = new Date('2026-06-16T02:00:00Z'); // 22:00 EDT
    expect(decidePickupReminder(reminderInput({ now }))).toEqual([
      create('pickup_reminder', 'sms', new Date('2026-06-16T12:00:00Z'), true),
      create('pickup_reminder', 'email', now),
    ]);
  });

  it('respects suppressions, opt-outs and a disabled type', () => {
    expect(decidePickupReminder(reminderInput({ suppressions: { sms: true, email: false } }))).toEqual([
      skip('pickup_reminder', 'sms', 'suppressed_sms'),
      create('pickup_reminder', 'email', T0),
    ]);
    expect(
      decidePickupReminder(
        reminderInput({ preferences: { optOuts: [{ type: 'pickup_reminder', channel: 'email' }] } }),
      ),
    ).toEqual([create('pickup_reminder', 'sms', T0), skip('pickup_reminder', 'email', 'opted_out')]);
    const config = withConfig({ channels: { ...DEFAULT_NOTIFICATION_CONFIG.channels, pickup_reminder: [] } });
    expect(decidePickupReminder(reminderInput({ config }))).toEqual([
      skip('pickup_reminder', null, 'type_disabled'),
    ]);
  });
});

describe('a delay is a later date, never the same one', () => {
  const at = plus(T0, 60);
  it('skips a "delay" whose new day equals the previous one', () => {
    const change: ShipmentDomainEvent = {
      kind: 'delayed',
      previous: '2026-12-05',
      current: '2026-12-05',
      cause: 'eta_later',
    };
    expect(decideNotifications(input(change))).toEqual([skip('delayed', null, 'not_a_delay')]);
  });

  it('skips a "delay" to an earlier day', () => {
    const change: ShipmentDomainEvent = {
      kind: 'delayed',
      previous: '2026-12-07',
      current: '2026-12-05',
      cause: 'eta_later',
    };
    expect(decideNotifications(input(change))).toEqual([skip('delayed', null, 'not_a_delay')]);
  });

  it('announces a later day; a silence (no-scan check) is told as stalled, never also as delayed', () => {
    expect(decideNotifications(input(delayedEvent))).toEqual([
      create('delayed', 'sms', at),
      create('delayed', 'email', at),
    ]);
    const noScan: ShipmentDomainEvent = { kind: 'delayed', previous: null, current: null, cause: 'no_scan' };
    expect(decideNotifications(input(noScan))).toEqual([
      create('stalled', 'sms', at),
      create('stalled', 'email', at),
    ]);
  });
});

describe('a pickup reminder never precedes its notice', () => {
  const since = new Date('2026-06-12T14:00:00Z');
  const reminder = (history: NotificationHistoryEntry[]): PickupReminderInput => {
    const base = input(statusChanged('in_transit', 'available_for_pickup'));
    return {
      customer: base.customer,
      preferences: base.preferences,
      suppressions: base.suppressions,
      history,
      config: base.config,
      now: T0,
      shipment: {
        id: 'shp_1',
        status: 'available_for_pickup',
        collectedAtPickup: false,
        availableForPickupAt: since,
      },
    };
  };

  it.each(['pending', 'queued', 'sending'] as const)('goes after the notice while it is %s', (status) => {
    const noticeAt = plus(T0, 40);
    const later = plus(T0, 100);
    const history = [
      row('available_for_pickup', 'email', status, T0, noticeAt),
      row('available_for_pickup', 'sms', 'sent', plus(T0, -60), plus(T0, -30)),
    ];
    expect(decidePickupReminder(reminder(history))).toEqual([
      create('pickup_reminder', 'sms', later),
      create('pickup_reminder', 'email', later),
    ]);
  });

  it('a notice held for quiet hours holds the reminder until after it', () => {
    const morning = new Date('2026-06-16T12:00:00Z'); // 08:00 EDT
    const history = [row('available_for_pickup', 'sms', 'queued', T0, morning)];
    const [sms] = decidePickupReminder(reminder(history));
    expect(sms).toEqual(create('pickup_reminder', 'sms', plus(morning, 60)));
  });

  it('reminds once the notice went out', () => {
    expect(
      decidePickupReminder(
        reminder([
          row('available_for_pickup', 'sms', 'sent'),
          row('available_for_pickup', 'email', 'delivered'),
        ]),
      ),
    ).toEqual([create('pickup_reminder', 'sms', T0), create('pickup_reminder', 'email', T0)]);
  });
});

describe('sendTimeVerdict: still true when it goes out', () => {
  const verdict = (type: NotificationType, status: CanonicalStatus, extra: Partial<SendTimeInput> = {}) =>
    sendTimeVerdict({
      type,
      isResend: false,
      shipment: { status, collectedAtPickup: false },
      delayIsNews: true,
      pickupNoticePending: false,
      ...extra,
    });

  it('sends each type while its status holds', () => {
    expect(verdict('shipped', 'in_transit')).toBeNull();
    expect(verdict('out_for_delivery', 'out_for_delivery')).toBeNull();
    expect(verdict('delivery_attempt_failed', 'attempt_failed')).toBeNull();
    expect(verdict('available_for_pickup', 'available_for_pickup')).toBeNull();
    expect(verdict('pickup_reminder', 'available_for_pickup')).toBeNull();
    expect(verdict('delivered', 'delivered')).toBeNull();
    expect(verdict('delayed', 'in_transit')).toBeNull();
    expect(verdict('exception', 'exception')).toBeNull();
    expect(verdict('returned_to_sender', 'returned')).toBeNull();
  });

  it('never says "arriving today" after delivery, a failed attempt or a pickup', () => {
    for (const status of ['delivered', 'attempt_failed', 'available_for_pickup', 'exception'] as const)
      expect({ status, verdict: verdict('out_for_delivery', status) }).toEqual({
        status,
        verdict: { status: 'cancelled', reason: 'superseded' },
      });
  });

  it('never says "on its way" or "running late" once delivered or waiting at a pickup point', () => {
    expect(verdict('shipped', 'delivered')).toEqual({ status: 'cancelled', reason: 'superseded' });
    expect(verdict('shipped', 'available_for_pickup')).toEqual({ status: 'cancelled', reason: 'superseded' });
    expect(verdict('delayed', 'delivered')).toEqual({ status: 'cancelled', reason: 'superseded' });
    expect(verdict('delayed', 'available_for_pickup')).toEqual({ status: 'cancelled', reason: 'superseded' });
  });

  it('drops a delay that is no longer later than what the customer expects', () => {
    expect(verdict('delayed', 'in_transit', { delayIsNews: false })).toEqual({
      status: 'cancelled',
      reason: 'not_a_delay',
    });
  });

  it('holds back a reminder whose notice has not gone out, and one for a collected parcel', () => {
    expect(verdict('pickup_reminder', 'available_for_pickup', { pickupNoticePending: true })).toEqual({
      status: 'skipped',
      reason: 'pickup_notice_pending',
    });
    expect(
      verdict('pickup_reminder', 'available_for_pickup', {
        shipment: { status: 'available_for_pickup', collectedAtPickup: true },
      }),
    ).toEqual({ status: 'skipped', reason: 'not_awaiting_pickup' });
    expect(verdict('pickup_reminder', 'delivered')).toEqual({
      status: 'skipped',
      reason: 'not_awaiting_pickup',
    });
  });

  it('after a return only the return is said', () => {
    expect(verdict('exception', 'returned')).toEqual({ status: 'skipped', reason: 'returned_to_sender' });
    expect(verdict('returned_to_sender', 'returned')).toBeNull();
  });

  it('leaves a resend to the person who asked for it', () => {
    expect(verdict('out_for_delivery', 'delivered', { isResend: true })).toBeNull();
  });
});

describe('stalled: the silence of the scheduled no-scan check', () => {
  const noScan: ShipmentDomainEvent = { kind: 'delayed', previous: null, current: null, cause: 'no_scan' };
  const at = plus(T0, 60);

  it('is its own type, on text and email by default', () => {
    expect(notificationTypeForChange(noScan)).toBe('stalled');
    expect(notificationTypeForChange(delayedEvent)).toBe('delayed');
    expect(creates(decideNotifications(input(noScan)))).toEqual(['stalled/sms', 'stalled/email']);
  });

  it('switched off, the silence is not told as "running late" instead', () => {
    const channels = parseNotifyChannels('stalled=off');
    if (!channels.ok) throw new Error(channels.errors.join());
    expect(decideNotifications(input(noScan, { config: withConfig({ channels: channels.value }) }))).toEqual([
      skip('stalled', null, 'type_disabled'),
    ]);
  });

  it('is told once per shipment, and not about a parcel already delivered', () => {
    const history = [row('stalled', 'sms', 'sent'), row('stalled', 'email', 'delivered')];
    expect(decideNotifications(input(noScan, { history }))).toEqual([
      skip('stalled', 'sms', 'already_sent'),
      skip('stalled', 'email', 'already_sent'),
    ]);
    const delivered = input(noScan);
    delivered.shipment.status = 'delivered';
    expect(decideNotifications(delivered)).toEqual([skip('stalled', null, 'shipment_delivered')]);
  });

  it('a later carrier delay, or the parcel moving on, replaces a stalled message still waiting', () => {
    const history = [row('stalled', 'sms', 'queued', T0, plus(T0, 8 * 3600))];
    expect(decideNotifications(input(delayedEvent, { history }))).toContainEqual(cancel('stalled'));
    expect(
      decideNotifications(input(statusChanged('in_transit', 'out_for_delivery'), { history })),
    ).toContainEqual(cancel('stalled'));
    expect(decideNotifications(input(noScan, { history: [row('shipped', 'email', 'pending')] }))).toEqual([
      cancel('shipped'),
      create('stalled', 'sms', at),
      create('stalled', 'email', at),
    ]);
  });

  it('is dropped at send time when a scan came in since it was decided, or the parcel reached a pickup point', () => {
    const base: SendTimeInput = {
      type: 'stalled',
      isResend: false,
      shipment: { status: 'in_transit', collectedAtPickup: false },
      delayIsNews: true,
      pickupNoticePending: false,
      scannedSinceDecided: false,
    };
    expect(sendTimeVerdict(base)).toBeNull();
    expect(sendTimeVerdict({ ...base, scannedSinceDecided: true })).toEqual({
      status: 'cancelled',
      reason: 'superseded',
    });
    expect(
      sendTimeVerdict({ ...base, shipment: { status: 'available_for_pickup', collectedAtPickup: false } }),
    ).toEqual({ status: 'cancelled', reason: 'superseded' });
  });
});

describe('arriving tomorrow (scheduled check, morning window)', () => {
  // T0 is Monday 15 June 2026, 10:00 in New York: inside the 09:00–11:00 window.
  const tomorrow = '2026-06-16';
  const arriving = (overrides: Partial<ArrivingTomorrowInput> = {}): ArrivingTomorrowInput => {
    const base = input(statusChanged('pre_transit', 'in_transit'));
    return {
      customer: base.customer,
      preferences: base.preferences,
      suppressions: base.suppressions,
      history: [],
      config: base.config,
      now: T0,
      shipment: { id: 'shp_1', status: 'in_transit' },
      expectedOn: tomorrow,
      ...overrides,
    };
  };
  const dated = (
    channel: Channel,
    scheduledFor: Date,
    aboutDate = tomorrow,
    quietHoursDelayed = false,
  ): Decision => ({
    action: 'create',
    type: 'arriving_tomorrow',
    channel,
    scheduledFor,
    quietHoursDelayed,
    aboutDate,
  });

  it('inside the window: now, on both channels, about that day', () => {
    expect(ARRIVING_TOMORROW_WINDOW).toEqual({ start: { hour: 9, minute: 0 }, end: { hour: 11, minute: 0 } });
    expect(decideArrivingTomorrow(arriving())).toEqual([dated('sms', T0), dated('email', T0)]);
  });

  it('decided before the window: planned for 09:00 local; after it: not at all', () => {
    const early = new Date('2026-06-15T06:15:00Z'); // 02:15 EDT
    const nine = new Date('2026-06-15T13:00:00Z');
    expect(decideArrivingTomorrow(arriving({ now: early }))).toEqual([
      dated('sms', nine),
      dated('email', nine),
    ]);
    const eleven = new Date('2026-06-15T15:00:00Z');
    expect(decideArrivingTomorrow(arriving({ now: eleven }))).toEqual([
      skip('arriving_tomorrow', null, 'morning_window_passed'),
    ]);
    expect(decideArrivingTomorrow(arriving({ now: plus(eleven, -1) }))).toEqual([
      dated('sms', plus(eleven, -1)),
      dated('email', plus(eleven, -1)),
    ]);
  });

  it("counts tomorrow and the window in the customer's zone", () => {
    const tokyo = { hasEmail: true, hasPhone: true, timeZone: 'Asia/Tokyo' };
    // 14:00Z is 23:00 in Tokyo: its morning is over.
    expect(decideArrivingTomorrow(arriving({ customer: tokyo }))).toEqual([
      skip('arriving_tomorrow', null, 'morning_window_passed'),
    ]);
    const nineThirtyTokyo = new Date('2026-06-15T00:30:00Z');
    expect(decideArrivingTomorrow(arriving({ customer: tokyo, now: nineThirtyTokyo }))).toEqual([
      dated('sms', nineThirtyTokyo),
      dated('email', nineThirtyTokyo),
    ]);
    // The same instant is still Sunday evening in New York: the 16th is not tomorrow there.
    expect(decideArrivingTomorrow(arriving({ now: nineThirtyTokyo }))).toEqual([
      skip('arriving_tomorrow', null, 'not_arriving_tomorrow'),
    ]);
  });

  it('only when the expected day is tomorrow', () => {
    for (const expectedOn of ['2026-06-15', '2026-06-17', null])
      expect(decideArrivingTomorrow(arriving({ expectedOn }))).toEqual([
        skip('arriving_tomorrow', null, 'not_arriving_tomorrow'),
      ]);
  });

  it.each<CanonicalStatus>([
    'out_for_delivery',
    'delivered',
    'available_for_pickup',
    'exception',
    'attempt_failed',
  ])('not for a parcel that is %s', (status) => {
    expect(decideArrivingTomorrow(arriving({ shipment: { id: 'shp_1', status } }))).toEqual([
      skip('arriving_tomorrow', null, 'not_on_its_way'),
    ]);
  });

  it('not after a return', () => {
    expect(decideArrivingTomorrow(arriving({ shipment: { id: 'shp_1', status: 'returned' } }))).toEqual([
      skip('arriving_tomorrow', null, 'returned_to_sender'),
    ]);
  });

  it('once per day: again only when the date moved and became tomorrow again', () => {
    const sentFor = (aboutDate: string, status: NotificationStatus = 'sent') =>
      (['sms', 'email'] as const).map((channel) => ({
        ...row('arriving_tomorrow', channel, status),
        aboutDate,
      }));
    expect(decideArrivingTomorrow(arriving({ history: sentFor(tomorrow) }))).toEqual([
      skip('arriving_tomorrow', 'sms', 'already_sent'),
      skip('arriving_tomorrow', 'email', 'already_sent'),
    ]);
    // Announced for the 12th, which slipped: the 16th is news.
    expect(decideArrivingTomorrow(arriving({ history: sentFor('2026-06-12') }))).toEqual([
      dated('sms', T0),
      dated('email', T0),
    ]);
    // A cancelled one was never received.
    expect(decideArrivingTomorrow(arriving({ history: sentFor(tomorrow, 'cancelled') }))).toEqual([
      dated('sms', T0),
      dated('email', T0),
    ]);
  });

  it('quiet hours still hold the text; email is never held', () => {
    const config = withConfig({
      quietHours: { default: { start: '21:00', end: '09:30' }, perType: {} },
    });
    const early = new Date('2026-06-15T06:15:00Z');
    expect(decideArrivingTomorrow(arriving({ now: early, config }))).toEqual([
      dated('sms', new Date('2026-06-15T13:30:00Z'), tomorrow, true),
      dated('email', new Date('2026-06-15T13:00:00Z')),
    ]);
  });

  it('opt-outs, suppressions and missing contacts win, per channel', () => {
    expect(
      decideArrivingTomorrow(
        arriving({
          preferences: { optOuts: [{ type: 'arriving_tomorrow', channel: 'sms' }] },
          suppressions: { sms: false, email: true },
        }),
      ),
    ).toEqual([
      skip('arriving_tomorrow', 'sms', 'opted_out'),
      skip('arriving_tomorrow', 'email', 'suppressed_email'),
    ]);
  });

  it('is replaced by what happens next: out for delivery, a delay, a pickup point', () => {
    const history = [{ ...row('arriving_tomorrow', 'sms', 'queued'), aboutDate: tomorrow }];
    for (const change of [
      statusChanged('in_transit', 'out_for_delivery'),
      delayedEvent,
      statusChanged('in_transit', 'available_for_pickup'),
    ])
      expect(decideNotifications(input(change, { history }))).toContainEqual(cancel('arriving_tomorrow'));
  });

  it('is dropped at send time when its day is no longer tomorrow or the carrier now names another', () => {
    const base: SendTimeInput = {
      type: 'arriving_tomorrow',
      isResend: false,
      shipment: { status: 'in_transit', collectedAtPickup: false },
      delayIsNews: true,
      pickupNoticePending: false,
      arrival: { aboutDate: tomorrow, tomorrow, carrierDate: null },
    };
    const dropped = { status: 'cancelled', reason: 'not_arriving_tomorrow' };
    expect(sendTimeVerdict(base)).toBeNull();
    expect(
      sendTimeVerdict({ ...base, arrival: { aboutDate: tomorrow, tomorrow, carrierDate: tomorrow } }),
    ).toBeNull();
    expect(
      sendTimeVerdict({
        ...base,
        arrival: { aboutDate: tomorrow, tomorrow: '2026-06-17', carrierDate: null },
      }),
    ).toEqual(dropped);
    expect(
      sendTimeVerdict({ ...base, arrival: { aboutDate: tomorrow, tomorrow, carrierDate: '2026-06-18' } }),
    ).toEqual(dropped);
    expect(
      sendTimeVerdict({ ...base, shipment: { status: 'out_for_delivery', collectedAtPickup: false } }),
    ).toEqual({ status: 'cancelled', reason: 'superseded' });
  });
});

describe('order complete: the last parcel of a split order', () => {
  const at = plus(T0, 60);
  const parcel = (
    id: string,
    status: CanonicalStatus,
    deliveredAt: Date | null,
    created: number,
  ): SiblingParcel => ({
    id,
    status,
    deliveredAt,
    createdAt: plus(T0, -10 * DAY + created),
    trackingNumber: `TN-${id}`,
  });
  const deliveredChange = statusChanged('out_for_delivery', 'delivered');
  const lastOfTwo = [parcel('shp_0', 'delivered', plus(T0, -DAY), 0), parcel('shp_1', 'delivered', T0, 1)];
  const withChannels = (raw: string) => {
    const channels = parseNotifyChannels(raw);
    if (!channels.ok) throw new Error(channels.errors.join());
    return withConfig({ channels: channels.value });
  };

  const siblingsDelivered = (ids: string[]): Decision => ({
    action: 'cancel',
    notificationType: 'delivered',
    reason: 'superseded',
    siblingShipmentIds: ids,
  });

  it('replaces the delivered message of the last parcel (email by default): one message, never both', () => {
    expect(decideNotifications(input(deliveredChange, { parcels: lastOfTwo }))).toEqual([
      siblingsDelivered(['shp_0']),
      create('order_complete', 'email', at),
    ]);
  });

  it("cancels the earlier parcels' delivered messages still waiting: it says they arrived too", () => {
    const three = [parcel('shp_2', 'delivered', plus(T0, -30), 2), ...lastOfTwo];
    expect(decideNotifications(input(deliveredChange, { parcels: three }))).toContainEqual(
      siblingsDelivered(['shp_2', 'shp_0']),
    );
    // Not when no order_complete is created (off on every channel): each parcel keeps its own message.
    const config = withChannels('order_complete=off');
    expect(
      decideNotifications(input(deliveredChange, { parcels: lastOfTwo, config })).filter(
        (d) => d.action === 'cancel',
      ),
    ).toEqual([]);
  });

  it('cancels what the delivery makes false, like delivered does', () => {
    const history = [row('out_for_delivery', 'sms', 'queued'), row('arriving_tomorrow', 'email', 'pending')];
    expect(decideNotifications(input(deliveredChange, { parcels: lastOfTwo, history }))).toEqual([
      cancel('arriving_tomorrow'),
      cancel('out_for_delivery'),
      siblingsDelivered(['shp_0']),
      create('order_complete', 'email', at),
    ]);
  });

  it('is not for an order with a parcel still on its way, nor for a single parcel', () => {
    const firstOfTwo = [parcel('shp_0', 'in_transit', null, 0), parcel('shp_1', 'delivered', T0, 1)];
    expect(creates(decideNotifications(input(deliveredChange, { parcels: firstOfTwo })))).toEqual([
      'delivered/email',
    ]);
    expect(creates(decideNotifications(input(deliveredChange, { parcels: [lastOfTwo[1]] })))).toEqual([
      'delivered/email',
    ]);
    expect(creates(decideNotifications(input(deliveredChange)))).toEqual(['delivered/email']);
  });

  it('channel by channel: delivered (saying the order is complete) where order_complete does not go', () => {
    const config = withChannels('delivered=email,sms');
    expect(creates(decideNotifications(input(deliveredChange, { parcels: lastOfTwo, config })))).toEqual([
      'order_complete/email',
      'delivered/sms',
    ]);
    const optedOut = { optOuts: [{ type: 'order_complete' as const, channel: 'email' as const }] };
    expect(
      creates(decideNotifications(input(deliveredChange, { parcels: lastOfTwo, preferences: optedOut }))),
    ).toEqual(['delivered/email']);
    expect(
      creates(
        decideNotifications(
          input(deliveredChange, { parcels: lastOfTwo, config: withChannels('order_complete=off') }),
        ),
      ),
    ).toEqual(['delivered/email']);
  });

  it('collection at a pickup point completes the order too', () => {
    const collected = statusChanged('available_for_pickup', 'delivered', { collectedAtPickup: true });
    expect(creates(decideNotifications(input(collected, { parcels: lastOfTwo })))).toEqual([
      'order_complete/email',
    ]);
  });

  it('is true at send time only while the parcel is delivered', () => {
    const base: SendTimeInput = {
      type: 'order_complete',
      isResend: false,
      shipment: { status: 'delivered', collectedAtPickup: false },
      delayIsNews: true,
      pickupNoticePending: false,
    };
    expect(sendTimeVerdict(base)).toBeNull();
    expect(sendTimeVerdict({ ...base, shipment: { status: 'returned', collectedAtPickup: false } })).toEqual({
      status: 'skipped',
      reason: 'returned_to_sender',
    });
  });
});
