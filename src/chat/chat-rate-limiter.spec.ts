import { SlidingWindowRateLimiter } from './chat-rate-limiter';

describe('SlidingWindowRateLimiter', () => {
  it('allows the limit per window, then says how long to wait', () => {
    let now = 1_000_000;
    const limiter = new SlidingWindowRateLimiter(3, 60_000, () => now);
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true]);
    now += 20_000;
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 40 });
    expect(limiter.hit('b').allowed).toBe(true);
    now += 40_001;
    expect(limiter.hit('a').allowed).toBe(true);
  });

  it('slides: a burst across a window boundary is still limited', () => {
    let now = 0;
    const limiter = new SlidingWindowRateLimiter(2, 1000, () => now);
    now = 900;
    limiter.hit('a');
    limiter.hit('a');
    now = 1100;
    expect(limiter.hit('a').allowed).toBe(false);
    now = 1901;
    expect(limiter.hit('a').allowed).toBe(true);
  });
});
