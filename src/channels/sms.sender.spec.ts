import { ChannelError } from './channel.types';
import { prepareSms } from './sms.sender';

describe('prepareSms', () => {
  const attempt = (to: string, body: string, max = 3) => {
    try {
      return prepareSms({ to, body }, max);
    } catch (err) {
      return err as ChannelError;
    }
  };

  it('accepts an E.164 number and reports encoding and segments', () => {
    expect(attempt('+447700900123', 'Hello')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
  it.each(['447700900123', '+44 7700 900123', '+0447700900123', '+12345', '+1234567890123456', ''])(
    'rejects %p',
    (to) => {
      expect(attempt(to, 'Hello')).toMatchObject({
        kind: 'permanent',
        code: 'invalid_phone_number',
        suppress: false,
      });
    },
  );
  it('fails a text over the limit instead of cutting it', () => {
    expect(attempt('+15005550006', 'a'.repeat(160), 1)).toMatchObject({ segments: 1 });
    const err = attempt('+15005550006', 'a'.repeat(161), 1);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ kind: 'permanent', code: 'sms_too_long' });
  });
  it('counts UCS-2 segments once a character outside GSM-7 appears', () => {
    expect(attempt('+15005550006', `${'a'.repeat(70)}`, 1)).toMatchObject({ segments: 1 });
    expect(attempt('+15005550006', `${'a'.repeat(69)}✓`, 1)).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
    });
    expect(attempt('+15005550006', `${'a'.repeat(70)}✓`, 1)).toMatchObject({ code: 'sms_too_long' });
  });
  it('refuses an empty text', () => {
    expect(attempt('+15005550006', '   ')).toMatchObject({ code: 'sms_empty' });
  });
});
