import { classifyTwilioError, classifyTwilioStatusCallback } from './twilio-errors';

describe('classifyTwilioError', () => {
  it.each([
    [21211, false],
    [21408, false],
    [21610, true],
    [21614, false],
    [30005, true],
    [30006, true],
    [30007, false],
  ])('%d is permanent (suppress the number: %s)', (code, suppressNumber) => {
    expect(classifyTwilioError({ status: 400, code, message: 'x' })).toEqual({
      kind: 'permanent',
      code: String(code),
      suppressNumber,
      known: true,
    });
  });

  it('reads a numeric string code the same way', () => {
    expect(classifyTwilioError({ code: '21610' })).toEqual({
      kind: 'permanent',
      code: '21610',
      suppressNumber: true,
      known: true,
    });
  });

  it.each([[20429], [30003], [30008]])('%d is transient', (code) => {
    expect(classifyTwilioError({ code })).toEqual({
      kind: 'transient',
      code: String(code),
      suppressNumber: false,
      known: true,
    });
  });

  it('HTTP 429 without a code is transient (too many requests)', () => {
    expect(classifyTwilioError({ status: 429 })).toEqual({
      kind: 'transient',
      code: '20429',
      suppressNumber: false,
      known: true,
    });
  });

  it.each([500, 502, 503, 504])('HTTP %d is transient', (status) => {
    expect(classifyTwilioError({ status, message: 'Service Unavailable' })).toEqual({
      kind: 'transient',
      code: `HTTP_${status}`,
      suppressNumber: false,
      known: true,
    });
  });

  it('keeps the Twilio code of a 5xx when there is one', () => {
    expect(classifyTwilioError({ status: 500, code: 20500 })).toMatchObject({
      kind: 'transient',
      code: '20500',
      known: true,
    });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'])(
    'network error %s is transient',
    (code) => {
      expect(classifyTwilioError({ code, message: `connect ${code} 127.0.0.1:443` })).toEqual({
        kind: 'transient',
        code,
        suppressNumber: false,
        known: true,
      });
    },
  );

  it('"socket hang up" is transient', () => {
    expect(classifyTwilioError({ message: 'socket hang up' })).toEqual({
      kind: 'transient',
      code: 'SOCKET_HANG_UP',
      suppressNumber: false,
      known: true,
    });
  });

  it('a permanent code wins over a 5xx status', () => {
    expect(classifyTwilioError({ status: 503, code: 21610 })).toMatchObject({
      kind: 'permanent',
      suppressNumber: true,
    });
  });

  it('an unknown Twilio code is transient and flagged unknown', () => {
    expect(classifyTwilioError({ status: 400, code: 21999, message: 'Something new' })).toEqual({
      kind: 'transient',
      code: '21999',
      suppressNumber: false,
      known: false,
    });
  });

  it('an error with nothing usable is transient, unknown', () => {
    expect(classifyTwilioError({})).toEqual({
      kind: 'transient',
      code: 'UNKNOWN',
      suppressNumber: false,
      known: false,
    });
    expect(classifyTwilioError({ status: 418 })).toEqual({
      kind: 'transient',
      code: 'HTTP_418',
      suppressNumber: false,
      known: false,
    });
  });
});

describe('classifyTwilioStatusCallback', () => {
  it.each([
    ['30005', 'permanent', true],
    ['30006', 'permanent', true],
    [30007, 'permanent', false],
    ['30003', 'transient', false],
    ['30008', 'transient', false],
    ['21610', 'permanent', true],
  ] as const)('ErrorCode %s → %s (suppress: %s)', (errorCode, kind, suppressNumber) => {
    expect(classifyTwilioStatusCallback(errorCode)).toEqual({
      kind,
      code: String(errorCode),
      suppressNumber,
      known: true,
    });
  });

  it.each([[null], [undefined], ['']])(
    'a failure without an ErrorCode (%j) is transient, unknown',
    (errorCode) => {
      expect(classifyTwilioStatusCallback(errorCode)).toEqual({
        kind: 'transient',
        code: 'UNKNOWN',
        suppressNumber: false,
        known: false,
      });
    },
  );

  it('an unrecognised ErrorCode is transient, unknown', () => {
    expect(classifyTwilioStatusCallback('30999')).toEqual({
      kind: 'transient',
      code: '30999',
      suppressNumber: false,
      known: false,
    });
  });
});
