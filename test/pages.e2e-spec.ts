import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { UnsubscribeTokens } from '../src/channels/unsubscribe-tokens.service';
import { SUPPORT_NAV } from '../src/pages/support-nav';
import { createCustomer } from './channels.fixtures';
import { launchBrowser } from './support/browser';
import { serve, startTestApp, TestApp } from './support/test-app';

/** axe-core's browser build, evaluated in the page by the test driver (page CSP does not apply to it). */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface PageProblems {
  csp: string[];
  console: string[];
}

/**
 * Every page of the view layer in Chromium: the one CSP (no inline script allowed) and no violation of it, no
 * console error, no accessibility violation found by axe-core, the support shell's navigation on each support
 * page, the HTML 404, and the cache headers of the bundles.
 */
describe('pages in Chromium: CSP, accessibility, 404, assets', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    base = await serve(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page that records CSP violations (as the browser reports them) and console errors from its first byte. */
  async function open(): Promise<{ page: Page; problems: PageProblems }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: PageProblems = { csp: [], console: [] };
    await page.exposeFunction('__reportCsp', (text: string) => problems.csp.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __reportCsp(t: string): void }).__reportCsp(
          `${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`,
        ),
      );
    });
    page.on('console', (m) => {
      // A 404 or 400 page reports its own status as a failed load; an email with a script (other spec files store
      // hostile ones) in the outbox's sandboxed preview frame is reported as blocked, which is the sandbox working;
      // an email whose brand logo other spec files set on a reserved `.example` host cannot load it. Any other
      // failure counts.
      if (
        m.type() === 'error' &&
        !(m.location().url === page.url() && /status of (400|404)/.test(m.text())) &&
        !/^Blocked script execution in 'about:srcdoc'/.test(m.text()) &&
        !/^https?:\/\/[^/]+\.example\//.test(m.location().url ?? '')
      ) {
        problems.console.push(m.text());
      }
    });
    page.on('pageerror', (err) => problems.console.push(err.message));
    return { page, problems };
  }

  async function axeViolations(page: Page): Promise<string[]> {
    await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate(() =>
      (
        window as unknown as {
          axe: {
            run(
              ctx: Document,
              opts: object,
            ): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }>;
          };
        }
      ).axe.run(document, { resultTypes: ['violations'] }),
    );
    return result.violations.map(
      (v) => `${v.id}: ${v.help} (${JSON.stringify(v.nodes.map((n) => n.target))})`,
    );
  }

  async function signIn(page: Page, path: string): Promise<void> {
    await page.goto(`${base}${path}`);
    await page.getByLabel('API key').fill(t.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('main#main').waitFor({ state: 'visible' });
  }

  function expectOnePolicyWithoutInlineScript(headers: Record<string, string>): void {
    const csp = headers['content-security-policy'];
    expect(csp).toBeDefined();
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'));
    expect(scriptSrc?.trim()).toBe("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toContain("'unsafe-eval'");
  }

  const unsubscribeUrl = async () => {
    const customer = await createCustomer(t.db, {});
    return `/v1/unsubscribe?token=${encodeURIComponent(
      t.app.get(UnsubscribeTokens).sign(customer.id, 'shipping_updates'),
    )}`;
  };

  it.each([
    ['the front page', '/', null],
    ['the support home', '/admin', 'Home'],
    ['the outbox', '/outbox', 'Outbox'],
    ['the demo store', '/demo', null],
    ['an unsubscribe link', 'unsubscribe', null],
    ['a broken unsubscribe link', '/v1/unsubscribe?token=broken', null],
    ['the 404 page', '/no/such/page', null],
  ])(
    '%s: one CSP without inline script, no violation, no console error, no axe violation',
    async (_name, path, nav) => {
      const { page, problems } = await open();
      try {
        const url = path === 'unsubscribe' ? await unsubscribeUrl() : path!;
        const response = await page.goto(`${base}${url}`);
        expect(response).not.toBeNull();
        expectOnePolicyWithoutInlineScript(response!.headers());
        expect(response!.headers()['x-content-type-options']).toBe('nosniff');
        if (nav) {
          await page.locator('.shell-nav a[aria-current="page"]', { hasText: nav }).waitFor();
          const links = await page
            .locator('.shell-nav a')
            .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
          // The one list of src/pages/support-nav.ts, in its order, on every support page.
          expect(links).toEqual(SUPPORT_NAV.map((item) => item.href));
          expect(links).toEqual(expect.arrayContaining(['/admin/orders', '/admin/templates', '/outbox']));
        }
        if (path === '/demo') await page.locator('#wismo-chat').waitFor({ state: 'attached' });
        expect(await axeViolations(page)).toEqual([]);
        expect(problems).toEqual({ csp: [], console: [] });
      } finally {
        await page.close();
      }
    },
  );

  it.each([
    ['orders', '/admin/orders', 'Orders'],
    ['templates', '/admin/templates', 'Templates'],
  ])('the %s page behind sign-in: same shell, no violation, no axe violation', async (_name, path, nav) => {
    const { page, problems } = await open();
    try {
      // Before sign-in: the shell and its form.
      const response = await page.goto(`${base}${path}`);
      expectOnePolicyWithoutInlineScript(response!.headers());
      expect(await axeViolations(page)).toEqual([]);
      await signIn(page, path);
      await page.locator('.shell-nav a[aria-current="page"]', { hasText: nav }).waitFor();
      if (path === '/admin/templates') {
        await page.locator('#types button[data-type="out_for_delivery"]').click();
        await page.locator('#bubble').filter({ hasText: 'Alexandra-Marie' }).waitFor();
        // The selection is kept in the URL: a reload (or a shared link) opens the same template.
        expect(new URL(page.url()).searchParams.get('type')).toBe('out_for_delivery');
        await page.reload();
        await page.locator('#types button[data-type="out_for_delivery"][aria-current="true"]').waitFor();
      }
      expect(await axeViolations(page)).toEqual([]);
      expect(problems).toEqual({ csp: [], console: [] });
    } finally {
      await page.close();
    }
  });

  it('the editor marks a broken template inline, in plain words', async () => {
    const { page } = await open();
    try {
      await signIn(page, '/admin/templates?channel=sms&locale=en&type=delayed');
      await page.locator('#editor-body').waitFor();
      await page.getByLabel('SMS text').fill('Hi {{customer.firstName}}\n{{#if shipment.eta}}\nSoon');
      const problem = page.locator('#problems li').first();
      await problem.filter({ hasText: 'block is never closed' }).waitFor();
      expect(await problem.textContent()).toContain('Line 2: the {{#if}} block is never closed: add {{/if}}');
      expect(await page.locator('#problems').textContent()).not.toMatch(/OPEN_|INVERSE|Expected/);
      // The marker sits in the text itself.
      await page.locator('#code-body .cm-lintRange-error').first().waitFor();
    } finally {
      await page.close();
    }
  });

  it("previews sample data with this shop's brand, not the sample one", async () => {
    const res = await t.http
      .post('/v1/templates/preview')
      .set({ Authorization: `Bearer ${t.adminKey}` })
      .send({
        type: 'out_for_delivery',
        channel: 'sms',
        locale: 'en',
        sample: true,
        parts: { body: '{{brand.name}} {{brand.supportUrl}} for {{customer.firstName}}' },
      });
    expect(res.status).toBe(200);
    expect(res.body.sms).toBe(`${t.config.brand.name} ${t.config.brand.supportUrl} for Alexandra-Marie`);
  });

  it('answers an unknown page with the HTML 404, and API clients with JSON', async () => {
    const html = await fetch(`${base}/admin/nothing-here`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('Page not found');
    const api = await fetch(`${base}/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
    const curl = await fetch(`${base}/nothing-here`, { headers: { accept: '*/*' } });
    expect(curl.status).toBe(404);
    expect(curl.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('serves bundles with hashed names and a year-long immutable cache; /widget.js stays short-lived', async () => {
    const page = await (await fetch(`${base}/admin/orders`)).text();
    const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset).toMatch(/-[A-Z0-9]{8}\.(js|css|svg)$/);
      const res = await fetch(`${base}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await fetch(`${base}/assets/manifest.json`)).status).toBe(404);
    const widget = await fetch(`${base}/widget.js`);
    expect(widget.headers.get('cache-control')).toBe('public, max-age=300');
    const favicon = await fetch(`${base}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toBe('image/svg+xml');
  });
});
