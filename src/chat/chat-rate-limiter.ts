/**
 * Per-client sliding-window rate limit for the public chat endpoint.
 *
 * In memory, per process: with N API processes behind a load balancer a client gets up to N × the limit, which is
 * acceptable for abuse protection (the verification lock-out, which guards the data, is in PostgreSQL and shared).
 * A sliding log rather than a fixed window, so a burst across a minute boundary cannot double the limit.
 */
export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the next request would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

const SWEEP_EVERY = 1000;

export class SlidingWindowRateLimiter {
  private readonly hits = new Map<string, number[]>();
  private calls = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): RateDecision {
    const now = this.now();
    const since = now - this.windowMs;
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(since);
    const log = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (log.length >= this.limit) {
      this.hits.set(key, log);
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((log[0] + this.windowMs - now) / 1000)),
      };
    }
    log.push(now);
    this.hits.set(key, log);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Drops clients idle for a whole window, so memory follows active clients only. */
  private sweep(since: number): void {
    for (const [key, log] of this.hits) if (!log.some((t) => t > since)) this.hits.delete(key);
  }
}
