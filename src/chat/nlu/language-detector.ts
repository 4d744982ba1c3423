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
      'pedí compra envíos hacen tienen mandar tengo estoy hay muy sin sobre vez bueno',
  ),
  fr: weights(
    'le les des une du au aux et ou sur dans ce ça qui est',
    "je j'ai ne pas où mon ma mes commande colis livraison livré livrée bonjour bonsoir salut merci quand avec " +
      "pour vous votre vos suis reçu reçue toujours adresse annuler parler n'ai n'est c'est qu'il d'accord " +
      'remboursement remboursé rembourser facture compte mot passe paiement débité prélevé taille produit ' +
      'arrive arrivé arrivée quoi pourquoi voudrais veux peux pouvez combien encore déjà rien aucun ' +
      "suivi transporteur livreur humain conseiller l'adresse d'un d'une retour retourner argent oui " +
      'avant samedi dimanche lundi mardi mercredi jeudi vendredi avis passage alors passez mettez client ' +
      "quelqu'un faire très bien vraiment j'étais moi votre",
  ),
  de: weights(
    'der das und mit',
    'ich nicht wo ist mein meine meinen meiner die bestellung paket lieferung geliefert hallo danke wann ' +
      'für sie noch adresse stornieren sprechen bitte kommt bekomme habe wurde wird steht warum wieso ' +
      'zugestellt sendung sendungsnummer bestellnummer rechnung geld zurück erstattung rückerstattung ' +
      'konto passwort zahlung abgebucht größe schon immer kein keine nichts mir mich können kann möchte ' +
      'ändern umleiten mitarbeiter mensch guten tag morgen abend vielen dank tschüss ja nein gibt auf ' +
      'ein eine einen heute morgen paketdienst bote fahrer packstation zoll verloren kaputt beschädigt ' +
      'tage dauert viele will echten kurze frage alles klar ach verstehe gut plz jemand anderem abgegeben ' +
      'reden haben von',
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
  // One distinctive word ("d'accord", "Bestellung") is enough when nothing speaks for another language.
  const margin =
    (first === 'fr' || first === 'de') && scores[first] < 2 ? 2 : first === 'fr' || first === 'de' ? 1 : 0.5;
  const best = scores[first] > 0 && scores[first] - scores[second] >= margin ? first : undefined;
  return { scores, best };
}

/**
 * The message's language, or `fallback` when the text carries no evidence (an order number, "ok", "?").
 * The chat understands and answers all four languages.
 */
export function detectLanguage(text: string, fallback: ChatLanguage = 'en'): ChatLanguage {
  return scoreLanguages(text).best ?? fallback;
}
