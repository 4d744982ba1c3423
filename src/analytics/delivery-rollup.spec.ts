import { type DailyRow, figuresOf, sumRows, wholeWeeks } from './delivery-rollup';

const row = (cohortDate: string, over: Partial<DailyRow>): DailyRow => ({
  cohort_date: cohortDate,
  carrier: 'ups',
  service: 'ground',
  destination_country: 'US',
  shipments: 0,
  with_attempt: 0,
  delivered_first: 0,
  with_promise: 0,
  on_time: 0,
  with_exception: 0,
  lost: 0,
  returned: 0,
  exception_reasons: {},
  transit_days: {},
  first_scan_hours: {},
  latency_minutes: {},
  ...over,
});

describe('delivery rollups', () => {
  it('reads whole ISO weeks (Monday to Monday) from the weekly rows, the ends from the daily ones', () => {
    // Wed 28 Oct → Thu 12 Nov 2026: the week of Monday 2 Nov is whole; 28 Oct–1 Nov and 9–11 Nov are not.
    expect(wholeWeeks({ from: '2026-10-28', to: '2026-11-12' })).toEqual({
      weeksFrom: '2026-11-02',
      weeksTo: '2026-11-09',
    });
    // Monday to Monday: every day in whole weeks.
    expect(wholeWeeks({ from: '2026-11-02', to: '2026-11-16' })).toEqual({
      weeksFrom: '2026-11-02',
      weeksTo: '2026-11-16',
    });
    // Tuesday to the next Tuesday holds no whole week: nothing from the weekly rows.
    expect(wholeWeeks({ from: '2026-11-03', to: '2026-11-10' })).toEqual({
      weeksFrom: '2026-11-10',
      weeksTo: '2026-11-10',
    });
    // Across a year's end (ISO week 53 of 2026 starts Monday 28 December).
    expect(wholeWeeks({ from: '2026-12-27', to: '2027-01-06' })).toEqual({
      weeksFrom: '2026-12-28',
      weeksTo: '2027-01-04',
    });
  });

  it('sums days into a week whose figures are those of the days', () => {
    const days = [
      row('2026-11-02', {
        shipments: 2,
        with_attempt: 2,
        delivered_first: 1,
        exception_reasons: { lost: 1 },
        transit_days: { 1: 1, 3: 1 },
        latency_minutes: { 7: 5 },
      }),
      row('2026-11-04', {
        shipments: 3,
        with_attempt: 1,
        delivered_first: 1,
        exception_reasons: { lost: 1, damaged: 1 },
        transit_days: { 3: 1 },
        latency_minutes: { 7: 1, 125: 4 },
      }),
    ];
    const week = sumRows(days, {
      cohortDate: '2026-11-02',
      carrier: 'ups',
      service: 'ground',
      destinationCountry: 'US',
    });
    expect(week).toMatchObject({
      cohort_date: '2026-11-02',
      shipments: 5,
      with_attempt: 3,
      delivered_first: 2,
      exception_reasons: { lost: 2, damaged: 1 },
      transit_days: { 1: 1, 3: 2 },
      latency_minutes: { 7: 6, 125: 4 },
    });
    expect(figuresOf([week])).toEqual(figuresOf(days));
    // 6 events at 7 minutes, 4 at 125: p50 7, p90 125 (rank 9 of 10).
    expect(figuresOf([week]).scanLatencyMinutes).toEqual({ p50: 7, p90: 125 });
  });
});
