import { visibleInSnapshot } from './snapshot';

describe('visibleInSnapshot', () => {
  it('sees what committed before the snapshot, and frozen rows', () => {
    expect(visibleInSnapshot('700', '750:760:')).toBe(true);
    expect(visibleInSnapshot('2', '750:760:')).toBe(true);
  });

  it('does not see what was still running, or started after, when the snapshot was taken', () => {
    expect(visibleInSnapshot('752', '750:760:752,755')).toBe(false);
    expect(visibleInSnapshot('753', '750:760:752,755')).toBe(true);
    expect(visibleInSnapshot('760', '750:760:')).toBe(false);
    expect(visibleInSnapshot('900', '750:760:')).toBe(false);
  });

  it('widens a 32-bit xmin with the snapshot epoch, across a wraparound', () => {
    const epoch = 3n << 32n;
    const snap = `${epoch + 10n}:${epoch + 20n}:${epoch + 15n}`;
    expect(visibleInSnapshot('5', snap)).toBe(true); // epoch 3, before the snapshot's xmin
    expect(visibleInSnapshot('15', snap)).toBe(false); // running at the snapshot
    expect(visibleInSnapshot('4294967290', snap)).toBe(true); // epoch 2, long committed
    expect(visibleInSnapshot('25', snap)).toBe(false); // after the snapshot
  });
});
