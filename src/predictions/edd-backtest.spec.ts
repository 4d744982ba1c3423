import { LANES, syntheticHistory } from '../../test/support/delivery-history';
import { backtest, HISTORY_COLUMNS, HistoryFormatError, parseHistoryCsv, splitCsvLine } from './edd-backtest';

describe('backtest on lanes with known transit times', () => {
  const history = syntheticHistory(LANES, { days: 200, perDay: 2 });
  const report = backtest(history);

  it('meets the issue targets on lanes with at least ten deliveries', () => {
    const lanes = report.oursOnLanes;
    expect(lanes.estimated).toBeGreaterThan(700);
    expect(lanes.windowHitRate!).toBeGreaterThanOrEqual(0.9);
    expect(lanes.meanWidthDays!).toBeLessThanOrEqual(3);
    expect(lanes.withinOneDayRate!).toBeGreaterThanOrEqual(0.8);
    expect(lanes.mae!).toBeLessThanOrEqual(report.promised.mae! / 2);
  });

  it('scores the promise as a one-day window and leaves the carrier column empty without ETAs', () => {
    expect(report.promised).toMatchObject({ coverage: 1, meanWidthDays: 0 });
    expect(report.promised.windowHitRate).toBe(report.promised.exactRate);
    expect(report.carrier).toMatchObject({ estimated: 0, coverage: 0, windowHitRate: null, mae: null });
  });

  it('cannot estimate the first shipments of a store, and says so in coverage', () => {
    expect(report.ours.coverage!).toBeLessThan(1);
    expect(report.ours.coverage!).toBeGreaterThan(0.9);
    expect(report.ours.scored).toBe(history.length);
  });

  it('beats the store promise store-wide when the history has no lane information at all', () => {
    const blind = history.map((row) => ({
      ...row,
      carrier: '',
      service: null,
      originCountry: null,
      originPostcode: null,
      destinationCountry: null,
      destinationPostcode: null,
    }));
    // One transit mix for everything: two of the three lanes above, which a promise of 3 days fits badly.
    const store = backtest(syntheticHistory([LANES[0], LANES[2]], { days: 200, perDay: 2, promiseDays: 3 }));
    expect(store.ours.mae!).toBeLessThanOrEqual(store.promised.mae! / 2);
    const blindReport = backtest(blind);
    expect(blindReport.ours.lateRate!).toBeLessThanOrEqual(0.1);
    expect(blindReport.ours.windowHitRate!).toBeGreaterThanOrEqual(0.8);
  });
});

describe('history CSV', () => {
  const header = HISTORY_COLUMNS.join(',');

  it('reads instants in their own offset and dates as calendar dates', () => {
    const [row] = parseHistoryCsv(
      `${header}\n1,ups,ground,US,10001,US,94105,2026-12-04T23:30:00-08:00,2026-12-08T10:00:00-08:00,2026-12-09,2026-12-08T00:00:00Z\n`,
    );
    expect(row).toMatchObject({
      shippedOn: '2026-12-04', // not 12-05, which it is in UTC
      deliveredOn: '2026-12-08',
      promisedDate: '2026-12-09',
      carrierEta: '2026-12-08',
      service: 'ground',
    });
  });

  it('takes columns in any order, quoted cells and empty values', () => {
    const reordered = [...HISTORY_COLUMNS].reverse().join(',');
    const [row] = parseHistoryCsv(
      `${reordered}\n,,,2026-12-01,"",GB,"SW1A, 1AA",GB,tracked48,royal_mail,7\n`,
    );
    expect(row).toMatchObject({
      shipmentId: '7',
      originPostcode: 'SW1A, 1AA',
      deliveredOn: null,
      promisedDate: null,
    });
    expect(splitCsvLine('a,"b ""c""",d')).toEqual(['a', 'b "c"', 'd']);
  });

  it('says which column and line is wrong', () => {
    expect(() => parseHistoryCsv('shipment_id,carrier\n')).toThrow(/header lacks service/);
    expect(() => parseHistoryCsv(`${header}\n1,ups,,,,,,yesterday,,,\n`)).toThrow(
      new HistoryFormatError('line 2: shipped_at "yesterday" is not an ISO 8601 date'),
    );
    expect(() => parseHistoryCsv('')).toThrow(/empty/);
  });
});
