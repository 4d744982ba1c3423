import { reportToCsv } from './analytics-csv';

describe('reportToCsv', () => {
  it('writes a total row and a row per group with dotted columns', () => {
    const csv = reportToCsv({
      from: '2026-11-01',
      shipments: 3,
      transitDays: { p50: 2, p90: null },
      groups: [{ key: 'ups', shipments: 2, transitDays: { p50: 1, p90: 3 } }],
    });
    expect(csv.split('\r\n')).toEqual([
      'key,from,shipments,transitDays.p50,transitDays.p90',
      'total,2026-11-01,3,2,',
      'ups,,2,1,3',
      '',
    ]);
  });

  it('quotes commas and quotes, and defuses spreadsheet formulas', () => {
    const csv = reportToCsv({ groups: [{ key: 'DPD, "Germany"' }, { key: '=HYPERLINK("x")' }] });
    expect(csv).toContain('"DPD, ""Germany"""');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
