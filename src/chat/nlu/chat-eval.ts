/**
 * Scores the intent classifier and language detector against a labelled set. Shared by the eval script
 * (which prints the report) and the unit spec (which asserts on it), so both measure the same thing.
 */
import { readFileSync } from 'node:fs';
import { Classification, Intent, IntentClassifier, INTENTS } from './intent-classifier';
import { detectLanguage } from './language-detector';

export interface LabelledMessage {
  text: string;
  intent: Intent;
  locale: 'en' | 'es';
  /** Further requests expected in `Classification.also`, when the message carries several. */
  also?: Intent[];
}

export interface IntentScore {
  intent: Intent;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalReport {
  total: number;
  accuracy: number;
  perIntent: IntentScore[];
  /** "expected → predicted" with counts, most frequent first. */
  confusions: { expected: Intent; predicted: Intent; count: number; examples: string[] }[];
  languageAccuracy: number;
  /** out_of_scope messages the classifier sent to track_order, delivery_eta or delivery_problem. */
  outOfScopeAsTracking: number;
  /** Share of expected extra requests (`also`) that were found. */
  alsoRecall: number;
  /** Share of correct answers at or above the threshold, and of wrong answers below it. */
  calibration: { correctConfident: number; wrongUnsure: number };
  results: { message: LabelledMessage; classification: Classification }[];
}

export function loadLabelledMessages(path: string): LabelledMessage[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      const parsed = JSON.parse(line) as LabelledMessage;
      if (!INTENTS.includes(parsed.intent)) throw new Error(`Line ${i + 1}: unknown intent ${parsed.intent}`);
      return parsed;
    });
}

export function evaluate(
  classifier: IntentClassifier,
  messages: LabelledMessage[],
  threshold: number,
): EvalReport {
  const results = messages.map((message) => ({ message, classification: classifier.classify(message.text) }));
  const correct = results.filter((r) => r.classification.intent === r.message.intent);
  const perIntent = INTENTS.map((intent) => {
    const tp = results.filter(
      (r) => r.message.intent === intent && r.classification.intent === intent,
    ).length;
    const predicted = results.filter((r) => r.classification.intent === intent).length;
    const support = results.filter((r) => r.message.intent === intent).length;
    const precision = predicted === 0 ? 1 : tp / predicted;
    const recall = support === 0 ? 1 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { intent, precision, recall, f1, support };
  });
  const confusionMap = new Map<string, EvalReport['confusions'][number]>();
  for (const r of results) {
    if (r.classification.intent === r.message.intent) continue;
    const key = `${r.message.intent}>${r.classification.intent}`;
    const entry = confusionMap.get(key) ?? {
      expected: r.message.intent,
      predicted: r.classification.intent,
      count: 0,
      examples: [],
    };
    entry.count++;
    entry.examples.push(r.message.text);
    confusionMap.set(key, entry);
  }
  const tracking = new Set<Intent>(['track_order', 'delivery_eta', 'delivery_problem']);
  const expectedAlso = results.flatMap((r) =>
    (r.message.also ?? []).map((i) => ({ i, got: r.classification.also })),
  );
  const wrong = results.filter((r) => r.classification.intent !== r.message.intent);
  return {
    total: results.length,
    accuracy: correct.length / results.length,
    perIntent,
    confusions: [...confusionMap.values()].sort((a, b) => b.count - a.count),
    languageAccuracy:
      results.filter((r) => detectLanguage(r.message.text, 'en') === r.message.locale).length /
      results.length,
    outOfScopeAsTracking: results.filter(
      (r) => r.message.intent === 'out_of_scope' && tracking.has(r.classification.intent),
    ).length,
    alsoRecall:
      expectedAlso.length === 0
        ? 1
        : expectedAlso.filter((e) => e.got?.includes(e.i)).length / expectedAlso.length,
    calibration: {
      correctConfident:
        correct.filter((r) => r.classification.confidence >= threshold).length / Math.max(1, correct.length),
      wrongUnsure:
        wrong.filter((r) => r.classification.confidence < threshold).length / Math.max(1, wrong.length),
    },
    results,
  };
}
