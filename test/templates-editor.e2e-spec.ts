import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { ApiKeyService } from '../src/auth/api-key.service';
import { NotificationSender } from '../src/notifications/notification-sender.service';
import { Notification } from '../src/notifications/notification.entity';
import { TemplateVersion } from '../src/templates/template-version.entity';
import { Order } from '../src/tracking/order.entity';
import { Shipment } from '../src/tracking/shipment.entity';
import { createCustomer } from './channels.fixtures';
import { launchBrowser } from './support/browser';
import { serve, startTestApp, TestApp } from './support/test-app';

const LOGO_URL = 'https://cdn.acme-outdoor.example/brand/logo.png';
const BRAND_COLOR = '#b4236c';

describe('template editor in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let supportKey: string;

  beforeAll(async () => {
    // Quiet hours off: the final send must not be postponed by the clock of whoever runs the tests. The shop's
    // brand (logo and colour) is configured so the preview can be checked for it.
    t = await startTestApp({
      env: { QUIET_HOURS: 'off', BRAND_LOGO_URL: LOGO_URL, BRAND_COLOR: BRAND_COLOR },
    });
    base = await serve(t);
    supportKey = (await t.app.get(ApiKeyService).create('support', 'Robin (support)')).key;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterEach(async () => {
    await page.close();
  });

  async function signIn(key: string): Promise<void> {
    await page.goto(`${base}/admin/templates`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const counter = () => page.locator('#segments');
  const bubble = () => page.locator('#bubble');

  it('refuses a key without the support role and keeps nothing', async () => {
    const { key } = await t.app.get(ApiKeyService).create('integration', 'Shop');
    await signIn(key);
    await page.getByText('needs the support or admin role').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await signIn('wsm_not_a_key_at_all_0000');
    await page.getByText('That key was not recognised').waitFor();
  });

  it('edits the out_for_delivery SMS with a live preview, publishes it, and the next send uses it', async () => {
    await signIn(supportKey);
    await page.locator('#types button[data-type="out_for_delivery"]').click();
    const editor = page.getByLabel('SMS text');
    // The editor is CodeMirror: its text is the content element's.
    await page.waitForFunction(() => document.getElementById('editor-body')?.textContent?.includes('{{'));
    await page.getByText('In force: the built-in default').waitFor();
    await bubble().filter({ hasText: 'Alexandra-Marie' }).waitFor();
    // The key survives a reload within the tab.
    expect(await page.evaluate(() => sessionStorage.getItem('wismo.apiKey'))).toBe(supportKey);

    // A mistake shows inline with its line and column, and the preview says why it is missing.
    await editor.fill('Hi {{customer.firstName}}\n{{customer.shoeSize}}');
    await page
      .locator('#problems li', { hasText: 'customer.shoeSize' })
      .getByRole('button', { name: 'body 2:3' })
      .waitFor();

    // Short text: one GSM-7 segment.
    const marker = `Edited-${randomBytes(3).toString('hex')}`;
    await editor.fill(
      `${marker}: {{customer.firstName}}, order {{order.number}} is out for delivery. Track: `,
    );
    await editor.press('End');
    await page.locator('button[data-variable="shipment.trackingUrl"]').click();
    expect(await editor.textContent()).toContain('Track: {{shipment.trackingUrl}}');
    await bubble()
      .filter({ hasText: `${marker}: Alexandra-Marie, order #WS-1048213` })
      .waitFor();
    await bubble().filter({ hasText: 'https://track.wismo-shop.com/t/1Z999AA10123456784' }).waitFor();
    await expect(page.locator('#problems li').count()).resolves.toBe(0);
    await counter()
      .filter({ hasText: /^1 segment · GSM-7/ })
      .waitFor();

    // Longer text: the counter follows as you type.
    await editor.press('End');
    await editor.pressSequentially(
      ' We will ring the bell twice, and leave it with a neighbour if nobody answers the door.',
    );
    await counter()
      .filter({ hasText: /^2 segments · GSM-7/ })
      .waitFor();

    await page.getByLabel('Note for this version').fill('Say what we do when nobody is in');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.locator('#status', { hasText: 'Published version 1' }).waitFor();
    await page.getByText('In force: version 1 (edited)').waitFor();
    await page.locator('#history li[data-version="1"]', { hasText: 'Robin (support)' }).waitFor();
    await page
      .locator('#types button[data-type="out_for_delivery"] .badge.override', { hasText: 'v1' })
      .waitFor();

    const published = await t.db
      .getRepository(TemplateVersion)
      .findOneByOrFail({ type: 'out_for_delivery', channel: 'sms', locale: 'en', status: 'published' });
    expect(published).toMatchObject({
      version: 1,
      author: 'Robin (support)',
      note: 'Say what we do when nobody is in',
    });

    // A notification rendered afterwards carries the new text and records the version.
    const customer = await createCustomer(t.db, {
      name: 'Kim Receiver',
      locale: 'en-GB',
      timeZone: 'Europe/London',
    });
    const order = await t.db
      .getRepository(Order)
      // Messages go to the order's own contact details.
      .save({
        externalId: `#ED-${randomBytes(3).toString('hex')}`,
        customerId: customer.id,
        contactName: customer.name,
        contactEmail: customer.email,
        contactPhone: customer.phone,
      });
    const shipment = await t.db.getRepository(Shipment).save({
      orderId: order.id,
      carrier: 'ups',
      trackingNumber: `1ZEDITOR${randomBytes(4).toString('hex').toUpperCase()}`,
      status: 'out_for_delivery',
    });
    const notifications = t.db.getRepository(Notification);
    const notification = await notifications.save(
      notifications.create({
        shipmentId: shipment.id,
        orderId: order.id,
        customerId: customer.id,
        type: 'out_for_delivery',
        channel: 'sms',
        status: 'pending',
        scheduledFor: new Date(),
      }),
    );
    expect(await t.app.get(NotificationSender).process(notification.id, true)).toBe('sent');
    const sent = await notifications.findOneByOrFail({ id: notification.id });
    expect(sent.renderedText).toContain(`${marker}: Kim, order ${order.externalId} is out for delivery.`);
    expect(sent.renderedText).toContain('leave it with a neighbour');
    expect(sent).toMatchObject({ templateVersion: 1, templateVersionId: published.id, status: 'sent' });
  });

  it('shows history with a diff against the previous version and the editor, and rolls back', async () => {
    await signIn(supportKey);
    await page.locator('#types button[data-type="out_for_delivery"]').click();
    await page.getByText('In force: version 1 (edited)').waitFor();
    const editor = page.getByLabel('SMS text');
    await editor.fill('Second version for {{order.number}}');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.locator('#status', { hasText: 'Published version 2' }).waitFor();

    // v2 against the version before it: v1's lines go, the new line comes.
    const v2 = page.locator('#history li[data-version="2"]');
    await v2.getByRole('button', { name: 'Diff', exact: true }).click();
    await v2.locator('pre.diff .add', { hasText: '+ Second version for {{order.number}}' }).waitFor();
    await v2.locator('pre.diff .del', { hasText: 'leave it with a neighbour' }).waitFor();
    // v1 against the editor (which holds v2's text now).
    const v1 = page.locator('#history li[data-version="1"]');
    await v1.getByRole('button', { name: 'Compare with editor' }).click();
    await v1.locator('pre.diff .add', { hasText: '+ Second version for {{order.number}}' }).waitFor();

    page.once('dialog', (dialog) => void dialog.accept());
    await v1.getByRole('button', { name: 'Roll back to this' }).click();
    await page.locator('#status', { hasText: 'version 3 has the text of v1' }).waitFor();
    await page.waitForFunction(() =>
      document.getElementById('editor-body')?.textContent?.includes('leave it with a neighbour'),
    );
    await page.locator('#history li[data-version="3"] .badge.published').waitFor();
  });

  it("previews email in this shop's brand: its logo and colour, in the layout the sender uses", async () => {
    await signIn(supportKey);
    await page.getByRole('button', { name: 'Email' }).click();
    await page.locator('#types button[data-type="shipped"]').click();
    const email = page.frameLocator('#email-frame');
    await email.getByText('Alexandra-Marie').first().waitFor();
    // The configured logo heads the email, not the sample's.
    const logos = email.locator('img');
    expect(await logos.count()).toBe(1);
    expect(await logos.first().getAttribute('src')).toBe(LOGO_URL);
    // The brand's colour on the tracking button and the highlighted date, as computed by the browser.
    const button = email.locator('a.button').first();
    expect(await button.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(180, 35, 108)');
    expect(
      await email
        .locator('.highlight')
        .first()
        .evaluate((el) => getComputedStyle(el).borderLeftColor),
    ).toBe('rgb(180, 35, 108)');

    // Nothing left of the layout's own accent colour.
    const preview = await page.evaluate(
      () => (document.getElementById('email-frame') as HTMLIFrameElement).srcdoc,
    );
    expect(preview).toContain(`src="${LOGO_URL}"`);
    expect(preview).not.toContain('#0369a1');
  });

  it('previews email at desktop and mobile width, and works at phone width', async () => {
    await signIn(supportKey);
    await page.getByRole('button', { name: 'Email' }).click();
    await page.locator('#types button[data-type="delayed"]').click();
    await page.locator('#email-subject', { hasText: '#WS-1048213' }).waitFor();
    const frame = page.locator('#email-frame');
    await page.frameLocator('#email-frame').getByText('Alexandra-Marie').first().waitFor();
    expect(await frame.evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThanOrEqual(600);
    await page.getByRole('button', { name: 'Mobile' }).click();
    await page.waitForFunction(
      () => Math.round(document.getElementById('email-frame')!.getBoundingClientRect().width) === 375,
    );

    // Removing the unsubscribe link is flagged inline while typing.
    await page.getByLabel('HTML', { exact: true }).fill('<p>{{customer.firstName}}</p>');
    await page.locator('#problems li', { hasText: 'unsubscribeUrl' }).waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
    expect(await page.getByLabel('HTML', { exact: true }).isVisible()).toBe(true);
  });
});
