/**
 * Scenario 3: infrastructure faults in the middle of a run, on one service (ROLE=all) whose queues live on a private
 * redis-server child. Phase "pg": every backend of the bench database is terminated (twice) while webhooks flow.
 * Phase "redis": the redis-server is SIGKILLed (no persistence: every job and job scheduler is lost) and started again
 * a few seconds later. Webhooks are redelivered on non-2xx like a provider would. Nothing may be lost (the sweeper,
 * every SWEEPER_INTERVAL_SECONDS=5, re-enqueues what the queue lost) and /health/ready must come back to 200 alone.
 */
import {
  Checks,
  createDatabase,
  createOrders,
  deliver,
  dropDatabase,
  duplicateGroups,
  freePort,
  log,
  makeOrders,
  notificationRows,
  pool,
  PrivateRedis,
  Providers,
  readyStatus,
  reconcile,
  round,
  RUN,
  Service,
  serviceEnv,
  SERVER_DB_URL,
  signedGeneric,
  sleep,
  sql,
  startService,
  statusCounts,
  waitFor,
} from './common';

interface Sample {
  at: number;
  status: number;
}

function webhooksFor(orders: ReturnType<typeof makeOrders>, tag: string) {
  return orders.map((o, i) =>
    signedGeneric({
      carrier: 'ups',
      trackingNumber: o.trackingNumber,
      status: 'out_for_delivery',
      description: 'Out for delivery',
      location: 'Brooklyn, NY',
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      eventId: `rel-s3-${tag}-${i}`,
    }),
  );
}

/** Seconds from `faultEnd` until /health/ready answered 200 and kept answering 200; and the non-200 samples seen. */
function recovery(samples: Sample[], faultStart: number, faultEnd: number) {
  const after = samples.filter((s) => s.at >= faultStart);
  let backAt: number | null = null;
  for (const s of after) {
    if (s.status === 200) backAt ??= s.at;
    else backAt = null;
  }
  const non200 = after.filter((s) => s.status !== 200);
  const hist = non200.reduce<Record<string, number>>(
    (h, s) => ((h[s.status] = (h[s.status] ?? 0) + 1), h),
    {},
  );
  return {
    recoveryS: backAt === null ? null : round(Math.max(0, backAt - faultEnd) / 1000, 2),
    non200Samples: non200.length,
    non200Statuses: hist,
    non200SpanS: non200.length ? round((non200[non200.length - 1].at - non200[0].at) / 1000, 2) : 0,
  };
}

async function sentFor(
  databaseUrl: string,
  trackingPrefix: string,
): Promise<{ sent: number; byStatus: Record<string, number> }> {
  const rows = await sql<{ status: string; n: string }>(
    databaseUrl,
    `SELECT n.status, count(*) AS n FROM notifications n JOIN shipments s ON s.id = n.shipment_id
      WHERE s.tracking_number LIKE $1 GROUP BY 1`,
    [`${trackingPrefix}%`],
  );
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  return { sent: (byStatus.sent ?? 0) + (byStatus.delivered ?? 0), byStatus };
}

export async function scenarioInfra(
  providers: Providers,
  opts: { ordersPerPhase: number; pgWaitS: number; redisWaitS: number },
) {
  const checks = new Checks();
  const figures: Record<string, unknown> = {};
  const db = `wismo_rel_s3_${RUN.toLowerCase()}`;
  const databaseUrl = await createDatabase(db);
  providers.reset();
  const redis = new PrivateRedis(await freePort());
  await redis.start();
  let svc: Service | undefined;
  const samples: Sample[] = [];
  let polling = true;
  try {
    const env = serviceEnv(providers, databaseUrl, { REDIS_URL: redis.url, QUEUE_PREFIX: `wismo-rel-s3` });
    svc = await startService('s3 service', env);
    const poller = (async () => {
      while (polling) {
        samples.push({ at: Date.now(), status: await readyStatus(svc!) });
        await sleep(250);
      }
    })();

    // ---- Phase 1: PostgreSQL connections dropped
    {
      const tag = 'P';
      const orders = makeOrders(tag, opts.ordersPerPhase, 0);
      const created = await createOrders(svc.url, orders);
      checks.check('pg: orders created', created.failed === 0, `${created.ok}/${orders.length}`);
      const expected = orders.length * 2;
      let ok = 0;
      let retried = 0;
      const statusHist: Record<string, number> = {};
      const faultStart = Date.now();
      const load = pool(webhooksFor(orders, tag), 8, async (r) => {
        const d = await deliver(svc!.url, r, 30, 1000);
        for (const s of d.statuses) statusHist[s] = (statusHist[s] ?? 0) + 1;
        if (d.tries > 1) retried++;
        if (d.final.status >= 200 && d.final.status < 300) ok++;
      });
      await waitFor('a third of the webhooks', () => ok >= orders.length / 3, 60_000, 20);
      let terminated = 0;
      for (let k = 0; k < 2; k++) {
        const rows = await sql<{ t: boolean }>(
          SERVER_DB_URL,
          `SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [db],
        );
        terminated += rows.filter((r) => r.t).length;
        log(`s3 pg: terminated ${rows.length} backends of ${db}`);
        if (k === 0) await sleep(1500);
      }
      const faultEnd = Date.now();
      await load;
      const done = await waitFor(
        'pg phase: every notification sent',
        async () => (await sentFor(databaseUrl, `1ZRL${RUN}${tag}`)).sent >= expected,
        opts.pgWaitS * 1000,
        500,
      );
      const final = await sentFor(databaseUrl, `1ZRL${RUN}${tag}`);
      await sleep(1000);
      const rec = recovery(samples, faultStart, faultEnd);
      figures.pg = {
        expected,
        sent: final.sent,
        statuses: final.byStatus,
        backendsTerminated: terminated,
        webhookStatuses: statusHist,
        webhooksRedelivered: retried,
        webhooksAccepted: ok,
        allSentWithinS: done ? round((Date.now() - faultEnd) / 1000, 1) : null,
        ...rec,
      };
      checks.check(
        'pg: every webhook accepted in the end',
        ok === orders.length,
        `${ok}/${orders.length}; ${retried} needed redelivery; statuses ${JSON.stringify(statusHist)}`,
      );
      checks.check(
        'pg: nothing lost (every notification sent)',
        final.sent === expected,
        `${final.sent}/${expected} within ${opts.pgWaitS} s ${JSON.stringify(final.byStatus)}`,
      );
      checks.check(
        'pg: /health/ready back to 200 by itself',
        rec.recoveryS !== null,
        `after ${rec.recoveryS} s; non-200 samples ${rec.non200Samples} ${JSON.stringify(rec.non200Statuses)}`,
      );
    }

    // ---- Phase 2: Redis killed (data lost) and started again
    {
      const tag = 'Q';
      const orders = makeOrders(tag, opts.ordersPerPhase, 5000);
      const created = await createOrders(svc.url, orders);
      checks.check('redis: orders created', created.failed === 0, `${created.ok}/${orders.length}`);
      const expected = orders.length * 2;
      let ok = 0;
      let retried = 0;
      const statusHist: Record<string, number> = {};
      const slow: number[] = [];
      const faultStart = Date.now();
      const load = pool(webhooksFor(orders, tag), 8, async (r) => {
        const d = await deliver(svc!.url, r, 30, 1000);
        for (const s of d.statuses) statusHist[s] = (statusHist[s] ?? 0) + 1;
        if (d.tries > 1) retried++;
        if (d.final.ms > 2000) slow.push(d.final.ms);
        if (d.final.status >= 200 && d.final.status < 300) ok++;
      });
      await waitFor('a third of the webhooks', () => ok >= orders.length / 3, 60_000, 20);
      const killedAt = Date.now();
      await redis.kill('SIGKILL');
      log('s3 redis: redis-server SIGKILLed (no persistence)');
      await sleep(4000);
      await redis.start();
      const faultEnd = Date.now();
      log(`s3 redis: redis-server started again after ${round((faultEnd - killedAt) / 1000, 1)} s`);
      await load;
      const done = await waitFor(
        'redis phase: every notification sent',
        async () => (await sentFor(databaseUrl, `1ZRL${RUN}${tag}`)).sent >= expected,
        opts.redisWaitS * 1000,
        500,
      );
      const final = await sentFor(databaseUrl, `1ZRL${RUN}${tag}`);
      const rec = recovery(samples, faultStart, faultEnd);
      const redisFigures: Record<string, unknown> = {
        expected,
        sent: final.sent,
        statuses: final.byStatus,
        outageS: round((faultEnd - killedAt) / 1000, 1),
        webhookStatuses: statusHist,
        webhooksRedelivered: retried,
        webhooksAccepted: ok,
        webhooksSlowerThan2s: slow.length,
        slowestWebhookMs: slow.length ? Math.max(...slow) : 0,
        allSentWithinS: done ? round((Date.now() - faultEnd) / 1000, 1) : null,
        ...rec,
      };
      figures.redis = redisFigures;
      checks.check(
        'redis: every webhook accepted in the end',
        ok === orders.length,
        `${ok}/${orders.length}; ${retried} needed redelivery; statuses ${JSON.stringify(statusHist)}`,
      );
      checks.check(
        'redis: nothing lost (every notification sent, no restart of the service)',
        final.sent === expected,
        `${final.sent}/${expected} within ${opts.redisWaitS} s ${JSON.stringify(final.byStatus)}`,
      );
      checks.check(
        'redis: /health/ready back to 200 by itself',
        rec.recoveryS !== null,
        `after ${rec.recoveryS} s; non-200 samples ${rec.non200Samples} ${JSON.stringify(rec.non200Statuses)}`,
      );
      if (!done) {
        // Diagnosis only: does a restart of the service (which re-creates the job schedulers) finish the work?
        log('s3 redis: not complete; restarting the service to see whether a restart recovers the rest');
        polling = false;
        await poller;
        await svc.stop();
        svc = await startService('s3 service (restarted)', env);
        const restarted = Date.now();
        const after = await waitFor(
          'after service restart: every notification sent',
          async () => (await sentFor(databaseUrl, `1ZRL${RUN}${tag}`)).sent >= expected,
          60_000,
          500,
        );
        const f2 = await sentFor(databaseUrl, `1ZRL${RUN}${tag}`);
        redisFigures.afterServiceRestart = {
          sent: f2.sent,
          statuses: f2.byStatus,
          withinS: after ? round((Date.now() - restarted) / 1000, 1) : null,
        };
        log(`s3 redis: after a service restart ${f2.sent}/${expected} sent ${JSON.stringify(f2.byStatus)}`);
      }
    }

    polling = false;
    await poller;
    const rows = await notificationRows(databaseUrl);
    const rec = reconcile(rows, providers);
    figures.reconcile = rec;
    figures.notificationStatuses = await statusCounts(databaseUrl);
    // At-least-once: a message whose send went out but whose outcome could not be recorded (connection dropped)
    // is claimed again after the lease. Re-sends are bounded by the rows claimed more than once.
    const reclaimed = rows.filter((r) => r.attempt_count > 1).length;
    figures.reclaimedRows = reclaimed;
    figures.duplicateSends = rec.duplicateSms + rec.duplicateEmail;
    checks.check(
      'duplicate sends only for rows re-claimed after a fault',
      rec.duplicateSms + rec.duplicateEmail <= reclaimed,
      `re-sent sms ${rec.duplicateSms}, email ${rec.duplicateEmail}; rows claimed more than once ${reclaimed}`,
    );
    checks.check('no duplicate notification rows', (await duplicateGroups(databaseUrl)) === 0);
    checks.check('service alive', svc.alive());
  } finally {
    if (!checks.ok && svc) figures.serviceLogTail = svc.output().slice(-4000);
    polling = false;
    await svc?.stop().catch(() => undefined);
    await redis.kill('SIGTERM').catch(() => undefined);
    await dropDatabase(db);
  }
  return { figures, checks };
}
