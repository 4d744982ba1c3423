/**
 * Scores the intent classifier and language detector against a labelled set. Shared by the eval script
 * (which prints the report) and the unit spec (which asserts on it), so both measure the same thing.
 */
import { readFileSync } from 'node:fs';
import { openTurn } from '../chat-dialogue.policy';
import {
  Classification,
  Intent,
  IntentClassifier,
  INTENTS,
  isOutOfScope,
  TRACKING_INTENTS,
} from './intent-classifier';
import { CHAT_LANGUAGES, ChatLanguage, detectLanguage } from './language-detector';

export interface LabelledMessage {
  text: string;
  intent: Intent;
  locale: ChatLanguage;
  /** Further requests expected in `Classification.also`, when the message carries several. */
  also?: Intent[];
  /** An out-of-scope message written like a tracking question ("when will I get my refund"). */
  hard?: boolean;
}

export interface LanguageScore {
  locale: ChatLanguage;
  total: number;
  accuracy: number;
  /** Out-of-scope messages of this language the chat would answer with the order (see `leaks`). */
  outOfScope: number;
  leaks: number;
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
  /** Out-of-scope messages (any kind) the classifier sent to track_order, delivery_eta or delivery_problem. */
  outOfScopeAsTracking: number;
  /**
   * Out-of-scope messages the chat would answer with the order, in a verified conversation: the dialogue
   * policy proceeds to the order instead of pointing elsewhere or asking. The "leak rate".
   */
  outOfScopeTotal: number;
  outOfScopeLeaks: number;
  leakRate: number;
  /** The same for the hard negatives alone. */
  hardNegatives: { total: number; leaks: number; correct: number };
  /** In-scope tracking messages the chat would answer with a "did you mean…" question instead (the price of asking). */
  trackingClarified: number;
  trackingTotal: number;
  /** Out-of-scope messages whose kind (refund, payment…) was named right. */
  outOfScopeKindAccuracy: number;
  perLanguage: LanguageScore[];
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
  const verified = { hasOrder: true, hasCustomer: true, lowConfidenceStreak: 0 };
  const opening = (r: (typeof results)[number]) => openTurn(verified, r.classification, r.message.text);
  const leaks = (rs: typeof results) =>
    rs.filter((r) => isOutOfScope(r.message.intent) && opening(r).kind === 'proceed').length;
  const outOfScope = results.filter((r) => isOutOfScope(r.message.intent));
  const hard = results.filter((r) => r.message.hard);
  const trackingMessages = results.filter((r) => TRACKING_INTENTS.has(r.message.intent));
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
      (r) => isOutOfScope(r.message.intent) && tracking.has(r.classification.intent),
    ).length,
    outOfScopeTotal: outOfScope.length,
    outOfScopeLeaks: leaks(outOfScope),
    leakRate: leaks(outOfScope) / Math.max(1, outOfScope.length),
    hardNegatives: {
      total: hard.length,
      leaks: leaks(hard),
      correct: hard.filter((r) => r.classification.intent === r.message.intent).length,
    },
    trackingClarified: trackingMessages.filter((r) => opening(r).kind === 'clarify').length,
    trackingTotal: trackingMessages.length,
    outOfScopeKindAccuracy:
      outOfScope.filter((r) => r.classification.intent === r.message.intent).length /
      Math.max(1, outOfScope.length),
    perLanguage: CHAT_LANGUAGES.map((locale) => {
      const subset = results.filter((r) => r.message.locale === locale);
      const oos = subset.filter((r) => isOutOfScope(r.message.intent));
      return {
        locale,
        total: subset.length,
        accuracy:
          subset.filter((r) => r.classification.intent === r.message.intent).length /
          Math.max(1, subset.length),
        outOfScope: oos.length,
        leaks: leaks(oos),
      };
    }),
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
