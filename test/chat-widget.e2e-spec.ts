import type { Browser } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { createOrder, orderNumberOf } from './support/factories';
import { serve, startTestApp, TestApp } from './support/test-app';

describe('chat widget in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    base = await serve(t);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the widget script and the demo page that carries it', async () => {
    const script = await fetch(`${base}/widget.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toContain('attachShadow');
    const page = await (await fetch(`${base}/demo`)).text();
    expect(page).toContain('<script src="/widget.js"');
  });

  it('verifies an order, shows the shipment card with its ETA, and hands off to a person', async () => {
    const { order, customer } = await createOrder(t.db, {
      shipments: [
        { status: 'in_transit', eta: { date: '2031-05-07' }, lastEventAt: new Date('2031-05-03T14:05:00Z') },
      ],
    });
    const page = await browser.newPage({ viewport: { width: 390, height: 780 } });
    await page.goto(`${base}/demo`);
    const launcher = page.locator('#wismo-chat').locator('button.launcher');
    await launcher.click();
    const input = page.locator('#wismo-chat input');
    await expect(input).toBeFocusedIn(page);

    await input.fill('where is my order?');
    await input.press('Enter');
    const log = page.locator('#wismo-chat .log');
    await log.getByText('order number', { exact: false }).last().waitFor();

    await input.fill(`#${orderNumberOf(order)} ${customer.email}`);
    await input.press('Enter');
    const card = page.locator('#wismo-chat .card');
    await card.first().waitFor();
    expect(await card.locator('.eta').textContent()).toMatch(/Expected delivery: .*(7 May|May 7)/);
    expect(await card.locator('a').getAttribute('href')).toMatch(/\/t\/[A-Za-z0-9_-]{22}\?s=chat$/);

    await page.locator('#wismo-chat .quick button', { hasText: 'Talk to a person' }).click();
    await log.getByText('support team', { exact: false }).waitFor();
    expect(await log.getAttribute('aria-live')).toBe('polite');

    await input.press('Escape');
    expect(await page.locator('#wismo-chat .panel').isHidden()).toBe(true);
    await page.close();
  });

  it('keeps the conversation across reloads and pages, links links, and resumes from the server', async () => {
    const { order, customer } = await createOrder(t.db, {
      shipments: [{ status: 'in_transit', eta: { date: '2031-05-07' } }],
    });
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    await page.goto(`${base}/demo`);
    await page.locator('#wismo-chat button.launcher').click();
    const input = page.locator('#wismo-chat input');
    const log = page.locator('#wismo-chat .log');
    await input.fill(`#${orderNumberOf(order)} ${customer.email}`);
    await input.press('Enter');
    await page.locator('#wismo-chat .card').first().waitFor();

    // The carrier page is a link on the card, not an address pasted into the bubble.
    const track = page.locator('#wismo-chat .card a');
    expect(await track.textContent()).toBe('Track your parcel');
    // Our tracking page (issue 17), which links the carrier's own page in turn.
    expect(await track.getAttribute('href')).toMatch(/\/t\/[A-Za-z0-9_-]{22}\?s=chat$/);
    expect(await log.locator('.msg.bot').last().textContent()).not.toContain('ups.com');

    // A store link in a reply is an anchor built from the text.
    await input.fill('when will I get my refund?');
    await input.press('Enter');
    const link = log.locator('.msg.bot a[href="https://example.com/help"]');
    await link.waitFor();
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');

    const shown = async () => (await log.textContent()) ?? '';
    const before = await shown();
    await page.reload();
    await page.locator('#wismo-chat .card').first().waitFor();
    expect(await page.locator('#wismo-chat .panel').isHidden()).toBe(false);
    expect(await shown()).toBe(before);

    await page.goto(`${base}/demo?page=2`);
    await page.locator('#wismo-chat .card').first().waitFor();
    expect(await shown()).toBe(before);
    await page.locator('#wismo-chat .quick button').first().waitFor();

    // Only the session id left (the lines were cleared): the widget asks the server for them.
    await page.evaluate(() => window.sessionStorage.removeItem('wismo-chat-state'));
    await page.reload();
    await page.locator('#wismo-chat button.launcher').click();
    await log.getByText('when will I get my refund?').waitFor();
    await log.locator('.msg.bot a[href="https://example.com/help"]').waitFor();

    // The conversation goes on in the same session after all that.
    await input.fill('where is my order?');
    await input.press('Enter');
    await page.locator('#wismo-chat .card').first().waitFor();
    await page.close();
  });

  it('has no axe-core violations on the demo page with the widget open', async () => {
    const { order, customer } = await createOrder(t.db, { shipments: [{ status: 'in_transit' }] });
    // The page's CSP allows only its own scripts; axe is injected by the test, not by the page.
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${base}/demo`);
    await page.locator('#wismo-chat button.launcher').click();
    const input = page.locator('#wismo-chat input');
    await input.fill(`#${orderNumberOf(order)} ${customer.email}`);
    await input.press('Enter');
    await page.locator('#wismo-chat .card').first().waitFor();
    await input.fill('when will I get my refund?');
    await input.press('Enter');
    await page.locator('#wismo-chat .msg.bot a').first().waitFor();
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }).axe;
      return (await axe.run()).violations;
    });
    expect(violations).toEqual([]);
    await page.close();
  });
});

/** Focus inside a shadow root is not document.activeElement's own; ask the shadow root. */
async function toBeFocusedIn(
  this: jest.MatcherContext,
  locator: import('playwright-core').Locator,
  page: import('playwright-core').Page,
) {
  const id = await locator.getAttribute('id');
  const focused = await page.evaluate(
    () => document.querySelector('#wismo-chat')?.shadowRoot?.activeElement?.id ?? null,
  );
  return { pass: focused === id, message: () => `expected #${id} to be focused, focus is on ${focused}` };
}
expect.extend({ toBeFocusedIn });
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeFocusedIn(page: import('playwright-core').Page): Promise<R>;
    }
  }
}
