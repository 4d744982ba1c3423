/**
 * Scenario 4: provider faults. The Twilio fake answers 30% HTTP 500 and bursts of 429 for the first 40 s, and 21211
 * (invalid number, permanent) for some numbers all the time; the SMTP catcher answers 451 to every recipient for
 * a minute and is then down for 30 s (REL_S4_SMTP_451_S, REL_S4_SMTP_DOWN_S). Production backoff is 1, 2, 4… minutes, so the run
 * promotes delayed retry jobs every quarter of the outage (time compression: each retry still goes through BullMQ's attempts and the
 * service's own error classification). Everything must be delivered in the end; permanent errors exactly once.
 */
import { Queue, setDefaultBackendFactory } from 'bullmq';
import type { FakeTwilioAnswer } from '../../test/support/fake-twilio';
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
  Service,
  serviceEnv,
  signedGeneric,
  sleep,
  startService,
  statusCounts,
  waitFor,
} from './common';

const TWILIO_FAULT_MS = 40_000;
const SMTP_451_MS = Number(process.env.REL_S4_SMTP_451_S ?? 60) * 1000; // the issue: 451 for a minute
const SMTP_DOWN_MS = Number(process.env.REL_S4_SMTP_DOWN_S ?? 30) * 1000; // then down for 30 s
// Time compression must keep the retry schedule longer than the outage, as production's is (8 attempts over about
// 2 hours against a 90 s outage): with 8 attempts, each promotion interval covers a quarter of the outage.
const PROMOTE_EVERY_MS = Math.max(8_000, Math.ceil((SMTP_451_MS + SMTP_DOWN_MS) / 4));

export async function scenarioProviderFaults(providers: Providers, opts: { orders: number; seed: number }) {
  const checks = new Checks();
  const figures: Record<string, unknown> = {};
  const db = `wismo_rel_s4_${RUN.toLowerCase()}`;
  const prefix = `wismo-rel-${RUN.toLowerCase()}-s4`;
  const databaseUrl = await createDatabase(db);
  providers.reset();
  let svc: Service | undefined;
  const url = new URL(REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  setDefaultBackendFactory(); // BullMQ 6: the Redis backend for the bench's own Queue handles
  const queues = ['sms', 'email'].map((name) => new Queue(name, { connection, prefix }));
  let promoting = true;
  try {
    svc = await startService(
      's4 service',
      serviceEnv(providers, databaseUrl, { REDIS_URL, QUEUE_PREFIX: prefix }),
    );
    const orders = makeOrders('F', opts.orders);
    const created = await createOrders(svc.url, orders);
    checks.check('orders created', created.failed === 0, `${created.ok}/${orders.length}`);
    const permanent = new Set(orders.filter((_, i) => i % 20 === 7).map((o) => o.phone));
    figures.permanentNumbers = permanent.size;

    // --- Faults
    const rand = prng(opts.seed);
    const answers: Record<string, number> = {};
    let t0 = Date.now();
    let burstLeft = 0;
    let nextBurst = 2_000;
    providers.twilioPolicy = (to: string): FakeTwilioAnswer | undefined => {
      const tally = (k: string, a: FakeTwilioAnswer | undefined) => ((answers[k] = (answers[k] ?? 0) + 1), a);
      if (permanent.has(to))
        return tally('21211', {
          kind: 'error',
          code: 21211,
          status: 400,
          message: "The 'To' number is not a valid phone number.",
        });
      const elapsed = Date.now() - t0;
      if (elapsed < TWILIO_FAULT_MS) {
        if (elapsed >= nextBurst) {
          burstLeft = 25;
          nextBurst += 10_000;
        }
        if (burstLeft > 0) {
          burstLeft--;
          return tally('429', { kind: 'error', code: 20429, status: 429, message: 'Too Many Requests' });
        }
        if (rand() < 0.3) return tally('500', { kind: 'http', status: 500, body: 'Internal Server Error' });
      }
      return tally('success', undefined);
    };
    const smtp = providers.smtp as unknown as { refusals: Map<string, unknown> };
    let smtpRefused = 0;
    const originalGet = smtp.refusals.get.bind(smtp.refusals);
    smtp.refusals.get = (k: string) => {
      const r = originalGet(k);
      if (r) smtpRefused++;
      return r;
    };
    for (const o of orders) providers.smtp.refuse(o.email, 451);

    const requests = orders.map((o, i) =>
      signedGeneric({
        carrier: 'ups',
        trackingNumber: o.trackingNumber,
        status: 'out_for_delivery',
        description: 'Out for delivery',
        location: 'Brooklyn, NY',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        eventId: `rel-s4-${i}`,
      }),
    );
    t0 = Date.now();
    const faultTimeline = (async () => {
      await sleep(SMTP_451_MS);
      for (const o of orders) providers.smtp.accept(o.email);
      await providers.smtp.stop();
      log('s4: SMTP 451 phase over; SMTP down');
      await sleep(SMTP_DOWN_MS);
      await providers.smtp.start();
      log('s4: SMTP up again');
    })();
    let promoted = 0;
    const promoteErrors = new Set<string>();
    const promoter = (async () => {
      while (promoting) {
        await sleep(PROMOTE_EVERY_MS);
        for (const q of queues) {
          const delayed = await q.getDelayed(0, 5000).catch((err: Error) => {
            promoteErrors.add(err.message);
            return [];
          });
          for (const job of delayed) {
            await job
              .promote()
              .then(() => promoted++)
              .catch((err: Error) => promoteErrors.add(err.message));
          }
        }
      }
    })();
    let non2xx = 0;
    await pool(requests, 16, async (r) => {
      const d = await deliver(svc!.url, r, 5, 500);
      if (d.final.status < 200 || d.final.status >= 300) non2xx++;
    });
    checks.check('every webhook accepted', non2xx === 0, `${non2xx} non-2xx`);
    await faultTimeline;
    const done = await waitFor(
      'every notification settled',
      async () => (await openNotifications(databaseUrl)) === 0,
      150_000,
      1000,
    );
    figures.settledAfterS = done ? round((Date.now() - t0) / 1000, 1) : null;
    promoting = false;
    await promoter;
    await sleep(1000);

    const rows = await notificationRows(databaseUrl);
    figures.notificationStatuses = await statusCounts(databaseUrl);
    figures.promotedRetries = promoted;
    figures.promoteErrors = [...promoteErrors].slice(0, 5);
    figures.twilioAnswers = answers;
    figures.twilioRequests = providers.sms.length;
    figures.smtpRefusedAttempts = smtpRefused;
    const originals = rows.filter((r) => !r.fallback_of && !r.resend_of);
    const permanentRows = originals.filter((r) => r.channel === 'sms' && permanent.has(r.recipient ?? ''));
    const deliverable = originals.filter((r) => !(r.channel === 'sms' && permanent.has(r.recipient ?? '')));
    const sent = deliverable.filter((r) => r.status === 'sent' || r.status === 'delivered');
    figures.expectedSent = deliverable.length;
    figures.sentRows = sent.length;
    figures.maxAttempts = Math.max(0, ...rows.map((r) => r.attempt_count));
    figures.attemptCountHistogram = rows.reduce<Record<number, number>>(
      (h, r) => ((h[r.attempt_count] = (h[r.attempt_count] ?? 0) + 1), h),
      {},
    );
    const fallbacks = rows.filter((r) => r.fallback_of);
    figures.fallbackRows = fallbacks.reduce<Record<string, number>>(
      (h, r) => (
        (h[`${r.type}/${r.channel}/${r.status}`] = (h[`${r.type}/${r.channel}/${r.status}`] ?? 0) + 1),
        h
      ),
      {},
    );
    checks.check(
      'everything deliverable delivered in the end',
      sent.length === deliverable.length && deliverable.length === orders.length * 2 - permanent.size,
      `${sent.length}/${deliverable.length} (expected ${orders.length * 2 - permanent.size}); ${JSON.stringify(figures.notificationStatuses)}`,
    );
    const perNumber = new Map<string, number>();
    for (const r of providers.sms)
      if (permanent.has(r.to)) perNumber.set(r.to, (perNumber.get(r.to) ?? 0) + 1);
    figures.permanentMaxRequests = Math.max(0, ...perNumber.values());
    checks.check(
      'permanent errors (21211) not retried: exactly one request per number',
      perNumber.size === permanent.size && [...perNumber.values()].every((n) => n === 1),
      `${perNumber.size}/${permanent.size} numbers seen, requests per number ${JSON.stringify([...new Set(perNumber.values())])}`,
    );
    checks.check(
      '21211 notifications failed with their code after one attempt',
      permanentRows.length === permanent.size &&
        permanentRows.every(
          (r) => r.status === 'failed' && r.error_code === '21211' && r.attempt_count === 1,
        ),
      JSON.stringify(
        permanentRows
          .slice(0, 3)
          .map((r) => ({ status: r.status, code: r.error_code, attempts: r.attempt_count })),
      ),
    );
    const rec = reconcile(rows, providers);
    figures.reconcile = rec;
    checks.check(
      'no duplicate sends at the fakes',
      rec.duplicateSms === 0 && rec.duplicateEmail === 0 && rec.sentNotSeen === 0,
      `sms ${rec.duplicateSms}, email ${rec.duplicateEmail}, sent-but-unseen ${rec.sentNotSeen}`,
    );
    checks.check(
      'transient faults were really exercised',
      (answers['500'] ?? 0) > 0 && (answers['429'] ?? 0) > 0 && smtpRefused > 0,
      `500×${answers['500'] ?? 0}, 429×${answers['429'] ?? 0}, 451×${smtpRefused}`,
    );
    // README: transient errors retry with exponential backoff and jitter (8 attempts over about 2 hours), i.e. as
    // delayed BullMQ jobs. None seen means something else (the sweeper, every SWEEPER_INTERVAL_SECONDS) retried.
    checks.check(
      'transient retries are scheduled with backoff (delayed BullMQ jobs seen)',
      promoted > 0,
      `${promoted} delayed retry jobs seen and promoted; attempts per notification up to ${String(figures.maxAttempts)} within ${String(figures.settledAfterS)} s${promoteErrors.size ? `; errors ${[...promoteErrors].join(', ')}` : ''}`,
    );
    checks.check('no duplicate notification rows', (await duplicateGroups(databaseUrl)) === 0);
    checks.check('service alive', svc.alive());
  } finally {
    if (!checks.ok && svc) figures.serviceLogTail = svc.output().slice(-4000);
    promoting = false;
    providers.twilioPolicy = undefined;
    if (!(providers.smtp as unknown as { server?: unknown }).server)
      await providers.smtp.start().catch(() => undefined);
    for (const q of queues) await q.close().catch(() => undefined);
    await svc?.stop().catch(() => undefined);
    await dropDatabase(db);
    await cleanRedis(REDIS_URL, prefix);
  }
  return { figures, checks };
}
