import { bearer, startTestApp, TestApp, waitFor } from './support/test-app';

/**
 * A chat reply published in the template editor is what the bot says next, in the process that published it
 * and in every other one (they share the database's template revision, as notification templates do).
 */
describe('chat replies published in the template editor', () => {
  let editor: TestApp;
  let other: TestApp;
  const greeting = '/v1/templates/greeting/chat/en';
  const published = 'Hello from the editor! Ask me where your parcel is.';

  beforeAll(async () => {
    [editor, other] = await Promise.all([startTestApp(), startTestApp()]);
  });

  afterAll(async () => {
    // The database is shared by the run's other spec files: put the default back.
    await editor?.http.delete(`${greeting}/override`).set(bearer(editor.adminKey));
    await Promise.all([editor?.close(), other?.close()]);
  });

  async function greet(t: TestApp): Promise<{ intent: string; reply: string }> {
    const res = await t.http.post('/v1/chat/messages').send({ message: 'hi', locale: 'en' });
    expect(res.status).toBe(200);
    return res.body as { intent: string; reply: string };
  }

  it('changes the next answer in the publishing process and in another one', async () => {
    const before = await greet(other);
    expect(before.intent).toBe('greeting');
    expect(before.reply).toContain('I can tell you where your order is');
    expect((await greet(editor)).reply).toBe(before.reply);

    const draft = await editor.http
      .put(`${greeting}/draft`)
      .set(bearer(editor.adminKey))
      .send({ body: published });
    expect(draft.status).toBe(200);
    expect((await editor.http.post(`${greeting}/publish`).set(bearer(editor.adminKey)).send({})).status).toBe(
      200,
    );

    // The publishing process answers with the new text at once.
    expect((await greet(editor)).reply).toBe(published);
    // Another process picks it up at its next revision check (at most a second later).
    const seen = await waitFor(
      'the other process to answer with the published reply',
      async () => {
        const turn = await greet(other);
        return turn.reply === published ? turn : null;
      },
      5000,
      400,
    );
    expect(seen.reply).toBe(published);

    // Back to the default: removing the override reaches the bot the same way.
    expect((await editor.http.delete(`${greeting}/override`).set(bearer(editor.adminKey))).status).toBe(200);
    expect((await greet(editor)).reply).toBe(before.reply);
  }, 60_000);
});
