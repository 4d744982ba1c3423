import { canMove, notificationStatusFor, statusesBefore } from './sms-delivery-status';

describe('delivery status progression', () => {
  it('maps Twilio statuses onto ours', () => {
    expect(notificationStatusFor('accepted')).toBe('queued');
    expect(notificationStatusFor('queued')).toBe('queued');
    expect(notificationStatusFor('sending')).toBe('sending');
    expect(notificationStatusFor('sent')).toBe('sent');
    expect(notificationStatusFor('Delivered')).toBe('delivered');
    expect(notificationStatusFor('undelivered')).toBe('failed');
    expect(notificationStatusFor('failed')).toBe('failed');
    expect(notificationStatusFor('receiving')).toBeNull();
    expect(notificationStatusFor(undefined)).toBeNull();
  });

  it('only moves forward', () => {
    expect(canMove('sending', 'sent')).toBe(true);
    expect(canMove('sent', 'delivered')).toBe(true);
    expect(canMove('delivered', 'sent')).toBe(false);
    expect(canMove('delivered', 'delivered')).toBe(false);
    expect(canMove('sent', 'queued')).toBe(false);
  });

  it('never lets a failure overwrite a delivery, nor the reverse', () => {
    expect(canMove('delivered', 'failed')).toBe(false);
    expect(canMove('failed', 'delivered')).toBe(false);
    expect(canMove('sent', 'failed')).toBe(true);
  });

  it('never touches skipped or cancelled notifications', () => {
    for (const next of ['queued', 'sent', 'delivered', 'failed'] as const) {
      expect(statusesBefore(next)).not.toContain('skipped');
      expect(statusesBefore(next)).not.toContain('cancelled');
    }
  });
});
