/**
 * Turns a chat message into the token stream the intent classifier learns from: entities replaced by
 * placeholders, lower case, accents and apostrophes dropped, chat shorthand expanded, bare numbers folded.
 */
import { EntityKind, EntitySpan } from './entity-extractor';

/** Placeholder tokens: unlikely words, so "email" the word and an email address stay different features. */
export const PLACEHOLDERS: Record<EntityKind, string> = {
  order: 'zzorder',
  tracking: 'zztrack',
  email: 'zzemail',
  postcode: 'zzpostcode',
  phone: 'zzphone',
};
export const PLACEHOLDER_TOKENS = new Set(Object.values(PLACEHOLDERS));

/** How the training files write placeholders; only training text is rewritten this way. */
const TRAINING_PLACEHOLDERS: [RegExp, string][] = [
  [/#?ORDERNUM/g, PLACEHOLDERS.order],
  [/TRACKNUM/g, PLACEHOLDERS.tracking],
  [/EMAIL/g, PLACEHOLDERS.email],
  [/POSTCODE/g, PLACEHOLDERS.postcode],
  [/PHONE/g, PLACEHOLDERS.phone],
];

/** Chat shorthand that character n-grams cannot bridge because the words share too few letters. */
const SHORTHAND = new Map<string, string[]>([
  ['u', ['you']],
  ['ur', ['your']],
  ['r', ['are']],
  ['pls', ['please']],
  ['plz', ['please']],
  ['pkg', ['package']],
  ['pckg', ['package']],
  ['thx', ['thanks']],
  ['thnx', ['thanks']],
  ['thanx', ['thanks']],
  ['tnx', ['thanks']],
  ['tks', ['thanks']],
  ['ty', ['thank', 'you']],
  ['tysm', ['thank', 'you', 'so', 'much']],
  ['tyvm', ['thank', 'you', 'very', 'much']],
  ['grax', ['gracias']],
  ['grcs', ['gracias']],
  ['grasias', ['gracias']],
  ['wheres', ['where', 'is']],
  ['whats', ['what', 'is']],
  ['whens', ['when', 'is']],
  ['wen', ['when']],
  ['wat', ['what']],
  ['wut', ['what']],
  ['cuz', ['because']],
  ['q', ['que']],
  ['k', ['que']],
  ['xq', ['porque']],
  ['pq', ['porque']],
  ['dnd', ['donde']],
  ['tb', ['tambien']],
  ['tmb', ['tambien']],
  ['xfa', ['por', 'favor']],
  ['porfa', ['por', 'favor']],
  ['x', ['por']],
]);

export function maskEntities(text: string, spans: EntitySpan[]): string {
  let out = text;
  for (const span of [...spans].sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, span.start)} ${PLACEHOLDERS[span.kind]} ${out.slice(span.end)}`;
  }
  return out;
}

export function maskTrainingPlaceholders(phrase: string): string {
  return TRAINING_PLACEHOLDERS.reduce((s, [re, token]) => s.replace(re, ` ${token} `), phrase);
}

/** Lower case, no accents, no apostrophes, letters and digits only, single spaces. */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/[’'`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function tokenize(folded: string): string[] {
  const tokens: string[] = [];
  for (const raw of folded.split(' ')) {
    if (!raw) continue;
    if (/^\d+$/.test(raw)) {
      tokens.push('zznum');
      continue;
    }
    const expanded = SHORTHAND.get(raw);
    if (expanded) tokens.push(...expanded);
    else tokens.push(raw);
  }
  return tokens;
}
