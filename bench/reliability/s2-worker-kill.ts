/**
 * Scenario 2: an API process and a worker process (Redis queues); the worker is SIGKILLed in the middle of M
 * messages (M/2 orders × SMS + email) and started again. Every message must reach the fakes; re-sends of messages
 * in flight at the kill are counted (they may be re-sent once the claim lease expires).
 */
import {
  Checks,
  cleanRedis,
  createDatabase,
  createOrders,
  deliver,
  dropDatabase,
  duplicateGroups,
  LEASE_CONFIGURABLE,
  log,
  makeOrders,
  notificationRows,
  openNotifications,
  pool,
  Providers,
  readyStatus,
  reconcile,
  REDIS_URL,
  round,
  RUN,
  Service,
  serviceEnv,
  signedGeneric,
  sleep,
  sql,
  startService,
  statusCounts,
  waitFor,
} from './common';

export async function scenarioWorkerKill(providers: Providers, opts: { messages: number; waitS: number }) {
  const checks = new Checks();
  const figures: Record<string, unknown> = {};
  const db = `wismo_rel_s2_${RUN.toLowerCase()}`;
  const prefix = `wismo-rel-${RUN.toLowerCase()}-s2`;
  const databaseUrl = await createDatabase(db);
  providers.reset();
  const services: Service[] = [];
  try {
    const env = serviceEnv(providers, databaseUrl, { REDIS_URL, QUEUE_PREFIX: prefix });
    const api = await startService('s2 api', { ...env, ROLE: 'api' });
    services.push(api);
    let worker = await startService('s2 worker', { ...env, ROLE: 'worker' });
    services.push(worker);
    const orderCount = Math.ceil(opts.messages / 2);
    const expected = orderCount * 2;
    const orders = makeOrders('K', orderCount);
    const created = await createOrders(api.url, orders, 16);
    checks.check('orders created', created.failed === 0, `${created.ok}/${orders.length}`);
    figures.expected = expected;
    figures.lease = LEASE_CONFIGURABLE
      ? 'NOTIFY_SENDING_LEASE_SECONDS=10'
      : 'fixed 120 s (NOTIFY_SENDING_LEASE_SECONDS not in build)';

    const requests = orders.map((o, i) =>
      signedGeneric({
        carrier: 'ups',
        trackingNumber: o.trackingNumber,
        status: 'out_for_delivery',
        description: 'Out for delivery',
        location: 'Brooklyn, NY',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        eventId: `rel-s2-${i}`,
      }),
    );
    const t0 = Date.now();
    let non2xx = 0;
    const ingest = pool(requests, 16, async (r) => {
      const d = await deliver(api.url, r, 5, 500);
      if (d.final.status < 200 || d.final.status >= 300) non2xx++;
    });
    const accepted = () => providers.sms.filter((r) => r.sid).length + providers.email.length;
    const killAt = Math.floor(expected * 0.4);
    await waitFor(`${killAt} messages at the fakes`, () => accepted() >= killAt, 120_000, 20);
    await worker.kill('SIGKILL');
    const killedAt = Date.now();
    figures.acceptedAtKill = accepted();
    const sendingAtKill = await sql<{ n: string }>(
      databaseUrl,
      `SELECT count(*) AS n FROM notifications WHERE status = 'sending'`,
    );
    figures.sendingAtKill = Number(sendingAtKill[0].n);
    figures.statusesAtKill = await statusCounts(databaseUrl);
    log(
      `s2: worker SIGKILLed at ${figures.acceptedAtKill}/${expected} accepted (${figures.sendingAtKill} rows in 'sending') ${round((killedAt - t0) / 1000, 1)} s into the run`,
    );
    await sleep(2000);
    worker = await startService('s2 worker (restarted)', { ...env, ROLE: 'worker' });
    services.push(worker);
    figures.workerRestartS = round((Date.now() - killedAt) / 1000, 1);
    await ingest;
    figures.webhookNon2xx = non2xx;
    checks.check('every webhook accepted', non2xx === 0, `${non2xx} non-2xx after redelivery`);

    let sendingClearedAt = 0;
    const done = await waitFor(
      'every notification sent',
      async () => {
        const rows = await sql<{ status: string; n: string }>(
          databaseUrl,
          `SELECT status, count(*) AS n FROM notifications GROUP BY 1`,
        );
        const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
        if (!sendingClearedAt && !by.sending && Date.now() - killedAt > 3000) sendingClearedAt = Date.now();
        return (
          (by.sent ?? 0) + (by.delivered ?? 0) >= expected && (await openNotifications(databaseUrl)) === 0
        );
      },
      opts.waitS * 1000,
      500,
    );
    figures.allSentAfterKillS = done
      ? round((Date.now() - killedAt) / 1000, 1)
      : `not within ${opts.waitS} s`;
    figures.totalRunS = round((Date.now() - t0) / 1000, 1);
    await sleep(1500); // a late duplicate would show up here
    const rows = await notificationRows(databaseUrl);
    figures.notificationStatuses = await statusCounts(databaseUrl);
    const sentRows = rows.filter((r) => r.status === 'sent' || r.status === 'delivered').length;
    figures.sentRows = sentRows;
    const rec = reconcile(rows, providers);
    figures.reconcile = rec;
    figures.attemptCountHistogram = rows.reduce<Record<number, number>>(
      (h, r) => ((h[r.attempt_count] = (h[r.attempt_count] ?? 0) + 1), h),
      {},
    );
    checks.check(
      'every message sent (DB)',
      sentRows === expected,
      `${sentRows}/${expected}; ${JSON.stringify(figures.notificationStatuses)}`,
    );
    checks.check(
      'every sent message seen at the fakes (by provider id)',
      rec.matchedSms + rec.matchedEmail === expected && rec.sentNotSeen === 0,
      `sms ${rec.matchedSms} + email ${rec.matchedEmail} matched of ${expected}, sent-but-unseen ${rec.sentNotSeen}`,
    );
    const uniqueSms = new Set(providers.sms.filter((r) => r.sid).map((r) => r.to)).size;
    const uniqueEmail = new Set(providers.email.flatMap((r) => r.to)).size;
    figures.uniqueRecipients = { sms: uniqueSms, email: uniqueEmail };
    checks.check(
      'every recipient reached on both channels',
      uniqueSms === orderCount && uniqueEmail === orderCount,
      `sms ${uniqueSms}, email ${uniqueEmail} of ${orderCount}`,
    );
    // Re-sends are allowed only for messages in flight at the kill.
    const dups = rec.duplicateSms + rec.duplicateEmail;
    figures.duplicates = dups;
    checks.check(
      'duplicates bounded by the messages in flight at the kill',
      dups <= Number(figures.sendingAtKill),
      `${dups} re-sent (sms ${rec.duplicateSms}, email ${rec.duplicateEmail}); ${figures.sendingAtKill} were 'sending' at the kill`,
    );
    checks.check('no duplicate notification rows', (await duplicateGroups(databaseUrl)) === 0);
    checks.check(
      'api and worker alive and ready',
      api.alive() &&
        worker.alive() &&
        (await readyStatus(api)) === 200 &&
        (await readyStatus(worker)) === 200,
    );
  } finally {
    if (!checks.ok)
      figures.serviceLogTail = services.map((s) => `--- ${s.name}\n${s.output().slice(-2500)}`).join('\n');
    for (const s of services) await s.stop().catch(() => undefined);
    await dropDatabase(db);
    await cleanRedis(REDIS_URL, prefix);
  }
  return { figures, checks };
}
