/**
 * Scenario 7 (issue 14): the chat under a determined guesser and under a burst.
 *
 * Part A: 1,000 guesses at ONE order's postcode, each from a new X-Forwarded-For address and a new session, 16 in
 * flight. The service trusts the local proxy (TRUST_PROXY=loopback), so every guess really comes from a different
 * client: only the per-order count can stop it. No answer may carry order data, the lock must engage within 5
 * evaluated guesses, and the right postcode, sent in the middle and at the end, must meet the lock.
 *
 * Part B: 400 chat verifications at once (distinct addresses, sessions and order numbers, so each one reaches the
 * full check) while signed webhooks keep arriving and /health/ready is polled: 0 × 5xx, ready stays 200, webhook
 * p99 under 1 s during the burst. Redis queues and limiter, one process, as a deployed API runs.
 */
import {
  ADMIN_API_KEY,
  Checks,
  cleanRedis,
  createDatabase,
  dropDatabase,
  log,
  pool,
  Providers,
  REDIS_URL,
  round,
  RUN,
  send,
  serviceEnv,
  Service,
  signedGeneric,
  sleep,
  sql,
  startService,
} from './common';

const LOCKED = /too many attempts/i;

interface Turn {
  status: number;
  locked: boolean;
  shipments: number;
}

async function say(svc: Service, xff: string, message: string): Promise<Turn> {
  const res = await send(svc.url, {
    path: '/v1/chat/messages',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
    body: JSON.stringify({ message, locale: 'en' }),
  });
  let body: { reply?: string; shipments?: unknown[] } = {};
  try {
    body = JSON.parse(res.text);
  } catch {
    // counted by status
  }
  return {
    status: res.status,
    locked: LOCKED.test(body.reply ?? ''),
    shipments: Array.isArray(body.shipments) ? body.shipments.length : 0,
  };
}

const ip = (n: number) => `10.${70 + Math.floor(n / 62500)}.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
};

export async function scenarioChatTrust(
  providers: Providers,
  opts: { guesses: number; burst: number },
): Promise<{ figures: Record<string, unknown>; checks: Checks }> {
  const checks = new Checks();
  const figures: Record<string, unknown> = {};
  const db = `wismo_rel_s7_${RUN.toLowerCase()}`;
  const prefix = `wismo-rel-${RUN.toLowerCase()}-s7`;
  const databaseUrl = await createDatabase(db);
  providers.reset();
  let svc: Service | undefined;
  try {
    svc = await startService(
      's7 service',
      serviceEnv(providers, databaseUrl, {
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        TRUST_PROXY: 'loopback',
        TRACKING_LINK_SECRET: 'rel-tracking-link-secret-0123456789',
      }),
    );
    const orderId = 'RLT-5000017';
    const postcode = '40213';
    const put = await send(svc.url, {
      method: 'PUT',
      path: `/v1/orders/${orderId}`,
      headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customer: {
          name: 'Pat Target',
          email: `target.${RUN.toLowerCase()}@example.com`,
          postcode,
          country: 'DE',
        },
        shipments: [{ carrier: 'UPS', trackingNumber: `1ZRL${RUN}T0000001` }],
      }),
    });
    checks.check('target order created', put.status === 201, `${put.status} ${put.text.slice(0, 200)}`);

    // ---- Part A: 1,000 guesses, a new address and session each
    const guesses = Array.from({ length: opts.guesses }, (_, i) => String(10000 + i * 37).padStart(5, '0'))
      .filter((g) => g !== postcode)
      .slice(0, opts.guesses - 2);
    const middle = Math.floor(guesses.length / 2);
    guesses.splice(middle, 0, postcode); // the right answer, in the middle of the run
    const started = Date.now();
    const turns = await pool(guesses, 16, (g, i) => say(svc!, ip(i), `order ${orderId} postcode ${g}`));
    const guessMs = Date.now() - started;
    const final = await say(svc, ip(opts.guesses + 1), `order ${orderId} postcode ${postcode}`);
    const evaluated = await sql<{ n: string }>(
      databaseUrl,
      'SELECT count(*) AS n FROM chat_verification_failures',
    );
    const firstLocked = turns.findIndex((t) => t.locked);
    const leaks = turns.concat(final).filter((t) => t.shipments > 0).length;
    const statuses = turns.reduce<Record<string, number>>(
      (h, t) => ((h[t.status] = (h[t.status] ?? 0) + 1), h),
      {},
    );
    Object.assign(figures, {
      guesses: turns.length,
      guessSeconds: round(guessMs / 1000),
      statuses,
      leaks,
      lockedAnswers: turns.filter((t) => t.locked).length,
      firstLockedAt: firstLocked + 1,
      failuresEvaluated: Number(evaluated[0].n),
      rightPostcodeInMiddle: { locked: turns[middle].locked, shipments: turns[middle].shipments },
      rightPostcodeAtEnd: { locked: final.locked, shipments: final.shipments },
    });
    log(
      `s7a: ${turns.length} guesses in ${round(guessMs / 1000)} s; leaks ${leaks}; lock at ${firstLocked + 1}`,
    );
    checks.check('no answer carries order data', leaks === 0, `${leaks} answers with shipments`);
    checks.check(
      'every guess answered 200',
      (statuses['200'] ?? 0) === turns.length,
      JSON.stringify(statuses),
    );
    checks.check(
      'the per-order lock engages within 5 evaluated guesses',
      Number(evaluated[0].n) <= 5 && firstLocked >= 0 && firstLocked < 5 + 16,
      `evaluated ${evaluated[0].n}, first locked answer at ${firstLocked + 1}`,
    );
    checks.check(
      'the right postcode meets the lock (middle and end of the run)',
      turns[middle].locked && final.locked,
      JSON.stringify({ middle: figures.rightPostcodeInMiddle, end: figures.rightPostcodeAtEnd }),
    );

    // ---- Part B: 400 verifications at once while webhooks keep arriving
    const webhookMs: { at: number; ms: number; status: number }[] = [];
    const ready: number[] = [];
    const readyMs: number[] = [];
    let streaming = true;
    const stream = (async () => {
      let k = 0;
      while (streaming) {
        const at = Date.now();
        const res = await send(
          svc!.url,
          signedGeneric({
            carrier: 'ups',
            trackingNumber: `1ZRL${RUN}W${String(k++).padStart(7, '0')}`,
            status: 'in_transit',
            occurredAt: new Date().toISOString(),
          }),
        );
        webhookMs.push({ at, ms: res.ms, status: res.status });
        await sleep(Math.max(0, 50 - (Date.now() - at))); // about 20 a second
      }
    })();
    const polling = (async () => {
      while (streaming) {
        const res = await send(svc!.url, { path: '/health/ready' }, 5000);
        ready.push(res.status);
        readyMs.push(res.ms);
        await sleep(100);
      }
    })();
    await sleep(1000);
    const burstStart = Date.now();
    const burst = await Promise.all(
      Array.from({ length: opts.burst }, (_, i) =>
        send(svc!.url, {
          path: '/v1/chat/messages',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip(10_000 + i) },
          body: JSON.stringify({ message: `order RLT-${6000000 + i} nobody${i}@example.net`, locale: 'en' }),
        }),
      ),
    );
    const burstEnd = Date.now();
    await sleep(1000);
    streaming = false;
    await Promise.all([stream, polling]);
    const during = webhookMs.filter((w) => w.at >= burstStart && w.at <= burstEnd);
    const burstStatuses = burst.reduce<Record<string, number>>(
      (h, r) => ((h[r.status] = (h[r.status] ?? 0) + 1), h),
      {},
    );
    const fiveXx = burst.filter((r) => r.status >= 500 || r.status === 0).length;
    const webhookFiveXx = webhookMs.filter((w) => w.status !== 200).length;
    Object.assign(figures, {
      burst: opts.burst,
      burstSeconds: round((burstEnd - burstStart) / 1000, 2),
      burstStatuses,
      webhooksDuringBurst: during.length,
      webhookP50Ms: percentile(
        during.map((w) => w.ms),
        50,
      ),
      webhookP99Ms: percentile(
        during.map((w) => w.ms),
        99,
      ),
      webhookMaxMs: Math.max(...during.map((w) => w.ms)),
      webhooksNot200: webhookFiveXx,
      readyPolls: ready.length,
      readyNot200: ready.filter((s) => s !== 200).length,
      readyStatuses: ready.reduce<Record<string, number>>((h, s) => ((h[s] = (h[s] ?? 0) + 1), h), {}),
      readyMaxMs: Math.max(...readyMs),
    });
    log(
      `s7b: ${opts.burst} at once in ${figures.burstSeconds} s: ${JSON.stringify(burstStatuses)}; webhooks during burst ${during.length}, p99 ${figures.webhookP99Ms} ms; ready not 200: ${figures.readyNot200}`,
    );
    checks.check('no 5xx (or dropped connection) in the burst', fiveXx === 0, JSON.stringify(burstStatuses));
    checks.check(
      'every chat answer is a reply or a clear 429',
      burst.every((r) => r.status === 200 || r.status === 429),
      JSON.stringify(burstStatuses),
    );
    checks.check('every webhook accepted', webhookFiveXx === 0, `${webhookFiveXx} not 200`);
    checks.check(
      '/health/ready stays 200',
      ready.length > 0 && ready.every((s) => s === 200),
      `${figures.readyNot200} of ${ready.length}`,
    );
    checks.check(
      'webhook p99 under 1 s during the burst',
      during.length > 0 && (figures.webhookP99Ms as number) < 1000,
      `p99 ${figures.webhookP99Ms} ms over ${during.length}`,
    );
    checks.check('service alive', svc.alive());
  } finally {
    if (!checks.ok && svc) figures.serviceLogTail = svc.output().slice(-3000);
    await svc?.stop().catch(() => undefined);
    await dropDatabase(db);
    await cleanRedis(REDIS_URL, prefix);
  }
  return { figures, checks };
}
