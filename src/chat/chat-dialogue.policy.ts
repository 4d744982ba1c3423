/**
 * The chat's dialogue decisions, as pure functions: what the bot does with one classified message given what the
 * conversation already knows. No database, no templates, no clock; ChatService does the I/O around them
 * (verification, the order's shipments, wording), the way the notification policy decides and the planner writes.
 *
 * A turn is decided in two steps because verification sits between them: `openTurn` settles everything that
 * needs no order data (not understood, hand-off, out of scope, "did you mean…", whether to take details), and
 * `closeTurn` picks the answer once the details were checked.
 */
import type { Classification, Intent } from './nlu/intent-classifier';
import { isOutOfScope, TRACKING_INTENTS } from './nlu/intent-classifier';

/** Below this the chat asks the shopper to rephrase rather than act on the intent. */
export const DIALOGUE_CONFIDENCE = 0.5;
/** Low-confidence turns in a row that hand the conversation to a person. */
export const LOW_CONFIDENCE_HANDOFF_TURNS = 2;
/**
 * A tracking reading this close to an out-of-scope one (or the other way round) is a coin toss: ask instead of
 * showing tracking to someone who asked about their refund.
 */
export const CLARIFY_MARGIN = 0.4;
/** Runner-ups below this share of the probability are noise, not a second reading. */
const CLARIFY_FLOOR = 0.12;

export type OutOfScopeIntent =
  'refund_return' | 'payment' | 'account' | 'product' | 'invoice' | 'out_of_scope';

/** What the conversation knows before this turn. */
export interface DialogueState {
  /** The session has an order it may talk about (verified, or the customer's own by token or phone). */
  hasOrder: boolean;
  /** The session knows the customer (verified by details, token or phone). */
  hasCustomer: boolean;
  lowConfidenceStreak: number;
  /** What the shopper asked before we had to verify them. */
  pendingIntent?: Intent;
}

export type Opening =
  | { kind: 'not_understood'; lowConfidenceStreak: number }
  | { kind: 'handoff'; reason: 'low_confidence' | 'requested'; lowConfidenceStreak: number }
  | { kind: 'out_of_scope'; topic: OutOfScopeIntent; lowConfidenceStreak: number }
  | { kind: 'clarify'; topic: OutOfScopeIntent; lowConfidenceStreak: number }
  | {
      kind: 'proceed';
      intent: Intent;
      /** The message carries an order or tracking number, or proof that still has to be checked. */
      takeDetails: boolean;
      /** Remember this request until the shopper is verified. */
      rememberIntent?: Intent;
      /** "what about the other parcel?" */
      otherParcel: boolean;
      extras: Intent[];
      lowConfidenceStreak: number;
    };

/** "what about the other parcel?" in the four chat languages; the classifier has no intent for follow-ups. */
const OTHER_PARCEL =
  /\b(other|another|second|remaining|rest)\b.*\b(parcel|package|shipment|box|one|item)s?\b|\b(otro|otra)\b.*\b(paquete|envio|envío|caja)\b|\bautres?\b.*\b(colis|paquet|envoi)\b|\b(andere|anderen|zweite)\b.*\b(paket|sendung)\b/i;
/**
 * Words about a parcel's state ("it says returned?? why"): in a conversation that already has its order, a
 * message this short is about that order even when the classifier is unsure.
 */
const STATUS_WORDS =
  /\b(returned|delivered|lost|stuck|delayed|exception|customs|attempt\w*|pickup|devuelto|entregado|perdido|retrasado|aduana|retourn\w*|livr\w*|perdu|bloqu\w*|douane|zur[uü]ck\w*|zugestellt|verloren|versp[aä]tet|zoll|retoure)\b/i;

const NEEDS_ORDER = new Set<Intent>([
  ...TRACKING_INTENTS,
  'provide_details',
  'change_address',
  'cancel_order',
]);
const ORDER_REQUESTS = new Set<Intent>(['change_address', 'cancel_order']);

function outOfScope(intent: Intent): OutOfScopeIntent | undefined {
  return isOutOfScope(intent) ? (intent as OutOfScopeIntent) : undefined;
}

/** The out-of-scope kind a close runner-up names, when the lead is tracking (or the other way round). */
function coinToss(c: Classification): OutOfScopeIntent | undefined {
  const second = c.secondary?.[0];
  if (!second || second.confidence < CLARIFY_FLOOR || c.confidence - second.confidence >= CLARIFY_MARGIN)
    return undefined;
  // Two requests in two clauses ("when will it arrive, and when do I get my refund") are both answered.
  if (c.also?.includes(second.intent)) return undefined;
  if (TRACKING_INTENTS.has(c.intent)) return outOfScope(second.intent);
  if (TRACKING_INTENTS.has(second.intent)) return outOfScope(c.intent);
  return undefined;
}

export function openTurn(state: DialogueState, c: Classification, message: string): Opening {
  const e = c.entities;
  const hasIdentifier = e.orderNumbers.length > 0 || e.trackingNumbers.length > 0;
  const hasProof = e.emails.length > 0 || e.postcodes.length > 0;
  const otherParcel = state.hasOrder && OTHER_PARCEL.test(message);
  // Proof again after verification ("re-sending the email") is not a new order: keep the one we have.
  const takeDetails = hasIdentifier || (hasProof && !state.hasOrder);
  let intent: Intent = otherParcel ? 'track_order' : c.intent;
  let confident = otherParcel || c.confidence >= DIALOGUE_CONFIDENCE || takeDetails;
  const aboutTheOrder =
    state.hasOrder &&
    STATUS_WORDS.test(message) &&
    !(isOutOfScope(c.intent) && c.confidence >= DIALOGUE_CONFIDENCE);
  if (!confident && aboutTheOrder) {
    // "it says returned?? why": about the order we are already discussing.
    intent = 'delivery_problem';
    confident = true;
  }
  // Torn between a parcel and money (or account, product…): ask rather than guess, and never guess tracking.
  if (!otherParcel && !hasIdentifier && !aboutTheOrder) {
    const toss = coinToss(c);
    if (toss) return { kind: 'clarify', topic: toss, lowConfidenceStreak: 0 };
  }
  if (!confident) {
    const streak = state.lowConfidenceStreak + 1;
    if (streak >= LOW_CONFIDENCE_HANDOFF_TURNS)
      return { kind: 'handoff', reason: 'low_confidence', lowConfidenceStreak: 0 };
    return { kind: 'not_understood', lowConfidenceStreak: streak };
  }

  // Never tracking for a non-tracking question, even one that names an order ("invoice for order 4410").
  const topic = outOfScope(intent);
  if (topic) return { kind: 'out_of_scope', topic, lowConfidenceStreak: 0 };
  if (intent === 'human_agent') return { kind: 'handoff', reason: 'requested', lowConfidenceStreak: 0 };

  const extras = (c.also ?? []).filter(
    (extra) => extra !== intent && !(TRACKING_INTENTS.has(extra) && TRACKING_INTENTS.has(intent)),
  );
  return {
    kind: 'proceed',
    intent,
    takeDetails,
    rememberIntent:
      NEEDS_ORDER.has(intent) && intent !== 'provide_details' && !state.hasOrder ? intent : undefined,
    otherParcel,
    extras,
    lowConfidenceStreak: 0,
  };
}

export type Closing =
  | { kind: 'greeting' | 'thanks' | 'acknowledge' }
  | { kind: 'ask_details' | 'ask_identifier' }
  /** The customer is known but no order is chosen: use their latest order. */
  | { kind: 'latest_order'; intent: Intent }
  | { kind: 'answer'; intent: Intent };

/**
 * The answer once details were taken (or none were needed). `justVerified`: this very message completed a
 * verification, so the request asked before it is the one to answer.
 */
export function closeTurn(
  state: DialogueState,
  intent: Intent,
  justVerified: boolean,
  hadDetails = false,
): Closing {
  let final = intent;
  if (justVerified && (intent === 'provide_details' || !NEEDS_ORDER.has(intent)))
    final = state.pendingIntent ?? 'track_order';
  // Details sent again to a conversation that already has its order: answer about that order.
  if (final === 'provide_details' && state.hasOrder && (hadDetails || !justVerified)) final = 'track_order';
  if (final === 'greeting' || final === 'thanks' || final === 'acknowledge') return { kind: final };
  if (!state.hasOrder) {
    if (state.hasCustomer) return { kind: 'latest_order', intent: answerable(final) };
    return { kind: 'ask_details' };
  }
  return { kind: 'answer', intent: answerable(final) };
}

/** Intents the order answer knows; anything else about a known order is a status question. */
function answerable(intent: Intent): Intent {
  return TRACKING_INTENTS.has(intent) || ORDER_REQUESTS.has(intent) ? intent : 'track_order';
}

/** How the extra requests of a message are answered, after the lead one. */
export type ExtraStep =
  { kind: 'order'; intent: Intent } | { kind: 'out_of_scope'; topic: OutOfScopeIntent } | { kind: 'handoff' };

export function extraSteps(lead: Intent, extras: Intent[], hasOrder: boolean): ExtraStep[] {
  const steps: ExtraStep[] = [];
  const seen = new Set<string>();
  for (const extra of extras) {
    const topic = outOfScope(extra);
    let step: ExtraStep | undefined;
    if (topic) step = { kind: 'out_of_scope', topic };
    else if (extra === 'human_agent') step = { kind: 'handoff' };
    else if (hasOrder && (ORDER_REQUESTS.has(extra) || TRACKING_INTENTS.has(extra)) && extra !== lead) {
      if (TRACKING_INTENTS.has(extra) && TRACKING_INTENTS.has(lead)) continue;
      step = { kind: 'order', intent: extra };
    }
    if (!step) continue;
    const key = step.kind === 'out_of_scope' ? step.topic : step.kind === 'order' ? step.intent : step.kind;
    if (seen.has(key)) continue;
    seen.add(key);
    steps.push(step);
  }
  return steps;
}
