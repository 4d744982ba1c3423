import { ApiKeyService } from '../src/auth/api-key.service';
import { MaintenanceRegistry } from '../src/queue/maintenance.registry';
import { JobName, QueueName } from '../src/queue/queue.constants';
import { QueueService } from '../src/queue/queue.service';
import { bearer, QUEUE_BACKENDS, startTestApp, TestApp } from './support/test-app';

describe('foundation: errors, auth, operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers an unknown route with the JSON error shape and a request id', async () => {
    const res = await t.http.get('/no/such/route').set('x-request-id', 'trace-abc-123');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'not_found' });
    expect(res.body.message).toContain('/no/such/route');
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    expect(res.body.requestId).toBe('trace-abc-123');
  });

  it('rejects a missing or unknown key with 401 and a wrong role with 403', async () => {
    const none = await t.http.post('/v1/system/queue-check');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('unauthorized');
    const unknown = await t.http.post('/v1/system/queue-check').set(bearer('wsm_not_a_real_key_123456'));
    expect(unknown.status).toBe(401);
    const { key } = await t.app.get(ApiKeyService).create('support', 'Helpdesk');
    const wrongRole = await t.http.post('/v1/system/queue-check').set(bearer(key));
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body).toMatchObject({ code: 'forbidden' });
    expect(wrongRole.body.message).toContain('support');
  });

  it('stops honouring a revoked key', async () => {
    const service = t.app.get(ApiKeyService);
    const { key, record } = await service.create('admin', 'Temporary');
    expect(await service.authenticate(key)).toMatchObject({ role: 'admin' });
    expect(await service.revoke(record.id)).toBe(true);
    expect(await service.authenticate(key)).toBeNull();
  });

  it('stores only the SHA-256 hash of a key', async () => {
    const { key, record } = await t.app.get(ApiKeyService).create('integration', 'Shop');
    const rows = await t.db.query('SELECT key_hash FROM api_keys WHERE id = $1', [record.id]);
    expect(rows[0].key_hash).toHaveLength(64);
    expect(rows[0].key_hash).not.toContain(key);
  });

  it('answers malformed JSON with 400, a wrong content type with 415 and a body over 1 MiB with 413', async () => {
    const malformed = await t.http
      .post('/v1/system/queue-check')
      .set(bearer(t.adminKey))
      .set('content-type', 'application/json')
      .send('{"broken": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_payload');

    const wrongType = await t.http.post('/v1/system/queue-check').set('content-type', 'text/csv').send('a,b');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.code).toBe('unsupported_media_type');

    const huge = await t.http
      .post('/v1/system/queue-check')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ filler: 'x'.repeat(1024 * 1024 + 10) }));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload_too_large');
    expect(JSON.stringify(huge.body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('refuses hostile input with a 4xx: deep nesting, plain text bodies, a NUL byte in a path', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const nested = await t.http
      .put('/v1/orders/WS-DEEP')
      .set(bearer(t.adminKey))
      .set('content-type', 'application/json')
      .send(`{"customer": ${deep}}`);
    expect(nested.status).toBe(400);
    expect(nested.body).toMatchObject({
      code: 'malformed_payload',
      message: 'JSON nested deeper than 32 levels',
    });
    const text = await t.http
      .post('/v1/chat/messages')
      .set('content-type', 'text/plain')
      .send('where is my order');
    expect(text.status).toBe(415);
    const form = await t.http
      .post('/v1/chat/messages')
      .set('content-type', 'application/x-www-form-urlencoded')
      .send('message=where+is+my+order');
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({
      code: 'unsupported_media_type',
      message: 'This endpoint takes application/json in UTF-8',
    });
    const utf16 = await t.http
      .post('/v1/chat/messages')
      .set('content-type', 'application/json; charset=utf-16')
      .send(JSON.stringify({ message: 'where is my order' }));
    expect(utf16.status).toBe(415);
    const utf8 = await t.http
      .post('/v1/chat/messages')
      .set('content-type', 'application/json; charset=UTF-8')
      .send(JSON.stringify({ message: 'where is my order' }));
    expect(utf8.status).toBe(200);
    const nul = await t.http.get('/v1/orders/%00').set(bearer(t.adminKey));
    expect(nul.status).toBe(400);
    expect(nul.body.code).toBe('bad_request');
  });

  it('re-creates the maintenance schedules when the queue backend lost them (Redis restarted empty)', async () => {
    const queue = t.app.get(QueueService).queue(QueueName.Maintenance);
    await queue.removeJobScheduler(JobName.SweepPending);
    expect(await queue.getJobScheduler(JobName.SweepPending)).toBeFalsy();
    await t.app.get(MaintenanceRegistry).schedule();
    expect(await queue.getJobScheduler(JobName.SweepPending)).toMatchObject({ key: JobName.SweepPending });
  });

  it('reports liveness without dependencies and readiness of database and queue', async () => {
    const live = await t.http.get('/health/live');
    expect(live.status).toBe(200);
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({ database: { status: 'up' }, queue: { status: 'up' } });
  });

  it('exports Prometheus metrics with process, HTTP and queue series', async () => {
    await t.http.get('/health/live');
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('wismo_process_cpu_user_seconds_total');
    expect(res.text).toMatch(
      /wismo_http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} \d+/,
    );
    expect(res.text).toMatch(/wismo_queue_jobs\{queue="maintenance",state="waiting"\} \d+/);
  });

  it('serves OpenAPI JSON and the Swagger UI', async () => {
    const json = await t.http.get('/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining(['/health/ready', '/v1/system/queue-check']),
    );
    const ui = await t.http.get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});

describe.each(QUEUE_BACKENDS)('queue round trip on the %s backend', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ queue: backend });
  });
  afterAll(async () => {
    await t.close();
  });

  it('carries a job through the queue to a worker and back', async () => {
    const res = await t.http.post('/v1/system/queue-check').set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, result: { role: 'all' } });
    expect(res.body.result.processedBy).toContain(`:${process.pid}`);
  });
});
