import twilio from 'twilio';
import { ChannelError } from '../src/channels/channel.types';
import { SmsSender } from '../src/channels/sms.sender';
import { SuppressionService } from '../src/channels/suppression.service';
import { Notification } from '../src/notifications/notification.entity';
import { activeSuppressions, createNotification, testPhone } from './channels.fixtures';
import { FakeTwilio, twilioError } from './support/fake-twilio';
import { startTestApp, TestApp } from './support/test-app';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio_test_auth_token_123';
const MESSAGING_SERVICE_SID = `MG${'fedcba9876543210'.repeat(2)}`;
const PUBLIC = 'http://wismo.test';

describe('SMS through the real Twilio SDK against a Twilio-compatible server', () => {
  let t: TestApp;
  let fake: FakeTwilio;
  let sms: SmsSender;

  beforeAll(async () => {
    fake = await new FakeTwilio().start();
    t = await startTestApp({
      env: {
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID,
        TWILIO_API_BASE_URL: fake.url,
        BRAND_NAME: 'Parcels & Co <Test>',
        SUPPORT_URL: 'https://help.example.com/sms?a=1&b=2',
      },
    });
    sms = t.app.get(SmsSender);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  async function sendExpectingError(to: string, body = 'Your parcel is on its way.'): Promise<ChannelError> {
    const err = await sms.send({ to, body }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ChannelError);
    return err as ChannelError;
  }

  describe('sending', () => {
    it('is chosen by configuration and sends To, Body, messaging service and status callback', async () => {
      expect(sms.provider).toBe('twilio');
      const to = testPhone();
      const result = await sms.send({ to, body: 'Your order 1042 ships today.', notificationId: 'n-1' });
      // Only this number's requests: the app's own worker may send other spec files' waiting messages here too.
      const mine = fake.requests.filter((r) => r.form.To === to);
      expect(mine).toHaveLength(1);
      const [request] = mine;
      expect(request.accountSid).toBe(ACCOUNT_SID);
      expect(request.authUser).toBe(ACCOUNT_SID);
      expect(request.form).toEqual({
        To: to,
        Body: 'Your order 1042 ships today.',
        MessagingServiceSid: MESSAGING_SERVICE_SID,
        StatusCallback: `${PUBLIC}/v1/webhooks/twilio/status`,
      });
      expect(result).toEqual({
        provider: 'twilio',
        providerMessageId: request.sid,
        segments: 1,
        encoding: 'GSM-7',
      });
      expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    });

    it('computes encoding and segments: one emoji makes the whole text UCS-2', async () => {
      const result = await sms.send({ to: testPhone(), body: `Delivered today 📦 ${'x'.repeat(60)}` });
      expect(result).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    });

    it('sends a text of exactly the maximum number of segments', async () => {
      const to = testPhone();
      const result = await sms.send({ to, body: 'a'.repeat(153 * 3) });
      expect(result.segments).toBe(3);
      expect(fake.requests.filter((r) => r.form.To === to)).toHaveLength(1);
    });

    it('refuses a text over SMS_MAX_SEGMENTS with sms_too_long instead of cutting it, without calling Twilio', async () => {
      const to = testPhone();
      const err = await sendExpectingError(to, 'a'.repeat(153 * 3 + 1));
      expect(err).toMatchObject({ kind: 'permanent', code: 'sms_too_long', suppress: false });
      expect(err.message).toContain('4');
      expect(fake.requests.filter((r) => r.form.To === to)).toHaveLength(0);
    });

    it.each(['2025550100', '+1 202 555 0100', '+0123456789', '+1202', 'tel:+12025550100'])(
      'refuses %p as not E.164 without calling Twilio',
      async (to) => {
        const err = await sendExpectingError(to);
        expect(err).toMatchObject({ kind: 'permanent', code: 'invalid_phone_number' });
        expect(fake.requests.filter((r) => r.form.To === to)).toHaveLength(0);
      },
    );
  });

  describe('errors', () => {
    it.each([
      [21211, false, null],
      [21408, false, null],
      [21610, true, 'stop'],
      [21614, false, null],
      [30005, true, 'undeliverable'],
      [30006, true, 'undeliverable'],
      [30007, false, null],
    ])('Twilio %i is permanent (suppress: %p)', async (code, suppress, reason) => {
      const to = testPhone();
      fake.answerTo(to, twilioError(code));
      const err = await sendExpectingError(to);
      expect(err).toMatchObject({ kind: 'permanent', code: String(code), suppress, retryable: false });
      expect(err.message).not.toContain(to);
      const rows = await activeSuppressions(t.db, 'sms', to);
      if (reason) expect(rows).toEqual([expect.objectContaining({ reason, source: String(code) })]);
      else expect(rows).toEqual([]);
      expect(await t.app.get(SuppressionService).isSuppressed('sms', to)).toBe(suppress);
    });

    it.each([
      ['a 429 with Twilio code 20429', twilioError(20429, 429, 'Too Many Requests'), '20429'],
      ['a bare HTTP 429', { kind: 'http' as const, status: 429 }, '20429'],
      ['an HTTP 500', { kind: 'http' as const, status: 500 }, 'HTTP_500'],
      ['a 503 with a Twilio body', twilioError(20503, 503), '20503'],
      ['Twilio 30008 (unknown error)', twilioError(30008), '30008'],
    ])('%s is transient and retried, nothing suppressed', async (_what, answer, code) => {
      const to = testPhone();
      fake.answerTo(to, answer);
      const err = await sendExpectingError(to);
      expect(err).toMatchObject({ kind: 'transient', code, suppress: false, retryable: true });
      expect(await activeSuppressions(t.db, 'sms', to)).toEqual([]);
      // The SDK's own retry is off: the queue owns retries.
      expect(fake.requests.filter((r) => r.form.To === to)).toHaveLength(1);
    });

    it('treats a code it does not know as transient', async () => {
      const to = testPhone();
      fake.answerTo(to, twilioError(21999));
      expect(await sendExpectingError(to)).toMatchObject({ kind: 'transient', code: '21999' });
    });

    it('treats a dropped connection as transient', async () => {
      const to = testPhone();
      fake.answerTo(to, { kind: 'hang-up' });
      expect(await sendExpectingError(to)).toMatchObject({ kind: 'transient', suppress: false });
    });

    it('succeeds on the retry after a transient failure', async () => {
      const to = testPhone();
      fake.answerTo(to, { kind: 'http', status: 500 });
      await sendExpectingError(to);
      await expect(sms.send({ to, body: 'again' })).resolves.toMatchObject({ provider: 'twilio' });
      expect(fake.requests.filter((r) => r.form.To === to)).toHaveLength(2);
    });
  });

  const sign = (url: string, params: Record<string, string>) =>
    twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);

  function postSigned(
    path: string,
    params: Record<string, string>,
    signature = sign(`${PUBLIC}${path}`, params),
  ) {
    return t.http.post(path).set('X-Twilio-Signature', signature).type('form').send(params);
  }

  describe('POST /v1/webhooks/twilio/status', () => {
    const callback = (sid: string, status: string, extra: Record<string, string> = {}) => ({
      AccountSid: ACCOUNT_SID,
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      To: extra.To ?? '+12025550000',
      From: '+15005550006',
      ApiVersion: '2010-04-01',
      ...extra,
    });
    const statusOf = async (id: string) => t.db.getRepository(Notification).findOneByOrFail({ id });

    it('rejects a missing, wrong or replayed-elsewhere signature with 403 and changes nothing', async () => {
      const { notification } = await createNotification(t.db, { status: 'sent' });
      const params = callback(notification.providerMessageId!, 'delivered');
      const missing = await t.http.post('/v1/webhooks/twilio/status').type('form').send(params);
      expect(missing.status).toBe(403);
      expect(missing.body.message).toContain('X-Twilio-Signature');
      const forged = await postSigned('/v1/webhooks/twilio/status', params, 'bm90IGEgc2lnbmF0dXJl');
      expect(forged.status).toBe(403);
      const otherUrl = await postSigned(
        '/v1/webhooks/twilio/status',
        params,
        sign(`${PUBLIC}/v1/webhooks/twilio/inbound`, params),
      );
      expect(otherUrl.status).toBe(403);
      const tampered = await postSigned(
        '/v1/webhooks/twilio/status',
        { ...params, MessageStatus: 'failed' },
        sign(`${PUBLIC}/v1/webhooks/twilio/status`, params),
      );
      expect(tampered.status).toBe(403);
      expect((await statusOf(notification.id)).status).toBe('sent');
    });

    it('moves a message forward through sent to delivered', async () => {
      const { notification } = await createNotification(t.db, { status: 'sending' });
      const sid = notification.providerMessageId!;
      for (const s of ['queued', 'sent']) {
        expect((await postSigned('/v1/webhooks/twilio/status', callback(sid, s))).status).toBe(200);
      }
      expect((await statusOf(notification.id)).status).toBe('sent');
      const delivered = await postSigned('/v1/webhooks/twilio/status', callback(sid, 'delivered'));
      expect(delivered.status).toBe(200);
      expect(delivered.body).toEqual({ ok: true, outcome: 'updated' });
      const row = await statusOf(notification.id);
      expect(row.status).toBe('delivered');
      expect(row.deliveredAt).toBeInstanceOf(Date);
    });

    it('keeps delivered through duplicates, a late sent and a late undelivered', async () => {
      const { notification } = await createNotification(t.db, { status: 'sent' });
      const sid = notification.providerMessageId!;
      await postSigned('/v1/webhooks/twilio/status', callback(sid, 'delivered'));
      const deliveredAt = (await statusOf(notification.id)).deliveredAt;
      const duplicate = await postSigned('/v1/webhooks/twilio/status', callback(sid, 'delivered'));
      expect(duplicate.status).toBe(200);
      expect(duplicate.body.outcome).toBe('stale');
      const lateSent = await postSigned('/v1/webhooks/twilio/status', callback(sid, 'sent'));
      expect(lateSent.status).toBe(200);
      const lateFailure = await postSigned(
        '/v1/webhooks/twilio/status',
        callback(sid, 'undelivered', { ErrorCode: '30003' }),
      );
      expect(lateFailure.status).toBe(200);
      const row = await statusOf(notification.id);
      expect(row).toMatchObject({ status: 'delivered', errorCode: null });
      expect(row.deliveredAt?.getTime()).toBe(deliveredAt?.getTime());
    });

    it('records undelivered 30005 as failed with its code and suppresses the number', async () => {
      const to = testPhone();
      const { notification } = await createNotification(t.db, { status: 'sent' });
      const res = await postSigned(
        '/v1/webhooks/twilio/status',
        callback(notification.providerMessageId!, 'undelivered', { ErrorCode: '30005', To: to }),
      );
      expect(res.status).toBe(200);
      expect(await statusOf(notification.id)).toMatchObject({
        status: 'failed',
        errorCode: '30005',
        statusReason: 'twilio_undelivered',
      });
      expect(await activeSuppressions(t.db, 'sms', to)).toEqual([
        expect.objectContaining({ reason: 'undeliverable', source: '30005' }),
      ]);
      // A late `sent` does not revive a failed message.
      await postSigned(
        '/v1/webhooks/twilio/status',
        callback(notification.providerMessageId!, 'sent', { To: to }),
      );
      expect((await statusOf(notification.id)).status).toBe('failed');
    });

    it('records undelivered 30006 and suppresses; failed 30007 records the code without suppressing', async () => {
      const landline = testPhone();
      const a = await createNotification(t.db, { status: 'sent' });
      await postSigned(
        '/v1/webhooks/twilio/status',
        callback(a.notification.providerMessageId!, 'undelivered', { ErrorCode: '30006', To: landline }),
      );
      expect(await activeSuppressions(t.db, 'sms', landline)).toHaveLength(1);

      const spamFiltered = testPhone();
      const b = await createNotification(t.db, { status: 'sent' });
      await postSigned(
        '/v1/webhooks/twilio/status',
        callback(b.notification.providerMessageId!, 'failed', { ErrorCode: '30007', To: spamFiltered }),
      );
      expect(await statusOf(b.notification.id)).toMatchObject({
        status: 'failed',
        errorCode: '30007',
        statusReason: 'twilio_failed',
      });
      expect(await activeSuppressions(t.db, 'sms', spamFiltered)).toEqual([]);
    });

    it('answers 200 and ignores an unknown MessageSid, also when repeated', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await postSigned(
          '/v1/webhooks/twilio/status',
          callback('SMdoesnotexist0000000000000000000', 'delivered'),
        );
        expect(res.status).toBe(200);
        expect(res.body.outcome).toBe('unknown_message');
      }
    });

    it('includes the query string in the signed URL', async () => {
      const { notification } = await createNotification(t.db, { status: 'sent' });
      const path = '/v1/webhooks/twilio/status?source=retry&n=2';
      const params = callback(notification.providerMessageId!, 'delivered');
      const withoutQuery = await postSigned(
        path,
        params,
        sign(`${PUBLIC}/v1/webhooks/twilio/status`, params),
      );
      expect(withoutQuery.status).toBe(403);
      const res = await postSigned(path, params);
      expect(res.status).toBe(200);
      expect((await statusOf(notification.id)).status).toBe('delivered');
    });

    it('never touches a cancelled or skipped notification', async () => {
      const { notification } = await createNotification(t.db, { status: 'cancelled' });
      await postSigned('/v1/webhooks/twilio/status', callback(notification.providerMessageId!, 'delivered'));
      expect((await statusOf(notification.id)).status).toBe('cancelled');
    });
  });

  describe('POST /v1/webhooks/twilio/inbound', () => {
    const inbound = (from: string, body: string) => ({
      AccountSid: ACCOUNT_SID,
      MessageSid: `SM${Math.random().toString(16).slice(2).padEnd(32, '0')}`,
      From: from,
      To: '+15005550006',
      Body: body,
      NumMedia: '0',
    });
    const post = (params: Record<string, string>) => postSigned('/v1/webhooks/twilio/inbound', params);

    it.each(['STOP', '  stop  ', 'Stopall', 'UNSUBSCRIBE', 'cancel', 'End', 'quit', 'REVOKE', 'optout'])(
      '%p suppresses the number and answers an empty TwiML response',
      async (word) => {
        const from = testPhone();
        const res = await post(inbound(from, word));
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/xml/);
        expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
        expect(await activeSuppressions(t.db, 'sms', from)).toEqual([
          expect.objectContaining({ reason: 'stop', source: 'inbound_sms' }),
        ]);
      },
    );

    it('is idempotent for a repeated STOP, and START / UNSTOP / YES lift it', async () => {
      for (const word of ['START', 'unstop', ' yes ']) {
        const from = testPhone();
        await post(inbound(from, 'STOP'));
        await post(inbound(from, 'stop'));
        expect(await activeSuppressions(t.db, 'sms', from)).toHaveLength(1);
        const res = await post(inbound(from, word));
        expect(res.status).toBe(200);
        expect(res.text).toContain('<Response/>');
        expect(await activeSuppressions(t.db, 'sms', from)).toEqual([]);
        expect(await t.app.get(SuppressionService).isSuppressed('sms', from)).toBe(false);
      }
    });

    it('answers HELP with the brand and support link, XML-escaped', async () => {
      const res = await post(inbound(testPhone(), ' help '));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      expect(res.text).toContain('<Response><Message>Parcels &amp; Co &lt;Test&gt;: ');
      expect(res.text).toContain('https://help.example.com/sms?a=1&amp;b=2');
      expect(res.text).toMatch(/<\/Message><\/Response>$/);
    });

    it('hands any other text to the chat and answers its reply as a TwiML message', async () => {
      const from = testPhone();
      const res = await post(inbound(from, 'where is my parcel? <order #1042>'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      expect(res.text).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>[^<]+<\/Message><\/Response>$/,
      );
      expect(await activeSuppressions(t.db, 'sms', from)).toEqual([]);
    });

    it('rejects an unsigned or forged inbound message with 403 and does not suppress', async () => {
      const from = testPhone();
      const params = inbound(from, 'STOP');
      expect((await t.http.post('/v1/webhooks/twilio/inbound').type('form').send(params)).status).toBe(403);
      expect(
        (
          await postSigned(
            '/v1/webhooks/twilio/inbound',
            params,
            sign(`${PUBLIC}/v1/webhooks/twilio/inbound`, { ...params, From: testPhone() }),
          )
        ).status,
      ).toBe(403);
      expect(await activeSuppressions(t.db, 'sms', from)).toEqual([]);
    });
  });
});
