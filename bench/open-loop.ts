/**
 * An open-loop, constant-arrival-rate load generator (the model of wrk2 and vegeta): request i is issued at
 * t0 + i/rate whether or not earlier ones have answered, and its latency is measured from that scheduled time,
 * so a slow server cannot slow the generator down and hide its own queueing (coordinated omission).
 *
 * autocannon is kept for closed-loop maximum-throughput runs; its fixed-rate mode refills a per-second quota,
 * which sends each second's requests in one burst and measures the burst, not the rate.
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface OpenLoopRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface OpenLoopResult {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p90: number; p99: number; max: number };
  /** Request i's latency (ms) at index i, NaN when it failed: windows can be pooled, slow moments found. */
  latencies: number[];
  non2xx: number;
  errors: number;
  timeouts: number;
  /** How late the generator's own event loop ran during the run (ms): a generator that stalls adds its stall to
   *  every request it was about to send, so a tail here is the generator's, not the server's. */
  generatorLag: { p99: number; max: number };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function openLoop(opts: {
  url: string;
  rate: number;
  durationS?: number;
  amount?: number;
  next: (i: number) => OpenLoopRequest | null;
  /** Called as request i leaves, with the wall-clock time (epoch ms) it was scheduled for. */
  onIssue?: (i: number, scheduledEpochMs: number) => void;
  timeoutMs?: number;
}): Promise<OpenLoopResult> {
  const target = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const total = opts.amount ?? Math.round(opts.rate * (opts.durationS ?? 10));
  const intervalMs = 1000 / opts.rate;
  const latencies: number[] = [];
  const byRequest: number[] = new Array<number>(total).fill(NaN);
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let issued = 0;
  let settled = 0;
  const t0 = performance.now() + 20;
  const epochOffset = Date.now() - performance.now();
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();

  await new Promise<void>((resolve) => {
    const fire = (i: number, scheduled: number) => {
      const spec = opts.next(i);
      if (!spec) {
        settled += 1;
        if (settled === total) resolve();
        return;
      }
      opts.onIssue?.(i, scheduled + epochOffset);
      const body = spec.body !== undefined ? Buffer.from(spec.body) : undefined;
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: spec.method ?? (body ? 'POST' : 'GET'),
          path: spec.path,
          headers: { ...spec.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          timeout: opts.timeoutMs ?? 30_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const ms = performance.now() - scheduled;
            latencies.push(ms);
            byRequest[i] = ms;
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx += 1;
            settled += 1;
            if (settled === total) resolve();
          });
        },
      );
      req.on('timeout', () => {
        timeouts += 1;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors += 1;
        settled += 1;
        if (settled === total) resolve();
      });
      if (body) req.write(body);
      req.end();
    };
    const pump = () => {
      const now = performance.now();
      while (issued < total && t0 + issued * intervalMs <= now) {
        fire(issued, t0 + issued * intervalMs);
        issued += 1;
      }
      if (issued < total)
        setTimeout(pump, Math.max(0, Math.min(5, t0 + issued * intervalMs - performance.now())));
    };
    setTimeout(pump, 20);
  });
  const duration = (performance.now() - t0) / 1000;
  lag.disable();
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10) / 10;
  return {
    requests: { total: latencies.length },
    duration,
    latency: {
      p50: r(percentile(sorted, 50)),
      p90: r(percentile(sorted, 90)),
      p99: r(percentile(sorted, 99)),
      max: r(sorted[sorted.length - 1] ?? 0),
    },
    latencies: byRequest.map(r),
    non2xx,
    errors,
    timeouts,
    // The histogram counts from the timer's resolution: its delay past 5 ms is the loop's lateness.
    generatorLag: {
      p99: r(Math.max(0, lag.percentile(99) / 1e6 - 5)),
      max: r(Math.max(0, lag.max / 1e6 - 5)),
    },
  };
}

/** An open-loop run handed to a generator process of its own: its requests, written out in advance. */
export interface OpenLoopPlan {
  url: string;
  rate: number;
  /** Sent first at the same rate, not recorded (JIT, caches, pools). */
  warmup: OpenLoopRequest[];
  /** Sent and recorded, one each, in order. */
  requests: OpenLoopRequest[];
}

export interface OpenLoopReport extends OpenLoopResult {
  /** The wall-clock time (epoch ms) request i of `requests` was scheduled to leave. */
  scheduledAt: number[];
}

/**
 * Runs the plan in a new Node process and reports its figures. The bench process also plays Twilio and the SMTP
 * server and holds what they received; its collections and its fakes' work must not delay the requests measured
 * (wrk2 and vegeta are separate processes for the same reason).
 */
export function openLoopApart(plan: OpenLoopPlan): Promise<OpenLoopReport> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'open-loop-child.ts'), [], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report: OpenLoopReport | undefined;
    child.once('message', (m) => {
      report = m as OpenLoopReport;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      report ? resolve(report) : reject(new Error(`the load generator exited with ${code} and no report`)),
    );
    child.send(plan);
  });
}
