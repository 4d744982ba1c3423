import { resendVerdict } from './resend-rules';

describe('resendVerdict', () => {
  it('allows a sent, delivered or failed message whose content still holds', () => {
    for (const status of ['sent', 'delivered', 'failed'] as const) {
      expect(resendVerdict({ type: 'out_for_delivery', status }, 'out_for_delivery')).toEqual({
        allowed: true,
        code: null,
        reason: null,
      });
    }
    expect(resendVerdict({ type: 'pickup_reminder', status: 'sent' }, 'available_for_pickup').allowed).toBe(
      true,
    );
  });

  it('refuses cancelled (superseded), skipped and not-yet-sent messages, each with its reason', () => {
    expect(resendVerdict({ type: 'shipped', status: 'cancelled' }, 'in_transit')).toMatchObject({
      allowed: false,
      code: 'cancelled',
    });
    expect(resendVerdict({ type: 'shipped', status: 'skipped' }, 'in_transit').code).toBe('skipped');
    for (const status of ['pending', 'queued', 'sending'] as const) {
      const verdict = resendVerdict({ type: 'shipped', status }, 'in_transit');
      expect(verdict).toMatchObject({ allowed: false, code: 'not_sent_yet' });
      expect(verdict.reason).toContain(status);
    }
  });

  it('refuses a message the shipment has moved past: out for delivery after delivery, pickup after collection', () => {
    expect(resendVerdict({ type: 'out_for_delivery', status: 'sent' }, 'delivered')).toEqual({
      allowed: false,
      code: 'no_longer_true',
      reason: 'This out for delivery message no longer holds: the shipment is now delivered.',
    });
    expect(resendVerdict({ type: 'available_for_pickup', status: 'sent' }, 'delivered').code).toBe(
      'no_longer_true',
    );
    expect(resendVerdict({ type: 'delayed', status: 'sent' }, 'out_for_delivery').code).toBe(
      'no_longer_true',
    );
    expect(resendVerdict({ type: 'exception', status: 'sent' }, null).code).toBe('no_longer_true');
  });
});
