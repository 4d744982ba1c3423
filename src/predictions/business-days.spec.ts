import {
  addBusinessDays,
  businessDaysBetween,
  businessIndex,
  dateAtBusinessIndex,
  weekdayOf,
} from './business-days';

describe('business days', () => {
  it('knows the weekday of a date, Monday first', () => {
    expect(weekdayOf('2026-12-07')).toBe(0); // Monday
    expect(weekdayOf('2026-12-04')).toBe(4); // Friday
    expect(weekdayOf('2026-12-06')).toBe(6); // Sunday
    expect(weekdayOf('1969-12-31')).toBe(2); // before the epoch too
  });

  it('counts Monday to Friday only, a weekend sitting on the next Monday', () => {
    expect(businessDaysBetween('2026-12-04', '2026-12-07')).toBe(1); // Friday → Monday
    expect(businessDaysBetween('2026-12-04', '2026-12-05')).toBe(1); // Friday → Saturday counts as Monday
    expect(businessDaysBetween('2026-12-05', '2026-12-07')).toBe(0); // Saturday → Monday
    expect(businessDaysBetween('2026-12-01', '2026-12-15')).toBe(10);
    expect(businessDaysBetween('2026-12-15', '2026-12-01')).toBe(-10);
    expect(businessDaysBetween('2026-12-31', '2027-01-04')).toBe(2); // across a year end
  });

  it('adds business days, landing on weekdays only', () => {
    expect(addBusinessDays('2026-12-04', 1)).toBe('2026-12-07');
    expect(addBusinessDays('2026-12-06', 0)).toBe('2026-12-07');
    expect(addBusinessDays('2026-12-02', 3)).toBe('2026-12-07');
    expect(addBusinessDays('2026-12-07', -1)).toBe('2026-12-04');
  });

  it('maps every weekday back to itself through its index', () => {
    for (let day = 0; day < 800; day++) {
      const date = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
      if (weekdayOf(date) < 5) expect(dateAtBusinessIndex(businessIndex(date))).toBe(date);
    }
  });
});
