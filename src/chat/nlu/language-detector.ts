/**
 * Guesses the language of a chat message from function words and spelling marks. Chat messages are short and
 * full of order numbers, so this counts evidence and falls back to a default (the storefront locale, or
 * English) when there is none, rather than guessing from letter statistics.
 */

export const CHAT_LANGUAGES = ['en', 'es', 'fr', 'de'] as const;
export type ChatLanguage = (typeof CHAT_LANGUAGES)[number];

const WORDS: Record<ChatLanguage, Map<string, number>> = {
  en: weights(
    "the my is it where when what why how you your i im i'm me to and of it's its was not this that with have has " +
      'will can could would please pls plz hi hello hey thanks thank thx order package parcel arrive arrived ' +
      "delivered yet still get got did didnt don't dont no yes ok okay want need change cancel address talk " +
      'person human agent tracking number email there here been today tomorrow week day days',
    'wheres whats hasnt havent isnt wasnt doesnt shipping shipped stuff ur u',
  ),
  es: weights(
    'el la los las de del que mi mis es está esta y por para un una con no se lo le al pero como cuando ' +
      'donde gracias quiero puedo pedido paquete envío envio llegó llego llega dirección direccion ' +
      'cancelar hablar persona agente número numero correo ya todavía todavia aún aun hoy mañana semana días dias',
    'hola dónde cuándo qué cómo llegado entregado recibido buenas buenos necesito ayuda favor vale pq xq q tb ' +
      'nada sigue todo porque también tambien mío mio usted ustedes nadie puede pueden alguien llamar código codigo ' +
      'pedí compra envíos hacen tienen mandar tengo estoy hay muy sin sobre vez',
  ),
  fr: weights(
    '',
    'je ne pas où est mon ma mes le les des une commande colis livraison livré bonjour merci quand avec pour ' +
      'vous votre suis reçu toujours adresse annuler parler',
  ),
  de: weights(
    '',
    'ich nicht wo ist mein meine meinen der die das und bestellung paket lieferung geliefert hallo danke wann ' +
      'mit für sie noch adresse stornieren sprechen bitte',
  ),
};

function weights(common: string, distinctive: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of common.split(/\s+/).filter(Boolean)) out.set(w, 1);
  for (const w of distinctive.split(/\s+/).filter(Boolean)) out.set(w, 2);
  return out;
}

export interface LanguageScores {
  scores: Record<ChatLanguage, number>;
  best: ChatLanguage | undefined;
}

export function scoreLanguages(text: string): LanguageScores {
  const lower = text.toLowerCase();
  const scores: Record<ChatLanguage, number> = { en: 0, es: 0, fr: 0, de: 0 };
  if (/[ñ¿¡]/.test(lower)) scores.es += 3;
  if (/^\s*h?o+la+\b/.test(lower)) scores.es += 2;
  if (/[áíóú]/.test(lower)) scores.es += 1.5;
  if (/[àâèêëîïôûùç]|œ/.test(lower)) scores.fr += 2;
  if (/[äöüß]/.test(lower)) scores.de += 2;
  const tokens = lower.match(/[a-záéíóúñüàâèêëîïôûùçäöß']+/g) ?? [];
  for (const token of tokens) {
    for (const lang of Object.keys(WORDS) as ChatLanguage[]) {
      scores[lang] += WORDS[lang].get(token) ?? 0;
    }
  }
  const ranked = (Object.keys(scores) as ChatLanguage[]).sort((a, b) => scores[b] - scores[a]);
  const [first, second] = ranked;
  // fr and de share many short words with es/en; demand a clear lead before choosing them.
  const margin = first === 'fr' || first === 'de' ? 2 : 0.5;
  const best = scores[first] > 0 && scores[first] - scores[second] >= margin ? first : undefined;
  return { scores, best };
}

/**
 * The message's language, or `fallback` when the text carries no evidence (an order number, "ok", "?").
 * English and Spanish are the languages the chat understands; French and German are recognised so a reply
 * can at least be in the right language.
 */
export function detectLanguage(text: string, fallback: ChatLanguage = 'en'): ChatLanguage {
  return scoreLanguages(text).best ?? fallback;
}
