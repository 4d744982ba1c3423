/**
 * Scenario 5: generated malformed, oversized, mis-signed and hostile requests across every public endpoint. Only
 * 4xx may come back (never a 5xx), the process must stay alive and its RSS (from /metrics) flat.
 */
import * as net from 'node:net';
import { signAfterShip, signEasyPost, signStandardWebhook } from '../../src/tracking/webhook-signature';
import {
  ADMIN_API_KEY,
  AFTERSHIP_SECRET,
  Checks,
  cleanRedis,
  createDatabase,
  createOrders,
  dropDatabase,
  EASYPOST_SECRET,
  GENERIC_SECRET,
  log,
  makeOrders,
  pool,
  prng,
  Providers,
  REDIS_URL,
  Req,
  round,
  rss,
  RUN,
  send,
  Service,
  serviceEnv,
  SHIPPO_TOKEN,
  sleep,
  startService,
} from './common';

/** `security`: mis-signed or unauthenticated — a 2xx is a hole. `invalid`: bad input — must be 4xx. */
interface Fuzz extends Req {
  kind: string;
  klass: 'security' | 'invalid';
  raw?: string;
}

const MiB = 1024 * 1024;

export function generator(seed: number, tracking: string[]): (i: number) => Fuzz {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (n: number) => Math.floor(rand() * n);
  const junkString = (n: number) => {
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '"',
      "'",
      '\\',
      '<',
      '>',
      '{',
      '}',
      '\u0000',
      '\u202e',
      '😀',
      'é',
      '\n',
      '%',
      '$',
      '`',
      ';',
      '\ud800',
    ];
    let s = '';
    for (let k = 0; k < n; k++) s += pick(alphabet);
    return s;
  };
  const enc = (x: string) => {
    try {
      return encodeURIComponent(x);
    } catch {
      return '%ED%A0%80';
    }
  };
  const asciiJunk = (n: number) => junkString(n).replace(/[^\x20-\x7e]/g, '?');
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const deepObj = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const hostileJson = (): string =>
    pick([
      () => '{"__proto__":{"polluted":true,"isAdmin":true}}',
      () => '{"constructor":{"prototype":{"polluted":true}}}',
      () => deep(20_000 + int(50_000)),
      () => deepObj(5_000 + int(20_000)),
      () => JSON.stringify({ events: Array.from({ length: 5000 }, () => ({ status: 'delivered' })) }),
      () => '[' + Array.from({ length: 200 }, () => '{}').join(',') + ']',
      () => '{"a":1e999999,"b":-0,"c":123456789012345678901234567890}',
      () =>
        JSON.stringify({
          carrier: junkString(5000),
          trackingNumber: junkString(300),
          status: 'delivered',
          occurredAt: 'yesterday',
        }),
      () =>
        JSON.stringify({
          carrier: 'ups',
          trackingNumber: pick(tracking),
          status: 'teleported',
          occurredAt: '2026-11-30T08:10:00Z',
        }),
      () =>
        JSON.stringify({
          carrier: 'ups',
          trackingNumber: pick(tracking),
          status: 'delivered',
          occurredAt: '2026-11-30T08:10:00',
        }),
      () => JSON.stringify({ carrier: ['ups'], trackingNumber: { $ne: null }, status: null }),
      () =>
        JSON.stringify(
          Array.from({ length: 101 }, () => ({
            carrier: 'ups',
            trackingNumber: pick(tracking),
            status: 'in_transit',
            occurredAt: '2026-11-30T08:10:00Z',
          })),
        ),
      () => '"just a string"',
      () => 'null',
      () => '12345',
      () => '{"a":"\\ud800"}',
    ])();
  const invalidJson = (): string =>
    pick([
      '{',
      '{"a":}',
      "{'a':1}",
      '{"a":1,}',
      '\u0000\u0001\u0002',
      'NaN',
      '{"a":"unterminated',
      junkString(200),
      '<xml/>',
    ]);
  const standard = (body: string, opts: { secret?: string; tsSkew?: number; id?: string } = {}) => {
    const id = opts.id ?? `msg_fuzz_${int(1e9)}`;
    const ts = Math.floor(Date.now() / 1000) + (opts.tsSkew ?? 0);
    return {
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signStandardWebhook(id, ts, body, opts.secret ?? GENERIC_SECRET),
    };
  };
  const bigBody = () => JSON.stringify({ pad: 'x'.repeat(MiB + 1024 + int(64 * 1024)) });
  const weird = () =>
    pick([
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      '%E0%A4%A',
      encodeURIComponent('😀'.repeat(40)),
      'x'.repeat(301 + int(3000)),
      "1'%20OR%20'1'%3D'1",
      '%2e%2e',
      '%25%32%65',
      encodeURIComponent('<script>alert(1)</script>'),
      '-1',
      'null',
      '00000000-0000-0000-0000-00000000000G',
    ]);
  const jsonCt = { 'content-type': 'application/json' };
  const admin = { authorization: `Bearer ${ADMIN_API_KEY}` };
  const badAuth = () =>
    pick([
      {},
      { authorization: 'Bearer wsm_nope' },
      { authorization: `Bearer ${ADMIN_API_KEY}x` },
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
      { authorization: `bearer  ${asciiJunk(50)}` },
      { authorization: 'Bearer' },
    ]);
  const xff = () => ({ 'x-forwarded-for': `10.55.${int(256)}.${int(256)}` });
  const twilioForm = () =>
    `MessageSid=SM${int(1e9)}&MessageStatus=${pick(['delivered', 'failed', junkString(10)])}&From=%2B1202555${int(9999)}&Body=${enc(junkString(40))}`;

  const gens: [number, () => Fuzz][] = [
    // Generic webhooks (Standard Webhooks)
    [
      6,
      () => ({
        kind: 'generic: unsigned',
        klass: 'security',
        path: '/v1/webhooks/generic',
        headers: jsonCt,
        body: hostileJson(),
      }),
    ],
    [
      6,
      () => {
        const body = JSON.stringify({
          carrier: 'ups',
          trackingNumber: pick(tracking),
          status: 'delivered',
          occurredAt: new Date().toISOString(),
        });
        return {
          kind: 'generic: wrong secret',
          klass: 'security',
          path: '/v1/webhooks/generic',
          headers: { ...jsonCt, ...standard(body, { secret: 'not-the-secret' }) },
          body,
        };
      },
    ],
    [
      4,
      () => {
        const body = JSON.stringify({
          carrier: 'ups',
          trackingNumber: pick(tracking),
          status: 'delivered',
          occurredAt: new Date().toISOString(),
        });
        const h = standard(body);
        return {
          kind: 'generic: signature of another body',
          klass: 'security',
          path: '/v1/webhooks/generic',
          headers: { ...jsonCt, ...h },
          body: body.replace('delivered', 'exception'),
        };
      },
    ],
    [
      3,
      () => {
        const body = JSON.stringify({
          carrier: 'ups',
          trackingNumber: pick(tracking),
          status: 'delivered',
          occurredAt: new Date().toISOString(),
        });
        return {
          kind: 'generic: stale/future timestamp',
          klass: 'security',
          path: '/v1/webhooks/generic',
          headers: { ...jsonCt, ...standard(body, { tsSkew: pick([-3600, 3600, -301, 99999999]) }) },
          body,
        };
      },
    ],
    [
      3,
      () => {
        const body = JSON.stringify({
          carrier: 'ups',
          trackingNumber: pick(tracking),
          status: 'delivered',
          occurredAt: new Date().toISOString(),
        });
        const h = standard(body);
        return {
          kind: 'generic: mangled signature header',
          klass: 'security',
          path: '/v1/webhooks/generic',
          headers: {
            ...jsonCt,
            ...h,
            'webhook-signature': pick([
              'v1,',
              'v2,' + h['webhook-signature'].slice(3),
              h['webhook-signature'].toUpperCase(),
              'v1,' + 'A'.repeat(5000),
              junkString(30).replace(/[^\x20-\x7e]/g, 'x'),
              `${h['webhook-signature']}x`,
            ]),
          },
          body,
        };
      },
    ],
    [
      8,
      () => {
        const body = hostileJson();
        return {
          kind: 'generic: signed hostile JSON',
          klass: 'invalid',
          path: '/v1/webhooks/generic',
          headers: { ...jsonCt, ...standard(body) },
          body,
        };
      },
    ],
    [
      4,
      () => {
        const body = invalidJson();
        return {
          kind: 'generic: signed invalid JSON',
          klass: 'invalid',
          path: '/v1/webhooks/generic',
          headers: { ...jsonCt, ...standard(body) },
          body,
        };
      },
    ],
    [
      3,
      () => {
        const body = JSON.stringify({
          carrier: 'ups',
          trackingNumber: pick(tracking),
          status: 'delivered',
          occurredAt: new Date().toISOString(),
        });
        return {
          kind: 'generic: wrong content type',
          klass: 'invalid',
          path: '/v1/webhooks/generic',
          headers: {
            'content-type': pick([
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'application/xml',
              'application/json; charset=utf-16',
            ]),
            ...standard(body),
          },
          body,
        };
      },
    ],
    [
      1,
      () => {
        const body = bigBody();
        return {
          kind: 'generic: >1 MiB body',
          klass: 'invalid',
          path: '/v1/webhooks/generic',
          headers: { ...jsonCt, ...standard(body) },
          body,
        };
      },
    ],
    // EasyPost, AfterShip, Shippo
    [
      4,
      () => ({
        kind: 'easypost: bad signature',
        klass: 'security',
        path: '/v1/webhooks/easypost',
        headers: {
          ...jsonCt,
          'x-hmac-signature': pick([
            '',
            'hmac-sha256-hex=00',
            `hmac-sha256-hex=${'f'.repeat(64)}`,
            junkString(20).replace(/[^\x20-\x7e]/g, 'x'),
          ]),
        },
        body: hostileJson(),
      }),
    ],
    [
      3,
      () => {
        const body = pick([
          hostileJson(),
          invalidJson(),
          JSON.stringify({
            object: 'Event',
            description: 'tracker.updated',
            result: { tracking_code: pick(tracking), status: junkString(10), tracking_details: 'nope' },
          }),
        ]);
        return {
          kind: 'easypost: signed junk',
          klass: 'invalid',
          path: '/v1/webhooks/easypost',
          headers: { ...jsonCt, 'x-hmac-signature': signEasyPost(body, EASYPOST_SECRET) },
          body,
        };
      },
    ],
    [
      4,
      () => ({
        kind: 'aftership: bad signature',
        klass: 'security',
        path: '/v1/webhooks/aftership',
        headers: {
          ...jsonCt,
          'aftership-hmac-sha256': pick(['', 'AAAA', signAfterShip('{}', AFTERSHIP_SECRET)]),
        },
        body: hostileJson(),
      }),
    ],
    [
      3,
      () => {
        const body = pick([
          hostileJson(),
          invalidJson(),
          JSON.stringify({
            event: 'tracking_update',
            msg: { tracking_number: pick(tracking), tag: junkString(8), checkpoints: {} },
          }),
        ]);
        return {
          kind: 'aftership: signed junk',
          klass: 'invalid',
          path: '/v1/webhooks/aftership',
          headers: { ...jsonCt, 'aftership-hmac-sha256': signAfterShip(body, AFTERSHIP_SECRET) },
          body,
        };
      },
    ],
    [
      4,
      () => ({
        kind: 'shippo: bad token',
        klass: 'security',
        path: `/v1/webhooks/shippo${pick(['', '?token=', '?token=wrong', `?token=${SHIPPO_TOKEN}x`, `?token=${SHIPPO_TOKEN.slice(0, -1)}`, '?token[]=a', '?token=a&token=b'])}`,
        headers: jsonCt,
        body: hostileJson(),
      }),
    ],
    [
      3,
      () => ({
        kind: 'shippo: right token, junk',
        klass: 'invalid',
        path: `/v1/webhooks/shippo?token=${SHIPPO_TOKEN}`,
        headers: jsonCt,
        body: pick([
          hostileJson(),
          invalidJson(),
          JSON.stringify({
            event: 'track_updated',
            data: { tracking_number: pick(tracking), tracking_status: junkString(5) },
          }),
        ]),
      }),
    ],
    [
      1,
      () => ({
        kind: 'shippo: >1 MiB body',
        klass: 'invalid',
        path: `/v1/webhooks/shippo?token=${SHIPPO_TOKEN}`,
        headers: jsonCt,
        body: bigBody(),
      }),
    ],
    // Twilio callbacks
    [
      4,
      () => ({
        kind: 'twilio status: unsigned/mis-signed',
        klass: 'security',
        path: '/v1/webhooks/twilio/status',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(rand() < 0.5
            ? { 'x-twilio-signature': pick(['', 'AAAA', junkString(28).replace(/[^\x20-\x7e]/g, 'x')]) }
            : {}),
        },
        body: twilioForm(),
      }),
    ],
    [
      4,
      () => ({
        kind: 'twilio inbound: unsigned/mis-signed',
        klass: 'security',
        path: '/v1/webhooks/twilio/inbound',
        headers: {
          'content-type': pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain']),
          ...(rand() < 0.5 ? { 'x-twilio-signature': 'bm9wZQ==' } : {}),
        },
        body: pick([twilioForm(), hostileJson(), invalidJson()]),
      }),
    ],
    // Orders
    [
      4,
      () => ({
        kind: 'orders: bad or missing key',
        klass: 'security',
        method: 'PUT',
        path: `/v1/orders/FUZZ-${int(1e6)}`,
        headers: { ...jsonCt, ...badAuth() },
        body: JSON.stringify({ customer: { name: 'X', email: 'x@example.com' }, shipments: [] }),
      }),
    ],
    [
      6,
      () => ({
        kind: 'orders: bad body',
        klass: 'invalid',
        method: 'PUT',
        path: `/v1/orders/FUZZ-${int(1e6)}`,
        headers: { ...jsonCt, ...admin },
        body: pick([
          () => '{}',
          () => invalidJson(),
          () => hostileJson(),
          () =>
            JSON.stringify({
              customer: { name: junkString(10), email: 'not-an-email', phone: '12' },
              shipments: [{ carrier: 'UPS', trackingNumber: '' }],
            }),
          () => JSON.stringify({ customer: { name: 'x'.repeat(100_000), email: 'a@b.co' }, shipments: [] }),
          () => JSON.stringify({ customer: 'Ana', shipments: 'none' }),
          () =>
            JSON.stringify({
              customer: {
                name: 'Ana',
                email: 'ana@example.com',
                locale: junkString(12),
                timeZone: 'Mars/Olympus',
              },
              promisedDate: '2026-13-45',
              shipments: [{ carrier: 'UPS', trackingNumber: '1Z' }],
            }),
          () =>
            JSON.stringify({
              customer: { name: 'Ana', email: 'ana@example.com' },
              shipments: Array.from({ length: 5000 }, (_, k) => ({
                carrier: 'UPS',
                trackingNumber: `1ZFUZZ${k}`,
              })),
            }),
          () =>
            JSON.stringify({
              customer: { name: 'Ana', email: 'ana@example.com', __proto__: { admin: true } },
              shipments: [],
              extra: true,
            }),
        ])(),
      }),
    ],
    [
      2,
      () => ({
        kind: 'orders: weird id',
        klass: 'invalid',
        method: 'PUT',
        path: `/v1/orders/${weird()}`,
        headers: { ...jsonCt, ...admin },
        body: '{}',
      }),
    ],
    [
      1,
      () => ({
        kind: 'orders: >1 MiB body',
        klass: 'invalid',
        method: 'PUT',
        path: `/v1/orders/FUZZ-${int(1e6)}`,
        headers: { ...jsonCt, ...admin },
        body: bigBody(),
      }),
    ],
    [
      2,
      () => ({
        kind: 'orders: wrong content type',
        klass: 'invalid',
        method: 'PUT',
        path: `/v1/orders/FUZZ-${int(1e6)}`,
        headers: {
          'content-type': pick([
            'text/plain',
            'application/octet-stream',
            'application/x-www-form-urlencoded',
          ]),
          ...admin,
        },
        body: 'customer=ana',
      }),
    ],
    // Chat
    [
      6,
      () => ({
        kind: 'chat: bad body',
        klass: 'invalid',
        path: '/v1/chat/messages',
        headers: { ...jsonCt, ...xff() },
        body: pick([
          () => '{}',
          () => invalidJson(),
          () => hostileJson(),
          () => JSON.stringify({ message: 'x'.repeat(1001 + int(20000)) }),
          () => JSON.stringify({ message: '' }),
          () => JSON.stringify({ message: 42 }),
          () => JSON.stringify({ message: ['where', 'is'] }),
          () =>
            JSON.stringify({
              message: 'where is my order',
              sessionId: pick([
                'not-a-uuid',
                "' OR 1=1 --",
                '00000000-0000-0000-0000-00000000000G',
                junkString(40),
              ]),
            }),
          () =>
            JSON.stringify({
              message: 'hello',
              locale: pick(['xx-!!', junkString(30), 'en-US-aaaaaaaaa-bbbbbbbbb-c', '../../etc']),
            }),
        ])(),
      }),
    ],
    [
      2,
      () => ({
        kind: 'chat: wrong content type',
        klass: 'invalid',
        path: '/v1/chat/messages',
        headers: {
          'content-type': pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']),
          ...xff(),
        },
        body: 'message=where+is+my+order',
      }),
    ],
    [
      1,
      () => ({
        kind: 'chat: >1 MiB body',
        klass: 'invalid',
        path: '/v1/chat/messages',
        headers: { ...jsonCt, ...xff() },
        body: bigBody(),
      }),
    ],
    [
      2,
      () => ({
        kind: 'chat: bad session id / no key',
        klass: 'invalid',
        method: 'GET',
        path: `/v1/chat/sessions/${weird()}`,
        headers: rand() < 0.5 ? admin : {},
      }),
    ],
    // Unsubscribe
    [
      5,
      () => ({
        kind: 'unsubscribe: junk token (GET)',
        klass: 'security',
        method: 'GET',
        path: `/v1/unsubscribe${pick(['', '?token=', `?token=${enc(junkString(40))}`, `?token=${'A'.repeat(8000)}`, '?token=a&token=b', '?token=eyJhbGciOiJub25lIn0.e30.', '?token[x]=1'])}`,
      }),
    ],
    [
      5,
      () => ({
        kind: 'unsubscribe: junk token (POST)',
        klass: 'security',
        path: `/v1/unsubscribe?token=${enc(junkString(30))}`,
        headers: {
          'content-type': pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain']),
        },
        body: pick(['List-Unsubscribe=One-Click', '{}', invalidJson(), '']),
      }),
    ],
    // Templates preview
    [
      3,
      () => ({
        kind: 'templates preview: bad key',
        klass: 'security',
        path: '/v1/templates/preview',
        headers: { ...jsonCt, ...badAuth() },
        body: JSON.stringify({
          type: 'out_for_delivery',
          channel: 'sms',
          locale: 'en',
          parts: { body: 'hi' },
        }),
      }),
    ],
    [
      4,
      () => ({
        kind: 'templates preview: bad body',
        klass: 'invalid',
        path: '/v1/templates/preview',
        headers: { ...jsonCt, ...admin },
        body: pick([
          () => '{}',
          () => invalidJson(),
          () => hostileJson(),
          () => JSON.stringify({ type: junkString(10), channel: 'fax', locale: 'zz' }),
          () =>
            JSON.stringify({
              type: 'out_for_delivery',
              channel: 'sms',
              locale: 'en',
              parts: { body: '{{#each' },
            }),
          () =>
            JSON.stringify({
              type: 'out_for_delivery',
              channel: 'sms',
              locale: 'en',
              parts: { body: '{{constructor.constructor "return process.exit(1)"}}' },
            }),
          () =>
            JSON.stringify({
              type: 'out_for_delivery',
              channel: 'sms',
              locale: 'en',
              parts: { body: '{{> nonexistentPartial}}{{unknownHelper 1}}' },
            }),
          () =>
            JSON.stringify({
              type: 'out_for_delivery',
              channel: 'email',
              locale: 'en',
              parts: { subject: 'x'.repeat(200_000), html: 42 },
            }),
        ])(),
      }),
    ],
    // Reads with weird ids and paths
    [
      6,
      () => ({
        kind: 'GET weird ids/paths',
        klass: 'invalid',
        method: 'GET',
        headers: rand() < 0.5 ? admin : {},
        path: pick([
          () => `/v1/orders/${weird()}`,
          () => `/v1/shipments/${weird()}`,
          () => `/v1/notifications/${weird()}`,
          () => `/v1/notifications?limit=${pick(['-1', '999999999', 'abc', '1e9'])}&status=${weird()}`,
          () => `/v1/shipments?trackingNumber=${'Z'.repeat(5000)}`,
          () => `/v1/templates/${weird()}/${weird()}/${weird()}`,
          () => `/v1/customers/${weird()}/preferences`,
          () => `/${weird()}/../../etc/passwd`,
          () => `/%2e%2e/%2e%2e/etc/passwd`,
          () => `/v1/${'a/'.repeat(500)}`,
          () => `/v1/orders/${weird()}?${'q='.repeat(2000)}`,
        ])(),
      }),
    ],
    [
      2,
      () => ({
        kind: 'wrong method',
        klass: 'invalid',
        method: pick(['DELETE', 'PATCH', 'PUT']),
        path: pick([
          '/v1/webhooks/generic',
          '/v1/chat/messages',
          '/v1/unsubscribe',
          '/health/ready',
          '/v1/orders',
        ]),
        headers: jsonCt,
        body: '{}',
      }),
    ],
    // Huge headers
    [
      2,
      () => ({
        kind: 'huge headers',
        klass: 'invalid',
        method: 'GET',
        path: pick(['/v1/orders/X', '/v1/chat/messages', '/health/live']),
        headers:
          rand() < 0.5
            ? { cookie: 'a='.padEnd(20_000 + int(60_000), 'x') }
            : Object.fromEntries(Array.from({ length: 300 }, (_, k) => [`x-fuzz-${k}`, 'y'.repeat(200)])),
      }),
    ],
    // Malformed HTTP on a raw socket
    [
      1,
      () => ({
        kind: 'raw malformed HTTP',
        klass: 'invalid',
        path: '',
        raw: pick([
          'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
          'POST /v1/webhooks/generic HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
          'GET /\u0000 HTTP/1.1\r\n\r\n',
          'BREW /coffee HTCPCP/1.0\r\n\r\n',
          'GET / HTTP/1.1\r\nBad Header Line\r\n\r\n',
          'POST /v1/chat/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n',
          'GET / HTTP/9.9\r\n\r\n',
        ]),
      }),
    ],
  ];
  const total = gens.reduce((s, [w]) => s + w, 0);
  return () => {
    let r = rand() * total;
    for (const [w, g] of gens) {
      r -= w;
      if (r < 0) return g();
    }
    return gens[0][1]();
  };
}

function rawRequest(port: number, payload: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const done = (status: number) => {
      socket.destroy();
      resolve(status);
    };
    socket.setTimeout(5000, () => done(0));
    socket.on('data', (b) => {
      data += b.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      if (m) done(Number(m[1]));
    });
    socket.on('error', () => done(0));
    socket.on('close', () => done(data ? Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0) : 0));
    socket.write(payload);
  });
}

export async function scenarioFuzz(providers: Providers, opts: { requests: number; seed: number }) {
  const checks = new Checks();
  const figures: Record<string, unknown> = {};
  const db = `wismo_rel_s5_${RUN.toLowerCase()}`;
  const prefix = `wismo-rel-${RUN.toLowerCase()}-s5`;
  const databaseUrl = await createDatabase(db);
  providers.reset();
  let svc: Service | undefined;
  try {
    svc = await startService(
      's5 service',
      serviceEnv(providers, databaseUrl, { REDIS_URL, QUEUE_PREFIX: prefix }),
    );
    const orders = makeOrders('Z', 20);
    await createOrders(svc.url, orders);
    const next = generator(
      opts.seed,
      orders.map((o) => o.trackingNumber),
    );
    const byKind: Record<string, Record<string, number>> = {};
    const statusClasses: Record<string, number> = {};
    const examples5xx: string[] = [];
    const securityHoles: string[] = [];
    let clientErrors = 0;
    const fire = async (n: number) => {
      const batch = Array.from({ length: n }, next);
      await pool(batch, 16, async (f) => {
        let status: number;
        let text = '';
        let err = '';
        if (f.raw) status = await rawRequest(svc!.port, f.raw);
        else {
          const res = await send(svc!.url, f, 20_000);
          status = res.status;
          text = res.text;
          err = res.error ?? '';
        }
        const cls = status === 0 ? `no response${err ? ` (${err})` : ''}` : `${Math.floor(status / 100)}xx`;
        statusClasses[cls] = (statusClasses[cls] ?? 0) + 1;
        const k = (byKind[f.kind] ??= {});
        k[status] = (k[status] ?? 0) + 1;
        if (status >= 500 && examples5xx.length < 12)
          examples5xx.push(
            `${f.kind}: ${f.method ?? 'POST'} ${f.path.slice(0, 100)} body ${String(f.body ?? '').slice(0, 160)} → ${status} ${text.slice(0, 120)}`,
          );
        if (status >= 200 && status < 300 && f.klass === 'security' && securityHoles.length < 10)
          securityHoles.push(`${f.kind}: ${f.path.slice(0, 120)} → ${status} ${text.slice(0, 160)}`);
        if (status === 0) clientErrors++;
      });
    };
    // Warm-up so the baseline RSS is a steady state, not a cold start.
    await fire(Math.min(500, Math.floor(opts.requests / 10)));
    await sleep(2000);
    const rssStart = await rss(svc);
    const started = Date.now();
    await fire(Math.floor(opts.requests / 2));
    await sleep(1000);
    const rssMid = await rss(svc);
    await fire(opts.requests - Math.floor(opts.requests / 2));
    const seconds = (Date.now() - started) / 1000;
    await sleep(3000);
    const alive = svc.alive();
    const ready = alive ? (await send(svc.url, { path: '/health/ready' })).status : 0;
    const rssEnd = alive ? await rss(svc) : NaN;
    const total = Object.values(byKind).reduce((s, k) => s + Object.values(k).reduce((a, b) => a + b, 0), 0);
    const fiveXx = Object.values(byKind).reduce(
      (s, k) =>
        s +
        Object.entries(k)
          .filter(([st]) => Number(st) >= 500)
          .reduce((a, [, n]) => a + n, 0),
      0,
    );
    const twoXx: Record<string, number> = {};
    for (const [kind, k] of Object.entries(byKind))
      for (const [st, n] of Object.entries(k))
        if (Number(st) < 400 && Number(st) > 0) twoXx[`${kind} → ${st}`] = n;
    const MiBf = (b: number) => round(b / 1024 / 1024, 1);
    Object.assign(figures, {
      total,
      requestsPerSecond: round(total / seconds, 0),
      statusClasses,
      fiveXx,
      non4xxButAnswered: twoXx,
      noResponse: clientErrors,
      byKind,
      examples5xx,
      securityHoles,
      alive,
      readyAfter: ready,
      rssMiB: { start: MiBf(rssStart), mid: MiBf(rssMid), end: MiBf(rssEnd) },
    });
    log(
      `s5: ${JSON.stringify(statusClasses)}; RSS ${MiBf(rssStart)} → ${MiBf(rssMid)} → ${MiBf(rssEnd)} MiB`,
    );
    checks.check('never a 5xx', fiveXx === 0, `${fiveXx} 5xx; ${examples5xx.slice(0, 3).join(' | ')}`);
    checks.check(
      'no mis-signed/unauthenticated request accepted (2xx)',
      securityHoles.length === 0,
      securityHoles.slice(0, 3).join(' | '),
    );
    checks.check(
      'only 4xx answers (besides the 2xx/3xx listed)',
      Object.keys(twoXx).length === 0,
      JSON.stringify(twoXx),
    );
    checks.check('process alive and ready', alive && ready === 200, `alive ${alive}, ready ${ready}`);
    checks.check(
      'RSS flat (second half grows < 48 MiB, whole run < 128 MiB)',
      rssEnd - rssMid < 48 * 1024 * 1024 && rssEnd - rssStart < 128 * 1024 * 1024,
      `${MiBf(rssStart)} → ${MiBf(rssMid)} → ${MiBf(rssEnd)} MiB`,
    );
    if (!checks.ok) figures.serviceLogTail = svc.output().slice(-3000);
  } finally {
    await svc?.stop().catch(() => undefined);
    await dropDatabase(db);
    await cleanRedis(REDIS_URL, prefix);
  }
  return { figures, checks };
}
