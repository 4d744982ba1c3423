import { createHmac } from 'node:crypto';
import { ChannelError } from '../src/channels/channel.types';
import { EmailSender } from '../src/channels/email.sender';
import { UnsubscribeTokens } from '../src/channels/unsubscribe-tokens.service';
import { activeSuppressions, createCustomer, testEmail } from './channels.fixtures';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

const UNSUBSCRIBE_SECRET = 'unsubscribe-secret-for-tests-0123';

describe('email through Nodemailer against a real SMTP server, and unsubscribing', () => {
  let t: TestApp;
  let smtp: SmtpCatcher;
  let email: EmailSender;
  let tokens: UnsubscribeTokens;

  beforeAll(async () => {
    smtp = await new SmtpCatcher().start();
    t = await startTestApp({
      env: {
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'Parcel Updates <updates@shop.example>',
        EMAIL_REPLY_TO: 'help@shop.example',
        UNSUBSCRIBE_SECRET,
        BRAND_NAME: 'Shop & Co',
      },
    });
    email = t.app.get(EmailSender);
    tokens = t.app.get(UnsubscribeTokens);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });
  beforeEach(() => smtp.reset());

  const message = (to: string, extra: Partial<Parameters<EmailSender['send']>[0]> = {}) => ({
    to,
    subject: 'Your order 1042 is on its way',
    html: '<h1>On its way</h1><p>Your parcel ships with <b>USPS</b>. <a href="https://track.example/1">Track it</a></p>',
    text: 'On its way. Your parcel ships with USPS. Track it: https://track.example/1',
    ...extra,
  });

  async function sendExpectingError(to: string): Promise<ChannelError> {
    const err = await email.send(message(to)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ChannelError);
    return err as ChannelError;
  }

  describe('sending', () => {
    it('sends HTML and text parts, From / Reply-To, the unsubscribe headers, and returns the Message-ID', async () => {
      expect(email.provider).toBe('smtp');
      const customer = await createCustomer(t.db);
      const to = customer.email!;
      const result = await email.send(
        message(to, {
          headers: tokens.listUnsubscribeHeaders(customer.id, 'shipping_updates'),
          notificationId: 'n-1',
        }),
      );
      expect(result.provider).toBe('smtp');
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]).toMatchObject({ from: 'updates@shop.example', to: [to] });
      const parsed = await smtp.parse(smtp.messages[0]);
      expect(parsed.subject).toBe('Your order 1042 is on its way');
      expect(parsed.from?.value).toEqual([{ name: 'Parcel Updates', address: 'updates@shop.example' }]);
      expect(parsed.replyTo?.text).toBe('help@shop.example');
      expect(parsed.html).toContain('<b>USPS</b>');
      expect(parsed.text?.trim()).toBe(
        'On its way. Your parcel ships with USPS. Track it: https://track.example/1',
      );
      expect(parsed.messageId).toBe(result.providerMessageId);
      // Our own Message-ID: it names the notification, on the sender's domain.
      expect(result.providerMessageId).toMatch(/^<n-1\.[0-9a-z]+\.[0-9a-z]+@shop\.example>$/);
      const lines = Object.fromEntries(
        parsed.headerLines.map((h) => [
          h.key,
          h.line
            .slice(h.line.indexOf(':') + 1)
            .replace(/\r?\n\s+/g, ' ')
            .trim(),
        ]),
      );
      expect(lines['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(lines['list-unsubscribe']).toMatch(
        /^<http:\/\/wismo\.test\/v1\/unsubscribe\?token=[\w-]+\.[\w-]+>$/,
      );
      const token = /token=([^>]+)>/.exec(lines['list-unsubscribe'])![1];
      expect(tokens.verify(token)).toEqual({ customerId: customer.id, category: 'shipping_updates' });
    });

    it('derives the text part from the HTML when the caller gives none', async () => {
      const to = testEmail();
      await email.send(message(to, { text: undefined }));
      const parsed = await smtp.lastTo(to);
      expect(parsed?.text).toContain('ON ITS WAY');
      expect(parsed?.text).toContain('Your parcel ships with USPS.');
      expect(parsed?.text).toContain('Track it [https://track.example/1]');
      expect(parsed?.html).toContain('<h1>On its way</h1>');
    });

    it('treats a 451 as transient: nothing suppressed, and the retry goes through', async () => {
      const to = testEmail();
      smtp.refuse(to, 451);
      const err = await sendExpectingError(to);
      expect(err).toMatchObject({
        kind: 'transient',
        code: 'SMTP_451_4.7.1',
        suppress: false,
        retryable: true,
      });
      expect(err.message).not.toContain(to);
      expect(smtp.messages).toHaveLength(0);
      expect(await activeSuppressions(t.db, 'email', to)).toEqual([]);
      smtp.accept(to);
      await expect(email.send(message(to))).resolves.toMatchObject({ provider: 'smtp' });
      expect(smtp.messages).toHaveLength(1);
    });

    it('treats a 550 as permanent and suppresses the address (hard bounce)', async () => {
      const to = testEmail();
      smtp.refuse(to, 550);
      const err = await sendExpectingError(to.toUpperCase());
      expect(err).toMatchObject({
        kind: 'permanent',
        code: 'SMTP_550_5.1.1',
        suppress: true,
        retryable: false,
      });
      expect(await activeSuppressions(t.db, 'email', to)).toEqual([
        expect.objectContaining({ reason: 'hard_bounce', source: 'SMTP_550_5.1.1' }),
      ]);
    });

    it('treats connection refused as transient, and sends again once the server is back', async () => {
      const to = testEmail();
      await smtp.stop();
      try {
        const err = await sendExpectingError(to);
        expect(err.kind).toBe('transient');
        expect(err.suppress).toBe(false);
        expect(['ECONNREFUSED', 'ECONNECTION', 'ESOCKET']).toContain(err.code);
      } finally {
        await smtp.start();
      }
      await expect(email.send(message(to))).resolves.toMatchObject({ provider: 'smtp' });
      expect(await activeSuppressions(t.db, 'email', to)).toEqual([]);
    });
  });

  describe('GET and POST /v1/unsubscribe', () => {
    const path = (token: string) => `/v1/unsubscribe?token=${encodeURIComponent(token)}`;

    it('shows a confirmation page, unsubscribes on the one-click POST, and is idempotent', async () => {
      const customer = await createCustomer(t.db, { email: testEmail() });
      const token = tokens.sign(customer.id, 'shipping_updates');

      const page = await t.http.get(path(token));
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      // Handlebars escapes "=" in attributes (&#x3D;); the browser reads the same URL.
      expect(page.text).toContain('<form method="post" action="/v1/unsubscribe?token');
      expect(page.text).toContain('<button type="submit">Unsubscribe</button>');
      expect(page.text).toContain('Shop &amp; Co');
      // Opening the link (mail scanners do) must not unsubscribe.
      expect(await activeSuppressions(t.db, 'email', customer.email!)).toEqual([]);

      const oneClick = await t.http.post(path(token)).type('form').send('List-Unsubscribe=One-Click');
      expect(oneClick.status).toBe(200);
      expect(oneClick.text).toContain('You are unsubscribed');
      expect(await activeSuppressions(t.db, 'email', customer.email!)).toEqual([
        expect.objectContaining({ reason: 'unsubscribe', source: 'unsubscribe:shipping_updates' }),
      ]);

      const again = await t.http.post(path(token)).type('form').send('List-Unsubscribe=One-Click');
      expect(again.status).toBe(200);
      expect(again.text).toContain('You are already unsubscribed');
      expect(await activeSuppressions(t.db, 'email', customer.email!)).toHaveLength(1);

      const pageAfter = await t.http.get(path(token));
      expect(pageAfter.status).toBe(200);
      expect(pageAfter.text).toContain('You are already unsubscribed');
      expect(pageAfter.text).not.toContain('<form');
    });

    it('suppresses the lower-cased address and accepts the RFC 8058 multipart form too', async () => {
      const address = testEmail();
      const customer = await createCustomer(t.db, { email: address.replace('shopper', 'Shopper') });
      const res = await t.http
        .post(path(tokens.sign(customer.id, 'shipping_updates')))
        .field('List-Unsubscribe', 'One-Click');
      expect(res.status).toBe(200);
      expect(await activeSuppressions(t.db, 'email', address)).toHaveLength(1);
    });

    it('follows the link from a sent email end to end', async () => {
      const customer = await createCustomer(t.db);
      await email.send(
        message(customer.email!, { headers: tokens.listUnsubscribeHeaders(customer.id, 'shipping_updates') }),
      );
      const parsed = await smtp.lastTo(customer.email!);
      const header = parsed!.headerLines
        .find((h) => h.key === 'list-unsubscribe')!
        .line.replace(/\r?\n\s+/g, '');
      const url = new URL(/<([^>]+)>/.exec(header)![1]);
      const res = await t.http
        .post(`${url.pathname}${url.search}`)
        .type('form')
        .send({ 'List-Unsubscribe': 'One-Click' });
      expect(res.status).toBe(200);
      expect(await activeSuppressions(t.db, 'email', customer.email!)).toHaveLength(1);
    });

    it('answers a forged, malformed or missing token with a 400 HTML page, never a 500', async () => {
      const customer = await createCustomer(t.db);
      const genuine = tokens.sign(customer.id, 'shipping_updates');
      const [payload] = genuine.split('.');
      const otherKey = createHmac('sha256', 'not-the-secret').update(payload).digest('base64url');
      const otherCategory = Buffer.from(JSON.stringify({ c: customer.id, k: 'marketing', v: 1 })).toString(
        'base64url',
      );
      const signedOtherCategory = `${otherCategory}.${createHmac('sha256', UNSUBSCRIBE_SECRET).update(otherCategory).digest('base64url')}`;
      const notJson = Buffer.from('not json').toString('base64url');
      const notJsonSigned = `${notJson}.${createHmac('sha256', UNSUBSCRIBE_SECRET).update(notJson).digest('base64url')}`;
      const bad = [
        `${payload}.${otherKey}`,
        `${payload}x.${genuine.split('.')[1]}`,
        genuine.slice(0, -3),
        'abc',
        '',
        '...',
        '%00',
        signedOtherCategory,
        notJsonSigned,
        'x'.repeat(5000),
      ];
      for (const token of bad) {
        for (const method of ['get', 'post'] as const) {
          const res = await t.http[method](path(token)).type('form').send('List-Unsubscribe=One-Click');
          expect({ token, method, status: res.status }).toEqual({ token, method, status: 400 });
          expect(res.headers['content-type']).toMatch(/^text\/html/);
          expect(res.text).toContain('This unsubscribe link is not valid');
        }
      }
      for (const url of ['/v1/unsubscribe', '/v1/unsubscribe?token=a&token=b']) {
        const res = await t.http.get(url);
        expect(res.status).toBe(400);
        expect(res.text).toContain('not valid');
      }
      expect(await activeSuppressions(t.db, 'email', customer.email!)).toEqual([]);
    });

    it('shows the confirmation for a genuine token whose customer has no address, and suppresses nothing', async () => {
      const customer = await createCustomer(t.db, { email: null });
      const res = await t.http
        .post(path(tokens.sign(customer.id, 'shipping_updates')))
        .type('form')
        .send('List-Unsubscribe=One-Click');
      expect(res.status).toBe(200);
      expect(res.text).toContain('unsubscribed');
    });

    it('keeps multipart bodies refused (415) on other routes', async () => {
      const res = await t.http.post('/v1/system/queue-check').field('a', 'b');
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('unsupported_media_type');
    });
  });
});
