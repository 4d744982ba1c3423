import { statementName } from './prepared';

describe('statementName', () => {
  it('gives a text the same name every time, and different texts different names', () => {
    const a = statementName('SELECT 1 WHERE $1::int > 0');
    expect(a).toMatch(/^wismo_[0-9a-f]{20}$/);
    expect(statementName('SELECT 1 WHERE $1::int > 0')).toBe(a);
    expect(statementName('SELECT 2 WHERE $1::int > 0')).not.toBe(a);
  });

  it('stops naming new texts after a bound, so a text built per call cannot fill the server with statements', () => {
    const named = Array.from({ length: 400 }, (_, i) => statementName(`SELECT ${i} AS n`));
    const unnamed = named.filter((n) => n === undefined).length;
    expect(unnamed).toBeGreaterThan(100);
    expect(named.filter(Boolean).length).toBeLessThanOrEqual(256);
    // Texts named before the bound keep their names.
    expect(statementName('SELECT 0 AS n')).toBe(named[0]);
  });
});
