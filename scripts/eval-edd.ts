/**
 * Backtests the delivery-date model on a store's history, with the same code the service runs.
 *
 *   npm run eval:edd -- history.csv [--json report.json] [--zone Europe/Berlin]
 *
 * The CSV's header: shipment_id,carrier,service,origin_country,origin_postcode,destination_country,
 * destination_postcode,shipped_at,delivered_at,promised_date,carrier_eta (ISO 8601; empty where unknown).
 * Exit code 2 for a file it cannot read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  AccuracyFigures,
  backtest,
  HistoryFormatError,
  parseHistoryCsv,
} from '../src/predictions/edd-backtest';

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run eval:edd -- <history.csv> [--json FILE] [--zone IANA-zone]\n`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let file: string | undefined;
let jsonOut: string | undefined;
let zone = 'UTC';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--json') jsonOut = args[++i] ?? usage('--json needs a file name');
  else if (args[i] === '--zone') zone = args[++i] ?? usage('--zone needs a time zone');
  else if (!file) file = args[i];
  else usage(`unexpected argument ${args[i]}`);
}
if (!file) usage('no history file given');

let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch (err) {
  usage(`cannot read ${file}: ${(err as Error).message}`);
}
let report;
try {
  report = backtest(parseHistoryCsv(text, zone));
} catch (err) {
  if (err instanceof HistoryFormatError) usage(`${file}: ${err.message}`);
  throw err;
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '—' : x.toFixed(2));
const rows: [string, (f: AccuracyFigures) => string][] = [
  ['scored (delivered)', (f) => String(f.scored)],
  ['coverage', (f) => pct(f.coverage)],
  ['window hit rate', (f) => pct(f.windowHitRate)],
  ['exact date', (f) => pct(f.exactRate)],
  ['within ±1 business day', (f) => pct(f.withinOneDayRate)],
  ['mean absolute error (bd)', (f) => num(f.mae)],
  ['mean window width (bd)', (f) => num(f.meanWidthDays)],
  ['late (after latest)', (f) => pct(f.lateRate)],
];
const columns: [string, AccuracyFigures][] = [
  ['ours', report.ours],
  ['ours on lanes', report.oursOnLanes],
  ['promised', report.promised],
  ['carrier ETA', report.carrier],
];
const line = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(14) : c.padEnd(26))).join('');
console.log(line(['', ...columns.map(([name]) => name)]));
for (const [label, value] of rows) console.log(line([label, ...columns.map(([, f]) => value(f))]));
console.log(
  `\nanswered by: ${
    Object.entries(report.levels)
      .map(([level, n]) => `${level} ${n}`)
      .join(', ') || 'nothing'
  }`,
);
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${jsonOut}`);
}
