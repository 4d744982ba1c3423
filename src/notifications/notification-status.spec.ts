import { NOTIFICATION_STATUSES } from '../shared/notification.types';
import { canChange, STATUS_TRANSITIONS, statusesFrom } from './notification-status';

describe('notification status transitions', () => {
  it('claims only waiting rows, and a sending row only through the lease', () => {
    expect(statusesFrom('claim', 'sending')).toEqual(['pending', 'queued', 'sending']);
    for (const done of ['sent', 'delivered', 'failed', 'skipped', 'cancelled'] as const)
      expect(canChange('claim', done, 'sending')).toBe(false);
  });

  it('cancels and enqueues only rows no worker holds', () => {
    expect(statusesFrom('cancel', 'cancelled')).toEqual(['pending', 'queued']);
    expect(statusesFrom('enqueue', 'queued')).toEqual(['pending']);
    expect(canChange('cancel', 'sending', 'cancelled')).toBe(false);
  });

  it('records a worker outcome only on the row it claimed', () => {
    for (const to of ['sent', 'skipped', 'cancelled', 'failed'] as const)
      expect(statusesFrom('finish', to)).toEqual(['sending']);
    expect(statusesFrom('requeue', 'queued')).toEqual(['sending']);
    expect(statusesFrom('finish', 'delivered')).toEqual([]);
  });

  it('moves provider receipts forward only', () => {
    expect(canChange('provider', 'sending', 'sent')).toBe(true);
    expect(canChange('provider', 'sent', 'delivered')).toBe(true);
    expect(canChange('provider', 'delivered', 'sent')).toBe(false);
    expect(canChange('provider', 'delivered', 'delivered')).toBe(false);
    expect(canChange('provider', 'sent', 'queued')).toBe(false);
  });

  it('never lets a failure receipt overwrite a delivery, nor the reverse', () => {
    expect(canChange('provider', 'delivered', 'failed')).toBe(false);
    expect(canChange('provider', 'failed', 'delivered')).toBe(false);
    expect(canChange('provider', 'sent', 'failed')).toBe(true);
  });

  it('never touches skipped or cancelled rows again', () => {
    for (const change of ['enqueue', 'cancel', 'claim', 'requeue', 'finish', 'provider'] as const)
      for (const to of NOTIFICATION_STATUSES) {
        expect(statusesFrom(change, to)).not.toContain('skipped');
        expect(statusesFrom(change, to)).not.toContain('cancelled');
      }
  });

  it('names only known statuses', () => {
    for (const table of Object.values(STATUS_TRANSITIONS))
      for (const [from, targets] of Object.entries(table)) {
        expect(NOTIFICATION_STATUSES).toContain(from);
        for (const to of targets ?? []) expect(NOTIFICATION_STATUSES).toContain(to);
      }
  });
});
