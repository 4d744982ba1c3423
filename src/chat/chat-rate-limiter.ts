import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  RateLimiterAbstract,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * The chat's shared counters: the per-client request rate limit and the verification lock-outs. They live in Redis
 * when REDIS_URL is set, else in PostgreSQL (table `chat_rate_limits`), so every API process counts the same
 * client, session and order: a guesser gains nothing by landing on another process.
 *
 * Failed verifications are counted three ways, each locking on its own: per session, per client address and per
 * order (the identifier the shopper named, whether or not such an order exists). Rotating addresses and sessions
 * therefore still meets the per-order count.
 */

/** Failed verifications per session, per client and per order within the window that lock verification. */
export const MAX_VERIFICATION_FAILURES = 5;
export const VERIFICATION_WINDOW_SECONDS = 60 * 60;

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the next request would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface LockStatus {
  locked: boolean;
  retryAfterSeconds: number;
}

/** The three counters one verification attempt touches. Values are raw; keys are HMACs of them. */
export interface AttemptScope {
  sessionId: string;
  clientIp: string;
  /** The order or tracking number the shopper named, as typed. */
  identifier: string;
}

export type UnlockKind = 'session' | 'client' | 'order';

/** "ws-1001", "#WS-1001" and "WS 1001" name the same order; the same for tracking numbers. */
export function normaliseIdentifier(identifier: string): string {
  return identifier.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

@Injectable()
export class ChatLimiter implements OnModuleDestroy {
  private readonly requests: RateLimiterAbstract;
  private readonly failures: RateLimiterAbstract;
  private readonly redis: Redis | undefined;
  private readonly hashKey: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig, dataSource: DataSource) {
    // A key every process (and the CLI) derives alike, so they count the same client; it only has to be secret.
    this.hashKey = chatHashKey(config);
    const requestOpts = {
      keyPrefix: 'chat-req',
      points: config.chat.rateLimitPerMinute,
      duration: 60,
      // A client over its limit is refused from memory until its window ends: a flood costs the store nothing.
      inMemoryBlockOnConsumed: config.chat.rateLimitPerMinute + 1,
    };
    const failureOpts = {
      keyPrefix: 'chat-fail',
      points: MAX_VERIFICATION_FAILURES,
      duration: VERIFICATION_WINDOW_SECONDS,
    };
    if (config.queue.redisUrl) {
      this.redis = new Redis(config.queue.redisUrl, {
        keyPrefix: `${config.queue.prefix}:`,
        maxRetriesPerRequest: 2,
        connectTimeout: 3000,
      });
      this.requests = new RateLimiterRedis({ storeClient: this.redis, ...requestOpts });
      this.failures = new RateLimiterRedis({ storeClient: this.redis, ...failureOpts });
    } else {
      // The table comes from a migration (schema changes only through migrations), hence tableCreated.
      const pg = {
        storeClient: dataSource,
        storeType: 'typeorm',
        tableName: 'chat_rate_limits',
        tableCreated: true,
      };
      // Namespaced by QUEUE_PREFIX as the Redis keys are: deployments (and test apps) sharing a database keep apart.
      const ns = `${config.queue.prefix}:`;
      this.requests = new RateLimiterPostgres({
        ...pg,
        ...requestOpts,
        keyPrefix: ns + requestOpts.keyPrefix,
      });
      this.failures = new RateLimiterPostgres({
        ...pg,
        ...failureOpts,
        keyPrefix: ns + failureOpts.keyPrefix,
      });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  /** HMAC of a value: enough to count by, useless to identify anyone. */
  hash(value: string): string {
    return createHmac('sha256', this.hashKey).update(value).digest('hex');
  }

  /** One chat request from this client address. */
  async hitRequest(clientIp: string): Promise<RateDecision> {
    try {
      await this.requests.consume(this.hash(`ip:${clientIp}`));
      return { allowed: true, retryAfterSeconds: 0 };
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw storeDown(err);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
    }
  }

  /** Locked when any of the scope's counters is full. Reads only. */
  async lockStatus(scope: AttemptScope): Promise<LockStatus> {
    let waitMs = 0;
    for (const key of this.keys(scope)) {
      const res = await this.failures.get(key).catch((err: unknown) => {
        throw storeDown(err);
      });
      if (res && res.consumedPoints >= MAX_VERIFICATION_FAILURES) waitMs = Math.max(waitMs, res.msBeforeNext);
    }
    return locked(waitMs);
  }

  /**
   * Counts the attempt as a failure BEFORE it is evaluated, atomically in the store: of eight guesses in flight at
   * once, only as many as the counters allow are evaluated, with no lock held across the check. A successful
   * attempt gives its points back ({@link refund}). Returns locked when a counter was already full.
   */
  async reserve(scope: AttemptScope): Promise<LockStatus & { lockedIfFails: LockStatus }> {
    let lastWaitMs = 0;
    const taken: string[] = [];
    for (const key of this.keys(scope)) {
      try {
        const res = await this.failures.consume(key);
        taken.push(key);
        // This attempt took a counter's last point: should it fail, the shopper is locked from now on.
        if (res.remainingPoints === 0) lastWaitMs = Math.max(lastWaitMs, res.msBeforeNext, 1000);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw storeDown(err);
        // Refused unchecked: it must not use up the later counters either (a refused guess that still took the
        // order's point could crowd out one the client's count allowed), nor keep the points it took before.
        await this.giveBack(taken);
        return { ...locked(Math.max(err.msBeforeNext, 1000)), lockedIfFails: locked(0) };
      }
    }
    return { ...locked(0), lockedIfFails: locked(lastWaitMs) };
  }

  /** A verified attempt was not a failure. */
  async refund(scope: AttemptScope): Promise<void> {
    await this.giveBack(this.keys(scope));
  }

  private async giveBack(keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.failures.reward(key).catch((err: unknown) => {
        throw storeDown(err);
      });
    }
  }

  /** Clears one lock-out (support, through `npm run cli -- chat unlock`). */
  async unlock(kind: UnlockKind, value: string): Promise<boolean> {
    return this.failures.delete(this.key(kind, value));
  }

  private keys(scope: AttemptScope): string[] {
    return [
      this.key('session', scope.sessionId),
      this.key('client', scope.clientIp),
      this.key('order', scope.identifier),
    ];
  }

  private key(kind: UnlockKind, value: string): string {
    return this.hash(`${kind}:${kind === 'order' ? normaliseIdentifier(value) : value.trim().toLowerCase()}`);
  }
}

/**
 * The counters' store did not answer: refuse with 503 rather than let a guess through uncounted (fail closed) or
 * answer 500. The cause stays in the logs' view of the exception, never in the reply.
 */
function storeDown(err: unknown): AppException {
  return new AppException('unavailable', 'Chat is briefly unavailable; try again in a moment', {
    retryAfterSeconds: 5,
    storeError: err instanceof Error ? err.message : String(err),
  });
}

function locked(waitMs: number): LockStatus {
  const seconds = Math.ceil(waitMs / 1000);
  return seconds > 0 ? { locked: true, retryAfterSeconds: seconds } : { locked: false, retryAfterSeconds: 0 };
}

/** The HMAC key of chat counters and logged session ids, derived alike in every process. */
export function chatHashKey(config: AppConfig): string {
  return config.chat.tokenSecret ?? config.email.unsubscribeSecret ?? 'wismo-chat-client-hash';
}

/** A chat session id as it may appear in logs: the id is a bearer credential, its hash is not. */
export function sessionLogId(config: AppConfig, sessionId: string): string {
  return createHmac('sha256', chatHashKey(config)).update(`log:${sessionId}`).digest('hex').slice(0, 16);
}

/**
 * Bounds how many verifications one process runs at once, well below the database pool, so a burst of guesses
 * can never take every connection from webhooks and health checks. A caller waits a short while for a slot and is
 * then refused (`chat_busy`, 429) rather than queued without end.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
    private readonly waitMs: number,
  ) {}

  /** Runs fn in a slot; null when no slot came free in time (fn did not run). */
  async run<T>(fn: () => Promise<T>): Promise<{ value: T } | null> {
    if (!(await this.acquire())) return null;
    try {
      return { value: await fn() };
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<boolean> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      }, this.waitMs);
      this.waiting.push(grant);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next caller
    else this.active--;
  }
}

/** Messages waiting for a slot beyond the running ones; more are refused at once. */
const MAX_WAITING_TURNS = 64;
const TURN_SLOT_WAIT_MS = 2000;

/**
 * The chat turns one process runs at once (CHAT_CONCURRENCY). A turn uses at most one pool connection at a time, so
 * this bounds the connections chat can take, however many shoppers (or guessers) write at once: webhooks and health
 * checks always find the rest of the pool free. A message that finds no slot within 2 s is refused with 429
 * `chat_busy` and Retry-After, quickly, instead of queueing without end.
 */
@Injectable()
export class ChatTurnSlots {
  private readonly slots: Semaphore;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.slots = new Semaphore(config.chat.concurrency, MAX_WAITING_TURNS, TURN_SLOT_WAIT_MS);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const ran = await this.slots.run(fn);
    if (!ran) {
      throw new AppException('chat_busy', 'Too many chat messages at once; try again in a moment', {
        retryAfterSeconds: 1,
      });
    }
    return ran.value;
  }
}
