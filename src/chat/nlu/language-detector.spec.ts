import { detectLanguage } from './language-detector';

describe('detectLanguage', () => {
  it.each([
    ['where is my package', 'en'],
    ['wheres my pakage??', 'en'],
    ['it says delivered but its not here', 'en'],
    ['dónde está mi pedido', 'es'],
    ['donde esta mi paquete', 'es'],
    ['quiero hablar con una persona', 'es'],
    ['hola', 'es'],
    ['holaaa', 'es'],
    ['gracias', 'es'],
    ['cuándo llega?', 'es'],
    ['me puede llamar alguien?', 'es'],
    ['où est mon colis', 'fr'],
    ['wo ist mein paket', 'de'],
    ['Wo ist meine Bestellung?', 'de'],
    ['Wann kommt mein Paket?', 'de'],
    ['danke schön', 'de'],
    ["je n'ai pas reçu ma commande", 'fr'],
    ['quand est-ce que je serai remboursé', 'fr'],
    ["ok d'accord", 'fr'],
    ['merci beaucoup', 'fr'],
  ])('%s → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('falls back when the text carries no evidence', () => {
    expect(detectLanguage('#1042')).toBe('en');
    expect(detectLanguage('#1042', 'es')).toBe('es');
    expect(detectLanguage('?', 'es')).toBe('es');
  });
});
