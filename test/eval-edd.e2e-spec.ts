import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HISTORY_COLUMNS } from '../src/predictions/edd-backtest';
import { LANES, syntheticHistory } from './support/delivery-history';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

/** `npm run eval:edd` as a store would run it: a CSV in, a table and a JSON report out. */
describe('npm run eval:edd', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wismo-edd-'));
    const rows = syntheticHistory(LANES, { days: 120 }).map((r, i) =>
      [
        r.shipmentId,
        r.carrier,
        r.service,
        r.originCountry,
        `"${r.originPostcode}"`,
        r.destinationCountry,
        `"${r.destinationPostcode}"`,
        new Date(r.shippedAtMs).toISOString(),
        new Date(r.deliveredAtMs!).toISOString(),
        r.promisedDate,
        i % 10 === 0 ? r.deliveredOn : '',
      ].join(','),
    );
    writeFileSync(join(dir, 'history.csv'), [HISTORY_COLUMNS.join(','), ...rows].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the comparison and writes ours, promised and carrier figures', async () => {
    const out = join(dir, 'report.json');
    const { stdout } = await run(
      'npx',
      ['ts-node', '--transpile-only', 'scripts/eval-edd.ts', join(dir, 'history.csv'), '--json', out],
      { cwd: ROOT },
    );
    expect(stdout).toMatch(/window hit rate/);
    expect(stdout).toMatch(/answered by: .*lane_weekday/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    for (const source of ['ours', 'promised', 'carrier']) {
      expect(Object.keys(report[source])).toEqual(
        expect.arrayContaining([
          'windowHitRate',
          'exactRate',
          'withinOneDayRate',
          'mae',
          'meanWidthDays',
          'coverage',
          'lateRate',
        ]),
      );
    }
    expect(report.ours.windowHitRate).toBeGreaterThan(0.8);
    // Every tenth shipment carried a perfect carrier ETA.
    expect(report.carrier).toMatchObject({ exactRate: 1, mae: 0 });
    expect(report.carrier.coverage).toBeGreaterThan(0.05);
    expect(report.carrier.coverage).toBeLessThan(0.2);
  }, 60000);

  it('says what is wrong with a file it cannot read, with exit code 2', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'shipment_id,carrier\n1,ups\n');
    const failure = await run(
      'npx',
      ['ts-node', '--transpile-only', 'scripts/eval-edd.ts', join(dir, 'bad.csv')],
      {
        cwd: ROOT,
      },
    ).catch((err: { code: number; stderr: string }) => err);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/header lacks service/);
  }, 60000);
});
