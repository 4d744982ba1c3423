import { RedirectingTwilioClient } from './twilio-http.client';

describe('RedirectingTwilioClient', () => {
  it('sends the SDK’s requests to the configured host, keeping path and query', () => {
    const client = new RedirectingTwilioClient('http://127.0.0.1:4010');
    expect(client.rewrite('https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json?PageSize=5')).toBe(
      'http://127.0.0.1:4010/2010-04-01/Accounts/AC123/Messages.json?PageSize=5',
    );
  });
  it('keeps a path prefix of the base URL', () => {
    const client = new RedirectingTwilioClient('https://mock.example/twilio');
    expect(client.rewrite('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json')).toBe(
      'https://mock.example/twilio/2010-04-01/Accounts/AC1/Messages.json',
    );
  });
});
