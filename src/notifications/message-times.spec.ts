import { localTime, notificationTimes, shipmentTimes, waitReasonOf } from './message-times';

const NOW = new Date('2026-12-04T20:30:00Z');

describe('times for support, as the customer saw them', () => {
  it('shows an instant in the customer zone and names the zone', () => {
    const t = localTime('2026-11-30T23:13:00Z', 'Europe/Berlin', 'de-DE')!;
    expect(t.zone).toBe('Europe/Berlin');
    expect(t.text).toContain('1. Dez');
    expect(t.text).toContain('00:13');
    expect(t.zoneName).toMatch(/MEZ|CET|GMT\+1/);
    expect(t.iso).toBe('2026-11-30T23:13:00.000Z');
  });

  it('falls back to UTC for an unknown zone and to nothing for no time', () => {
    expect(localTime('2026-11-30T23:13:00Z', 'Mars/Olympus')!.zone).toBe('UTC');
    expect(localTime(null, 'Europe/Berlin')).toBeNull();
  });

  it('says why a message waits: quiet hours, the debounce, or a retry', () => {
    const base = {
      status: 'queued',
      scheduledFor: new Date('2026-12-05T07:00:00Z'),
      quietHoursDelayed: true,
    };
    expect(waitReasonOf(base, NOW)).toBe('quiet_hours');
    expect(waitReasonOf({ ...base, quietHoursDelayed: false, status: 'pending' }, NOW)).toBe('debounce');
    expect(waitReasonOf({ ...base, attemptCount: 1, errorCode: '20429' }, NOW)).toBe('retry');
    expect(waitReasonOf({ ...base, status: 'sent' }, NOW)).toBeNull();
  });

  it('gives the support page local times and the reason in words', () => {
    const times = notificationTimes(
      {
        status: 'queued',
        createdAt: new Date('2026-12-04T20:00:00Z'),
        scheduledFor: new Date('2026-12-05T07:00:00Z'),
        sentAt: null,
        quietHoursDelayed: true,
      },
      'Europe/Berlin',
      'en',
      NOW,
    );
    expect(times.waitReason).toBe('quiet_hours');
    expect(times.waitText).toMatch(/quiet hours; goes out Sat 5 Dec.* 08:00 .*\(Europe\/Berlin\)/);
    expect(times.sentAtLocal).toBeNull();
    expect(times.createdAtLocal?.text).toContain('21:00');
    const shipment = shipmentTimes(
      { lastEventAt: new Date('2026-11-30T23:13:00Z'), deliveredAt: null },
      'Europe/Berlin',
      'de-DE',
    );
    expect(shipment.lastEventAtLocal?.text).toContain('00:13');
    expect(shipment.deliveredAtLocal).toBeNull();
  });
});
