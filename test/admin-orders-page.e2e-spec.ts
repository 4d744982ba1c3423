import type { Browser, Page } from 'playwright-core';
import { Notification } from '../src/notifications/notification.entity';
import { launchBrowser } from './support/browser';
import { putOrder, uniqueExternalId } from './support/factories';
import { serve, startTestApp, TestApp, waitFor } from './support/test-app';
import { postGenericEvent } from './support/webhooks';

const GENERIC_SECRET = 'generic-secret-for-admin-page-tests';

describe('support orders page in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startTestApp({
      env: { GENERIC_WEBHOOK_SECRET: GENERIC_SECRET, NOTIFY_DEBOUNCE_SECONDS: '0', QUIET_HOURS: 'off' },
    });
    base = await serve(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  });
  afterEach(async () => {
    await page.close();
  });

  const postEvent = (event: Record<string, unknown>) => postGenericEvent(t, GENERIC_SECRET, event);

  const settled = (orderId: string, expected: number) =>
    waitFor(`${expected} settled notifications`, async () => {
      const list = await t.db.getRepository(Notification).findBy({ orderId });
      return list.length === expected &&
        list.every((n) => !['pending', 'queued', 'sending'].includes(n.status))
        ? list
        : null;
    });

  async function signIn(key: string): Promise<void> {
    await page.goto(`${base}/admin/orders`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('refuses an unknown key and keeps nothing', async () => {
    await signIn('wsm_not_a_key_at_all_0000');
    await page.getByText('That key was not recognised').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('finds an order by tracking number, shows its timeline and messages, expands one, and resends it', async () => {
    const { externalId, trackingNumber, orderId } = await putOrder(t, {
      externalId: uniqueExternalId('ADM'),
      // Markup in data must show as text, never run or render.
      customer: { name: 'Jamie <b>Rivera</b>' },
    });
    const base0 = Date.now() - 3 * 3600_000;
    await postEvent({
      carrier: 'ups',
      trackingNumber,
      status: 'in_transit',
      description: 'Departed facility',
      location: 'Newark, NJ',
      occurredAt: new Date(base0).toISOString(),
    });
    await settled(orderId, 1); // shipped: email
    await postEvent({
      carrier: 'ups',
      trackingNumber,
      status: 'out_for_delivery',
      description: 'Out for delivery',
      location: 'Brooklyn, NY',
      occurredAt: new Date(base0 + 3600_000).toISOString(),
    });
    await settled(orderId, 3); // + out_for_delivery sms + email

    await signIn(t.adminKey);
    // The key is kept once the server accepted it, which is when the page opens.
    await page.locator('main#main').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.getItem('wismo.apiKey'))).toBe(t.adminKey);
    await page.getByLabel('Order number, tracking number, email or phone').fill(trackingNumber);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('1 order found.').waitFor();
    await page.locator(`#results button[data-order="${externalId}"]`).click();

    await page.getByRole('heading', { name: `Order ${externalId}` }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('order-title');
    expect(await page.locator('#customer').textContent()).toContain('Jamie <b>Rivera</b>');
    expect(await page.locator('#customer b').count()).toBe(0);
    expect(await page.locator('#customer').textContent()).toContain('America/New_York');

    // Timeline newest first.
    const events = page.locator(`.shipment[data-tracking="${trackingNumber}"] ol.timeline > li`);
    expect(await events.count()).toBe(2);
    expect(await events.nth(0).textContent()).toContain('Out for delivery');
    expect(await events.nth(1).textContent()).toContain('Departed facility');
    expect(await page.locator('.shipment .shipment-head').textContent()).toContain('out for delivery');
    // Times as the customer read them, the zone named; the agent's own time on hover (issue 16).
    const scan = events.nth(0).locator('time');
    expect(await scan.textContent()).toMatch(/(EST|EDT|GMT-[45]).*\(customer's time\)/);
    expect(await scan.getAttribute('title')).toContain('(your time)');
    expect(await page.locator(`.shipment[data-tracking="${trackingNumber}"] h3`).textContent()).toBe(
      `UPS ${trackingNumber}`,
    );

    const messages = page.locator('#messages > li[data-notification]');
    expect(await messages.count()).toBe(3);
    expect(await page.locator('#messages > li[data-status="sent"]').count()).toBe(3);
    expect(await messages.allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/out for delivery\s*SMS\s*sent/),
        expect.stringMatching(/shipped\s*Email\s*sent/),
      ]),
    );

    // The server decides whether a message may be resent: "shipped" no longer holds once the parcel is out for
    // delivery, so that message has no Resend button and says why.
    const shipped = page.locator('#messages > li', { hasText: 'shipped' }).first();
    expect(await shipped.getByRole('button', { name: /^Resend/ }).count()).toBe(0);
    expect(await shipped.locator('.resend-blocked').textContent()).toContain('no longer holds');

    // The SMS content and its attempt, from the notification detail.
    const sms = page
      .locator('#messages > li', { hasText: 'out for delivery' })
      .filter({ hasText: 'SMS' })
      .first();
    await sms.getByText('Content and attempts').click();
    await sms.locator('.bubble').waitFor();
    expect(await sms.locator('.bubble').textContent()).toContain(externalId);
    await sms.locator('table').getByText('outbox').waitFor();

    // The email in a sandboxed frame.
    const email = page.locator('#messages > li', { hasText: 'shipped' }).first();
    await email.getByText('Content and attempts').click();
    const frame = email.locator('iframe');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.evaluate((f: HTMLIFrameElement) => f.srcdoc)).toContain(externalId);

    const smsId = await sms.getAttribute('data-notification');
    // Resending asks first: cancelling sends nothing.
    const dialog = page.getByRole('dialog', { name: 'Resend this message?' });
    await sms.getByRole('button', { name: /^Resend/ }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await t.db.getRepository(Notification).countBy({ orderId, resendOf: smsId! })).toBe(0);
    await sms.getByRole('button', { name: /^Resend/ }).click();
    await dialog.getByRole('button', { name: 'Resend', exact: true }).click();
    await page.getByText('Resend queued.').waitFor();
    expect(await page.locator('#messages > li[data-notification]').count()).toBe(4);
    const resent = await waitFor('the resend to be sent', async () => {
      const list = await t.db.getRepository(Notification).findBy({ orderId, resendOf: smsId! });
      return list.length === 1 && list[0].status === 'sent' ? list[0] : null;
    });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`#messages > li[data-notification="${resent.id}"][data-status="sent"]`).waitFor();
    // Newest first: the resend heads the list.
    expect(
      await page.locator('#messages > li[data-notification]').first().getAttribute('data-notification'),
    ).toBe(resent.id);

    // Preferences and suppressions are shown (none for this customer).
    expect(await page.locator('#prefs').textContent()).toContain('None: every channel can be reached.');
    // Nothing overflows sideways at phone width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });
});
