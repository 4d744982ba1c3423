import type { AppConfig } from '../config/app-config';
import { ChannelHooks } from './channel-hooks';
import type { InboundSmsHandler } from './inbound-sms.handler';
import type { SuppressionService } from './suppression.service';
import { TwilioWebhookService } from './twilio-webhook.service';

/** The inbound reply paths that need no database: HELP and text handed to the chat (or not). */
describe('TwilioWebhookService.handleInbound', () => {
  const config = { brand: { name: 'Shop & Co', supportUrl: 'https://help.example/?a=1&b=2' } } as AppConfig;
  const service = (handler?: InboundSmsHandler) => {
    const hooks = new ChannelHooks();
    if (handler) hooks.answerInboundSms(handler);
    return new TwilioWebhookService(config, null as unknown as SuppressionService, hooks);
  };

  it('acknowledges when no chat handler exists', async () => {
    expect(await service().handleInbound({ From: '+15005550006', Body: 'where is it?' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Shop &amp; Co: thanks, we got your message. For help with an order: https://help.example/?a=1&amp;b=2</Message></Response>',
    );
  });

  it('answers with the handler’s reply, escaped, and passes the number and text through', async () => {
    const calls: Array<[string, string]> = [];
    const handler = {
      reply: async (phone: string, text: string) => (
        calls.push([phone, text]),
        'Order <1042> arrives Friday & is on time'
      ),
    };
    const twiml = await service(handler).handleInbound({ From: '+15005550006', Body: 'order 1042?' });
    expect(twiml).toContain('<Message>Order &lt;1042&gt; arrives Friday &amp; is on time</Message>');
    expect(calls).toEqual([['+15005550006', 'order 1042?']]);
  });

  it('falls back to the acknowledgement when the handler fails', async () => {
    const handler = {
      reply: async () => {
        throw new Error('chat down');
      },
    };
    expect(await service(handler).handleInbound({ From: '+15005550006', Body: 'hi' })).toContain(
      'thanks, we got your message',
    );
  });

  it('answers HELP with brand and support link', async () => {
    const twiml = await service().handleInbound({ From: '+15005550006', Body: 'help' });
    expect(twiml).toContain('Shop &amp; Co: shipping updates');
    expect(twiml).toContain('https://help.example/?a=1&amp;b=2');
  });

  it('answers nothing without a sender', async () => {
    expect(await service().handleInbound({ Body: 'hi' })).toMatch(/<Response\/>$/);
  });
});
