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
 * Knobs: REL_SCENARIOS=1,2,3,4,5,6,7  REL_SEED=<n>  REL_S1_SHIPMENTS (1000)  REL_S2_MESSAGES (5000)  REL_S3_ORDERS (300)
 *        REL_S3_PG_WAIT_S / REL_S3_REDIS_WAIT_S (90 with a configurable lease, else 200 / 120)  REL_S4_ORDERS (300)  REL_S5_REQUESTS (10000)  REL_S6_ATTEMPTS (1000)  REL_S7_GUESSES (1000)  REL_S7_BURST (400)  REL_S2_WAIT_S (240)
 * Prints a summary table, writes bench/results/reliability.json, exits 1 when an invariant fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Check,
  closeClients,
  LEASE_CONFIGURABLE,
  log,
  MAIN_JS,
  Providers,
  ROOT,
  round,
  ScenarioResult,
  stopAllServices,
} from './reliability/common';
import { scenarioDuplicates } from './reliability/s1-duplicates';
import { scenarioWorkerKill } from './reliability/s2-worker-kill';
import { scenarioInfra } from './reliability/s3-infra';
import { scenarioProviderFaults } from './reliability/s4-provider-faults';
import { scenarioFuzz } from './reliability/s5-fuzz';
import { scenarioChatGuessing } from './reliability/s6-chat-guessing';
import { scenarioChatTrust } from './reliability/s7-chat-trust';

const num = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
const SEED = num('REL_SEED', Date.now() % 1_000_000);
const SELECTED = new Set(
  (process.env.REL_SCENARIOS ?? '1,2,3,4,5,6,7').split(',').map((s) => Number(s.trim())),
);

type Runner = (p: Providers) => Promise<{ figures: Record<string, unknown>; checks: { list: Check[] } }>;

const SCENARIOS: { id: number; title: string; scaled: string; run: Runner }[] = [
  {
    id: 1,
    title: 'Every webhook delivered 3×, shuffled',
    scaled: `${num('REL_S1_SHIPMENTS', 1000)} shipments × 3 statuses × 3 copies`,
    run: (p) =>
      scenarioDuplicates(p, { shipments: num('REL_S1_SHIPMENTS', 1000), concurrency: 32, seed: SEED }),
  },
  {
    id: 2,
    title: 'Worker SIGKILLed mid-run, restarted',
    scaled: `${num('REL_S2_MESSAGES', 5000)} messages (half SMS, half email), API + worker processes`,
    run: (p) =>
      scenarioWorkerKill(p, { messages: num('REL_S2_MESSAGES', 5000), waitS: num('REL_S2_WAIT_S', 240) }),
  },
  {
    id: 3,
    title: 'PostgreSQL connections dropped; Redis restarted (data lost)',
    scaled: `${num('REL_S3_ORDERS', 300)} orders per phase, SMS+email each`,
    run: (p) =>
      scenarioInfra(p, {
        ordersPerPhase: num('REL_S3_ORDERS', 300),
        pgWaitS: num('REL_S3_PG_WAIT_S', LEASE_CONFIGURABLE ? 90 : 200),
        redisWaitS: num('REL_S3_REDIS_WAIT_S', LEASE_CONFIGURABLE ? 90 : 120),
      }),
  },
  {
    id: 4,
    title: 'Twilio 30% 500 + 429 bursts, SMTP 451 then down',
    scaled: `${num('REL_S4_ORDERS', 300)} orders; SMTP 451 ${num('REL_S4_SMTP_451_S', 60)} s, down ${num('REL_S4_SMTP_DOWN_S', 30)} s; retries promoted`,
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
  {
    id: 7,
    title:
      "Chat: one order's postcode guessed over rotating addresses and sessions; a burst of verifications",
    scaled: `${num('REL_S7_GUESSES', 1000)} guesses, 16 in flight; ${num('REL_S7_BURST', 400)} verifications at once while webhooks arrive`,
    run: (p) =>
      scenarioChatTrust(p, { guesses: num('REL_S7_GUESSES', 1000), burst: num('REL_S7_BURST', 400) }),
  },
];

/** A figure by dotted path, for the summary table. */
function v(f: Record<string, unknown>, dotted: string): string {
  let x: unknown = f;
  for (const k of dotted.split('.'))
    x = x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined;
  return typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x);
}

function headline(id: number, f: Record<string, unknown>): string {
  const g = (p: string) => v(f, p);
  switch (id) {
    case 1:
      return `${g('webhookDeliveries')} deliveries at ${g('webhooksPerSecond')}/s; states ${g('finalShipmentStates')}; dup groups ${g('duplicateNotificationGroups')}; sms ${g('reconcile.smsAccepted')}/${g('reconcile.matchedSms')}, email ${g('reconcile.emailAccepted')}/${g('reconcile.matchedEmail')} (accepted/matched); settled in ${g('settleSeconds')} s`;
    case 2:
      return `killed at ${g('acceptedAtKill')} accepted; ${g('sentRows')}/${g('expected')} sent; duplicates sms ${g('reconcile.duplicateSms')} email ${g('reconcile.duplicateEmail')}; in 'sending' at kill ${g('sendingAtKill')}; all sent ${g('allSentAfterKillS')} s after kill`;
    case 3:
      return `pg: ${g('pg.sent')}/${g('pg.expected')} sent (all within ${g('pg.allSentWithinS')} s), ready back after ${g('pg.recoveryS')} s; redis: ${g('redis.sent')}/${g('redis.expected')} sent, ready back after ${g('redis.recoveryS')} s; ${g('redis.afterServiceRestart') === 'undefined' ? 'no service restart needed' : `after a service restart ${g('redis.afterServiceRestart.sent')}`}`;
    case 4:
      return `${g('sentRows')}/${g('expectedSent')} sent in ${g('settledAfterS')} s; twilio ${g('twilioRequests')} requests ${g('twilioAnswers')}; 21211 requests/number max ${g('permanentMaxRequests')}; SMTP refusals ${g('smtpRefusedAttempts')}; promoted ${g('promotedRetries')}; attempts max ${g('maxAttempts')}`;
    case 5:
      return `${g('total')} requests: ${g('statusClasses')}; 5xx ${g('fiveXx')}; RSS ${g('rssMiB.start')} → ${g('rssMiB.mid')} → ${g('rssMiB.end')} MiB; alive ${g('alive')}`;
    case 6:
      return `${g('total')} attempts, shipments leaked ${g('leaks')}; session lock at attempt ${g('sessionLockAfter')}; IP lock at ${g('ipLockAfter')}; checks evaluated per IP ${g('failuresRecordedPerIp')}`;
    case 7:
      return `${g('guesses')} guesses (new address and session each): leaked ${g('leaks')}, evaluated ${g('failuresEvaluated')}, right postcode locked ${g('rightPostcodeAtEnd.locked')}; burst of ${g('burst')}: ${g('burstStatuses')}, webhook p99 ${g('webhookP99Ms')} ms (${g('webhooksDuringBurst')} during), ready not 200 ${g('readyNot200')}`;
  }
  return '';
}

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN_JS)) {
    process.stderr.write(`reliability: ${path.relative(process.cwd(), MAIN_JS)} is missing — build first.\n`);
    process.exit(2);
  }
  const t0 = Date.now();
  log(
    `build ${MAIN_JS}; seed ${SEED}; scenarios ${[...SELECTED].join(',')}; NOTIFY_SENDING_LEASE_SECONDS ${LEASE_CONFIGURABLE ? 'configurable (set to 10)' : 'not in this build (lease fixed at 120 s)'}`,
  );
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
        results.push({
          id: s.id,
          title: s.title,
          scaled: s.scaled,
          ok: checks.list.every((c) => c.ok),
          durationS: round((Date.now() - started) / 1000, 1),
          figures,
          checks: checks.list,
        });
      } catch (err) {
        log(`scenario ${s.id} crashed: ${(err as Error).stack ?? err}`);
        results.push({
          id: s.id,
          title: s.title,
          scaled: s.scaled,
          ok: false,
          error: (err as Error).message.slice(0, 4000),
          durationS: round((Date.now() - started) / 1000, 1),
          figures: {},
          checks: [],
        });
      }
      await stopAllServices();
    }
  } finally {
    await stopAllServices();
    await providers.stop();
    await closeClients();
  }
  const totalS = round((Date.now() - t0) / 1000, 1);
  // REL_MERGE=1: re-running some scenarios replaces only their entries in an existing reliability.json.
  const file = path.join(ROOT, 'bench', 'results', 'reliability.json');
  if (process.env.REL_MERGE === '1' && fs.existsSync(file)) {
    const previous = JSON.parse(fs.readFileSync(file, 'utf8')) as { results?: ScenarioResult[] };
    const rerun = new Set(results.map((r) => r.id));
    results.push(...(previous.results ?? []).filter((r) => !rerun.has(r.id)));
    results.sort((a, b) => a.id - b.id);
  }
  const out = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGb: round(os.totalmem() / 1024 ** 3, 1),
      node: process.version,
    },
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

  const lines = [
    '',
    '| # | Scenario | Result | Time | Figures | Failed invariants |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name} (${c.detail})`);
    if (r.error) failed.push(`crashed: ${r.error.split('\n')[0]}`);
    lines.push(
      `| ${r.id} | ${r.title} — ${r.scaled} | ${r.ok ? 'PASS' : 'FAIL'} | ${r.durationS} s | ${headline(r.id, r.figures).replace(/\|/g, '\\|')} | ${failed.join('; ').replace(/\|/g, '\\|') || '—'} |`,
    );
  }
  process.stdout.write(
    `${lines.join('\n')}\n\nTotal ${totalS} s; details in bench/results/reliability.json\n`,
  );
  process.exit(out.ok ? 0 : 1);
}

main().catch(async (err: Error) => {
  process.stderr.write(`reliability failed: ${err.stack ?? err.message}\n`);
  await stopAllServices();
  process.exit(1);
});
