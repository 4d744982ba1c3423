import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetManifest } from './asset-manifest';
import { PageRenderer, VIEWS_DIR } from './page-renderer.service';

/** A manifest like the one scripts/build-web.ts writes, without building anything. */
function fakeAssets(): AssetManifest {
  const dir = mkdtempSync(join(tmpdir(), 'wismo-assets-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      'favicon.svg': 'favicon-AAAA.svg',
      'site.css': 'site-BBBB.css',
      'support.css': 'support-CCCC.css',
      'support-orders.js': 'support-orders-DDDD.js',
      'demo.css': 'demo-EEEE.css',
    }),
  );
  return AssetManifest.load(dir);
}

describe('PageRenderer', () => {
  const pages = new PageRenderer(fakeAssets(), VIEWS_DIR);

  it('escapes data, links hashed assets and puts the view in its layout', () => {
    const html = pages.render('site/demo', {
      title: 'Shop <b>&</b> Co · Demo store',
      styles: ['demo.css'],
      brand: '<img src=x onerror=alert(1)>',
    });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>Shop &lt;b&gt;&amp;&lt;/b&gt; Co · Demo store</title>');
    expect(html).toContain('<strong>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</strong>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('<link rel="stylesheet" href="/assets/demo-EEEE.css">');
    expect(html).toContain('<link rel="icon" href="/assets/favicon-AAAA.svg" type="image/svg+xml">');
  });

  it('gives support pages the shell: one navigation with the current page marked, the sign-in, the scripts', () => {
    const html = pages.render(
      'support/orders',
      { title: 'Orders', section: 'orders', signIn: true, scripts: ['support-orders.js'] },
      'support',
    );
    expect(html).toContain('<a href="/admin/orders" aria-current="page">Orders</a>');
    for (const href of ['/admin', '/admin/templates', '/outbox', '/docs'])
      expect(html).toContain(`href="${href}"`);
    expect(html).toContain('id="sign-in-form"');
    expect(html).toContain('<script type="module" src="/assets/support-orders-DDDD.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/assets/support-CCCC.css">');
    expect(html).not.toMatch(/<script>|\son[a-z]+=/);
  });

  it('fails loudly for an unknown view or bundle', () => {
    expect(() => pages.render('nope', { title: 'x' })).toThrow('No page view "nope"');
    expect(() => pages.render('site/demo', { title: 'x', scripts: ['missing.js'] })).toThrow(
      'No browser bundle named "missing.js"',
    );
  });
});
