import {
  closeTurn,
  DialogueState,
  extraSteps,
  LOW_CONFIDENCE_HANDOFF_TURNS,
  openTurn,
} from './chat-dialogue.policy';
import type { Classification, Intent } from './nlu/intent-classifier';
import { IntentClassifier } from './nlu/intent-classifier';

const fresh: DialogueState = { hasOrder: false, hasCustomer: false, lowConfidenceStreak: 0 };
const verified: DialogueState = { hasOrder: true, hasCustomer: true, lowConfidenceStreak: 0 };

function classification(
  intent: Intent,
  confidence: number,
  extra: Partial<Classification> = {},
): Classification {
  return {
    intent,
    confidence,
    language: 'en',
    entities: {
      orderNumbers: [],
      orderNumberForms: {},
      trackingNumbers: [],
      emails: [],
      postcodes: [],
      phones: [],
    },
    ...extra,
  };
}

describe('chat dialogue policy', () => {
  describe('openTurn', () => {
    it('asks to rephrase, then hands off after repeated misunderstanding', () => {
      const unsure = classification('track_order', 0.3);
      const first = openTurn(fresh, unsure, 'hmm');
      expect(first).toEqual({ kind: 'not_understood', lowConfidenceStreak: 1 });
      const second = openTurn(
        { ...fresh, lowConfidenceStreak: LOW_CONFIDENCE_HANDOFF_TURNS - 1 },
        unsure,
        'hmm',
      );
      expect(second).toEqual({ kind: 'handoff', reason: 'low_confidence', lowConfidenceStreak: 0 });
    });

    it.each(['refund_return', 'payment', 'account', 'product', 'invoice', 'out_of_scope'] as Intent[])(
      'answers %s with its own pointer, never tracking, even for a verified order',
      (intent) => {
        expect(openTurn(verified, classification(intent, 0.9), 'x')).toMatchObject({
          kind: 'out_of_scope',
          topic: intent,
        });
      },
    );

    it('does not take the order number of an out-of-scope question as a tracking request', () => {
      const c = classification('invoice', 0.9);
      c.entities.orderNumbers = ['4410'];
      expect(openTurn(fresh, c, 'invoice for order 4410')).toMatchObject({
        kind: 'out_of_scope',
        topic: 'invoice',
      });
    });

    it('asks when a tracking reading and an out-of-scope one are close', () => {
      const c = classification('track_order', 0.5, {
        secondary: [{ intent: 'refund_return', confidence: 0.3 }],
      });
      expect(openTurn(verified, c, 'where is it')).toMatchObject({ kind: 'clarify', topic: 'refund_return' });
      const reverse = classification('payment', 0.45, {
        secondary: [{ intent: 'delivery_eta', confidence: 0.4 }],
      });
      expect(openTurn(fresh, reverse, 'when')).toMatchObject({ kind: 'clarify', topic: 'payment' });
    });

    it('answers both requests of a message rather than asking which one was meant', () => {
      const c = classification('delivery_eta', 1, {
        secondary: [{ intent: 'refund_return', confidence: 0.98 }],
        also: ['refund_return'],
      });
      expect(openTurn(verified, c, 'when will it arrive, and when do I get my refund')).toMatchObject({
        kind: 'proceed',
        intent: 'delivery_eta',
        extras: ['refund_return'],
      });
    });

    it('does not ask when the tracking reading is clear', () => {
      const c = classification('track_order', 0.9, {
        secondary: [{ intent: 'refund_return', confidence: 0.06 }],
      });
      expect(openTurn(verified, c, 'where is my parcel')).toMatchObject({
        kind: 'proceed',
        intent: 'track_order',
      });
    });

    it('keeps the verified order when the shopper sends their email again', () => {
      const c = classification('provide_details', 0.95);
      c.entities.emails = ['jo@example.com'];
      expect(openTurn(verified, c, 'jo@example.com')).toMatchObject({ kind: 'proceed', takeDetails: false });
      expect(closeTurn(verified, 'provide_details', false, false)).toEqual({
        kind: 'answer',
        intent: 'track_order',
      });
    });

    it('takes a new order number even after verification', () => {
      const c = classification('provide_details', 0.95);
      c.entities.orderNumbers = ['WS-000002'];
      expect(openTurn(verified, c, 'WS-000002')).toMatchObject({ kind: 'proceed', takeDetails: true });
    });

    it('reads a short, unsure status question as about the order already discussed', () => {
      const c = classification('out_of_scope', 0.3, {
        secondary: [{ intent: 'delivery_problem', confidence: 0.2 }],
      });
      expect(openTurn(verified, c, 'it says returned?? why')).toMatchObject({
        kind: 'proceed',
        intent: 'delivery_problem',
      });
      // Without an order in the conversation the same words could be about anything: ask.
      expect(openTurn(fresh, c, 'it says returned?? why')).toMatchObject({ kind: 'clarify' });
    });

    it('remembers a tracking request until the shopper is verified', () => {
      expect(openTurn(fresh, classification('delivery_eta', 0.9), 'when will it come')).toMatchObject({
        kind: 'proceed',
        rememberIntent: 'delivery_eta',
      });
    });

    it('hands off on request', () => {
      expect(openTurn(verified, classification('human_agent', 0.9), 'a person please')).toMatchObject({
        kind: 'handoff',
        reason: 'requested',
      });
    });
  });

  describe('closeTurn', () => {
    it('answers "ok" with an acknowledgement, and only thanks with "you are welcome"', () => {
      expect(closeTurn(verified, 'acknowledge', false)).toEqual({ kind: 'acknowledge' });
      expect(closeTurn(verified, 'thanks', false)).toEqual({ kind: 'thanks' });
    });

    it('answers the request asked before verification once the details match', () => {
      const state = { ...verified, pendingIntent: 'delivery_eta' as Intent };
      expect(closeTurn(state, 'provide_details', true, true)).toEqual({
        kind: 'answer',
        intent: 'delivery_eta',
      });
    });

    it('asks for details when nothing identifies the shopper', () => {
      expect(closeTurn(fresh, 'track_order', false)).toEqual({ kind: 'ask_details' });
    });

    it('uses the latest order of a customer known by token', () => {
      expect(closeTurn({ ...fresh, hasCustomer: true }, 'delivery_eta', false)).toEqual({
        kind: 'latest_order',
        intent: 'delivery_eta',
      });
    });
  });

  describe('extraSteps', () => {
    it('answers every request of the message, each once', () => {
      expect(
        extraSteps('track_order', ['change_address', 'refund_return', 'human_agent', 'refund_return'], true),
      ).toEqual([
        { kind: 'order', intent: 'change_address' },
        { kind: 'out_of_scope', topic: 'refund_return' },
        { kind: 'handoff' },
      ]);
    });

    it('does not repeat the parcel status for a second tracking intent', () => {
      expect(extraSteps('track_order', ['delivery_eta'], true)).toEqual([]);
    });
  });

  describe('with the trained classifier, in every language', () => {
    let classifier: IntentClassifier;
    beforeAll(() => {
      classifier = IntentClassifier.fromTrainingFiles();
    });

    it.each([
      ['when will I get my refund', 'en'],
      ['when will I be charged', 'en'],
      ['where is my invoice', 'en'],
      ['my account shows my order as cancelled', 'en'],
      ['¿cuándo me devuelven el dinero del pedido?', 'es'],
      ['¿dónde está mi factura?', 'es'],
      ['quand est-ce que je serai remboursée ?', 'fr'],
      ['où est ma facture ?', 'fr'],
      ['Wann bekomme ich mein Geld zurück?', 'de'],
      ['Wo ist meine Rechnung?', 'de'],
    ])('never shows tracking for "%s" (%s)', (text, locale) => {
      const c = classifier.classify(text, locale);
      const opening = openTurn(verified, c, text);
      expect(opening.kind).not.toBe('proceed');
    });

    it.each([
      ['Wo ist meine Bestellung?', 'track_order'],
      ['Où est mon colis ?', 'track_order'],
      ['¿Dónde está mi pedido?', 'track_order'],
      ['where is my order', 'track_order'],
    ])('answers "%s" about the order', (text, intent) => {
      expect(openTurn(verified, classifier.classify(text), text)).toMatchObject({ kind: 'proceed', intent });
    });
  });
});
