import { join } from 'node:path';
import { evaluate, loadLabelledMessages } from './chat-eval';
import { CONFIDENCE_THRESHOLD, IntentClassifier, INTENTS } from './intent-classifier';
import { foldText, maskTrainingPlaceholders } from './text-normalizer';
import enTraining from './training/en.json';
import esTraining from './training/es.json';

const EVAL_SET = join(__dirname, '..', '..', '..', 'test', 'chat', 'eval-set.jsonl');

describe('IntentClassifier', () => {
  let classifier: IntentClassifier;

  beforeAll(() => {
    classifier = IntentClassifier.fromTrainingFiles();
  });

  // Speed is measured by `npm run bench`, not asserted here: timed unit tests flake on a loaded machine.
  it('trains reproducibly: two classifiers from the same files agree', () => {
    const fresh = IntentClassifier.fromTrainingFiles();
    for (const text of [
      'where is my order #1042',
      'cuándo llega mi paquete',
      'cancel it and talk to a human please',
    ]) {
      expect(fresh.classify(text)).toEqual(classifier.classify(text));
    }
  });

  it('has at least 40 training phrases per intent and language', () => {
    for (const corpus of [enTraining, esTraining] as Record<string, string[]>[]) {
      expect(Object.keys(corpus).sort()).toEqual([...INTENTS].sort());
      for (const intent of INTENTS) expect(corpus[intent].length).toBeGreaterThanOrEqual(40);
    }
  });

  it.each([
    ['wheres my pakage', 'track_order'],
    ['wen will it arive', 'delivery_eta'],
    ['it sayz deliverd but its not here', 'delivery_problem'],
    ['cancle my ordr', 'cancel_order'],
    ['pls chnage my adress', 'change_address'],
    ['dnd esta mi pedio', 'track_order'],
  ])('tolerates typos: %s → %s', (text, intent) => {
    expect(classifier.classify(text).intent).toBe(intent);
  });

  it.each([
    'when will I get my refund',
    'where is my refund',
    'when will I be charged',
    'my refund still hasnt arrived',
    'cuándo me devuelven el dinero',
    'cancel my subscription',
    'reset my password',
  ])('sends the look-alike "%s" to out_of_scope', (text) => {
    const result = classifier.classify(text);
    expect(result.intent).toBe('out_of_scope');
    expect(result.confidence).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLD);
  });

  it('keeps a parcel question a parcel question when money is also mentioned', () => {
    expect(
      classifier.classify('I paid for express shipping and my package still has not arrived').intent,
    ).toBe('track_order');
  });

  it.each([
    ['#1042', 'en'],
    ['order 10423 jane@example.com', 'en'],
    ['1Z999AA10123456784', 'en'],
    ['mi pedido es el 10423', 'es'],
  ])('reads "%s" as provide_details', (text, locale) => {
    const result = classifier.classify(text, locale);
    expect(result.intent).toBe('provide_details');
    expect(result.confidence).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLD);
  });

  it('returns the entities it found', () => {
    const result = classifier.classify('where is order #1042? my email is Jo@Example.com');
    expect(result.intent).toBe('track_order');
    expect(result.entities.orderNumbers).toEqual(['1042']);
    expect(result.entities.emails).toEqual(['jo@example.com']);
  });

  it('finds several requests in one message', () => {
    const result = classifier.classify('where is it and can I change the address');
    expect(result.intent).toBe('track_order');
    expect(result.also).toEqual(['change_address']);

    const es = classifier.classify('dice entregado pero no lo tengo, quiero hablar con una persona');
    expect(es.intent).toBe('delivery_problem');
    expect(es.also).toEqual(['human_agent']);

    expect(classifier.classify('where is my order #1042').also).toBeUndefined();
  });

  it('is unsure about messages it cannot read', () => {
    for (const text of ['?', 'asdkjh qwe', '...']) {
      expect(classifier.classify(text).confidence).toBeLessThan(CONFIDENCE_THRESHOLD);
    }
  });

  it('reports the language, falling back to the locale', () => {
    expect(classifier.classify('dónde está mi pedido').language).toBe('es');
    expect(classifier.classify('#1042', 'es').language).toBe('es');
    expect(classifier.classify('#1042').language).toBe('en');
  });

  describe('evaluation set', () => {
    const messages = loadLabelledMessages(EVAL_SET);

    it('is large, bilingual and covers every intent', () => {
      expect(messages.length).toBeGreaterThanOrEqual(320);
      expect(messages.filter((m) => m.locale === 'es').length).toBeGreaterThanOrEqual(80);
      for (const intent of INTENTS) expect(messages.some((m) => m.intent === intent)).toBe(true);
    });

    it('shares no message with the training phrases', () => {
      const key = (text: string) => foldText(maskTrainingPlaceholders(text));
      const training = new Set(
        [enTraining, esTraining].flatMap((c) => Object.values(c as Record<string, string[]>).flat()).map(key),
      );
      const overlap = messages.filter((m) => training.has(key(m.text)));
      expect(overlap.map((m) => m.text)).toEqual([]);
    });

    it('is classified with at least 95% accuracy', () => {
      const report = evaluate(classifier, messages, CONFIDENCE_THRESHOLD);
      expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
    });
  });
});
