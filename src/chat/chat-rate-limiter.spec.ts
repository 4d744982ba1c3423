import { normaliseIdentifier, Semaphore } from './chat-rate-limiter';

describe('Semaphore', () => {
  it('runs at most `limit` at once and hands a freed slot to the next waiter', async () => {
    const sem = new Semaphore(2, 10, 5000);
    let running = 0;
    let peak = 0;
    const job = () =>
      sem.run(async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        return 'done';
      });
    const results = await Promise.all(Array.from({ length: 7 }, job));
    expect(peak).toBe(2);
    expect(results.every((r) => r?.value === 'done')).toBe(true);
  });

  it('refuses at once when the wait queue is full, and after the wait when no slot frees', async () => {
    const sem = new Semaphore(1, 1, 50);
    let release!: () => void;
    const holder = sem.run(() => new Promise<void>((r) => (release = r)));
    const started = Date.now();
    const waiter = sem.run(async () => 'late');
    expect(await sem.run(async () => 'overflow')).toBeNull();
    expect(Date.now() - started).toBeLessThan(40);
    expect(await waiter).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    release();
    await holder;
    expect(await sem.run(async () => 'again')).toEqual({ value: 'again' });
  });
});

describe('normaliseIdentifier', () => {
  it('counts every spelling of one order number as the same order', () => {
    expect(new Set(['ws-1001', '#WS-1001', 'WS 1001', 'ws1001'].map(normaliseIdentifier)).size).toBe(1);
  });
});
