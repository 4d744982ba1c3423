import { notificationStatusFor } from './sms-delivery-status';

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
});
