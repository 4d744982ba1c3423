import { DEFAULT_NOTIFICATION_CONFIG } from '../config/notification-config';
import type { ShipmentDomainEvent } from '../shared/tracking.types';
import { NotificationPlanner, type PlanBase } from './notification-planner.service';
import type { SubjectShipment } from './notification-subject';

/**
 * Changes that land together (one webhook: the first scan and a later ETA) give the customer one coherent
 * message: "on its way, expected Monday" and "running late, now Monday" never both go out.
 */
describe('changes that land together', () => {
  const now = new Date('2026-12-04T10:00:00Z');
  // decide() is pure over the policy: the repository is never reached.
  const planner = new NotificationPlanner(
    DEFAULT_NOTIFICATION_CONFIG,
    { now: () => now },
    undefined as never,
  );
  const shipment = {
    id: 'shp',
    status: 'in_transit',
    exceptionReason: null,
    collectedAtPickup: false,
    lastEventAt: null,
  } as unknown as SubjectShipment;
  const base = (): PlanBase =>
    ({
      orderId: 'ord',
      customerId: 'cus',
      locale: 'en',
      policy: {
        customer: { hasEmail: true, hasPhone: false, timeZone: 'Europe/London' },
        preferences: { optOuts: [] },
        suppressions: { sms: false, email: false },
        history: [],
        config: DEFAULT_NOTIFICATION_CONFIG,
        now,
      },
    }) as PlanBase;
  const shipped: ShipmentDomainEvent = {
    kind: 'status_changed',
    from: 'pre_transit',
    to: 'in_transit',
    reason: null,
    collectedAtPickup: false,
    occurredAt: null,
  };
  const delayed: ShipmentDomainEvent = {
    kind: 'delayed',
    previous: '2026-12-05',
    current: '2026-12-07',
    cause: 'eta_later',
  };

  it('a delay in the same batch as the first scan replaces "on its way": one message', () => {
    const plan = planner.decide(base(), shipment, [shipped, delayed], {
      receivedAt: now,
      eventOccurredAt: null,
    });
    expect(plan.creates.map((c) => `${c.type}/${c.channel}`)).toEqual(['delayed/email']);
  });

  it('the first scan alone still says "on its way"', () => {
    const plan = planner.decide(base(), shipment, [shipped], { receivedAt: now, eventOccurredAt: null });
    expect(plan.creates.map((c) => `${c.type}/${c.channel}`)).toEqual(['shipped/email']);
  });
});
