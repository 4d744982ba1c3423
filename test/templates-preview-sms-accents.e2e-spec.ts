import { ApiKeyService } from '../src/auth/api-key.service';
import { APP_CONFIG, type AppConfig } from '../src/config/app-config';
import { TemplateStore } from '../src/templates/template-store.service';
import { bearer, startTestApp, TestApp } from './support/test-app';

/**
 * The editor's SMS preview is the text the sender would send: it follows SMS_ACCENTS like the notification
 * renderer does, not the `auto` default.
 */
describe('template preview with SMS_ACCENTS=never', () => {
  let t: TestApp;
  let support: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { SMS_ACCENTS: 'never' } });
    support = (await t.app.get(ApiKeyService).create('support', 'Sam from Support')).key;
  });
  afterAll(async () => {
    await t.close();
  });

  // One segment with or without the accents, so `auto` would keep them and only the setting can drop them.
  const body = 'Tu pedido {{order.number}} llega el sábado a la dirección indicada.';

  it('writes plain letters in the SMS preview, as the sender does with this setting', async () => {
    const engine = t.app.get(TemplateStore).engine;
    const vars = { order: { number: '#WS-1' } } as never;
    expect(engine.renderSms(body, vars, 'auto').body).toBe(
      'Tu pedido #WS-1 llega el sábado a la dirección indicada.',
    );
    // What the notification renderer sends: the engine with the configured setting.
    const sent = engine.renderSms(body, vars, t.app.get<AppConfig>(APP_CONFIG).sms.accents);
    expect(sent.body).toBe('Tu pedido #WS-1 llega el sabado a la direccion indicada.');

    const res = await t.http
      .post('/v1/templates/preview')
      .set(bearer(support))
      .send({ type: 'shipped', channel: 'sms', locale: 'es', sample: true, parts: { body } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sms: 'Tu pedido #WS-1048213 llega el sabado a la direccion indicada.',
      encoding: 'GSM-7',
      segments: 1,
      nonGsmCharacters: [],
    });
  });
});
