import { startTestApp, TestApp } from './support/test-app';

describe('front page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('says what Wismo is, links every page, and which channels are real', async () => {
    const res = await t.http.get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    for (const href of ['/demo', '/admin/orders', '/admin/templates', '/outbox', '/docs']) {
      expect(res.text).toContain(`href="${href}"`);
      expect((await t.http.get(href)).status).toBe(200);
    }
    // No Twilio or SMTP configuration in tests: both channels go to the outbox.
    expect(res.text).toMatch(/<strong>SMS<\/strong>: captured in the <a href="\/outbox">outbox/);
    expect(res.text).toMatch(/<strong>Email<\/strong>: captured in the <a href="\/outbox">outbox/);
  });
});
