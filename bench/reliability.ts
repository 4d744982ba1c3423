/**
 * Wismo reliability suite (issue 9): the PRODUCTION build (`node dist/main.js`) as real child processes against the
 * provider fakes, under duplicates, crashes, infrastructure outages, provider faults, hostile input and guessing.
 *
 *   npm run test:reliability      (= ts-node --transpile-only bench/reliability.ts; needs a built dist/)
 *
 * Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and Redis
 * (BENCH_REDIS_URL, default redis://127.0.0.1:6379); scenario 3 starts its own redis-server on a free port.
 * Each scenario creates and drops its own database and uses its own Redis key prefix.
 *
 * Knobs: REL_SCENARIOS=1,2,3,4,5,6  REL_SEED=<n>  REL_S1_SHIPMENTS (1000)  REL_S2_MESSAGES (5000)  REL_S3_ORDERS (300)
 *        REL_S3_PG_WAIT_S / REL_S3_REDIS_WAIT_S (90 with a configurable lease, else 200 / 120)  REL_S4_ORDERS (300)  REL_S5_REQUESTS (10000)  REL_S6_ATTEMPTS (1000)  REL_S2_WAIT_S (240)
 * Prints a summary table, writes bench/results/reliability.json, exits 1 when an invariant fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Check, closeClients, LEASE_CONFIGURABLE, log, MAIN_JS, Providers, ROOT, round, ScenarioResult, stopAllServices } from './reliability/common';
import { scenarioDuplicates } from './reliability/s1-duplicates';
import { scenarioWorkerKill } from './reliability/s2-worker-kill';
import { scenarioInfra } from './reliability/s3-infra';
import { scenarioProviderFaults } from './reliability/s4-provider-faults';
import { scenarioFuzz } from './reliability/s5-fuzz';
import { scenarioChatGuessing } from './reliability/s6-chat-guessing';

const num = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
const SEED = num('REL_SEED', Date.now() % 1_000_000);
const SELECTED = new Set((process.env.REL_SCENARIOS ?? '1,2,3,4,5,6').split(',').map((s) => Number(s.trim())));

type Runner = (p: Providers) => Promise<{ figures: Record<string, unknown>; checks: { list: Check[] } }>;

const SCENARIOS: { id: number; title: string; scaled: string; run: Runner }[] = [
  {
    id: 1,
    title: 'Every webhook delivered 3×, shuffled',
    scaled: `${num('REL_S1_SHIPMENTS', 1000)} shipments × 3 statuses × 3 copies`,
    run: (p) => scenarioDuplicates(p, { shipments: num('REL_S1_SHIPMENTS', 1000), concurrency: 32, seed: SEED }),
  },
  {
    id: 2,
    title: 'Worker SIGKILLed mid-run, restarted',
    scaled: `${num('REL_S2_MESSAGES', 5000)} messages (half SMS, half email), API + worker processes`,
    run: (p) => scenarioWorkerKill(p, { messages: num('REL_S2_MESSAGES', 5000), waitS: num('REL_S2_WAIT_S', 240) }),
  },
  {
    id: 3,
    title: 'PostgreSQL connections dropped; Redis restarted (data lost)',
    scaled: `${num('REL_S3_ORDERS', 300)} orders per phase, SMS+email each`,
    run: (p) => scenarioInfra(p, { ordersPerPhase: num('REL_S3_ORDERS', 300), pgWaitS: num('REL_S3_PG_WAIT_S', LEASE_CONFIGURABLE ? 90 : 200), redisWaitS: num('REL_S3_REDIS_WAIT_S', LEASE_CONFIGURABLE ? 90 : 120) }),
  },
  {
    id: 4,
    title: 'Twilio 30% 500 + 429 bursts, SMTP 451 then down',
    scaled: `${num('REL_S4_ORDERS', 300)} orders; SMTP 451 20 s (spec 60 s), down 10 s (spec 30 s); retries promoted`,
    run: (p) => scenarioProviderFaults(p, { orders: num('REL_S4_ORDERS', 300), seed: SEED }),
  },
  {
    id: 5,
    title: 'Malformed, oversized, mis-signed, hostile requests',
    scaled: `${num('REL_S5_REQUESTS', 10000)} requests`,
    run: (p) => scenarioFuzz(p, { requests: num('REL_S5_REQUESTS', 10000), seed: SEED }),
  },
  {
    id: 6,
    title: 'Chat order-number guessing with wrong emails',
    scaled: `${num('REL_S6_ATTEMPTS', 1000)} attempts`,
    run: (p) => scenarioChatGuessing(p, { attempts: num('REL_S6_ATTEMPTS', 1000), seed: SEED }),
  },
];

function headline(id: number, f: Record<string, any>): string {
  try {
    switch (id) {
      case 1:
        return `${f.webhookDeliveries} deliveries at ${f.webhooksPerSecond}/s; states ${JSON.stringify(f.finalShipmentStates)}; dup groups ${f.duplicateNotificationGroups}; sms ${f.reconcile?.smsAccepted}/${f.reconcile?.matchedSms}, email ${f.reconcile?.emailAccepted}/${f.reconcile?.matchedEmail} (accepted/matched); settled in ${f.settleSeconds} s`;
      case 2:
        return `killed at ${f.acceptedAtKill} accepted; ${f.sentRows}/${f.expected} sent; duplicates sms ${f.reconcile?.duplicateSms} email ${f.reconcile?.duplicateEmail}; in-flight at kill ${f.sendingAtKill}; all sent ${f.allSentAfterKillS} s after kill`;
      case 3:
        return `pg: ${f.pg?.sent}/${f.pg?.expected} sent, ready 200 again after ${f.pg?.recoveryS} s; redis: ${f.redis?.sent}/${f.redis?.expected} sent, ready after ${f.redis?.recoveryS} s${f.redis?.afterServiceRestart ? `; after service restart ${f.redis.afterServiceRestart.sent}/${f.redis.expected}` : ''}`;
      case 4:
        return `${f.sentRows}/${f.expectedSent} sent; twilio ${f.twilioRequests} requests (${JSON.stringify(f.twilioAnswers)}); 21211 requests/number max ${f.permanentMaxRequests}; emails refused ${f.smtpRefusedAttempts}; attempts max ${f.maxAttempts}`;
      case 5:
        return `${f.total} requests: ${JSON.stringify(f.statusClasses)}; 5xx ${f.fiveXx}; RSS ${f.rssMiB?.start} → ${f.rssMiB?.mid} → ${f.rssMiB?.end} MiB; alive ${f.alive}`;
      case 6:
        return `${f.total} attempts, shipments leaked ${f.leaks}; session lock after ${JSON.stringify(f.sessionLockAfter)} failures; IP lock after ${JSON.stringify(f.ipLockAfter)}; locked answers ${f.lockedAnswers}`;
    }
  } catch {
    // fall through
  }
  return '';
}

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN_JS)) {
    process.stderr.write(`reliability: ${path.relative(process.cwd(), MAIN_JS)} is missing — build first.\n`);
    process.exit(2);
  }
  const t0 = Date.now();
  log(`build ${MAIN_JS}; seed ${SEED}; scenarios ${[...SELECTED].join(',')}; NOTIFY_SENDING_LEASE_SECONDS ${LEASE_CONFIGURABLE ? 'configurable (set to 10)' : 'not in this build (lease fixed at 120 s)'}`);
  const providers = new Providers();
  await providers.start();
  const results: ScenarioResult[] = [];
  const stopping = async () => {
    await stopAllServices();
    process.exit(130);
  };
  process.once('SIGINT', () => void stopping());
  process.once('SIGTERM', () => void stopping());
  try {
    for (const s of SCENARIOS) {
      if (!SELECTED.has(s.id)) continue;
      log(`=== scenario ${s.id}: ${s.title} (${s.scaled})`);
      const started = Date.now();
      try {
        const { figures, checks } = await s.run(providers);
        results.push({ id: s.id, title: s.title, scaled: s.scaled, ok: checks.list.every((c) => c.ok), durationS: round((Date.now() - started) / 1000, 1), figures, checks: checks.list });
      } catch (err) {
        log(`scenario ${s.id} crashed: ${(err as Error).stack ?? err}`);
        results.push({ id: s.id, title: s.title, scaled: s.scaled, ok: false, error: (err as Error).message.slice(0, 4000), durationS: round((Date.now() - started) / 1000, 1), figures: {}, checks: [] });
      }
      await stopAllServices();
    }
  } finally {
    await stopAllServices();
    await providers.stop();
    await closeClients();
  }
  const totalS = round((Date.now() - t0) / 1000, 1);
  const out = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGb: round(os.totalmem() / 1024 ** 3, 1), node: process.version },
    seed: SEED,
    build: MAIN_JS,
    leaseConfigurable: LEASE_CONFIGURABLE,
    totalS,
    ok: results.every((r) => r.ok),
    results,
  };
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'reliability.json'), `${JSON.stringify(out, null, 2)}\n`);

  const lines = ['', '| # | Scenario | Result | Time | Figures | Failed invariants |', '|---|---|---|---|---|---|'];
  for (const r of results) {
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name} (${c.detail})`);
    if (r.error) failed.push(`crashed: ${r.error.split('\n')[0]}`);
    lines.push(`| ${r.id} | ${r.title} — ${r.scaled} | ${r.ok ? 'PASS' : 'FAIL'} | ${r.durationS} s | ${headline(r.id, r.figures as Record<string, any>).replace(/\|/g, '\\|')} | ${failed.join('; ').replace(/\|/g, '\\|') || '—'} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n\nTotal ${totalS} s; details in bench/results/reliability.json\n`);
  process.exit(out.ok ? 0 : 1);
}

main().catch(async (err: Error) => {
  process.stderr.write(`reliability failed: ${err.stack ?? err.message}\n`);
  await stopAllServices();
  process.exit(1);
});
