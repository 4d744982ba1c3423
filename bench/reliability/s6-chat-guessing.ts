/**
 * Scenario 6: guessed order numbers with wrong emails in the chat (POST /v1/chat/messages). The client IP comes from
 * X-Forwarded-For, trusted from the local proxy only (TRUST_PROXY=loopback). Guesses never name the two control orders:
 * failures are also counted per order, so a guessed order locks too (scenario 7 measures that). Part A: one IP per session, 10 guesses per session (session lock-out). Part B: a few
 * IPs, a fresh session per guess (client lock-out), two IPs guessing sequentially and two with 8 guesses in flight.
 * No tracking data may ever come back; the lock-out must engage. The per-IP rate limit is raised out of the way
 * (CHAT_RATE_LIMIT_PER_MINUTE=100000) so the lock-out is what is measured.
 */
import { createHmac } from 'node:crypto';
import {
  Checks,
  cleanRedis,
  createDatabase,
  createOrders,
  dropDatabase,
  log,
  OrderSpec,
  pool,
  prng,
  Providers,
  REDIS_URL,
  RUN,
  send,
  Service,
  sql,
  UNSUBSCRIBE_SECRET,
  serviceEnv,
  startService,
} from './common';

interface Turn {
  status: number;
  locked: boolean;
  shipments: number;
  sessionId?: string;
}

const LOCKED = /too many attempts/i;

async function say(svc: Service, ip: string, message: string, sessionId?: string): Promise<Turn> {
  const res = await send(svc.url, {
    path: '/v1/chat/messages',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ message, locale: 'en', ...(sessionId ? { sessionId } : {}) }),
  });
  let body: { reply?: string; shipments?: unknown[]; sessionId?: string } = {};
  try {
    body = JSON.parse(res.text);
  } catch {
    // counted by status
  }
  return {
    status: res.status,
    locked: LOCKED.test(body.reply ?? ''),
    shipments: Array.isArray(body.shipments) ? body.shipments.length : 0,
    sessionId: body.sessionId,
  };
}

export async function scenarioChatGuessing(providers: Providers, opts: { attempts: number; seed: number }) {
  const checks = new Checks();
  const figures: Record<string, unknown> = {};
  const db = `wismo_rel_s6_${RUN.toLowerCase()}`;
  const prefix = `wismo-rel-${RUN.toLowerCase()}-s6`;
  const databaseUrl = await createDatabase(db);
  providers.reset();
  let svc: Service | undefined;
  try {
    svc = await startService(
      's6 service',
      serviceEnv(providers, databaseUrl, {
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        TRUST_PROXY: 'loopback',
        TRACKING_LINK_SECRET: 'rel-tracking-link-secret-0123456789',
      }),
    );
    const real: OrderSpec[] = Array.from({ length: 20 }, (_, i) => ({
      externalId: `RLC-${500000 + i}`,
      email: `owner.${i}.${RUN.toLowerCase()}@example.com`,
      phone: `+1202555${String(7000 + i).padStart(4, '0')}`,
      trackingNumber: `1ZRL${RUN}C${String(i).padStart(6, '0')}`,
    }));
    await createOrders(svc.url, real);
    const rand = prng(opts.seed);
    const guess = (k: number) => {
      const order =
        rand() < 0.5
          ? real[2 + Math.floor(rand() * (real.length - 2))].externalId
          : `RLC-${900000 + Math.floor(rand() * 99999)}`;
      return `Where is my order ${order}? My email is guess.${k}.${Math.floor(rand() * 1e6)}@example.net`;
    };
    const turns: Turn[] = [];
    let k = 0;

    // Part A: sessions, one IP each, 10 guesses in a row.
    const perSession = 10;
    const sessions = Math.max(1, Math.floor((opts.attempts * 0.4) / perSession));
    const sessionLockAt: (number | null)[] = await pool(
      Array.from({ length: sessions }, (_, i) => i),
      8,
      async (i) => {
        const ip = `10.61.${Math.floor(i / 250)}.${(i % 250) + 1}`;
        let sessionId: string | undefined;
        let lockedAt: number | null = null;
        for (let a = 1; a <= perSession; a++) {
          const t = await say(svc!, ip, guess(k++), sessionId);
          turns.push(t);
          sessionId ??= t.sessionId;
          if (t.locked && lockedAt === null) lockedAt = a;
        }
        return lockedAt;
      },
    );

    // Part B: a fresh session per guess from a few IPs; two IPs sequential, two with 8 guesses in flight.
    const remaining = opts.attempts - sessions * perSession;
    const ips = ['10.62.0.1', '10.62.0.2', '10.62.0.3', '10.62.0.4'];
    const perIp = Math.floor(remaining / ips.length);
    const ipLockAt: Record<
      string,
      { lockedAt: number | null; unlockedFailures: number; concurrency: number }
    > = {};
    await Promise.all(
      ips.map(async (ip, n) => {
        const concurrency = n < 2 ? 1 : 8;
        const results = await pool(
          Array.from({ length: perIp }, (_, a) => a),
          concurrency,
          async () => {
            const t = await say(svc!, ip, guess(k++));
            turns.push(t);
            return t;
          },
        );
        const first = results.findIndex((t) => t.locked);
        ipLockAt[ip] = {
          lockedAt: first < 0 ? null : first + 1,
          unlockedFailures: results.filter((t) => !t.locked && t.status === 200).length,
          concurrency,
        };
      }),
    );

    // Controls: a locked client with the right details stays locked; a fresh client with them sees its order.
    const lockedControl = await say(
      svc,
      ips[0],
      `Where is my order ${real[0].externalId}? My email is ${real[0].email}`,
    );
    const freshControl = await say(
      svc,
      '10.63.0.1',
      `Where is my order ${real[1].externalId}? My email is ${real[1].email}`,
    );

    // What really counts: verification checks evaluated (failures recorded) per client and per session.
    const hash = (ip: string) => createHmac('sha256', UNSUBSCRIBE_SECRET).update(ip).digest('hex');
    const perClient = await sql<{ client_hash: string; n: string }>(
      databaseUrl,
      `SELECT client_hash, count(*) AS n FROM chat_verification_failures GROUP BY 1`,
    );
    const byHash = new Map(perClient.map((r) => [r.client_hash.trim(), Number(r.n)]));
    const failuresRecordedPerIp = Object.fromEntries(
      ips.map((ip) => [`${ip} (c=${ipLockAt[ip].concurrency})`, byHash.get(hash(ip)) ?? 0]),
    );
    const sessionFailures = await sql<{ n: string; sessions: string }>(
      databaseUrl,
      `SELECT n, count(*) AS sessions FROM (SELECT session_id, count(*) AS n FROM chat_verification_failures GROUP BY 1) s GROUP BY 1 ORDER BY 1`,
    );
    figures.failuresRecordedPerIp = failuresRecordedPerIp;
    figures.failuresRecordedPerSession = Object.fromEntries(
      sessionFailures.map((r) => [r.n, Number(r.sessions)]),
    );
    const leaks = turns.filter((t) => t.shipments > 0).length;
    const statuses = turns.reduce<Record<string, number>>(
      (h, t) => ((h[t.status] = (h[t.status] ?? 0) + 1), h),
      {},
    );
    const hist = (xs: (number | null)[]) =>
      xs.reduce<Record<string, number>>((h, x) => ((h[String(x)] = (h[String(x)] ?? 0) + 1), h), {});
    Object.assign(figures, {
      total: turns.length,
      statuses,
      leaks,
      lockedAnswers: turns.filter((t) => t.locked).length,
      sessions,
      sessionLockAfter: hist(sessionLockAt),
      ipLockAfter: Object.fromEntries(
        Object.entries(ipLockAt).map(([ip, v]) => [`${ip} (c=${v.concurrency})`, v.lockedAt]),
      ),
      ipUnlockedAnswers: Object.fromEntries(
        Object.entries(ipLockAt).map(([ip, v]) => [`${ip} (c=${v.concurrency})`, v.unlockedFailures]),
      ),
      lockedClientWithRightDetails: { locked: lockedControl.locked, shipments: lockedControl.shipments },
      freshClientWithRightDetails: { status: freshControl.status, shipments: freshControl.shipments },
    });
    log(
      `s6: ${turns.length} guesses; leaks ${leaks}; session lock at ${JSON.stringify(figures.sessionLockAfter)}; IP lock at ${JSON.stringify(figures.ipLockAfter)}`,
    );
    checks.check(
      'no tracking data returned to a guess (shipments always empty)',
      leaks === 0,
      `${leaks} answers with shipments`,
    );
    checks.check(
      'every guess answered 200',
      (statuses['200'] ?? 0) === turns.length,
      JSON.stringify(statuses),
    );
    checks.check(
      'session lock-out engages within 5 failed attempts',
      sessionLockAt.every((x) => x !== null && x <= 5),
      JSON.stringify(figures.sessionLockAfter),
    );
    const seq = Object.values(ipLockAt).filter((v) => v.concurrency === 1);
    checks.check(
      'client (IP) lock-out engages within 5 failed attempts (sequential)',
      seq.every((v) => v.lockedAt !== null && v.lockedAt <= 5),
      JSON.stringify(figures.ipLockAfter),
    );
    const conc = Object.values(ipLockAt).filter((v) => v.concurrency > 1);
    checks.check(
      'client (IP) lock-out engages under concurrent guessing',
      conc.every((v) => v.lockedAt !== null),
      `failures evaluated per IP ${JSON.stringify(failuresRecordedPerIp)}`,
    );
    const seqIps = ips.filter((ip) => ipLockAt[ip].concurrency === 1);
    checks.check(
      'sequential guessing: at most 5 verification checks evaluated per IP',
      seqIps.every((ip) => (byHash.get(hash(ip)) ?? 0) <= 5),
      JSON.stringify(failuresRecordedPerIp),
    );
    checks.check(
      'a locked client is refused even with the right details',
      lockedControl.locked && lockedControl.shipments === 0,
      JSON.stringify(figures.lockedClientWithRightDetails),
    );
    checks.check(
      'positive control: a fresh client with the right details sees its order',
      freshControl.status === 200 && freshControl.shipments > 0,
      JSON.stringify(figures.freshClientWithRightDetails),
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
