import type { NotificationStatus } from '../shared/notification.types';

/**
 * The one table of how a notification's status may change. Every statement of NotificationRepository that
 * changes a status takes its `WHERE status …` from here, so the rules live in one place:
 *
 * - `plan`      a new row starts `pending` (policy, resend, fallback);
 * - `enqueue`   its job is on the queue: `pending` → `queued`;
 * - `cancel`    a newer change superseded it before it was claimed: `pending`/`queued` → `cancelled`;
 * - `claim`     one worker takes it: `pending`/`queued` → `sending` (and `sending` → `sending` once the
 *               claim's lease ran out: the worker died mid-send);
 * - `requeue`   the worker gives it back (quiet hours, a transient error to retry): `sending` → `queued`;
 * - `finish`    the worker's outcome: `sending` → `sent`/`skipped`/`cancelled`/`failed`;
 * - `provider`  a delivery receipt: forward only, pending < queued < sending < sent < delivered, and `failed`
 *               ranks with `delivered` so a late failure report never undoes a delivery nor the reverse.
 *               Receipts arrive late, duplicated and out of order; skipped and cancelled rows are never touched.
 */
export type StatusChange = 'plan' | 'enqueue' | 'cancel' | 'claim' | 'requeue' | 'finish' | 'provider';

type Transitions = Readonly<Partial<Record<NotificationStatus, readonly NotificationStatus[]>>>;

export const STATUS_TRANSITIONS: Readonly<Record<Exclude<StatusChange, 'plan' | 'provider'>, Transitions>> = {
  enqueue: { pending: ['queued'] },
  cancel: { pending: ['cancelled'], queued: ['cancelled'] },
  claim: { pending: ['sending'], queued: ['sending'], sending: ['sending'] },
  requeue: { sending: ['queued'] },
  finish: { sending: ['sent', 'skipped', 'cancelled', 'failed'] },
};

/** The status every new row starts in. */
export const INITIAL_STATUS: NotificationStatus = 'pending';

const PROVIDER_RANK: Readonly<Partial<Record<NotificationStatus, number>>> = {
  pending: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  failed: 4,
};

/** The statuses a row may be in for `change` to move it to `to`; empty when `change` never leads there. */
export function statusesFrom(
  change: Exclude<StatusChange, 'plan'>,
  to: NotificationStatus,
): NotificationStatus[] {
  if (change === 'provider') {
    const target = PROVIDER_RANK[to];
    if (target === undefined) return [];
    return (Object.entries(PROVIDER_RANK) as Array<[NotificationStatus, number]>)
      .filter(([, rank]) => rank < target)
      .map(([status]) => status);
  }
  return (Object.entries(STATUS_TRANSITIONS[change]) as Array<[NotificationStatus, NotificationStatus[]]>)
    .filter(([, targets]) => targets.includes(to))
    .map(([from]) => from);
}

/** Whether `change` may move a row from `from` to `to`. */
export function canChange(
  change: Exclude<StatusChange, 'plan'>,
  from: NotificationStatus,
  to: NotificationStatus,
): boolean {
  return statusesFrom(change, to).includes(from);
}
