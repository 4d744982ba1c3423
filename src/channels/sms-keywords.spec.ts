import { smsKeywordOf } from './sms-keywords';

describe('smsKeywordOf', () => {
  it.each([
    'STOP',
    'stop',
    '  Stop  ',
    'STOPALL',
    'unsubscribe',
    'CANCEL',
    'end',
    'Quit',
    'REVOKE',
    'optout',
    'stop.',
  ])('%p is an opt-out', (text) => expect(smsKeywordOf(text)).toBe('stop'));
  it.each(['START', 'unstop', ' yes '])('%p re-subscribes', (text) =>
    expect(smsKeywordOf(text)).toBe('start'),
  );
  it('recognises HELP', () => expect(smsKeywordOf(' Help ')).toBe('help'));
  it.each(['please stop', 'stop it', 'where is my order', '', 'STOP STOP', 'opt out'])(
    '%p is not a keyword',
    (text) => expect(smsKeywordOf(text)).toBeNull(),
  );
  it('copes with a missing body', () => expect(smsKeywordOf(undefined)).toBeNull());
});
