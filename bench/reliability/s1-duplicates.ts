/**
 * Scenario 1: every webhook delivered three times, shuffled, for N shipments (3 statuses each → 9 N requests,
 * bounded concurrency): final states right, exactly one notification per shipment and type/channel, and the
 * providers received exactly one message per sent row.
 */
import {
  Checks,
  cleanRedis,
  createDatabase,
  createOrders,
  deliver,
  dropDatabase,
  duplicateGroups,
  log,
  makeOrders,
  notificationRows,
  openNotifications,
  pool,
  prng,
  Providers,
  reconcile,
  REDIS_URL,
  round,
  RUN,
  serviceEnv,
  Service,
  shuffle,
  signedGeneric,
  sql,
  startService,
  statusCounts,
  waitFor,
} from './common';

export async function scenarioDuplicates(
  providers: Providers,
  opts: { shipments: number; concurrency: number; seed: number },
) {
  const checks = new Checks();
  const figures: Record<string, unknown> = {};
  const db = `wismo_rel_s1_${RUN.toLowerCase()}`;
  const prefix = `wismo-rel-${RUN.toLowerCase()}-s1`;
  const databaseUrl = await createDatabase(db);
  providers.reset();
  let svc: Service | undefined;
  try {
    svc = await startService(
      's1 service',
      serviceEnv(providers, databaseUrl, { REDIS_URL, QUEUE_PREFIX: prefix }),
    );
    const orders = makeOrders('D', opts.shipments);
    const created = await createOrders(svc.url, orders);
    checks.check('orders created', created.failed === 0, `${created.ok}/${orders.length}`);

    // in_transit → out_for_delivery → delivered, each webhook signed once (stable webhook-id) and sent three times.
    const base = Date.now() - 3 * 3600_000;
    const statuses = ['in_transit', 'out_for_delivery', 'delivered'] as const;
    const requests = orders.flatMap((o, i) =>
      statuses.map((status, k) =>
        signedGeneric(
          {
            carrier: 'ups',
            trackingNumber: o.trackingNumber,
            status,
            description: `reliability ${status}`,
            location: 'Brooklyn, NY',
            occurredAt: new Date(base + k * 3600_000 + i).toISOString(),
            eventId: `rel-s1-${i}-${status}`,
          },
          `msg_rel_s1_${RUN}_${i}_${k}`,
        ),
      ),
    );
    const copies = shuffle(
      requests.flatMap((r) => [r, r, r]),
      prng(opts.seed),
    );
    log(
      `s1: ${copies.length} webhook deliveries (${requests.length} distinct × 3, shuffled), concurrency ${opts.concurrency}`,
    );
    const started = Date.now();
    const statusHist: Record<string, number> = {};
    let redelivered = 0;
    const results = await pool(copies, opts.concurrency, async (r) => {
      const d = await deliver(svc!.url, r, 5, 500);
      if (d.tries > 1) redelivered++;
      for (const s of d.statuses) statusHist[s] = (statusHist[s] ?? 0) + 1;
      return d.final.status;
    });
    const ingestS = (Date.now() - started) / 1000;
    const failed = results.filter((s) => s < 200 || s >= 300).length;
    figures.webhookDeliveries = copies.length;
    figures.ingestSeconds = round(ingestS, 1);
    figures.webhooksPerSecond = round(copies.length / ingestS, 0);
    figures.httpStatuses = statusHist;
    figures.redeliveredAfterNon2xx = redelivered;
    checks.check(
      'every webhook delivery accepted (2xx, after provider-style redelivery)',
      failed === 0,
      `${copies.length - failed}/${copies.length} 2xx; statuses ${JSON.stringify(statusHist)}`,
    );

    // Quiescence: nothing open in the database and the fakes stable.
    const settleStart = Date.now();
    let lastCount = -1;
    let stableSince = Date.now();
    await waitFor(
      'notifications to settle',
      async () => {
        const open = await openNotifications(databaseUrl);
        const count = providers.sms.length + providers.email.length;
        if (count !== lastCount) {
          lastCount = count;
          stableSince = Date.now();
        }
        return open === 0 && Date.now() - stableSince > 3000;
      },
      Number(process.env.REL_SETTLE_S ?? 180) * 1000,
      500,
    );
    figures.settleSeconds = round((Date.now() - settleStart) / 1000, 1);

    const states = await sql<{ status: string; n: string }>(
      databaseUrl,
      `SELECT status, count(*) AS n FROM shipments WHERE tracking_number LIKE $1 GROUP BY 1`,
      [`1ZRL${RUN}D%`],
    );
    const stateMap = Object.fromEntries(states.map((s) => [s.status, Number(s.n)]));
    figures.finalShipmentStates = stateMap;
    checks.check(
      'every shipment ends delivered',
      stateMap.delivered === opts.shipments && states.length === 1,
      JSON.stringify(stateMap),
    );

    const events = await sql<{ n: string }>(databaseUrl, `SELECT count(*) AS n FROM tracking_events`).catch(
      () => [{ n: 'n/a' }],
    );
    figures.trackingEventsStored = Number(events[0].n);
    checks.check(
      'each distinct scan stored once',
      Number(events[0].n) === requests.length,
      `${events[0].n} rows for ${requests.length} distinct scans`,
    );

    const dupGroups = await duplicateGroups(databaseUrl);
    figures.duplicateNotificationGroups = dupGroups;
    checks.check(
      'no (shipment, type, channel) with more than one notification',
      dupGroups === 0,
      `${dupGroups} groups with count > 1`,
    );

    const rows = await notificationRows(databaseUrl);
    figures.notificationStatuses = await statusCounts(databaseUrl);
    const deliveredEmailPerShipment = new Map<string, number>();
    for (const r of rows)
      if (
        r.type === 'delivered' &&
        r.channel === 'email' &&
        (r.status === 'sent' || r.status === 'delivered')
      )
        deliveredEmailPerShipment.set(r.shipment_id, (deliveredEmailPerShipment.get(r.shipment_id) ?? 0) + 1);
    checks.check(
      'every shipment got exactly one "delivered" email',
      deliveredEmailPerShipment.size === opts.shipments &&
        [...deliveredEmailPerShipment.values()].every((n) => n === 1),
      `${deliveredEmailPerShipment.size}/${opts.shipments}`,
    );
    const rec = reconcile(rows, providers);
    figures.reconcile = rec;
    checks.check(
      'providers received exactly one message per sent notification',
      rec.duplicateSms === 0 && rec.duplicateEmail === 0 && rec.sentNotSeen === 0,
      `sms ${rec.smsAccepted} accepted / ${rec.matchedSms} matched, email ${rec.emailAccepted} / ${rec.matchedEmail}, sent-but-unseen ${rec.sentNotSeen}`,
    );
    const stillOpen = await openNotifications(databaseUrl);
    checks.check('nothing left pending/queued/sending', stillOpen === 0, `${stillOpen} open`);
    checks.check('service alive', svc.alive());
  } finally {
    if (!checks.ok && svc) figures.serviceLogTail = svc.output().slice(-4000);
    await svc?.stop().catch(() => undefined);
    await dropDatabase(db);
    await cleanRedis(REDIS_URL, prefix);
  }
  return { figures, checks };
}
