import { GroupedCall } from './grouped-call';

/** A batch function whose batches the test releases by hand. */
function controllable() {
  const batches: { inputs: number[]; release: () => void; fail: (err: Error) => void }[] = [];
  const run = (inputs: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push({
        inputs,
        release: () => resolve(inputs.map((i) => i * 10)),
        fail: reject,
      });
    });
  return { batches, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupedCall', () => {
  it('runs a lone request at once, on its own', async () => {
    const { batches, run } = controllable();
    const grouped = new GroupedCall(run, { maxBatch: 10, maxInFlight: 1 });
    const result = grouped.call(1);
    expect(batches.map((b) => b.inputs)).toEqual([[1]]);
    batches[0].release();
    await expect(result).resolves.toBe(10);
  });

  it('groups what arrives while a batch is in flight into the next one, each caller getting its own answer', async () => {
    const { batches, run } = controllable();
    const grouped = new GroupedCall(run, { maxBatch: 10, maxInFlight: 1 });
    const first = grouped.call(1);
    const rest = [2, 3, 4].map((i) => grouped.call(i));
    expect(batches).toHaveLength(1);
    batches[0].release();
    await first;
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4]]);
    batches[1].release();
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
    expect(grouped.stats).toEqual({ batches: 2, items: 4 });
  });

  it('caps a batch at maxBatch and keeps maxInFlight batches going', async () => {
    const { batches, run } = controllable();
    const grouped = new GroupedCall(run, { maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((i) => grouped.call(i));
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2]]);
    batches[0].release();
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2], [3, 4]]);
    batches[1].release();
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2], [3, 4], [5]]);
    batches[2].release();
    batches[3].release();
    await expect(Promise.all(all)).resolves.toEqual([10, 20, 30, 40, 50]);
  });

  it('fails every request of a failed batch and carries on with the next', async () => {
    const { batches, run } = controllable();
    const grouped = new GroupedCall(run, { maxBatch: 10, maxInFlight: 1 });
    const first = grouped.call(1);
    const second = grouped.call(2);
    const third = grouped.call(3);
    batches[0].fail(new Error('connection reset'));
    await expect(first).rejects.toThrow('connection reset');
    await tick();
    batches[1].fail(new Error('deadlock detected'));
    await expect(second).rejects.toThrow('deadlock detected');
    await expect(third).rejects.toThrow('deadlock detected');
    const fourth = grouped.call(4);
    await tick();
    batches[2].release();
    await expect(fourth).resolves.toBe(40);
  });

  it('refuses a batch function that answers the wrong number of results', async () => {
    const grouped = new GroupedCall(async (inputs: number[]) => inputs.slice(1), {
      maxBatch: 10,
      maxInFlight: 1,
    });
    await expect(grouped.call(1)).rejects.toThrow('0 results for 1 inputs');
  });

  it('refuses limits below one', () => {
    expect(() => new GroupedCall(async (i: number[]) => i, { maxBatch: 0, maxInFlight: 1 })).toThrow(
      'positive limits',
    );
  });
});
