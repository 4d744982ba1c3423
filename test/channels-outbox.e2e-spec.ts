import type { Browser } from 'playwright-core';
import { ApiKeyService } from '../src/auth/api-key.service';
import { ChannelError } from '../src/channels/channel.types';
import { EmailSender } from '../src/channels/email.sender';
import { OutboxMessage } from '../src/channels/outbox-message.entity';
import { SmsSender } from '../src/channels/sms.sender';
import { UnsubscribeTokens } from '../src/channels/unsubscribe-tokens.service';
import { createCustomer, testEmail, testPhone } from './channels.fixtures';
import { launchBrowser } from './support/browser';
import { bearer, serve, startTestApp, TestApp } from './support/test-app';

describe('the outbox: channels without a provider', () => {
  let t: TestApp;
  let sms: SmsSender;
  let email: EmailSender;

  beforeAll(async () => {
    t = await startTestApp();
    sms = t.app.get(SmsSender);
    email = t.app.get(EmailSender);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores texts instead of sending them, with segments and encoding, and counts them as sent', async () => {
    expect(sms.provider).toBe('outbox');
    const to = testPhone();
    const result = await sms.send({
      to,
      body: 'Your parcel arrives today between 2 and 4 pm.',
      notificationId: undefined,
    });
    expect(result).toMatchObject({ provider: 'outbox', segments: 1, encoding: 'GSM-7' });
    const row = await t.db.getRepository(OutboxMessage).findOneByOrFail({ id: result.providerMessageId });
    expect(row).toMatchObject({
      channel: 'sms',
      to,
      text: 'Your parcel arrives today between 2 and 4 pm.',
      segments: 1,
      encoding: 'GSM-7',
    });
  });

  it('applies the same checks as Twilio: E.164 and the segment limit', async () => {
    const tooLong = await sms.send({ to: testPhone(), body: '€'.repeat(250) }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(ChannelError);
    expect(tooLong).toMatchObject({ kind: 'permanent', code: 'sms_too_long' });
    const badNumber = await sms.send({ to: '555-0100', body: 'hi' }).catch((e: unknown) => e);
    expect(badNumber).toMatchObject({ kind: 'permanent', code: 'invalid_phone_number' });
  });

  it('stores emails with subject, both parts and the headers they would carry', async () => {
    expect(email.provider).toBe('outbox');
    const customer = await createCustomer(t.db);
    const headers = t.app.get(UnsubscribeTokens).listUnsubscribeHeaders(customer.id, 'shipping_updates');
    const result = await email.send({
      to: customer.email!,
      subject: 'Delivered',
      html: '<p>Your parcel was <b>delivered</b>.</p>',
      headers,
    });
    expect(result.provider).toBe('outbox');
    const row = await t.db.getRepository(OutboxMessage).findOneByOrFail({ id: result.providerMessageId });
    expect(row).toMatchObject({
      channel: 'email',
      subject: 'Delivered',
      html: '<p>Your parcel was <b>delivered</b>.</p>',
    });
    expect(row.text).toContain('Your parcel was delivered.');
    expect(row.headers).toMatchObject({ From: 'Wismo Store <updates@example.com>', ...headers });
  });

  describe('GET /v1/outbox', () => {
    it('lists newest first, filters by channel and pages with nextBefore', async () => {
      const sent: string[] = [];
      for (const n of [1, 2, 3])
        sent.push((await sms.send({ to: testPhone(), body: `page test ${n}` })).providerMessageId);
      const first = await t.http.get('/v1/outbox?channel=sms&limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items.map((m: OutboxMessage) => m.id)).toEqual([sent[2], sent[1]]);
      expect(first.body.items[0]).toMatchObject({
        channel: 'sms',
        text: 'page test 3',
        segments: 1,
        encoding: 'GSM-7',
      });
      expect(first.body.nextBefore).toBe(sent[1]);
      const second = await t.http.get(`/v1/outbox?channel=sms&limit=2&before=${first.body.nextBefore}`);
      expect(second.status).toBe(200);
      expect(second.body.items[0].id).toBe(sent[0]);

      const emails = await t.http.get('/v1/outbox?channel=email');
      expect(emails.body.items.length).toBeGreaterThan(0);
      expect(emails.body.items.every((m: OutboxMessage) => m.channel === 'email')).toBe(true);
    });

    it('pages through everything without gaps or repeats', async () => {
      const all = (await t.http.get('/v1/outbox?limit=200')).body.items.map((m: OutboxMessage) => m.id);
      const seen: string[] = [];
      let before: string | null = null;
      do {
        const res = await t.http.get(`/v1/outbox?limit=3${before ? `&before=${before}` : ''}`);
        seen.push(...res.body.items.map((m: OutboxMessage) => m.id));
        before = res.body.nextBefore;
      } while (before);
      expect(seen).toEqual(all);
    });

    it.each([
      'limit=0',
      'limit=500',
      'limit=abc',
      'channel=fax',
      'before=not-a-uuid',
      'before=7f1d2c3e-0000-4000-8000-000000000000',
      'surprise=1',
    ])('rejects %s with 400', async (query) => {
      const res = await t.http.get(`/v1/outbox?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });
  });

  it('answers the Twilio webhooks with 401 webhook_not_configured when Twilio is not configured', async () => {
    const res = await t.http
      .post('/v1/webhooks/twilio/status')
      .type('form')
      .send({ MessageSid: 'SM1', MessageStatus: 'delivered' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('webhook_not_configured');
  });

  describe('GET /outbox in a browser', () => {
    let browser: Browser;
    let baseUrl: string;
    beforeAll(async () => {
      baseUrl = await serve(t);
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('shows texts as bubbles with segments and encoding, and emails with subject, headers and a sandboxed body', async () => {
      const phone = testPhone();
      const smsBody = `Parcel 📦 for order 7731 <img src=x onerror="document.title='pwned'"> is out for delivery today and should arrive before 6 pm.`;
      await sms.send({ to: phone, body: smsBody });
      const customer = await createCustomer(t.db, { email: testEmail() });
      const headers = t.app.get(UnsubscribeTokens).listUnsubscribeHeaders(customer.id, 'shipping_updates');
      await email.send({
        to: customer.email!,
        subject: 'Order 7731: out for delivery',
        html: `<html><body><h1 id="headline">Arriving today</h1><p id="target">static</p>
          <script>document.getElementById('target').textContent = 'script ran'; parent.document.title = 'pwned';</script></body></html>`,
        headers,
      });

      const page = await browser.newPage();
      try {
        const response = await page.goto(`${baseUrl}/outbox`);
        expect(response?.status()).toBe(200);
        expect(await page.title()).toBe('Outbox · Wismo');

        const smsCard = page.locator('article.sms', { hasText: phone });
        await smsCard.waitFor();
        expect(await smsCard.locator('.bubble').innerText()).toBe(smsBody);
        expect(await smsCard.locator('.sms-facts').innerText()).toMatch(
          /^2 segments · UCS-2 · \d+ characters$/,
        );

        const emailCard = page.locator('article.email', { hasText: 'Order 7731: out for delivery' });
        await emailCard.waitFor();
        expect(await emailCard.locator('h2').innerText()).toBe('Order 7731: out for delivery');
        expect(await emailCard.locator('dl.headers').innerText()).toContain(customer.email!);
        expect(await emailCard.locator('dl.headers').innerText()).toContain('List-Unsubscribe');
        expect(await emailCard.locator('dl.headers').innerText()).toContain('/v1/unsubscribe?token=');
        expect(await emailCard.locator('iframe').getAttribute('sandbox')).toBe('');

        const frame = emailCard.frameLocator('iframe');
        expect(await frame.locator('#headline').innerText()).toBe('Arriving today');
        // The sandbox runs no script: the email's own script left its paragraph alone.
        expect(await frame.locator('#target').innerText()).toBe('static');
        expect(await page.title()).toBe('Outbox · Wismo');

        await page.getByRole('link', { name: 'SMS', exact: true }).click();
        await page.waitForURL(/channel=sms/);
        expect(await page.locator('article.email').count()).toBe(0);
        expect(await page.locator('article.sms', { hasText: phone }).count()).toBe(1);
      } finally {
        await page.close();
      }
    });
  });
});

describe('the outbox in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        NODE_ENV: 'production',
        UNSUBSCRIBE_SECRET: 'production-unsubscribe-secret-1',
        TRACKING_LINK_SECRET: 'production-tracking-link-secret-1',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('needs a support or admin key for the JSON and the page', async () => {
    const keys = t.app.get(ApiKeyService);
    const support = (await keys.create('support', 'Helpdesk')).key;
    const integration = (await keys.create('integration', 'Shop')).key;
    for (const path of ['/v1/outbox', '/outbox']) {
      expect((await t.http.get(path)).status).toBe(401);
      expect((await t.http.get(path).set(bearer('wsm_unknown_key_000000000'))).status).toBe(401);
      const wrongRole = await t.http.get(path).set(bearer(integration));
      expect(wrongRole.status).toBe(403);
      expect(wrongRole.body.code).toBe('forbidden');
      expect((await t.http.get(path).set(bearer(support))).status).toBe(200);
      expect((await t.http.get(path).set(bearer(t.adminKey))).status).toBe(200);
    }
  });
});
