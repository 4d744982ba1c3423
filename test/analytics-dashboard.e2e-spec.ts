import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { loadDesignedWeek, startAnalyticsApp } from './support/analytics-dataset';
import { launchBrowser } from './support/browser';
import { serve, TestApp } from './support/test-app';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The dashboard as a support lead uses it, in Chromium, on the designed week of test/analytics.e2e-spec.ts. */
describe('the analytics dashboard in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let tracking: Record<string, string>;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startAnalyticsApp();
    ({ tracking } = await loadDesignedWeek(t));
    base = await serve(t);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await page.exposeFunction('__reportCsp', (text: string) => problems.push(`CSP: ${text}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __reportCsp(t: string): void }).__reportCsp(
          `${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`,
        ),
      );
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${base}/admin/analytics?from=2026-11-02&to=2026-11-09`);
    await page.getByLabel('API key').fill(t.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#analytics-status').filter({ hasText: '11 shipments' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const cell = (table: string, row: string, column: number) =>
    page.locator(`#${table} tbody tr`, { hasText: row }).locator('td').nth(column).innerText();

  it('shows the headline figures, with the on-time rate flagged below its target', async () => {
    const headline = await page.locator('#headline').innerText();
    expect(headline).toContain('75.0 %'); // on time and first attempt
    expect(headline).toContain('27.3 %'); // exceptions, 3 of 11
    expect(headline).toContain('2 / 5 business days');
    const onTime = page.locator('#headline > div', { hasText: 'On time' });
    await expect(onTime.getAttribute('class')).resolves.toBe('alert');
    expect(await onTime.innerText()).toContain('below the 95.0 % target');
  });

  it('draws each chart with its table under it', async () => {
    for (const id of [
      'weeks-chart',
      'carriers-chart',
      'reasons-chart',
      'transit-chart',
      'messages-chart',
      'chat-chart',
    ]) {
      const size = await page.locator(`#${id}`).evaluate((c: HTMLCanvasElement) => c.width * c.height);
      expect(size).toBeGreaterThan(0);
    }
    expect(await cell('carriers-table', 'ups', 2)).toBe('60.0 %');
    expect(await cell('carriers-table', 'dhl', 3)).toBe('0.0 %');
    expect(await cell('weeks-table', '2026-11-02', 1)).toBe('11');
    expect(await cell('reasons-table', 'address issue', 1)).toBe('1');
    expect(await cell('transit-table', '2', 1)).toBe('4');
  });

  it('opens the shipments behind a number, each linking to its order', async () => {
    await page.locator('#headline > div', { hasText: 'On time' }).getByRole('button').click();
    await page.locator('#drill-status').filter({ hasText: '2 shipment(s)' }).waitFor();
    const rows = await page.locator('#drill-table tbody tr').allInnerTexts();
    expect(rows.some((r) => r.includes(tracking.B))).toBe(true);
    expect(rows.some((r) => r.includes(tracking.F))).toBe(true);
    const href = await page.locator('#drill-table tbody a').first().getAttribute('href');
    expect(href).toMatch(/^\/admin\/orders\?q=AN-[BF]-/);
  });

  it('keeps the filters in the URL and narrows to one carrier', async () => {
    await page.locator('#carrier').selectOption('dhl');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.locator('#analytics-status').filter({ hasText: '2 shipments' }).waitFor();
    expect(new URL(page.url()).searchParams.get('carrier')).toBe('dhl');
    await page.reload();
    await page.locator('#analytics-status').filter({ hasText: 'with dhl' }).waitFor();
    expect(await page.locator('#carrier').inputValue()).toBe('dhl');
  });

  it('downloads the figures as CSV', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'delivery by carrier' }).click(),
    ]);
    const path = await download.path();
    const csv = readFileSync(path!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^key,from,to,shipments,onTimeRate/);
    expect(download.suggestedFilename()).toBe('wismo-delivery-2026-11-02-2026-11-09.csv');
  });

  it('has no accessibility violation, no CSP violation and no console error', async () => {
    await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate(() =>
      (
        window as unknown as {
          axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
        }
      ).axe.run(document, { resultTypes: ['violations'] }),
    );
    expect(result.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes)}`)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('serves the definitions page', async () => {
    const res = await page.goto(`${base}/admin/analytics/definitions`);
    expect(res!.status()).toBe(200);
    expect(await page.locator('main').innerText()).toContain('onTimeRate');
  });
});
