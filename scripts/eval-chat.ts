/**
 * Evaluates the chat's language understanding against test/chat/eval-set.jsonl and prints a report.
 * Exit code 1 when intent accuracy is below 0.95 overall or 0.9 in any language, or when more than 2% of the
 * out-of-scope messages would be answered with tracking. Writes nothing.
 *
 *   npx ts-node --transpile-only scripts/eval-chat.ts [--verbose]
 */
import { join } from 'node:path';
import { evaluate, loadLabelledMessages } from '../src/chat/nlu/chat-eval';
import { CONFIDENCE_THRESHOLD, IntentClassifier } from '../src/chat/nlu/intent-classifier';

const MIN_ACCURACY = 0.95;
const MIN_LANGUAGE_ACCURACY = 0.9;
const MAX_LEAK_RATE = 0.02;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

const started = performance.now();
const classifier = IntentClassifier.fromTrainingFiles();
const trainingMs = performance.now() - started;
const messages = loadLabelledMessages(join(__dirname, '..', 'test', 'chat', 'eval-set.jsonl'));
const classifyStart = performance.now();
const report = evaluate(classifier, messages, CONFIDENCE_THRESHOLD);
const perMessageMs = (performance.now() - classifyStart) / messages.length;

console.log(`Chat NLU evaluation: ${report.total} messages`);
for (const l of report.perLanguage) {
  console.log(
    `  ${l.locale}: ${Math.round(l.accuracy * l.total)}/${l.total} (${pct(l.accuracy)}); ` +
      `out of scope answered with tracking: ${l.leaks}/${l.outOfScope}`,
  );
}
console.log(`\nIntent accuracy: ${pct(report.accuracy)}\n`);
console.log('intent             precision  recall     f1  support');
for (const s of report.perIntent) {
  console.log(
    `${s.intent.padEnd(18)} ${s.precision.toFixed(3).padStart(9)} ${s.recall.toFixed(3).padStart(7)} ` +
      `${s.f1.toFixed(3).padStart(6)} ${String(s.support).padStart(8)}`,
  );
}
console.log('\nConfusion pairs (expected → predicted):');
if (report.confusions.length === 0) console.log('  none');
for (const c of report.confusions) {
  console.log(`  ${c.expected} → ${c.predicted}: ${c.count}`);
  for (const e of c.examples) console.log(`      "${e}"`);
}
console.log(`\nLanguage detection accuracy: ${pct(report.languageAccuracy)}`);
console.log(
  `Out-of-scope leak rate (answered with tracking in a verified conversation): ${report.outOfScopeLeaks}/` +
    `${report.outOfScopeTotal} = ${pct(report.leakRate)} (target at most ${pct(MAX_LEAK_RATE)})`,
);
console.log(
  `Hard negatives (refund, payment, invoice, account messages that read like tracking): ` +
    `${report.hardNegatives.leaks}/${report.hardNegatives.total} answered with tracking, ` +
    `${report.hardNegatives.correct}/${report.hardNegatives.total} given the right kind`,
);
console.log(`Out-of-scope kind named right: ${pct(report.outOfScopeKindAccuracy)}`);
console.log(
  `Out-of-scope messages the classifier reads as a tracking intent: ${report.outOfScopeAsTracking}`,
);
console.log(
  `Tracking questions answered with "did you mean…" instead: ${report.trackingClarified}/${report.trackingTotal}`,
);
console.log(`Multi-request recall (expected "also" intents found): ${pct(report.alsoRecall)}`);
console.log(
  `Confidence at threshold ${CONFIDENCE_THRESHOLD}: ${pct(report.calibration.correctConfident)} of correct answers ` +
    `above, ${pct(report.calibration.wrongUnsure)} of wrong answers below`,
);
console.log(
  `Training: ${trainingMs.toFixed(0)} ms; classification: ${perMessageMs.toFixed(3)} ms per message`,
);

if (process.argv.includes('--verbose')) {
  console.log('\nLow-confidence answers:');
  for (const r of report.results.filter((x) => x.classification.confidence < CONFIDENCE_THRESHOLD)) {
    console.log(
      `  [${r.classification.intent} ${r.classification.confidence}] "${r.message.text}" (${r.message.intent})`,
    );
  }
}

if (report.accuracy < MIN_ACCURACY) {
  console.log(`\nFAIL: accuracy ${pct(report.accuracy)} is below ${pct(MIN_ACCURACY)}`);
  process.exitCode = 1;
}
for (const l of report.perLanguage.filter((x) => x.accuracy < MIN_LANGUAGE_ACCURACY)) {
  console.log(`\nFAIL: ${l.locale} accuracy ${pct(l.accuracy)} is below ${pct(MIN_LANGUAGE_ACCURACY)}`);
  process.exitCode = 1;
}
if (report.leakRate > MAX_LEAK_RATE) {
  console.log(`\nFAIL: out-of-scope leak rate ${pct(report.leakRate)} is above ${pct(MAX_LEAK_RATE)}`);
  process.exitCode = 1;
}
