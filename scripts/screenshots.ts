/**
 * `npm run screenshots`: the README's "Try it" screenshots, taken with Chromium (test/support/browser.ts) from a
 * running instance after `npm run demo`. Writes PNGs to docs/screenshots/.
 *
 * Reads DEMO_BASE_URL (default http://127.0.0.1:3000), ADMIN_API_KEY (else $DATA_DIR/dev-secrets.json) and the
 * orders of the last demo run ($DATA_DIR/demo-last-run.json, written by `npm run demo`).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';

interface LastRun {
  orders: { orderNumber: string; email: string; locale: string; stories: string[] }[];
}

const OUT = resolve(__dirname, '..', 'docs', 'screenshots');

async function main(): Promise<void> {
  const dataDir = resolve(process.env.DATA_DIR || '.data');
  const base = (process.env.DEMO_BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const secretsFile = resolve(dataDir, 'dev-secrets.json');
  const adminKey =
    process.env.ADMIN_API_KEY ||
    (existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')).ADMIN_API_KEY as string) : '');
  if (!adminKey) throw new Error(`ADMIN_API_KEY is unset and ${secretsFile} is missing`);
  const runFile = resolve(dataDir, 'demo-last-run.json');
  if (!existsSync(runFile)) throw new Error(`${runFile} is missing: run \`npm run demo\` first`);
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as LastRun;
  const byStory = (re: RegExp) => run.orders.find((o) => o.stories.some((s) => re.test(s))) ?? run.orders[0];
  const timelineOrder = byStory(/pickup point for/);
  const chatOrder = run.orders.find((o) => o.locale.startsWith('es')) ?? run.orders[0];

  mkdirSync(OUT, { recursive: true });
  const browser = await launchBrowser();
  try {
    const shot = async (name: string, page: Page, fullPage = false) => {
      await page.screenshot({ path: resolve(OUT, name), fullPage });
      console.log(`docs/screenshots/${name}`);
    };

    // The outbox: the messages the demo customers received.
    const outbox = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await outbox.goto(`${base}/outbox`);
    await outbox.locator('article').first().waitFor();
    await shot('outbox.png', outbox);
    await outbox.close();

    // A support timeline: scans, messages (with held SMS), attempts.
    const admin = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await admin.goto(`${base}/admin/orders`);
    await admin.getByLabel('API key').fill(adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByLabel('Order number, tracking number, email or phone').fill(timelineOrder.orderNumber);
    await admin.getByRole('button', { name: 'Search', exact: true }).click();
    await admin.locator(`#results button[data-order="${timelineOrder.orderNumber}"]`).click();
    await admin.getByRole('heading', { name: `Order ${timelineOrder.orderNumber}` }).waitFor();
    await admin.locator('#messages > li[data-notification]').first().waitFor();
    await shot('admin-order-timeline.png', admin, true);
    await admin.close();

    // The tracking page a message links to: the first demo message with a link, on a phone.
    const outboxList = (await (await fetch(`${base}/v1/outbox?limit=200`)).json()) as {
      items?: { text: string }[];
    };
    const link = (outboxList.items ?? [])
      .map((m) => /https?:\/\/\S+\/t\/[A-Za-z0-9_-]{22}\?s=\w+/.exec(m.text)?.[0])
      .find(Boolean);
    if (!link) throw new Error('No message in the outbox links a tracking page');
    const tracking = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await tracking.goto(link.replace(/^https?:\/\/[^/]+/, base));
    await tracking.locator('h1.status').waitFor();
    await shot('tracking-page.png', tracking, true);
    await tracking.close();

    // The analytics dashboard over the demo's shipments (refreshed now rather than at the next tick).
    await fetch(`${base}/v1/system/maintenance/refresh-analytics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    const analytics = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await analytics.goto(`${base}/admin/analytics`);
    await analytics.getByLabel('API key').fill(adminKey);
    await analytics.getByRole('button', { name: 'Sign in' }).click();
    await analytics.locator('#analytics-status').filter({ hasText: 'shipments first scanned' }).waitFor();
    await analytics.waitForTimeout(300);
    await shot('analytics.png', analytics, true);
    await analytics.close();

    // The chat widget on the demo store, in Spanish, answering about a demo order.
    const chat = await browser.newPage({ viewport: { width: 420, height: 820 }, locale: 'es-ES' });
    await chat.goto(`${base}/demo`);
    await chat.locator('#wismo-chat button.launcher').click();
    const input = chat.locator('#wismo-chat input');
    await input.fill('¿dónde está mi pedido?');
    await input.press('Enter');
    await chat.locator('#wismo-chat .log').getByText('pedido', { exact: false }).last().waitFor();
    await input.fill(`${chatOrder.orderNumber} ${chatOrder.email}`);
    await input.press('Enter');
    await chat.locator('#wismo-chat .card').first().waitFor();
    await chat.waitForTimeout(300);
    await shot('demo-chat.png', chat);
    await chat.close();
  } finally {
    await browser.close();
  }
}

main().catch((err: Error) => {
  console.error(`screenshots failed: ${err.message}`);
  process.exit(1);
});
