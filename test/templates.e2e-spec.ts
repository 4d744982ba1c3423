import { randomBytes } from 'node:crypto';
import { ApiKeyService } from '../src/auth/api-key.service';
import { NOTIFICATION_TYPES, LOCALES } from '../src/shared/notification.types';
import { loadDefaultTemplates } from '../src/templates/default-templates';
import { TemplateStore } from '../src/templates/template-store.service';
import { TemplateVersion } from '../src/templates/template-version.entity';
import { Order } from '../src/tracking/order.entity';
import { Shipment } from '../src/tracking/shipment.entity';
import { createCustomer } from './channels.fixtures';
import { bearer, startTestApp, TestApp } from './support/test-app';

const defaults = loadDefaultTemplates();

describe('templates API', () => {
  let t: TestApp;
  let support: string;
  let integration: string;

  beforeAll(async () => {
    t = await startTestApp();
    support = (await t.app.get(ApiKeyService).create('support', 'Sam from Support')).key;
    integration = (await t.app.get(ApiKeyService).create('integration', 'Shop')).key;
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, key = support) => t.http.get(path).set(bearer(key));
  const put = (path: string, body: object, key = support) => t.http.put(path).set(bearer(key)).send(body);
  const post = (path: string, body: object, key = support) => t.http.post(path).set(bearer(key)).send(body);
  const versionsOf = (type: string, channel: string, locale: string) =>
    t.db
      .getRepository(TemplateVersion)
      .find({ where: { type, channel: channel as 'sms', locale }, order: { version: 'ASC' } });

  describe('access', () => {
    it('needs a key (401) of the support or admin role (403 for integration)', async () => {
      const none = await t.http.get('/v1/templates');
      expect(none.status).toBe(401);
      const wrong = await get('/v1/templates', integration);
      expect(wrong.status).toBe(403);
      expect(wrong.body.code).toBe('forbidden');
      const wrongWrite = await put('/v1/templates/shipped/sms/en/draft', { body: 'x' }, integration);
      expect(wrongWrite.status).toBe(403);
      expect((await get('/v1/templates')).status).toBe(200);
      expect((await get('/v1/templates', t.adminKey)).status).toBe(200);
    });

    it('serves the editor page without a key, with a restrictive CSP', async () => {
      const res = await t.http.get('/admin/templates');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.text).toContain('id="api-key"');
      // The editor is a bundle of its own (web/pages/template-editor.ts), not a script in the page.
      expect(res.text).toMatch(
        /<script type="module" src="\/assets\/template-editor-[A-Z0-9]+\.js"><\/script>/,
      );
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    });
  });

  describe('reading', () => {
    it('lists every type × channel × locale with its source, plus chat replies', async () => {
      const res = await get('/v1/templates');
      expect(res.status).toBe(200);
      const notifications = res.body.templates.filter((x: { channel: string }) => x.channel !== 'chat');
      expect(notifications).toHaveLength(NOTIFICATION_TYPES.length * 2 * LOCALES.length);
      expect(
        notifications.find(
          (x: { type: string; channel: string; locale: string }) =>
            x.type === 'delivered' && x.channel === 'email' && x.locale === 'de',
        ),
      ).toEqual({
        type: 'delivered',
        channel: 'email',
        locale: 'de',
        source: 'default',
        version: 0,
        versionId: null,
        hasDraft: false,
        lastEditedAt: null,
        lastEditedBy: null,
      });
      const chat = res.body.templates.filter((x: { channel: string }) => x.channel === 'chat');
      expect(chat.length).toBeGreaterThan(0);
      expect(chat.map((x: { type: string; locale: string }) => `${x.type}/${x.locale}`)).toContain(
        'greeting/en',
      );
    });

    it('gives one template with its default and effective sources, variables and an empty history', async () => {
      const res = await get('/v1/templates/delivered/email/fr');
      expect(res.status).toBe(200);
      const d = defaults.get('delivered/email/fr')!.parts;
      expect(res.body).toMatchObject({
        type: 'delivered',
        channel: 'email',
        locale: 'fr',
        source: 'default',
        version: 0,
        draft: null,
        history: [],
      });
      expect(res.body.sources.default).toEqual({ subject: d.subject, html: d.html, text: d.text });
      expect(res.body.sources.effective).toEqual(res.body.sources.default);
      const names = res.body.variables.map((v: { name: string }) => v.name);
      expect(names).toEqual(
        expect.arrayContaining(['customer.firstName', 'shipment.deliveredAt', 'unsubscribeUrl']),
      );
      expect(res.body.variables[0]).toEqual({
        name: expect.any(String),
        description: expect.any(String),
        kind: expect.any(String),
        nullable: expect.any(Boolean),
      });
    });

    it('answers a bad type, channel or locale with 404 and says what exists', async () => {
      const type = await get('/v1/templates/teleported/sms/en');
      expect(type.status).toBe(404);
      expect(type.body.message).toContain('Unknown template type "teleported"');
      const channel = await get('/v1/templates/shipped/fax/en');
      expect(channel.status).toBe(404);
      expect(channel.body.message).toContain('sms, email, chat');
      const locale = await get('/v1/templates/shipped/sms/pt');
      expect(locale.status).toBe(404);
      expect(locale.body.message).toContain('Unknown locale "pt"');
    });
  });

  describe('drafts', () => {
    it('refuses an unclosed block with the part, line and column, and saves nothing', async () => {
      const res = await put('/v1/templates/shipped/sms/en/draft', {
        body: 'Hi {{customer.firstName}}\n{{#if shipment.eta}}soon',
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          part: 'body',
          severity: 'error',
          code: 'parse_error',
          line: 2,
          column: expect.any(Number),
        }),
      ]);
      expect(await versionsOf('shipped', 'sms', 'en')).toEqual([]);
    });

    it('refuses a variable the type does not have, pointing at it', async () => {
      const res = await put('/v1/templates/shipped/sms/en/draft', {
        body: 'Hi {{customer.firstName}},\nsize {{customer.shoeSize}}',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          part: 'body',
          code: 'unknown_variable',
          line: 2,
          column: 8,
          message: expect.stringContaining('customer.shoeSize'),
        }),
      ]);
      expect(res.body.message).toContain('body 2:8');
    });

    it('refuses email HTML without the unsubscribe link', async () => {
      const res = await put('/v1/templates/shipped/email/en/draft', {
        subject: 'Order {{order.number}} shipped',
        html: '<html><body><p>Hi {{customer.firstName}}</p></body></html>',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ part: 'html', code: 'missing_unsubscribe_link', severity: 'error' }),
      ]);
    });

    it('refuses missing or foreign parts by name', async () => {
      const missing = await put('/v1/templates/shipped/email/en/draft', { subject: 'Hi' });
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([
        { field: 'html', message: 'html is required for email templates' },
      ]);
      const foreign = await put('/v1/templates/shipped/sms/en/draft', { body: 'Hi', subject: 'x' });
      expect(foreign.status).toBe(400);
      expect(foreign.body.errors).toEqual([
        { field: 'subject', message: 'sms templates have no subject part' },
      ]);
    });

    it('saves a draft with its warnings, and saving again updates the same draft', async () => {
      const first = await put('/v1/templates/exception/sms/es/draft', {
        body: '📦 Hola {{customer.firstName}}: pedido {{order.number}}. {{trackingLink}}',
        note: 'emoji test',
      });
      expect(first.status).toBe(200);
      expect(first.body.draft).toMatchObject({
        version: 1,
        status: 'draft',
        author: 'Sam from Support',
        note: 'emoji test',
      });
      expect(first.body.warnings).toEqual([
        expect.objectContaining({ part: 'body', code: 'sms_non_gsm_characters', severity: 'warning' }),
      ]);

      const second = await put('/v1/templates/exception/sms/es/draft', {
        body: 'Hola {{customer.firstName}}: pedido {{order.number}}.',
      });
      expect(second.status).toBe(200);
      expect(second.body.draft).toMatchObject({
        id: first.body.draft.id,
        version: 1,
        status: 'draft',
        note: null,
      });
      expect(second.body.warnings).toEqual([]);
      const rows = await versionsOf('exception', 'sms', 'es');
      expect(rows).toHaveLength(1);
      expect(rows[0].body).toBe('Hola {{customer.firstName}}: pedido {{order.number}}.');

      const detail = await get('/v1/templates/exception/sms/es');
      expect(detail.body.source).toBe('default');
      expect(detail.body.draft).toMatchObject({ id: first.body.draft.id, parts: { body: rows[0].body } });
      const list = await get('/v1/templates');
      expect(
        list.body.templates.find(
          (x: { type: string; channel: string; locale: string }) =>
            x.type === 'exception' && x.channel === 'sms' && x.locale === 'es',
        ),
      ).toMatchObject({
        source: 'default',
        hasDraft: true,
        lastEditedBy: 'Sam from Support',
      });
    });
  });

  describe('preview', () => {
    it('renders unsaved SMS text with sample data, with segments and encoding', async () => {
      const res = await post('/v1/templates/preview', {
        type: 'out_for_delivery',
        channel: 'sms',
        locale: 'en',
        sample: true,
        parts: {
          body: 'Hi {{customer.firstName}}, order {{order.number}} arrives {{etaText shipment.eta}}.',
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        data: 'sample',
        encoding: 'GSM-7',
        segments: 1,
        warnings: [],
        problems: [],
        subject: null,
        html: null,
      });
      expect(res.body.sms).toContain(
        'Hi Alexandra-Marie, order #WS-1048213 arrives Monday 11 May, between 10:00 and 14:00.',
      );
    });

    it('renders the effective email and a saved version', async () => {
      const effective = await post('/v1/templates/preview', {
        type: 'delayed',
        channel: 'email',
        locale: 'de',
        sample: true,
      });
      expect(effective.status).toBe(200);
      expect(effective.body.subject).toContain('#WS-1048213');
      expect(effective.body.html).toContain('<html lang="de">');
      expect(effective.body.text).toContain('#WS-1048213');
      expect(effective.body.sms).toBeNull();

      const saved = await put('/v1/templates/delivered/sms/de/draft', {
        body: 'Zugestellt: {{order.number}}',
      });
      const version = await post('/v1/templates/preview', {
        type: 'delivered',
        channel: 'sms',
        locale: 'de',
        versionId: saved.body.draft.id,
        sample: true,
      });
      expect(version.status).toBe(200);
      expect(version.body.sms).toBe('Zugestellt: #WS-1048213');
    });

    it('answers a template that cannot render with 400 and the problem, not 500', async () => {
      const res = await post('/v1/templates/preview', {
        type: 'shipped',
        channel: 'sms',
        locale: 'en',
        sample: true,
        parts: { body: 'Hi\n  {{customer.shoeSize}}' },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0]).toMatchObject({
        part: 'body',
        line: 2,
        column: 5,
        code: 'unknown_variable',
      });
      const broken = await post('/v1/templates/preview', {
        type: 'shipped',
        channel: 'sms',
        locale: 'en',
        parts: { body: '{{#if x}' },
      });
      expect(broken.status).toBe(400);
      expect(broken.body.errors[0]).toMatchObject({ part: 'body', code: 'parse_error', line: 1 });
    });

    it('renders with a real shipment found by tracking number', async () => {
      const customer = await createCustomer(t.db, {
        name: 'Jordan Q Example',
        locale: 'fr',
        timeZone: 'Europe/Paris',
      });
      const order = await t.db
        .getRepository(Order)
        .save({ externalId: `#PV-${randomBytes(3).toString('hex')}`, customerId: customer.id });
      const trackingNumber = `1ZPREVIEW${randomBytes(4).toString('hex').toUpperCase()}`;
      await t.db.getRepository(Shipment).save({
        orderId: order.id,
        carrier: 'ups',
        trackingNumber,
        status: 'out_for_delivery',
        eta: { date: '2026-05-12' },
      });
      const sms = await post('/v1/templates/preview', {
        type: 'out_for_delivery',
        channel: 'sms',
        locale: 'fr',
        trackingNumber,
      });
      expect(sms.status).toBe(200);
      expect(sms.body.data).toBe('shipment');
      expect(sms.body.sms).toContain('Jordan');
      expect(sms.body.sms).toContain(order.externalId);
      expect(sms.body.sms).not.toContain('Alexandra');

      const email = await post('/v1/templates/preview', {
        type: 'out_for_delivery',
        channel: 'email',
        locale: 'fr',
        trackingNumber,
        parts: {
          subject: 'Colis {{shipment.trackingNumber}}',
          html: '<p>{{customer.lastName}}</p><a href="{{unsubscribeUrl}}">x</a>',
        },
      });
      expect(email.status).toBe(200);
      expect(email.body.subject).toBe(`Colis ${trackingNumber}`);
      expect(email.body.html).toContain('Q Example');
      expect(email.body.html).toContain('http://wismo.test/v1/unsubscribe?token');

      const unknown = await post('/v1/templates/preview', {
        type: 'shipped',
        channel: 'sms',
        locale: 'en',
        trackingNumber: 'NOPE123',
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toContain('NOPE123');
    });

    it('checks the preview request itself', async () => {
      const res = await post('/v1/templates/preview', {
        type: 'shipped',
        channel: 'pigeon',
        locale: 'en',
        extra: 1,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['channel', 'extra']),
      );
    });
  });

  describe('publishing', () => {
    const key = '/v1/templates/available_for_pickup/sms/fr';

    it('refuses to publish when there is no draft', async () => {
      const res = await post(`${key}/publish`, {});
      expect(res.status).toBe(404);
      expect(res.body.message).toContain('no draft');
    });

    it('publishes the draft: the store renders it, history is newest first, a second publish archives the first', async () => {
      const store = t.app.get(TemplateStore);
      const revisionBefore = await t.db.query('SELECT revision FROM template_revision WHERE id = 1');
      await put(`${key}/draft`, { body: 'V1 {{customer.firstName}} {{order.number}}' });
      const first = await post(`${key}/publish`, { note: 'first edit' });
      expect(first.status).toBe(200);
      expect(first.body.published).toMatchObject({
        version: 1,
        status: 'published',
        note: 'first edit',
        author: 'Sam from Support',
      });
      expect(first.body.published.publishedAt).toEqual(expect.any(String));

      const effective = await store.effective('available_for_pickup', 'sms', 'fr-CA');
      expect(effective).toMatchObject({
        version: 1,
        versionId: first.body.published.id,
        parts: { body: 'V1 {{customer.firstName}} {{order.number}}' },
      });
      const revisionAfter = await t.db.query('SELECT revision FROM template_revision WHERE id = 1');
      expect(Number(revisionAfter[0].revision)).toBeGreaterThan(Number(revisionBefore[0]?.revision ?? 0));

      await put(`${key}/draft`, { body: 'V2 {{order.number}}', note: 'shorter' });
      const second = await post(`${key}/publish`, {});
      expect(second.body.published).toMatchObject({ version: 2, status: 'published', note: 'shorter' });
      expect((await store.effective('available_for_pickup', 'sms', 'fr')).parts.body).toBe(
        'V2 {{order.number}}',
      );

      const detail = await get(key);
      expect(detail.body).toMatchObject({ source: 'override', version: 2, draft: null });
      expect(detail.body.sources.effective).toEqual({ body: 'V2 {{order.number}}' });
      expect(
        detail.body.history.map((v: { version: number; status: string }) => `${v.version}:${v.status}`),
      ).toEqual(['2:published', '1:archived']);
      const list = await get('/v1/templates');
      expect(
        list.body.templates.find(
          (x: { type: string; channel: string; locale: string }) =>
            x.type === 'available_for_pickup' && x.channel === 'sms' && x.locale === 'fr',
        ),
      ).toMatchObject({
        source: 'override',
        version: 2,
        versionId: second.body.published.id,
        lastEditedBy: 'Sam from Support',
      });
      const published = await t.db
        .getRepository(TemplateVersion)
        .countBy({ type: 'available_for_pickup', channel: 'sms', locale: 'fr', status: 'published' });
      expect(published).toBe(1);
    });

    it('rolls back by publishing a copy of an older version, keeping history linear', async () => {
      const res = await post(`${key}/rollback`, { version: 1 });
      expect(res.status).toBe(200);
      expect(res.body.published).toMatchObject({
        version: 3,
        status: 'published',
        note: 'Rollback to version 1',
        parts: { body: 'V1 {{customer.firstName}} {{order.number}}' },
      });
      expect(
        res.body.template.history.map((v: { version: number; status: string }) => `${v.version}:${v.status}`),
      ).toEqual(['3:published', '2:archived', '1:archived']);
      expect((await t.app.get(TemplateStore).effective('available_for_pickup', 'sms', 'fr')).version).toBe(3);

      expect((await post(`${key}/rollback`, { version: 3 })).status).toBe(409);
      expect((await post(`${key}/rollback`, { version: 42 })).status).toBe(404);
      expect((await post(`${key}/rollback`, { version: 'one' })).status).toBe(400);
    });

    it('publishes a given older version by id as a new version', async () => {
      const detail = await get(key);
      const v2 = detail.body.history.find((v: { version: number }) => v.version === 2);
      const res = await post(`${key}/publish`, { versionId: v2.id });
      expect(res.status).toBe(200);
      expect(res.body.published).toMatchObject({ version: 4, parts: { body: 'V2 {{order.number}}' } });
    });

    it('resets to the default by archiving the published version', async () => {
      const res = await t.http.delete(`${key}/override`).set(bearer(support));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ source: 'default', version: 0, versionId: null });
      expect(res.body.history.every((v: { status: string }) => v.status === 'archived')).toBe(true);
      const effective = await t.app.get(TemplateStore).effective('available_for_pickup', 'sms', 'fr');
      expect(effective).toMatchObject({
        version: 0,
        versionId: null,
        parts: { body: defaults.get('available_for_pickup/sms/fr')!.parts.body },
      });
      const again = await t.http.delete(`${key}/override`).set(bearer(support));
      expect(again.status).toBe(404);
      expect(again.body.message).toContain('no override');
    });

    it('publishes email: subject, HTML and text together', async () => {
      const path = '/v1/templates/pickup_reminder/email/en';
      const html = '{{#> email-layout}}<p>Reminder for {{order.number}}</p>{{/email-layout}}';
      const draft = await put(`${path}/draft`, { subject: 'Reminder {{order.number}}', html });
      expect(draft.status).toBe(200);
      expect(draft.body.draft.parts).toEqual({ subject: 'Reminder {{order.number}}', html });
      expect((await post(`${path}/publish`, {})).status).toBe(200);
      const effective = await t.app.get(TemplateStore).effective('pickup_reminder', 'email', 'en');
      expect(effective.parts).toEqual({ subject: 'Reminder {{order.number}}', html, text: undefined });
      const rendered = await post('/v1/templates/preview', {
        type: 'pickup_reminder',
        channel: 'email',
        locale: 'en',
        sample: true,
      });
      expect(rendered.body.subject).toBe('Reminder #WS-1048213');
      expect(rendered.body.text).toContain('Reminder for #WS-1048213');
    });
  });

  describe('chat replies', () => {
    it('shows, validates, previews and publishes a chat reply', async () => {
      const path = '/v1/templates/verification_locked/chat/en';
      const detail = await get(path);
      expect(detail.status).toBe(200);
      expect(detail.body.sources.default.body).toContain('{{minutes}}');
      expect(detail.body.variables.map((v: { name: string }) => v.name).sort()).toEqual([
        'minutes',
        'supportUrl',
      ]);

      const unknown = await put(`${path}/draft`, { body: 'Wait {{hours}} hours' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0]).toMatchObject({
        part: 'body',
        code: 'unknown_variable',
        line: 1,
        column: 6,
      });
      const broken = await put(`${path}/draft`, { body: 'Wait {{#if minutes}}' });
      expect(broken.status).toBe(400);
      expect(broken.body.errors[0]).toMatchObject({ code: 'parse_error' });

      const preview = await post('/v1/templates/preview', {
        type: 'verification_locked',
        channel: 'chat',
        locale: 'en',
        parts: { body: 'Wait {{minutes}} min: {{supportUrl}}' },
      });
      expect(preview.status).toBe(200);
      expect(preview.body.text).toBe('Wait 15 min: https://northwind-outfitters.com/help');

      expect((await put(`${path}/draft`, { body: 'Please wait {{minutes}} minutes.' })).status).toBe(200);
      expect((await post(`${path}/publish`, {})).status).toBe(200);
      const version = await t.app.get(TemplateStore).publishedVersion('verification_locked', 'chat', 'en');
      expect(version).toMatchObject({ version: 1, body: 'Please wait {{minutes}} minutes.' });
      expect((await get('/v1/templates/no_such_reply/chat/en')).status).toBe(404);
      // Published chat replies reach the bot in every process, and the run's other spec files share this
      // database: put the default back.
      expect((await t.http.delete(`${path}/override`).set(bearer(t.adminKey))).status).toBe(200);
    });
  });
});
