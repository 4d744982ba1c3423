/**
 * Offline intent classifier for the WISMO chat. Owns the intent vocabulary, the model trained at start-up
 * from the phrase files in `./training`, and the few rules the model cannot be trusted with.
 *
 * Model: multinomial logistic regression over TF-IDF word unigrams, bigrams and character 3–5-grams (the
 * n-grams carry typo tolerance: "pakage" shares most of its trigrams with "package"). One model serves all four
 * languages (English, Spanish, French, German), so a Spanish shopper writing "tracking" or an English one on a
 * German storefront still works.
 *
 * Out of scope is not one class but a family: refunds and returns, payments, account, product and stock,
 * invoices, and everything else. Each gets its own answer (the store's page for it), and none of them may ever
 * be answered with tracking.
 *
 * Rules on top of the model, each because the model alone gets it wrong in a way that matters:
 * - money/account look-alikes ("when will I get my refund", "where is my invoice") veto the tracking intents
 *   unless a shipment word (package, delivered…) shows the shopper really asks about a parcel; the words then
 *   also name the out-of-scope kind;
 * - a message that is only identifiers ("#1042 jo@x.com") is `provide_details`;
 * - a message with no words ("?") is `out_of_scope` with a low confidence.
 * Several requests in one message are found by splitting on sentence ends and connectors ("and can I…").
 */
import {
  DEFAULT_ORDER_NUMBER_PATTERN,
  entitiesFromSpans,
  ExtractedEntities,
  findEntitySpans,
} from './entity-extractor';
import { CHAT_LANGUAGES, ChatLanguage, scoreLanguages } from './language-detector';
import {
  foldText,
  maskEntities,
  maskTrainingPlaceholders,
  PLACEHOLDER_TOKENS,
  PLACEHOLDERS,
  tokenize,
} from './text-normalizer';
import deTraining from './training/de.json';
import enTraining from './training/en.json';
import esTraining from './training/es.json';
import frTraining from './training/fr.json';

export const INTENTS = [
  'track_order',
  'delivery_eta',
  'delivery_problem',
  'change_address',
  'cancel_order',
  'human_agent',
  'greeting',
  'thanks',
  'acknowledge',
  'provide_details',
  'refund_return',
  'payment',
  'account',
  'product',
  'invoice',
  'out_of_scope',
] as const;
export type Intent = (typeof INTENTS)[number];

/** Questions the chat does not answer itself; each kind has its own pointer to the store's help. */
export const OUT_OF_SCOPE_INTENTS: ReadonlySet<Intent> = new Set<Intent>([
  'refund_return',
  'payment',
  'account',
  'product',
  'invoice',
  'out_of_scope',
]);
/** Intents answered with the shipment's status: never for an out-of-scope question. */
export const TRACKING_INTENTS: ReadonlySet<Intent> = new Set<Intent>([
  'track_order',
  'delivery_eta',
  'delivery_problem',
]);

export function isOutOfScope(intent: Intent): boolean {
  return OUT_OF_SCOPE_INTENTS.has(intent);
}

/** Below this the chat should ask the shopper to rephrase rather than act on the intent. */
export const CONFIDENCE_THRESHOLD = 0.5;

export interface ScoredIntent {
  intent: Intent;
  confidence: number;
}

export interface Classification {
  intent: Intent;
  /** 0..1; at or above CONFIDENCE_THRESHOLD the intent is clear enough to act on. */
  confidence: number;
  /** Runner-up intents for the whole message, most likely first. */
  secondary?: ScoredIntent[];
  /** Further requests in the same message, in reading order ("…and can I change the address"). */
  also?: Intent[];
  /** Language of the message (the caller's locale when the text gives no evidence). */
  language: ChatLanguage;
  entities: ExtractedEntities;
}

export type TrainingPhrases = Partial<Record<Intent, string[]>>;

export interface IntentClassifierOptions {
  /** The shop's order-number shape; DEFAULT_ORDER_NUMBER_PATTERN when absent. */
  orderNumberPattern?: RegExp;
}

/** Intents that are not a request the chat acts on; they never count as an extra request. */
const NON_REQUESTS = new Set<Intent>(['greeting', 'thanks', 'acknowledge', 'provide_details']);

/**
 * Words (folded) that name an out-of-scope kind, in the four languages, most specific kind first. They make a
 * message about money, accounts or shopping rather than a parcel, and say which kind.
 */
const TOPIC_WORDS: [Intent, RegExp][] = [
  [
    'refund_return',
    /\b(?:refund\w*|reimburs\w*|money back|my money|my return|store credit|credit note|nota de credito|avoir|bon d achat|gutschrift|return policy|returns? label|send (?:it|this) back|exchange\w*|reembols\w*|devolucion\w*|devolver\w*|devuelv\w*|mi dinero|el dinero|rembours\w*|mon argent|echange\w*|etiquette de retour|politique de retour|mon retour|retourner|erstatt\w*|ruckerstatt\w*|geld zuruck|mein geld|umtausch\w*|rucksend\w*|zuruckgeben|zuruckschicken|ruckgabe\w*)\b/,
  ],
  [
    'invoice',
    /\b(?:invoice\w*|receipts?|proof of purchase|factura\w*|justificante|ticket de compra|factures?|justificatif|ticket de caisse|rechnung\w*|quittung|kaufbeleg|beleg)\b/,
  ],
  [
    'payment',
    /\b(?:charg\w*|money|bill(?:ed|ing)|overcharg\w*|payments?|pay|paying|paypal|klarna|debited|declined|installments?|coupons?|discount\w*|promo\w*|gift ?cards?|cobr\w*|cargo|pagos?|pagar|tarjeta|a plazos|cupon\w*|descuento\w*|tarjeta regalo|debit\w*|preleve\w*|prelevement\w*|paiement\w*|payer|carte (?:bancaire|cadeau)|code promo|code de reduction|reduction|plusieurs fois|abgebucht|abbuchung\w*|belastet|zahlung\w*|bezahl\w*|zahlen|gutschein\w*|rabatt\w*|geschenkkarte\w*|raten)\b/,
  ],
  [
    'account',
    /\b(?:password|account|log ?in|sign ?in|newsletter|subscription|membership|unsubscribe|loyalty points|contrasena|mi cuenta|la cuenta|iniciar sesion|suscripcion|membresia|boletin|mot de passe|mon compte|se connecter|abonnement|newsletter|espace client|passwort|konto|kundenkonto|einloggen|login|abo|mitgliedschaft|treuepunkte)\b/,
  ],
  [
    'product',
    /\b(?:size|sizes|in stock|back in stock|restock|sold out|colou?rs?|material|warranty|machine washable|waterproof|dimensions|talla\w*|en stock|agotado|colores|garantia|impermeable|taille|en rupture|coloris|matiere|garantie|groesse|grosse|grossen|auf lager|ausverkauft|farben?|garantie|wasserdicht|massen?)\b/,
  ],
];
/** Things a shopper can cancel or change that are not an order or its address. */
const NOT_AN_ORDER =
  /\b(?:subscription|membership|account|newsletter|password|suscripcion|membresia|mi cuenta|la cuenta|contrasena|boletin|abonnement|mon compte|mot de passe|abo|konto|kundenkonto|passwort|mitgliedschaft)\b/;
/** Words (folded) that show the shopper is asking about a parcel even when money is mentioned. */
const SHIPMENT_ANCHOR =
  /\b(?:package|packet|parcel|pakage|pacakge|tracking|delivered|delivery|courier|driver|shipment|paquete|seguimiento|entregado|entrega|repartidor|mensajero|damaged|broken|danado|roto|address|direccion|colis|paquet|livraison|livre|livreur|transporteur|suivi|endommage|casse|adresse|paket|packet|sendung|lieferung|geliefert|zugestellt|zustellung|bote|fahrer|paketdienst|beschadigt|kaputt|sender|remitente|expediteur|absender)\b/;

/**
 * Refund and invoice words are never about where a parcel is, even next to one ("I sent the package back and
 * never got my money back"): they veto tracking whatever else the message says.
 */
const MONEY_BACK =
  /\b(?:refund\w*|money back|reembols\w*|devuelto el dinero|devuelvan el dinero|rembours\w*|erstatt\w*|ruckerstatt\w*|geld zuruck|invoice\w*|factura\w*|factures?|rechnung\w*)\b/;

/** The out-of-scope kind the words name, if any. */
export function outOfScopeTopic(folded: string): Intent | undefined {
  return TOPIC_WORDS.find(([, re]) => re.test(folded))?.[0];
}
/** Words that may accompany identifiers without turning them into a question. */
const FILLER = new Set(
  (
    'my the is its it a an order number no num nr id tracking track email mail e zip code postcode postal post ' +
    'phone here you go sure yes yeah yep ok okay and i think should be was name this that for of with under ' +
    'mi es el la de del pedido numero seguimiento correo codigo cp telefono aqui tienes esta si claro y creo ' +
    'que era debe deberia ser mail orden ' +
    'ma mon la le est cest voici voila commande numero de du suivi code postal et oui mail adresse ' +
    'meine mein ist die der das bestellung bestellnummer nummer sendungsnummer plz postleitzahl und ja hier bitte lautet'
  ).split(' '),
);

/** A clause must be at least this sure to take the lead from the whole message. */
const CLEAR_CLAUSE = 0.7;
const SENTENCE_BREAK = /[.?!;,\n]+/;
const CONNECTOR_BREAK =
  /\b(?:and also|and then|but also|also|plus|y tambien|y ademas|ademas|tambien|et aussi|et puis|aussi|und auch|und dann|ausserdem|auch)\b|\b(?:and|but|or|y|pero|o|et|mais|ou|und|aber|oder)\s+(?=(?:can|could|would|will|how|when|where|what|why|is|are|has|i|id|im|please|cancel|change|update|send|talk|speak|let|get|puedo|puede|pueden|podrian|quiero|quisiera|necesito|como|cuando|donde|que|me|cancelar|cancelen|cambiar|cambien|hablar|pasame|por favor|cuanto|je|est|peut|puis|pouvez|quand|ou|comment|pourquoi|annuler|changer|modifier|parler|kann|konnen|wann|wo|wie|warum|ich|bitte|stornieren|andern|sprechen)\b)/;

interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

interface SegmentResult extends ScoredIntent {
  probabilities: Float64Array;
}

/** Small deterministic PRNG so training is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Raw feature names for a token list, in two blocks normalised separately: words and characters. */
function featureNames(tokens: string[]): { words: string[]; chars: string[] } {
  const words: string[] = [];
  const chars: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    words.push(`w:${tokens[i]}`);
    if (i + 1 < tokens.length) words.push(`b:${tokens[i]}_${tokens[i + 1]}`);
    if (PLACEHOLDER_TOKENS.has(tokens[i]) || tokens[i] === 'zznum') continue;
    const padded = ` ${tokens[i]} `;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) chars.push(`c:${padded.slice(j, j + n)}`);
    }
  }
  if (tokens.length === 1) words.push(`b:^${tokens[0]}$`);
  return { words, chars };
}

const CHAR_BLOCK_WEIGHT = 0.8;
const CHAR_CACHE_SIZE = 20_000;
const EPOCHS = 30;
const LEARNING_RATE = 0.8;
const L2 = 1e-4;

export class IntentClassifier {
  private readonly vocabulary = new Map<string, number>();
  private idf = new Float64Array(0);
  private weights = new Float64Array(0);
  private readonly bias = new Float64Array(INTENTS.length);
  private readonly orderNumberPattern: RegExp;
  private readonly charCache = new Map<string, Int32Array>();

  private constructor(options: IntentClassifierOptions) {
    this.orderNumberPattern = options.orderNumberPattern ?? new RegExp(DEFAULT_ORDER_NUMBER_PATTERN);
  }

  /** The classifier trained on the phrase files shipped with the service (English, Spanish, French, German). */
  static fromTrainingFiles(options: IntentClassifierOptions = {}): IntentClassifier {
    return IntentClassifier.train(
      [enTraining, esTraining, frTraining, deTraining] as TrainingPhrases[],
      options,
    );
  }

  static train(corpora: TrainingPhrases[], options: IntentClassifierOptions = {}): IntentClassifier {
    const classifier = new IntentClassifier(options);
    const examples: { tokens: string[]; label: number }[] = [];
    for (const corpus of corpora) {
      for (const [intent, phrases] of Object.entries(corpus)) {
        const label = INTENTS.indexOf(intent as Intent);
        if (label < 0) throw new Error(`Unknown intent in training phrases: ${intent}`);
        (phrases ?? []).forEach((phrase, i) => {
          const tokens = classifier.tokensOf(maskTrainingPlaceholders(phrase));
          examples.push({ tokens, label });
          const augmented = withIdentifier(tokens, INTENTS[label], i);
          if (augmented) examples.push({ tokens: augmented, label });
        });
      }
    }
    classifier.learn(examples);
    return classifier;
  }

  /**
   * `expecting` is what the chat asked for last ("order" number, or "contact" email/postcode): it settles what a
   * bare number is.
   */
  classify(text: string, locale?: string, expecting?: 'order' | 'contact'): Classification {
    const spans = findEntitySpans(text, { orderNumberPattern: this.orderNumberPattern, expecting });
    const entities = entitiesFromSpans(spans);
    const masked = maskEntities(text, spans);
    const localeLanguage = locale?.slice(0, 2).toLowerCase();
    const fallback = CHAT_LANGUAGES.find((l) => l === localeLanguage) ?? 'en';
    const language = scoreLanguages(masked.replace(/\bzz\w+/g, ' ')).best ?? fallback;

    const whole = this.classifySegment(masked);
    const ranked = INTENTS.map((intent, i) => ({ intent, confidence: whole.probabilities[i] }))
      .filter((s) => s.intent !== whole.intent)
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, 2)
      .filter((s) => s.confidence >= 0.05)
      .map((s) => ({ intent: s.intent, confidence: round(s.confidence) }));
    const base: Classification = {
      intent: whole.intent,
      confidence: round(whole.confidence),
      language,
      entities,
    };
    if (ranked.length > 0) base.secondary = ranked;

    const requests = this.requestsBySegment(masked);
    const inScope = requests.filter((r) => !isOutOfScope(r.intent));
    if (inScope.length === 0) {
      const also = unique(requests.map((r) => r.intent)).filter((i) => group(i) !== group(whole.intent));
      return also.length > 0 && !NON_REQUESTS.has(whole.intent) ? { ...base, also } : base;
    }
    // Several clear requests: the first one read leads, as the shopper ordered them. Otherwise the whole
    // message is the better judge, and clauses only lead when the whole reads as something else (a
    // look-alike veto, a greeting) yet one clause is a clear request.
    const wholeIsRequest = !isOutOfScope(whole.intent) && !NON_REQUESTS.has(whole.intent);
    const clear = inScope.filter((r) => r.confidence >= CLEAR_CLAUSE);
    const severalRequests =
      new Set(clear.map((r) => group(r.intent))).size > 1 &&
      clear.some((r) => group(r.intent) === group(whole.intent));
    const lead = severalRequests ? clear[0] : wholeIsRequest ? whole : inScope[0];
    const primary = group(lead.intent) === group(whole.intent) ? whole : lead;
    const also = unique(requests.map((r) => r.intent)).filter(
      (i, _, all) => group(i) !== group(primary.intent) && all.find((j) => group(j) === group(i)) === i,
    );
    const result: Classification = { ...base, intent: primary.intent, confidence: round(primary.confidence) };
    if (primary !== whole) result.secondary = [{ intent: whole.intent, confidence: round(whole.confidence) }];
    if (also.length > 0) result.also = also;
    return result;
  }

  /** Confident requests found in each sentence or clause, in reading order (only when there are several). */
  private requestsBySegment(masked: string): ScoredIntent[] {
    const segments = masked
      .split(SENTENCE_BREAK)
      .flatMap((s) => foldText(s).split(CONNECTOR_BREAK))
      .map((s) => s.trim())
      .filter((s) => /[a-z]/.test(s));
    if (segments.length < 2) return [];
    return segments
      .map((s) => this.classifySegment(s))
      .filter((r) => !NON_REQUESTS.has(r.intent) && r.confidence >= CONFIDENCE_THRESHOLD);
  }

  private classifySegment(maskedText: string): SegmentResult {
    const folded = foldText(maskedText);
    const tokens = tokenize(folded);
    const probabilities = new Float64Array(INTENTS.length);
    const only = (intent: Intent, confidence: number): SegmentResult => {
      const i = INTENTS.indexOf(intent);
      probabilities.fill((1 - confidence) / (INTENTS.length - 1));
      probabilities[i] = confidence;
      return { intent, confidence, probabilities };
    };

    if (!tokens.some((t) => /[a-z]/.test(t))) return only('out_of_scope', 0.2);
    const placeholders = tokens.filter((t) => PLACEHOLDER_TOKENS.has(t));
    if (placeholders.length > 0 && tokens.every((t) => PLACEHOLDER_TOKENS.has(t) || FILLER.has(t))) {
      return only('provide_details', 0.95);
    }

    probabilities.set(this.predict(tokens));
    const topic = outOfScopeTopic(folded);
    const vetoed: Intent[] = [];
    if (topic && (!SHIPMENT_ANCHOR.test(folded) || MONEY_BACK.test(folded))) vetoed.push(...TRACKING_INTENTS);
    if (NOT_AN_ORDER.test(folded) && !/\b(?:order|pedido|orden|compra|commande|bestellung)\b/.test(folded)) {
      vetoed.push('cancel_order', 'change_address');
    }
    if (vetoed.length > 0) {
      for (const intent of vetoed) probabilities[INTENTS.indexOf(intent)] = 0;
      const total = probabilities.reduce((a, b) => a + b, 0);
      for (let i = 0; i < probabilities.length; i++) probabilities[i] /= total;
      const best = argmax(probabilities);
      if (isOutOfScope(INTENTS[best])) {
        // The look-alike words are precise: once they decide, they also name the kind, with confidence.
        const intent = topic ?? INTENTS[best];
        let family = 0;
        for (const i of OUT_OF_SCOPE_INTENTS) family += probabilities[INTENTS.indexOf(i)];
        return { intent, confidence: Math.max(family, 0.85), probabilities };
      }
    }
    const best = argmax(probabilities);
    return { intent: INTENTS[best], confidence: probabilities[best], probabilities };
  }

  private tokensOf(text: string): string[] {
    return tokenize(foldText(text));
  }

  private vectorize(tokens: string[], grow: boolean): SparseVector {
    const { words, chars } = featureNames(tokens);
    const entries = new Map<number, number>();
    const addBlock = (names: string[], weight: number): void => {
      const counts = new Map<number, number>();
      for (const name of names) {
        let id = this.vocabulary.get(name);
        if (id === undefined) {
          if (!grow) continue;
          id = this.vocabulary.size;
          this.vocabulary.set(name, id);
        }
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      let norm = 0;
      const block: [number, number][] = [];
      for (const [id, count] of counts) {
        const v = (1 + Math.log(count)) * (grow ? 1 : (this.idf[id] ?? 1));
        block.push([id, v]);
        norm += v * v;
      }
      norm = Math.sqrt(norm) || 1;
      for (const [id, v] of block) entries.set(id, (entries.get(id) ?? 0) + (weight * v) / norm);
    };
    addBlock(words, 1);
    addBlock(chars, CHAR_BLOCK_WEIGHT);
    const index = Int32Array.from(entries.keys());
    const value = Float64Array.from(entries.values());
    return { index, value };
  }

  /**
   * The same vector as `vectorize(tokens, false)`, built for speed on the chat's hot path (issue 18: a first turn
   * in well under a millisecond): each token's character n-grams are looked up once and cached as vocabulary
   * ids, and counting sorts ids instead of filling maps.
   */
  private vectorizeKnown(tokens: string[]): SparseVector {
    const wordIds: number[] = [];
    const charIds: number[] = [];
    const known = (name: string, into: number[]): void => {
      const id = this.vocabulary.get(name);
      if (id !== undefined) into.push(id);
    };
    for (let i = 0; i < tokens.length; i++) {
      known(`w:${tokens[i]}`, wordIds);
      if (i + 1 < tokens.length) known(`b:${tokens[i]}_${tokens[i + 1]}`, wordIds);
      if (PLACEHOLDER_TOKENS.has(tokens[i]) || tokens[i] === 'zznum') continue;
      for (const id of this.charIdsOf(tokens[i])) charIds.push(id);
    }
    if (tokens.length === 1) known(`b:^${tokens[0]}$`, wordIds);
    const index: number[] = [];
    const value: number[] = [];
    const block = (ids: number[], weight: number): void => {
      ids.sort((a, b) => a - b);
      const start = index.length;
      let norm = 0;
      for (let i = 0; i < ids.length;) {
        let j = i;
        while (j < ids.length && ids[j] === ids[i]) j++;
        const v = (1 + Math.log(j - i)) * (this.idf[ids[i]] ?? 1);
        index.push(ids[i]);
        value.push(v);
        norm += v * v;
        i = j;
      }
      norm = Math.sqrt(norm) || 1;
      for (let k = start; k < value.length; k++) value[k] = (weight * value[k]) / norm;
    };
    block(wordIds, 1);
    block(charIds, CHAR_BLOCK_WEIGHT);
    return { index: Int32Array.from(index), value: Float64Array.from(value) };
  }

  /** Vocabulary ids of a token's character 3–5-grams (with repeats), cached: shoppers reuse the same words. */
  private charIdsOf(token: string): Int32Array {
    let ids = this.charCache.get(token);
    if (ids) return ids;
    const found: number[] = [];
    const padded = ` ${token} `;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) {
        const id = this.vocabulary.get(`c:${padded.slice(j, j + n)}`);
        if (id !== undefined) found.push(id);
      }
    }
    ids = Int32Array.from(found);
    // Bounded: a stream of random words must not grow the cache without limit.
    if (this.charCache.size >= CHAR_CACHE_SIZE) this.charCache.clear();
    this.charCache.set(token, ids);
    return ids;
  }

  private learn(examples: { tokens: string[]; label: number }[]): void {
    // First pass builds the vocabulary and document frequencies, second pass the IDF-weighted vectors.
    const df = new Map<number, number>();
    for (const ex of examples) {
      for (const id of this.vectorize(ex.tokens, true).index) df.set(id, (df.get(id) ?? 0) + 1);
    }
    const n = examples.length;
    this.idf = new Float64Array(this.vocabulary.size);
    for (const [id, count] of df) this.idf[id] = Math.log((1 + n) / (1 + count)) + 1;
    const data = examples.map((ex) => ({ x: this.vectorize(ex.tokens, false), y: ex.label }));

    const classes = INTENTS.length;
    this.weights = new Float64Array(this.vocabulary.size * classes);
    const random = mulberry32(42);
    const order = data.map((_, i) => i);
    const scores = new Float64Array(classes);
    let step = 0;
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const k of order) {
        const { x, y } = data[k];
        const rate = LEARNING_RATE / (1 + step++ / data.length);
        this.scoresInto(x, scores);
        softmaxInPlace(scores);
        for (let c = 0; c < classes; c++) {
          const gradient = scores[c] - (c === y ? 1 : 0);
          this.bias[c] -= rate * gradient * 0.1;
          for (let f = 0; f < x.index.length; f++) {
            const w = x.index[f] * classes + c;
            this.weights[w] -= rate * (gradient * x.value[f] + L2 * this.weights[w]);
          }
        }
      }
    }
  }

  private scoresInto(x: SparseVector, out: Float64Array): void {
    const classes = INTENTS.length;
    for (let c = 0; c < classes; c++) {
      let s = this.bias[c];
      for (let f = 0; f < x.index.length; f++) s += this.weights[x.index[f] * classes + c] * x.value[f];
      out[c] = s;
    }
  }

  private predict(tokens: string[]): Float64Array {
    const scores = new Float64Array(INTENTS.length);
    this.scoresInto(this.vectorizeKnown(tokens), scores);
    softmaxInPlace(scores);
    return scores;
  }
}

/**
 * Shoppers paste identifiers into every kind of request ("where is #1042"), but the phrase files mostly
 * show them in provide_details. Copying some request phrases with an identifier added keeps the model from
 * reading "has an order number" as "is only giving details".
 */
function withIdentifier(tokens: string[], intent: Intent, i: number): string[] | undefined {
  if (NON_REQUESTS.has(intent) || tokens.some((t) => PLACEHOLDER_TOKENS.has(t)) || i % 2 === 1)
    return undefined;
  const identifier =
    i % 4 === 0 ? PLACEHOLDERS.order : i % 8 === 2 ? PLACEHOLDERS.email : PLACEHOLDERS.tracking;
  return i % 3 === 0 ? [identifier, ...tokens] : [...tokens, identifier];
}

function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (const x of v) max = Math.max(max, x);
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i] - max);
    sum += v[i];
  }
  for (let i = 0; i < v.length; i++) v[i] /= sum;
}

function argmax(v: Float64Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

function group(intent: Intent): string {
  return TRACKING_INTENTS.has(intent) ? 'parcel_status' : intent;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
