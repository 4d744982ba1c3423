import type { Browser } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { createOrder, orderNumberOf } from './support/chat-factory';
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
    expect(await card.locator('a').getAttribute('href')).toContain('ups.com');

    await page.locator('#wismo-chat .quick button', { hasText: 'Talk to a person' }).click();
    await log.getByText('support team', { exact: false }).waitFor();
    expect(await log.getAttribute('aria-live')).toBe('polite');

    await input.press('Escape');
    expect(await page.locator('#wismo-chat .panel').isHidden()).toBe(true);
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
