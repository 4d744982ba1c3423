import { TWIML_EMPTY, twimlMessage } from './twiml';

describe('TwiML', () => {
  it('escapes the message text', () => {
    expect(twimlMessage(`Tom & Jerry's <shop> "now"`)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Tom &amp; Jerry&#39;s &lt;shop&gt; &quot;now&quot;</Message></Response>',
    );
  });
  it('has an empty response for no reply', () => expect(TWIML_EMPTY).toMatch(/<Response\/>$/));
  it('keeps a reply within Twilio’s 1600 characters', () => {
    const body = /<Message>(.*)<\/Message>/s.exec(twimlMessage('a'.repeat(2000)))![1];
    expect(Array.from(body)).toHaveLength(1600);
  });
});
